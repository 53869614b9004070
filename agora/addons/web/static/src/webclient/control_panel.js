// The bar above a view: breadcrumbs, the New button, the search, the view switcher and
// two slots the view fills (its buttons and its pager).

import {h} from "../core/dom.js";
import {getView} from "../core/registry.js";

export function buildControlPanel({breadcrumbs, onBreadcrumb, showNew, onNew, viewTypes,
    currentType, onSwitchView}) {
    const crumbs = h("ol", {class: "ag-breadcrumbs", "aria-label": "Breadcrumb"},
        breadcrumbs.map((title, index) => {
            const last = index === breadcrumbs.length - 1;
            return h("li", {class: {"ag-breadcrumb": true, "ag-active": last}},
                last ? h("span", {class: "ag-breadcrumb-current"}, title)
                    : h("a", {href: "#", onclick: (event) => {
                        event.preventDefault();
                        onBreadcrumb(index);
                    }}, title));
        }));
    const buttons = h("div", {class: "ag-cp-buttons"});
    const viewButtons = h("div", {class: "ag-cp-view-buttons"});
    const search = h("div", {class: "ag-cp-search"});
    const pager = h("div", {class: "ag-cp-pager"});
    const switcher = viewTypes.length > 1 ? h("div", {class: "ag-view-switcher", role: "group",
        "aria-label": "Views"},
        viewTypes.map((type) => {
            const view = getView(type);
            return h("button", {type: "button", class: {"ag-switch": true, "ag-active": type === currentType},
                title: view ? view.display : type, dataset: {viewType: type},
                "aria-pressed": type === currentType ? "true" : "false",
                onclick: () => onSwitchView(type)},
                view ? view.icon || view.display : type);
        })) : null;
    const element = h("div", {class: "ag-control-panel"},
        h("div", {class: "ag-cp-top"}, crumbs, search),
        h("div", {class: "ag-cp-bottom"},
            h("div", {class: "ag-cp-left"},
                showNew ? h("button", {type: "button", class: "ag-btn ag-btn-primary ag-new",
                    onclick: onNew}, "New") : null,
                buttons, viewButtons),
            h("div", {class: "ag-cp-right"}, pager, switcher)));
    return {element, slots: {buttons: viewButtons, pager, search}};
}
