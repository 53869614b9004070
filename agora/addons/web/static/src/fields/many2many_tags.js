// Many2many tags: chips with × and an autocomplete to add records.
// The value is a list of {id, display_name}; the form turns changes into [6, 0, ids].
import { h, replaceContent } from "../core/dom.js";
import { registerField } from "./registry.js";
import { createAutocomplete } from "./autocomplete.js";
import { relationalItems } from "./many2one.js";

function tagsWidget(props) {
    const el = h("div", { class: "ag-tags" });
    const chips = h("span", { class: "ag-tags-list" });
    let current = props;
    let signature = null;
    let input = null;
    let auto = null;

    const records = (p) => (Array.isArray(p.value) ? p.value : []).map((r) => (typeof r === "object" ? r : { id: r, display_name: String(r) }));

    const ensureInput = () => {
        if (input) return;
        input = h("input", { type: "text", class: "ag-input ag-tags-input", autocomplete: "off", name: current.name });
        auto = createAutocomplete({
            input,
            source: (text) => relationalItems(current, text, (record) => {
                input.value = "";
                current.onChange([...records(current), record]);
            }, { exclude: records(current).map((r) => r.id) }),
            onClose: (why) => { if (why === "escape") input.value = ""; },
        });
    };

    const render = (p) => {
        const list = records(p);
        const sig = JSON.stringify([list.map((r) => [r.id, r.display_name]), !!p.readonly]);
        if (sig === signature) return;
        signature = sig;
        replaceContent(chips, list.map((record) => h("span", { class: "ag-tag", dataset: { id: String(record.id) } },
            h("span", { class: "ag-tag-name" }, record.display_name || ""),
            p.readonly ? null : h("button", {
                type: "button",
                class: "ag-tag-remove",
                title: "Remove",
                onclick: () => current.onChange(records(current).filter((r) => r.id !== record.id)),
            }, "×"))));
        if (p.readonly) {
            replaceContent(el, chips);
        } else {
            ensureInput();
            if (!el.contains(input)) replaceContent(el, chips, input, auto.dropdown);
        }
    };
    render(props);
    return { el, update(p) { current = p; render(p); } };
}

registerField("many2many_tags", tagsWidget);
// A many2many without a subview and without a widget is shown as tags too.
registerField("many2many", tagsWidget);
