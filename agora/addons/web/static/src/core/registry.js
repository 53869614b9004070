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
