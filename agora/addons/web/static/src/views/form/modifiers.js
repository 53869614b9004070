// Modifiers (`invisible`, `readonly`, `required`, `column_invisible`): Python
// expressions of the arch evaluated against the record's current values. No DOM.
import { evaluateBooleanExpr } from "../../core/pyeval.js";

const warned = new Set();

/** Evaluate a modifier expression; a broken expression counts as `fallback` (warned once). */
export function evalModifier(expr, scope, fallback = false) {
    if (expr === null || expr === undefined) return fallback;
    try {
        return evaluateBooleanExpr(expr, scope);
    } catch (error) {
        if (!warned.has(expr)) {
            warned.add(expr);
            console.warn(`Cannot evaluate modifier "${expr}": ${error.message}`);
        }
        return fallback;
    }
}

/**
 * The state of a <field> node: the arch's attribute wins over the field description
 * (readonly="0" makes a readonly field editable, like Odoo 17); `formReadonly` (a form
 * with edit="0", or a readonly parent x2many) forces read-only.
 */
export function fieldState(node, desc, scope, { formReadonly = false } = {}) {
    const attr = (name) => (node && node.getAttribute(name) !== null ? node.getAttribute(name) : null);
    const readonlyAttr = attr("readonly");
    const requiredAttr = attr("required");
    return {
        invisible: evalModifier(attr("invisible"), scope),
        readonly: formReadonly || (readonlyAttr !== null ? evalModifier(readonlyAttr, scope) : !!desc?.readonly),
        required: requiredAttr !== null ? evalModifier(requiredAttr, scope) : !!desc?.required,
    };
}

/** Is a value "empty" for a required check? (0 is a value; false/""/[] are not.) */
export function isEmpty(value, desc) {
    if (value === false || value === null || value === undefined || value === "") return true;
    if (Array.isArray(value)) return value.length === 0;
    if (desc?.type === "boolean") return false;
    return false;
}
