// Statusbar: the selection's states (or a many2one's records, e.g. a lead's stages) as
// steps, the current one highlighted. `statusbar_visible="draft,sale"` limits the steps
// shown (the current state is always shown); steps are clickable only with
// options="{'clickable': '1'}" and when editable.
import { h, replaceContent } from "../core/dom.js";
import { registerField } from "./registry.js";

/** The comodel's records a many2one statusbar offers, in the comodel's order: one
 * name_search per model and domain, shared by every statusbar showing them. */
const optionsCache = new Map();

function many2oneOptions(p) {
    const domain = p.getDomain ? p.getDomain() : [];
    const key = JSON.stringify([p.field.relation, domain]);
    if (!optionsCache.has(key)) {
        const loading = p.env.orm.nameSearch(p.field.relation, "", { domain, limit: 40 })
            .catch(() => null);
        optionsCache.set(key, { list: null, loading });
        loading.then((list) => {
            if (list) optionsCache.get(key).list = list;
            else optionsCache.delete(key);  // try again next time
        });
    }
    return optionsCache.get(key);
}

function steps(p) {
    let states;
    if (p.field.type === "many2one") {
        const options = p.env?.orm ? many2oneOptions(p).list : null;
        states = options ? options.map(([id, name]) => [id, name]) : [];
        if (p.value && !states.some(([id]) => id === p.value.id)) {
            states = [...states, [p.value.id, p.value.display_name]];
        }
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
                if (!isClickable(current) || key === value) return;
                current.onChange(current.field.type === "many2one"
                    ? { id: key, display_name: label } : key);
            },
        }, label)));
    };
    render(props);
    if (props.field.type === "many2one" && props.env?.orm) {
        // the records arrive after the first paint: show them then
        many2oneOptions(props).loading.then(() => { signature = null; render(current); });
    }
    return { el, update(p) { current = p; render(p); } };
});
