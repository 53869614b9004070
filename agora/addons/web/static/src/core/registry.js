// View types known to the client: each views/<type>/<type>_view.js registers itself.

const views = new Map();

export function registerView(descriptor) {
    views.set(descriptor.type, descriptor);
}

export function getView(type) {
    return views.get(type === "tree" ? "list" : type);
}

export function viewTypes() {
    return [...views.keys()];
}

// Components addons contribute to the form view, by arch tag (mail registers "chatter"
// for `<chatter/>`). A component is `{mount(props) -> {el, update(props), destroy?()}}`;
// props are `{model, resId, env, fields, attrs, inDialog}`. The renderer mounts it at the first
// render and calls `update` each time the record is (re)loaded: after the first read, a
// save, a button, the pager, or a new record's defaults (resId false).
const formWidgets = new Map();

export function registerFormWidget(tag, component) {
    formWidgets.set(tag, component);
}

export function getFormWidget(tag) {
    return formWidgets.get(tag);
}

// Entries addons add to the user menu (before "Log out"): `{label, className, href}` to
// open a page, or `{label, className, onClick}` to run something. Addon modules run
// before main.js, so their entries exist when the navbar first renders.
const userMenuItems = [];

export function registerUserMenuItem(item) {
    userMenuItems.push(item);
}

export function getUserMenuItems() {
    return [...userMenuItems];
}
