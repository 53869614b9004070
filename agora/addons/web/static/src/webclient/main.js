// Starts the client: registers the views, draws the navbar and opens what the URL says
// (or the home screen with the apps).

import {h, replaceContent} from "../core/dom.js";
import {showError} from "../core/dialog.js";
import {ActionManager} from "./action_manager.js";
import {Navbar} from "./navbar.js";
import {readHash, onNavigate} from "./router.js";
import {loadMenus} from "./menus.js";

// A view family failing to load must not take the whole client down.
const VIEW_MODULES = [
    "../views/list/list_view.js",
    "../views/form/form_view.js",
    "../views/kanban/kanban_view.js",
    "../views/pivot/pivot_view.js",
    "../views/graph/graph_view.js",
];

async function start() {
    const root = document.getElementById("agora-root");
    const results = await Promise.allSettled(VIEW_MODULES.map((path) => import(path)));
    results.forEach((result, index) => {
        if (result.status === "rejected") {
            console.error(`view module ${VIEW_MODULES[index]} failed to load`, result.reason);
        }
    });
    const menus = await loadMenus();
    const main = h("main", {class: "ag-main"});
    const actionManager = new ActionManager(main, menus);
    const navbar = new Navbar(menus, actionManager);
    actionManager.navbar = navbar;
    replaceContent(root, navbar.element, main);
    window.addEventListener("unhandledrejection", (event) => {
        event.preventDefault();
        showError(event.reason);
    });
    window.addEventListener("beforeunload", (event) => {
        if (actionManager.isDirty()) {
            event.preventDefault();
            event.returnValue = "";
        }
    });
    onNavigate((state) => actionManager.restore(state));
    await actionManager.restore(readHash());
    document.body.classList.add("ag-ready");
}

start().catch((error) => {
    console.error(error);
    showError(error);
});
