// Building DOM without templates or innerHTML: text is always a text node, so data from
// the server can never become markup.

const PROPERTY_ATTRS = new Set(["value", "checked", "disabled", "selected", "indeterminate"]);

function appendChildren(element, children) {
    for (const child of children) {
        if (child === null || child === undefined || child === false) {
            continue;
        }
        if (Array.isArray(child)) {
            appendChildren(element, child);
        } else if (child instanceof Node) {
            element.appendChild(child);
        } else {
            element.appendChild(document.createTextNode(String(child)));
        }
    }
}

function classString(value) {
    if (typeof value === "string") {
        return value;
    }
    return Object.entries(value).filter(([, on]) => on).map(([name]) => name).join(" ");
}

/** An element with attributes, listeners (`on<event>`) and children. */
export function h(tag, attrs = {}, ...children) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
        if (value === null || value === undefined || value === false) {
            continue;
        }
        if (key.startsWith("on") && typeof value === "function") {
            element.addEventListener(key.slice(2).toLowerCase(), value);
        } else if (key === "class") {
            const names = classString(value);
            if (names) {
                element.className = names;
            }
        } else if (key === "dataset") {
            Object.assign(element.dataset, value);
        } else if (key === "style") {
            element.setAttribute("style", value);
        } else if (PROPERTY_ATTRS.has(key)) {
            element[key] = value;
            if (value === true) {
                element.setAttribute(key, "");
            } else if (key === "value") {
                element.setAttribute(key, String(value));
            }
        } else {
            element.setAttribute(key, value === true ? "" : String(value));
        }
    }
    appendChildren(element, children);
    return element;
}

/** An SVG element (createElementNS) with plain attributes and children. */
export function svg(tag, attrs = {}, ...children) {
    const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs || {})) {
        if (value === null || value === undefined || value === false) {
            continue;
        }
        if (key.startsWith("on") && typeof value === "function") {
            element.addEventListener(key.slice(2).toLowerCase(), value);
        } else {
            element.setAttribute(key, String(value));
        }
    }
    appendChildren(element, children);
    return element;
}

export function clear(element) {
    while (element.firstChild) {
        element.removeChild(element.firstChild);
    }
    return element;
}

export function replaceContent(element, ...children) {
    clear(element);
    appendChildren(element, children);
    return element;
}
