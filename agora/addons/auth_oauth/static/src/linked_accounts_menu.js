// "Linked accounts" in the user menu, next to Preferences: the page where users link
// their user to an identity provider account or remove the link (/auth_oauth/accounts).
// The web client has no registry of user-menu items yet, so the entry is added to the
// menu whenever the navbar (re)renders it.

const ITEM_CLASS = "ag-linked-accounts-menu";

function addItem(root) {
    const menu = root.querySelector(".ag-user-menu .ag-dropdown-menu");
    if (!menu || menu.querySelector(`.${ITEM_CLASS}`)) {
        return;
    }
    const item = document.createElement("a");
    item.className = `ag-dropdown-item ${ITEM_CLASS}`;
    item.href = "/auth_oauth/accounts";
    item.textContent = "Linked accounts";
    menu.insertBefore(item, menu.querySelector(".ag-logout"));
}

function watch() {
    const root = document.getElementById("agora-root") || document.body;
    addItem(root);
    new MutationObserver(() => addItem(root)).observe(root, {childList: true, subtree: true});
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch, {once: true});
} else {
    watch();
}
