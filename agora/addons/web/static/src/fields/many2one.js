// Many2one: an input with autocomplete on the comodel (name_search), `Create "<text>"`
// (name_create) and "Create and edit..." (the comodel's form in a dialog).
import { h, replaceContent } from "../core/dom.js";
import { registerField } from "./registry.js";
import { createAutocomplete } from "./autocomplete.js";

const LIMIT = 8;

/** The items of the dropdown for `text`: shared by many2one and many2many tags. */
export async function relationalItems(p, text, onPick, { exclude = [] } = {}) {
    const { orm } = p.env;
    const model = p.field.relation;
    const domain = p.getDomain ? p.getDomain() : [];
    const context = p.getContext ? p.getContext() : {};
    const fullDomain = exclude.length ? [...domain, ["id", "not in", exclude]] : domain;
    let results = [];
    try {
        results = await orm.nameSearch(model, text, { domain: fullDomain, limit: LIMIT, context });
    } catch (error) {
        p.env.dialog.showError(error);
        return [];
    }
    const items = results.map(([id, name]) => ({
        label: name,
        action: () => onPick({ id, display_name: name }),
    }));
    const canCreate = !p.options?.no_create && !p.options?.no_quick_create;
    if (text && canCreate) {
        items.push({
            label: `Create "${text}"`,
            className: "ag-m2o-create",
            action: async () => {
                try {
                    const [id, name] = await orm.nameCreate(model, text, { context });
                    onPick({ id, display_name: name });
                } catch (error) {
                    p.env.dialog.showError(error);
                }
            },
        });
    }
    if (!p.options?.no_create && !p.options?.no_create_edit) {
        items.push({
            label: "Create and edit...",
            className: "ag-m2o-create-edit",
            action: async () => {
                // Imported lazily: the form view imports the field widgets.
                const { openFormDialog } = await import("../views/form/form_dialog.js");
                openFormDialog({
                    env: p.env,
                    resModel: model,
                    resId: false,
                    title: `Create ${p.field.string || ""}`.trim(),
                    context: { ...context, ...(text ? { default_name: text } : {}) },
                    onSaved: (record) => onPick({ id: record.id, display_name: record.display_name }),
                });
            },
        });
    }
    return items;
}

registerField("many2one", (props) => {
    const el = h("span", { class: "ag-field-widget ag-m2o" });
    let current = props;
    let mode = null;
    let input = null;
    let shown = null;

    const nameOf = (v) => (v && typeof v === "object" ? v.display_name || "" : "");

    const render = (p) => {
        if (p.readonly) {
            const text = nameOf(p.value);
            if (mode !== "read" || shown !== text) {
                replaceContent(el, h("span", { class: "ag-readonly-value" }, text));
                mode = "read";
                shown = text;
            }
            return;
        }
        if (mode !== "edit") {
            input = h("input", {
                type: "text",
                class: "ag-input ag-m2o-input",
                name: p.name,
                autocomplete: "off",
                placeholder: p.attrs?.placeholder || null,
            });
            const pickValue = (value) => {
                input.value = nameOf(value);
                shown = input.value;
                current.onChange(value);
            };
            const auto = createAutocomplete({
                input,
                source: (text) => relationalItems(current, text, pickValue),
                onClose: () => {
                    // Typed text that was not picked: empty clears, anything else reverts.
                    if (input.value === "" && current.value) {
                        shown = "";
                        current.onChange(false);
                    } else if (input.value !== nameOf(current.value)) {
                        input.value = nameOf(current.value);
                    }
                },
            });
            replaceContent(el, input, auto.dropdown);
            mode = "edit";
            shown = null;
        }
        const text = nameOf(p.value);
        if (text !== shown) {
            input.value = text;
            shown = text;
        }
        input.required = !!p.required;
    };
    render(props);
    return { el, update(p) { current = p; render(p); } };
});
