// The top bar: home (apps), the current app's menus, the company switcher and the user
// menu. Menus open their action through the action manager.

import {h, replaceContent} from "../core/dom.js";
import {getUserMenuItems} from "../core/registry.js";
import {session, setCompanies} from "../core/session.js";
import {openPasskeyDialog} from "./passkey_dialog.js";
import {openTotpDialog} from "./totp_dialog.js";

function closeOnOutsideClick(dropdown) {
    const listener = (event) => {
        if (!dropdown.contains(event.target)) {
            dropdown.classList.remove("ag-open");
            document.removeEventListener("click", listener, true);
        }
    };
    document.addEventListener("click", listener, true);
}

function dropdown(label, items, {className = "", align = "left"} = {}) {
    const menu = h("div", {class: `ag-dropdown-menu ag-align-${align}`, role: "menu"}, items);
    const element = h("div", {class: `ag-dropdown ${className}`},
        h("button", {type: "button", class: "ag-dropdown-toggle", "aria-haspopup": "true",
            onclick: () => {
                const open = element.classList.toggle("ag-open");
                if (open) {
                    closeOnOutsideClick(element);
                }
            }}, label),
        menu);
    menu.addEventListener("click", (event) => {
        if (event.target.closest(".ag-dropdown-item")) {
            element.classList.remove("ag-open");
        }
    });
    return element;
}

export class Navbar {
    constructor(menus, actionManager) {
        this.menus = menus;
        this.actionManager = actionManager;
        this.appSection = h("nav", {class: "ag-navbar-menus", "aria-label": "Application menu"});
        this.element = h("header", {class: "ag-navbar"},
            h("a", {class: "ag-navbar-home", href: "#", title: "Home",
                onclick: (event) => {
                    event.preventDefault();
                    this.actionManager.showHome();
                }}, h("span", {class: "ag-apps-icon", "aria-hidden": "true"}, "▦"), " ",
                h("span", {class: "ag-sr-only"}, "Home")),
            this.appSection,
            h("div", {class: "ag-navbar-right"},
                this.companySwitcher(),
                this.userMenu()));
        this.currentApp = null;
    }

    setApp(app, activeMenuId = null) {
        this.currentApp = app;
        if (!app) {
            replaceContent(this.appSection);
            return;
        }
        const entries = this.menus.children(app).map((menu) => this.menuEntry(menu, activeMenuId));
        replaceContent(this.appSection,
            h("a", {class: "ag-navbar-app", href: `#menu_id=${app.id}`,
                onclick: (event) => {
                    event.preventDefault();
                    this.actionManager.openMenu(app.id);
                }}, app.name),
            entries);
    }

    menuEntry(menu, activeMenuId) {
        const children = this.menus.children(menu);
        if (!children.length) {
            return h("a", {class: {"ag-navbar-item": true, "ag-active": menu.id === activeMenuId},
                href: `#menu_id=${menu.id}`, dataset: {menuId: menu.id},
                onclick: (event) => {
                    event.preventDefault();
                    this.actionManager.openMenu(menu.id);
                }}, menu.name);
        }
        const items = [];
        for (const child of children) {
            const grandChildren = this.menus.children(child);
            if (grandChildren.length) {
                items.push(h("div", {class: "ag-dropdown-header"}, child.name));
                for (const leaf of grandChildren) {
                    items.push(this.dropdownItem(leaf));
                }
            } else {
                items.push(this.dropdownItem(child));
            }
        }
        return dropdown(menu.name, items, {className: "ag-navbar-dropdown"});
    }

    dropdownItem(menu) {
        return h("a", {class: "ag-dropdown-item", role: "menuitem", href: `#menu_id=${menu.id}`,
            dataset: {menuId: menu.id},
            onclick: (event) => {
                event.preventDefault();
                this.actionManager.openMenu(menu.id);
            }}, menu.name);
    }

    companySwitcher() {
        const companies = Object.values(session.companies.allowed_companies || {});
        if (companies.length < 2) {
            return null;
        }
        const active = session.userContext.allowed_company_ids || [session.companies.current_company];
        const current = companies.find((company) => company.id === active[0]) || companies[0];
        const items = companies.map((company) => h("label", {class: "ag-dropdown-item ag-company-item"},
            h("input", {type: "checkbox", checked: active.includes(company.id),
                onchange: (event) => {
                    let ids = [...(session.userContext.allowed_company_ids || [])];
                    ids = event.target.checked ? [...ids, company.id] : ids.filter((id) => id !== company.id);
                    if (ids.length) {
                        this.switchCompanies(ids);
                    } else {
                        event.target.checked = true;  // at least one company stays active
                    }
                }}),
            h("a", {href: "#", onclick: (event) => {
                event.preventDefault();
                const ids = [company.id, ...active.filter((id) => id !== company.id)];
                this.switchCompanies(ids);
            }}, company.name)));
        return dropdown(current.name, items, {className: "ag-company-switcher", align: "right"});
    }

    async switchCompanies(ids) {
        if (!(await this.actionManager.canLeave())) {
            return;
        }
        setCompanies(ids);
        window.location.reload();
    }

    userMenu() {
        return dropdown(session.name || session.username, [
            h("div", {class: "ag-dropdown-header"}, session.username),
            h("a", {class: "ag-dropdown-item", href: "#", onclick: (event) => {
                event.preventDefault();
                this.actionManager.openPreferences();
            }}, "Preferences"),
            h("a", {class: "ag-dropdown-item ag-totp-menu", href: "#", onclick: (event) => {
                event.preventDefault();
                openTotpDialog();
            }}, "Two-factor authentication"),
            h("a", {class: "ag-dropdown-item ag-passkeys-menu", href: "#", onclick: (event) => {
                event.preventDefault();
                openPasskeyDialog();
            }}, "Passkeys"),
            ...getUserMenuItems().map((item) => h("a", {
                class: `ag-dropdown-item ${item.className || ""}`, href: item.href || "#",
                onclick: item.onClick ? (event) => {
                    event.preventDefault();
                    item.onClick();
                } : undefined}, item.label)),
            h("a", {class: "ag-dropdown-item ag-logout", href: "/web/session/logout",
                onclick: async (event) => {
                    event.preventDefault();
                    if (await this.actionManager.canLeave()) {
                        window.location.assign("/web/session/logout");
                    }
                }}, "Log out"),
        ], {className: "ag-user-menu", align: "right"});
    }
}
