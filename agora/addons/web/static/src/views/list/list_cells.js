// The content of one list cell, per field type / widget.

import { h } from "../../core/dom.js";
import { formatValue } from "../../core/format.js";
import { isNumericField } from "./list_logic.js";

/** formatValue, but a formatting bug shows the raw value instead of breaking the list. */
export function safeFormat(value, field, options = {}) {
    try {
        return formatValue(value, field, options);
    } catch (error) {
        console.warn("list: cannot format", value, error);
        return value === false || value === null || value === undefined ? "" : String(value);
    }
}

function tags(values) {
    return h("div", { class: "ag-tags" }, (values || []).map((tag) => h("span", {
        class: "ag-tag", dataset: { id: String(tag.id) },
    }, tag.display_name ?? String(tag.id))));
}

function currencyOf(record, field) {
    const currency = field.currency_field ? record[field.currency_field] : null;
    return currency || null;
}

/** The children of the cell of `column` for `record` (string or elements). */
export function cellContent(record, column, field) {
    const value = record[column.name];
    const widget = column.widget;
    if (widget === "handle") {
        return h("span", { class: "ag-handle", "aria-hidden": "true" }, "⠿");
    }
    if (!field) {
        return value === false || value === null || value === undefined ? "" : String(value);
    }
    switch (field.type) {
        case "boolean":
            return h("input", { type: "checkbox", checked: Boolean(value), disabled: true,
                tabindex: "-1", "aria-label": field.string || column.name });
        case "many2one":
            return value ? (value.display_name ?? String(value.id)) : "";
        case "many2many":
        case "one2many":
            if (widget === "many2many_tags") {
                return tags(value);
            }
            return value && value.length ? `${value.length} record${value.length > 1 ? "s" : ""}`
                : "";
        default:
            break;
    }
    const text = safeFormat(value, field, { record, widget, currency: currencyOf(record, field) });
    if (widget === "badge" && text) {
        return h("span", { class: `ag-badge ag-badge-${String(value)}` }, text);
    }
    return text;
}

/** The css classes of a column's cells (numbers right-aligned). */
export function cellClass(column, field) {
    const classes = ["ag-cell"];
    if (column.kind === "buttons") {
        classes.push("ag-cell-buttons");
    } else if (column.widget === "handle") {
        classes.push("ag-cell-handle");
    } else if (isNumericField(field)) {
        classes.push("ag-num");
    } else if (field && field.type === "boolean") {
        classes.push("ag-cell-boolean");
    }
    return classes.join(" ");
}
