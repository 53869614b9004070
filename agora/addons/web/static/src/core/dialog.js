// Modal dialogs and notifications. Errors from the server are shown with their message;
// closing an error dialog never touches what the user typed.

import {h} from "./dom.js";

const ERROR_TITLES = {
    user: "User Error",
    validation: "Validation Error",
    access: "Access Error",
    missing: "Missing Record",
    session: "Session Expired",
    network: "Connection Lost",
    server: "Server Error",
};

let stack = [];

export function openDialog({title, body, buttons = [], size = "medium", onClose} = {}) {
    const close = () => {
        backdrop.remove();
        stack = stack.filter((entry) => entry !== handle);
        document.removeEventListener("keydown", onKey);
        onClose?.();
    };
    const onKey = (event) => {
        if (event.key === "Escape" && stack[stack.length - 1] === handle) {
            event.stopPropagation();
            close();
        }
    };
    const footer = buttons.length ? buttons : [{label: "Close", primary: true}];
    const element = h("div", {class: `ag-dialog ag-dialog-${size}`, role: "dialog",
        "aria-modal": "true", "aria-label": title},
        h("header", {class: "ag-dialog-header"},
            h("h2", {}, title),
            h("button", {class: "ag-dialog-close", type: "button", "aria-label": "Close",
                onclick: () => close()}, "×")),
        h("div", {class: "ag-dialog-body"}, body),
        h("footer", {class: "ag-dialog-footer"}, footer.map((button) =>
            h("button", {type: "button", class: button.primary ? "ag-btn ag-btn-primary" : "ag-btn",
                name: button.name, onclick: async () => {
                    const keepOpen = button.onClick ? await button.onClick() : false;
                    if (keepOpen !== true) {
                        close();
                    }
                }}, button.label))));
    const backdrop = h("div", {class: "ag-dialog-backdrop"}, element);
    document.body.appendChild(backdrop);
    document.addEventListener("keydown", onKey);
    const handle = {close, element};
    stack.push(handle);
    element.querySelector(".ag-btn-primary")?.focus();
    return handle;
}

export function showError(error) {
    const kind = error && error.kind ? error.kind : "server";
    const message = (error && error.message) || String(error);
    const body = h("div", {class: "ag-error-message"},
        message.split("\n").map((line) => h("p", {}, line)));
    const buttons = [{label: "Close", primary: true}];
    if (kind === "session") {
        buttons.unshift({label: "Log in again", primary: true,
            onClick: () => window.location.assign(`/web/login?redirect=${encodeURIComponent(location.pathname + location.hash)}`)});
    }
    return openDialog({title: ERROR_TITLES[kind] || ERROR_TITLES.server, body, buttons,
        size: "small"});
}

export function confirmDialog(message, {title = "Confirmation", confirmLabel = "Ok"} = {}) {
    return new Promise((resolve) => {
        let answered = false;
        openDialog({
            title, size: "small", body: h("p", {}, message),
            buttons: [
                {label: confirmLabel, primary: true, name: "confirm", onClick: () => {
                    answered = true;
                    resolve(true);
                }},
                {label: "Cancel", name: "cancel"},
            ],
            onClose: () => {
                if (!answered) {
                    resolve(false);
                }
            },
        });
    });
}

export function notify(message, {type = "info", sticky = false} = {}) {
    let area = document.querySelector(".ag-notifications");
    if (!area) {
        area = h("div", {class: "ag-notifications", "aria-live": "polite"});
        document.body.appendChild(area);
    }
    const note = h("div", {class: `ag-notification ag-notification-${type}`}, message,
        h("button", {type: "button", class: "ag-notification-close", onclick: () => note.remove()}, "×"));
    area.appendChild(note);
    if (!sticky) {
        setTimeout(() => note.remove(), 5000);
    }
    return note;
}

export const dialog = {showError, confirmDialog, openDialog, notify};
