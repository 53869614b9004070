// Scalar field widgets: char, text, html, integer, float, monetary, boolean, date,
// datetime, selection, badge, handle.
//
// Text-like inputs commit on `change` (blur / Enter), never per keystroke, so one
// onchange RPC is made per edit. Each widget keeps its DOM when the value it shows did
// not change, so a re-evaluation of the whole form does not steal focus or the caret.
import { h, replaceContent } from "../core/dom.js";
import { registerField } from "./registry.js";
import {
    formatValue, parseValue, toInputDate, fromInputDate, toInputDateTime, fromInputDateTime,
    formatMonetary,
} from "./formatting.js";

/**
 * Generic input widget: `toText(value, props)` gives the editable text, `fromText(text,
 * props)` parses it back (may throw), `display(value, props)` is the read-only text.
 */
function inputWidget({ tag = "input", type = "text", toText, fromText, display, inputClass = "" }) {
    return function create(props) {
        const el = h("span", { class: "ag-field-widget" });
        let current = props;
        let mode = null; // "edit" | "read"
        let input = null;
        let shownText = null;

        const commit = () => {
            let value;
            try {
                value = fromText(input.value, current);
            } catch (error) {
                input.classList.add("ag-parse-error");
                input.title = error.message;
                return;
            }
            input.classList.remove("ag-parse-error");
            input.title = "";
            shownText = input.value;
            current.onChange(value);
        };

        const render = (p) => {
            const readonly = !!p.readonly;
            if (readonly) {
                const text = display(p.value, p);
                if (mode !== "read" || shownText !== text) {
                    replaceContent(el, h("span", { class: "ag-readonly-value" }, text));
                    mode = "read";
                    shownText = text;
                    input = null;
                }
                return;
            }
            const text = toText(p.value, p);
            if (mode !== "edit") {
                input = h(tag, {
                    type: tag === "input" ? type : null,
                    class: `ag-input ${inputClass}`,
                    name: p.name,
                    placeholder: p.attrs?.placeholder || null,
                    // `change` fires on blur and on Enter: one commit per edit.
                    onchange: commit,
                });
                input.value = text;
                shownText = text;
                replaceContent(el, input);
                mode = "edit";
            } else if (text !== shownText && !(input.classList.contains("ag-parse-error"))) {
                input.value = text;
                shownText = text;
            }
            input.required = !!p.required;
        };

        render(props);
        return {
            el,
            update(p) {
                current = p;
                render(p);
            },
        };
    };
}

const display = (value, p) => formatValue(value, p.field);
const textOrFalse = (text) => (text === "" ? false : text);

registerField("char", inputWidget({
    toText: (v) => (v === false || v == null ? "" : String(v)),
    fromText: textOrFalse,
    display,
}));

const textarea = inputWidget({
    tag: "textarea",
    toText: (v) => (v === false || v == null ? "" : String(v)),
    fromText: textOrFalse,
    display: (v) => (v === false || v == null ? "" : String(v)),
});
registerField("text", textarea);
// Html is edited as its source text: the client never injects server HTML into the page.
registerField("html", textarea);

const numberText = (v, p) => (v === false || v == null ? "" : formatValue(v, p.field));
const numberParse = (text, p) => parseValue(text, p.field);
registerField("integer", inputWidget({ toText: numberText, fromText: numberParse, display, inputClass: "ag-number" }));
registerField("float", inputWidget({ toText: numberText, fromText: numberParse, display, inputClass: "ag-number" }));

/** The currency of a monetary field: its currency_field's value in the record, if read. */
function currencyOf(p) {
    const fname = p.field.currency_field || p.options?.currency_field || "currency_id";
    const currency = p.record?.[fname];
    return currency && typeof currency === "object" ? currency : null;
}
registerField("monetary", inputWidget({
    toText: (v, p) => (v === false || v == null ? "" : formatValue(v, { ...p.field, type: "float", digits: p.field.digits || [16, 2] })),
    fromText: (text, p) => parseValue(text, { ...p.field, type: "float" }),
    display: (v, p) => formatMonetary(v || 0, p.field, currencyOf(p)),
    inputClass: "ag-number",
}));

registerField("boolean", (props) => {
    const input = h("input", {
        type: "checkbox",
        class: "ag-checkbox",
        name: props.name,
        checked: !!props.value,
        disabled: !!props.readonly,
    });
    let current = props;
    input.addEventListener("change", () => current.onChange(input.checked));
    return {
        el: input,
        update(p) {
            current = p;
            if (input.checked !== !!p.value) input.checked = !!p.value;
            input.disabled = !!p.readonly;
        },
    };
});

registerField("date", inputWidget({
    type: "date",
    toText: (v) => toInputDate(v),
    fromText: (text) => fromInputDate(text),
    display,
}));
registerField("datetime", inputWidget({
    type: "datetime-local",
    toText: (v) => toInputDateTime(v),
    fromText: (text) => fromInputDateTime(text),
    display,
}));

function selectionOptions(p) {
    return p.field.selection || [];
}
registerField("selection", (props) => {
    const el = h("span", { class: "ag-field-widget" });
    let current = props;
    let mode = null;
    let select = null;
    const render = (p) => {
        const label = (selectionOptions(p).find(([k]) => k === p.value) || [null, ""])[1];
        if (p.readonly) {
            if (mode !== "read" || el.textContent !== label) {
                replaceContent(el, h("span", { class: "ag-readonly-value" }, label));
                mode = "read";
            }
            return;
        }
        if (mode !== "edit") {
            select = h("select", {
                class: "ag-input ag-select",
                name: p.name,
                onchange: () => current.onChange(select.value === "" ? false : select.value),
            },
            h("option", { value: "" }, ""),
            selectionOptions(p).map(([key, text]) => h("option", { value: key }, text)));
            replaceContent(el, select);
            mode = "edit";
        }
        const wanted = p.value === false || p.value == null ? "" : String(p.value);
        if (select.value !== wanted) select.value = wanted;
        select.required = !!p.required;
    };
    render(props);
    return { el, update(p) { current = p; render(p); } };
});

// Read-only pill showing the selection label / display name.
registerField("badge", (props) => {
    const el = h("span", { class: "ag-badge" });
    const render = (p) => {
        let text;
        if (p.field.type === "selection") {
            text = (selectionOptions(p).find(([k]) => k === p.value) || [null, ""])[1];
        } else if (p.value && typeof p.value === "object") {
            text = p.value.display_name || "";
        } else {
            text = formatValue(p.value, p.field);
        }
        if (el.textContent !== text) el.textContent = text;
    };
    render(props);
    return { el, update: render };
});

// Sequence handle: shown as a grip; reordering is done by the list (not here).
registerField("handle", () => ({ el: h("span", { class: "ag-handle" }, "⋮⋮"), update() {} }));
