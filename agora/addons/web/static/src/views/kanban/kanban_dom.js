/**
 * DOM side of kanban cards: template vnodes → elements (through core/dom.js h(),
 * so text is never parsed as HTML) and `<field>` values inside a card.
 */
import { h } from "../../core/dom.js";
import { formatValue } from "../../core/format.js";

/** Turn a vnode from kanban_template.js into a DOM node. */
export function vnodeToDom(vnode) {
    if (vnode === null || vnode === undefined || vnode === false) {
        return document.createTextNode("");
    }
    if (typeof vnode === "string" || typeof vnode === "number") {
        return document.createTextNode(String(vnode));
    }
    if (vnode instanceof Node) {
        return vnode;
    }
    const attrs = {};
    for (const [name, value] of Object.entries(vnode.attrs || {})) {
        attrs[name] = value;
    }
    return h(vnode.tag, attrs, ...(vnode.children || []).map(vnodeToDom));
}

/**
 * A `<field name widget/>` of a card: many2one → its name, x2many with
 * many2many_tags → chips, other x2many → their names, scalars → formatValue.
 */
export function renderFieldValue(value, field, attrs = {}) {
    if (!field) {
        return null;
    }
    const widget = attrs.widget || "";
    const cls = `ag-kanban-field ag-kanban-field-${field.type}`;
    if (attrs.invisible === "1" || attrs.invisible === "True") {
        return null;
    }
    if (field.type === "many2one") {
        return h("span", { class: cls, dataset: { name: field.name || "" } },
            value ? value.display_name || "" : "");
    }
    if (field.type === "many2many" || field.type === "one2many") {
        const items = Array.isArray(value) ? value : [];
        if (widget === "many2many_tags" || field.type === "many2many") {
            return h("span", { class: `${cls} ag-tags` }, items.map((item) => h("span",
                { class: "ag-tag" }, item && typeof item === "object" ? item.display_name || "" : String(item))));
        }
        return h("span", { class: cls }, items.map((item) => (item && typeof item === "object"
            ? item.display_name : String(item))).join(", "));
    }
    if (widget === "priority" && field.type === "selection") {
        // Stars: as many filled as the option's position.
        const options = field.selection || [];
        const index = options.findIndex(([key]) => key === value);
        return h("span", { class: `${cls} ag-priority`, title: index >= 0 ? options[index][1] : "" },
            options.slice(1).map((_o, i) => (i < index ? "★" : "☆")).join(""));
    }
    if (widget === "boolean" || field.type === "boolean") {
        return h("span", { class: cls }, value ? "✔" : "");
    }
    const text = value === false && field.type !== "integer" && field.type !== "float"
        && field.type !== "monetary" ? "" : formatValue(value, field);
    return h("span", { class: cls, dataset: { name: field.name || "" } }, text);
}
