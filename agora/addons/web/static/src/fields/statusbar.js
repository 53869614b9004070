// Statusbar: the selection's states as steps, the current one highlighted.
// `statusbar_visible="draft,sale"` limits the steps shown (the current state is always
// shown); steps are clickable only with options="{'clickable': '1'}" and when editable.
import { h, replaceContent } from "../core/dom.js";
import { registerField } from "./registry.js";

function steps(p) {
    let states;
    if (p.field.type === "many2one") {
        // A many2one statusbar would need a search of the comodel; show the current one.
        states = p.value ? [[p.value.id, p.value.display_name]] : [];
    } else {
        states = p.field.selection || [];
    }
    const visible = p.attrs?.statusbar_visible;
    if (visible) {
        const keep = new Set(visible.split(",").map((s) => s.trim()));
        states = states.filter(([key]) => keep.has(key) || key === (p.value?.id ?? p.value));
    }
    return states;
}

function isClickable(p) {
    const c = p.options?.clickable;
    return !p.readonly && (c === true || c === 1 || c === "1" || c === "True" || c === "true");
}

registerField("statusbar", (props) => {
    const el = h("div", { class: "ag-statusbar", role: "radiogroup" });
    let current = props;
    let signature = null;
    const render = (p) => {
        const value = p.value && typeof p.value === "object" ? p.value.id : p.value;
        const list = steps(p);
        const clickable = isClickable(p);
        const sig = JSON.stringify([value, list, clickable]);
        if (sig === signature) return;
        signature = sig;
        replaceContent(el, list.map(([key, label]) => h("button", {
            type: "button",
            class: { "ag-statusbar-step": true, "ag-current": key === value, "ag-active": key === value, "ag-clickable": clickable },
            dataset: { value: String(key) },
            "aria-current": key === value ? "step" : null,
            "aria-checked": key === value ? "true" : "false",
            disabled: !clickable || key === value,
            onclick: () => {
                if (isClickable(current) && key !== value) current.onChange(key);
            },
        }, label)));
    };
    render(props);
    return { el, update(p) { current = p; render(p); } };
});
