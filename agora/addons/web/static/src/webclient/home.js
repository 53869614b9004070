// The home screen: one tile per app the user may open.

import {h, replaceContent} from "../core/dom.js";

export function showHomeScreen(element, menus, openMenu) {
    const tiles = menus.roots.map((app) => h("a", {class: "ag-app-tile", href: `#menu_id=${app.id}`,
        dataset: {menuId: app.id}, onclick: (event) => {
            event.preventDefault();
            openMenu(app.id);
        }},
        h("span", {class: "ag-app-icon", "aria-hidden": "true"}, (app.name || "?").slice(0, 1)),
        h("span", {class: "ag-app-name"}, app.name)));
    replaceContent(element, h("div", {class: "ag-home"},
        tiles.length ? h("div", {class: "ag-app-grid"}, tiles)
            : h("p", {class: "ag-empty"}, "No application is installed yet.")));
    document.title = "Agora";
}
