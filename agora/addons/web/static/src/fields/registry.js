// Field widget registry: maps a `widget` attribute or a field type to a widget factory.
//
// A widget is a function `create(props) -> {el, update(props)}`:
//   props = {name, value, field, readonly, required, onChange(value), record, options,
//            attrs, env, models, spec, node}
//   - `value` is in the unity-read format (many2one {id, display_name} | false, x2many a
//     list of line objects, see views/form/record.js).
//   - `update(props)` is called after every change of the record; a widget must keep
//     focus/caret when its value did not change (it compares before touching the DOM).
// The registry wraps each widget in `.ag-field[data-name]` so views and tests can find
// fields regardless of the widget used.
import { h } from "../core/dom.js";

const widgets = new Map();

export function registerField(key, create) {
    widgets.set(key, create);
}

/** The widget for a field: the `widget` attr wins when known, else the field type. */
export function getFieldWidget(type, widgetAttr) {
    if (widgetAttr && widgets.has(widgetAttr)) {
        return widgets.get(widgetAttr);
    }
    return widgets.get(type) || widgets.get("char");
}

/**
 * Mount a field in its `.ag-field` wrapper. Returns {el, update(props), widget}.
 * The wrapper carries the state classes (readonly, required, invalid) so CSS and tests
 * do not depend on each widget's inner markup.
 */
export function mountField(props) {
    const create = getFieldWidget(props.field?.type, props.widget);
    const inner = create(props);
    const el = h("div", {
        class: `ag-field ag-field-${props.widget || props.field?.type || "char"}`,
        dataset: { name: props.name },
    }, inner.el);
    const applyState = (p) => {
        el.classList.toggle("ag-readonly", !!p.readonly);
        el.classList.toggle("ag-required", !!p.required);
        el.classList.toggle("ag-invalid", !!p.invalid);
    };
    applyState(props);
    return {
        el,
        widget: inner,
        update(p) {
            applyState(p);
            inner.update(p);
        },
        focus() {
            const target = el.querySelector("input, select, textarea");
            if (target) target.focus();
        },
    };
}

/** Parse the `options` attr (a python dict literal) leniently; JSON-ish fallback. */
export function parseOptions(text, evaluate) {
    if (!text) return {};
    try {
        const value = evaluate ? evaluate(text, {}) : null;
        if (value && typeof value === "object") return value;
    } catch (_e) {
        // fall through to the JSON attempt
    }
    try {
        return JSON.parse(text.replace(/'/g, '"').replace(/\bTrue\b/g, "true")
            .replace(/\bFalse\b/g, "false").replace(/\bNone\b/g, "null"));
    } catch (_e) {
        return {};
    }
}
