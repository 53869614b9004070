// Reads a <list> (or legacy <tree>) arch into plain column descriptions.
// Only the Element API is used (tagName, getAttribute, children), so no core import.

/** The element's children that are elements (XML documents have no `children` in old
 * engines, hence the fallback). */
function elementChildren(node) {
    if (node.children) {
        return Array.from(node.children);
    }
    return Array.from(node.childNodes || []).filter((n) => n.nodeType === 1);
}

function attr(node, name) {
    const value = node.getAttribute(name);
    return value === null ? null : value;
}

function readFieldNode(node) {
    return {
        kind: "field",
        name: attr(node, "name"),
        string: attr(node, "string"),
        widget: attr(node, "widget"),
        optional: attr(node, "optional"), // "show" | "hide" | null
        invisible: attr(node, "invisible"),
        columnInvisible: attr(node, "column_invisible"),
        readonly: attr(node, "readonly"),
        sum: attr(node, "sum"),
        avg: attr(node, "avg"),
        width: attr(node, "width"),
    };
}

function readButtonNode(node) {
    return {
        name: attr(node, "name"),
        type: attr(node, "type") || "object",
        string: attr(node, "string") || "",
        icon: attr(node, "icon"),
        title: attr(node, "title"),
        invisible: attr(node, "invisible"),
        context: attr(node, "context"),
        confirm: attr(node, "confirm"),
        className: attr(node, "class"),
    };
}

/**
 * {columns, options}: columns in arch order; consecutive <button>s share one column
 * (as they are drawn side by side in one cell). <header>, <control> and other nodes
 * are not rendered by this list.
 */
export function readListArch(arch) {
    const columns = [];
    let buttons = null;
    for (const node of elementChildren(arch)) {
        const tag = node.tagName.toLowerCase();
        if (tag === "field") {
            buttons = null;
            columns.push(readFieldNode(node));
        } else if (tag === "button") {
            if (!buttons) {
                buttons = { kind: "buttons", buttons: [] };
                columns.push(buttons);
            }
            buttons.buttons.push(readButtonNode(node));
        } else {
            buttons = null;
        }
    }
    const decorations = [];
    for (const name of arch.getAttributeNames ? arch.getAttributeNames() : []) {
        if (name.startsWith("decoration-")) {
            decorations.push({ name: name.slice("decoration-".length),
                expr: arch.getAttribute(name) });
        }
    }
    const limit = Number(arch.getAttribute("limit"));
    return {
        columns,
        options: {
            defaultOrder: arch.getAttribute("default_order") || "",
            create: !["0", "false", "False"].includes(arch.getAttribute("create")),
            delete: !["0", "false", "False"].includes(arch.getAttribute("delete")),
            editable: arch.getAttribute("editable") || null,
            limit: Number.isFinite(limit) && limit > 0 ? limit : null,
            decorations,
        },
    };
}
