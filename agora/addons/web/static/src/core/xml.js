// Archs arrive as XML strings; the views walk them as DOM elements.

export function parseArch(text) {
    const doc = new DOMParser().parseFromString(text, "text/xml");
    const error = doc.querySelector("parsererror");
    if (error) {
        throw new Error(`Invalid view architecture: ${error.textContent}`);
    }
    return doc.documentElement;
}

export function childElements(node) {
    return Array.from(node.children);
}

/** A boolean attribute as the archs write it: "1", "true", "True" or "0", "false". */
export function boolAttr(node, name, fallback = false) {
    if (!node.hasAttribute(name)) {
        return fallback;
    }
    const value = node.getAttribute(name).trim().toLowerCase();
    return !["0", "false", ""].includes(value);
}
