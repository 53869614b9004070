// Arch -> DOM for the form view. The DOM is built once per arch; `update(record)` then
// re-evaluates every modifier and hands each field widget its current value, so a
// change never rebuilds the form (widgets compare before touching their DOM).
import { h } from "../../core/dom.js";
import { evaluateExpr, parseDomain, parseContext } from "../../core/pyeval.js";
import { mountField, parseOptions } from "../../fields/registry.js";
import { evalModifier, fieldState, isEmpty } from "./modifiers.js";
import { evalScope } from "./record.js";
import { getFormWidget } from "../../core/registry.js";
import "../../fields/basic_fields.js";
import "../../fields/many2one.js";
import "../../fields/many2many_tags.js";
import "../../fields/statusbar.js";
import "../../fields/one2many.js";

// Arch elements rendered as themselves; anything else unknown becomes a <div>.
const HTML_TAGS = new Set(["div", "span", "p", "h1", "h2", "h3", "h4", "h5", "h6", "strong",
    "b", "em", "i", "small", "br", "hr", "ul", "ol", "li", "code", "pre", "blockquote"]);

export function attrsOf(node) {
    const attrs = {};
    for (const a of Array.from(node.attributes || [])) attrs[a.name] = a.value;
    return attrs;
}

function elementChildren(node) {
    return Array.from(node.children || []);
}

export class FormRenderer {
    /**
     * options: {arch, fields, models, schema, spec, env, context, readonly, inDialog,
     *           onFieldChange(name, value, info), onButton(node)}
     */
    constructor(options) {
        Object.assign(this, options);
        this.fieldItems = []; // {name, node, mounted, hide: [elements], labels: []}
        this.conditional = []; // {expr, els: [elements]} for non-field nodes
        this.notebooks = []; // {pages: [{tab, page, expr}], active}
        this.labelsFor = new Map(); // field name -> [label elements]
        this.addonWidgets = []; // {component, attrs, placeholder, mounted} (e.g. <chatter/>)
        this.el = h("div", { class: "ag-form" }, this.renderChildren(this.arch));
        for (const item of this.fieldItems) {
            item.labels.push(...(this.labelsFor.get(item.name) || []));
        }
    }

    renderChildren(node, context = {}) {
        const out = [];
        for (const child of Array.from(node.childNodes || [])) {
            if (child.nodeType === 3) {
                const text = child.nodeValue.replace(/\s+/g, " ");
                if (text.trim() && context.text !== false) out.push(text);
            } else if (child.nodeType === 1) {
                const el = this.renderNode(child, context);
                if (el) out.push(el);
            }
        }
        return out;
    }

    watch(node, els) {
        const expr = node.getAttribute("invisible");
        if (expr) this.conditional.push({ expr, els: [].concat(els) });
    }

    renderNode(node, context) {
        switch (node.nodeName) {
            case "header": return this.renderHeader(node);
            case "sheet": return h("div", { class: "ag-form-sheet" }, this.renderChildren(node, { text: false }));
            case "group": return this.renderGroup(node);
            case "notebook": return this.renderNotebook(node);
            case "field": return this.renderField(node, context);
            case "button": return this.renderButton(node);
            case "label": return this.renderLabel(node);
            case "separator": {
                const el = h("div", { class: "ag-separator" }, node.getAttribute("string") ? h("h3", {}, node.getAttribute("string")) : null);
                this.watch(node, el);
                return el;
            }
            case "newline": return h("div", { class: "ag-newline" });
            case "page": return null; // only inside a notebook
            default: {
                if (!HTML_TAGS.has(node.nodeName) && getFormWidget(node.nodeName)) return this.renderAddonWidget(node);
                const tag = HTML_TAGS.has(node.nodeName) ? node.nodeName : "div";
                const el = h(tag, { class: node.getAttribute("class") || null, name: node.getAttribute("name") || null },
                    this.renderChildren(node, {}));
                this.watch(node, el);
                return el;
            }
        }
    }

    /** A tag an addon registered a component for: mounted at the first update(). */
    renderAddonWidget(node) {
        const placeholder = h("div", { class: `ag-form-widget ag-form-widget-${node.nodeName}` });
        this.addonWidgets.push({ component: getFormWidget(node.nodeName), attrs: attrsOf(node), placeholder, mounted: null });
        this.watch(node, placeholder);
        return placeholder;
    }

    /** Addon widgets follow record loads only (record.saved is replaced by each load), not edits. */
    updateAddonWidgets(record) {
        const loaded = record.saved !== this.lastSaved;
        this.lastSaved = record.saved;
        for (const item of this.addonWidgets) {
            const props = { model: this.schema.model, resId: record.resId || false, env: this.env, fields: this.fields,
                attrs: item.attrs, inDialog: Boolean(this.inDialog) };
            if (!item.mounted) {
                item.mounted = item.component.mount(props);
                item.placeholder.appendChild(item.mounted.el);
            } else if (loaded) {
                item.mounted.update(props);
            }
        }
    }

    renderHeader(node) {
        const buttons = h("div", { class: "ag-header-buttons" });
        const status = h("div", { class: "ag-header-status" });
        for (const child of elementChildren(node)) {
            const el = this.renderNode(child, {});
            if (!el) continue;
            (child.nodeName === "field" ? status : buttons).appendChild(el);
        }
        return h("div", { class: "ag-form-header" }, buttons, status);
    }

    renderGroup(node) {
        const children = elementChildren(node);
        const title = node.getAttribute("string");
        let el;
        if (children.some((c) => c.nodeName === "group")) {
            el = h("div", { class: "ag-group" }, title ? h("div", { class: "ag-group-title" }, title) : null,
                h("div", { class: "ag-group-columns" }, children.map((c) => this.renderNode(c, {}))));
        } else {
            const grid = h("div", { class: "ag-inner-group" });
            for (const child of children) {
                if (child.nodeName === "field" && child.getAttribute("nolabel") !== "1") {
                    const cell = this.renderField(child, { inGroup: true });
                    if (!cell) continue;
                    const name = child.getAttribute("name");
                    const desc = this.fields[name] || {};
                    const label = h("label", { class: "ag-label", dataset: { for: name } },
                        child.getAttribute("string") || desc.string || name);
                    const item = this.fieldItems[this.fieldItems.length - 1];
                    if (item && item.node === child) {
                        item.labels.push(label);
                    }
                    grid.append(h("div", { class: "ag-label-cell" }, label), cell);
                } else {
                    const el = this.renderNode(child, { inGroup: true });
                    if (el) {
                        el.classList.add("ag-span-2");
                        grid.appendChild(el);
                    }
                }
            }
            el = h("div", { class: "ag-group" }, title ? h("div", { class: "ag-group-title" }, title) : null, grid);
        }
        if (node.getAttribute("class")) el.classList.add(...node.getAttribute("class").split(/\s+/).filter(Boolean));
        this.watch(node, el);
        return el;
    }

    renderNotebook(node) {
        const pages = elementChildren(node).filter((c) => c.nodeName === "page");
        const tabs = h("div", { class: "ag-notebook-tabs", role: "tablist" });
        const body = h("div", { class: "ag-notebook-pages" });
        const notebook = { pages: [], active: 0 };
        pages.forEach((page, index) => {
            const pageEl = h("div", { class: "ag-page", role: "tabpanel", dataset: { name: page.getAttribute("name") || "" } },
                this.renderChildren(page, { text: false }));
            const tab = h("button", {
                type: "button", class: "ag-notebook-tab", role: "tab",
                onclick: () => this.activatePage(notebook, index),
            }, page.getAttribute("string") || `Page ${index + 1}`);
            tabs.appendChild(tab);
            body.appendChild(pageEl);
            notebook.pages.push({ tab, page: pageEl, expr: page.getAttribute("invisible") });
        });
        this.notebooks.push(notebook);
        const el = h("div", { class: "ag-notebook" }, tabs, body);
        this.watch(node, el);
        return el;
    }

    activatePage(notebook, index) {
        notebook.active = index;
        notebook.pages.forEach((p, i) => {
            p.page.hidden = i !== index;
            p.tab.classList.toggle("ag-active", i === index);
            p.tab.setAttribute("aria-selected", i === index ? "true" : "false");
        });
    }

    renderButton(node) {
        const attrs = attrsOf(node);
        const cls = attrs.class || "btn-secondary";
        const el = h("button", {
            type: "button",
            name: attrs.name || null,
            class: `ag-button ${cls}`,
            title: attrs.help || null,
            dataset: { type: attrs.type || "" },
            onclick: () => this.onButton(node),
        }, attrs.icon ? h("span", { class: `ag-icon ${attrs.icon}` }) : null, attrs.string || this.renderChildren(node));
        this.watch(node, el);
        return el;
    }

    renderLabel(node) {
        const target = node.getAttribute("for");
        const text = node.getAttribute("string") || this.fields[target]?.string || target || "";
        const el = h("label", { class: `ag-label ${node.getAttribute("class") || ""}`, dataset: { for: target || "" } }, text);
        if (target) {
            if (!this.labelsFor.has(target)) this.labelsFor.set(target, []);
            this.labelsFor.get(target).push(el);
        }
        this.watch(node, el);
        return el;
    }

    renderField(node, context) {
        const name = node.getAttribute("name");
        const entry = this.schema.fields[name];
        if (!entry) return null;
        const attrs = attrsOf(node);
        const item = {
            name, node, attrs, entry, labels: [],
            widget: entry.kind === "lines" ? "x2many_list" : attrs.widget,
            options: parseOptions(attrs.options, evaluateExpr),
        };
        item.mounted = null; // mounted at the first update(), once there are values
        item.placeholder = h("div", { class: context.inGroup ? "ag-field-cell" : "ag-field-slot" });
        if (node.getAttribute("class")) item.placeholder.classList.add(...attrs.class.split(/\s+/).filter(Boolean));
        this.fieldItems.push(item);
        return item.placeholder;
    }

    /** The props of a field widget for the record's current state. */
    fieldProps(item, record, scope, state) {
        const desc = item.entry.desc;
        return {
            name: item.name,
            value: record.values[item.name],
            field: desc,
            widget: item.widget,
            readonly: state.readonly,
            required: state.required,
            invalid: this.invalid?.has(item.name),
            record: record.values,
            options: item.options,
            attrs: item.attrs,
            env: this.env,
            models: this.models,
            entry: item.entry,
            subSpec: this.spec[item.name]?.fields,
            scope,
            context: this.context,
            getDomain: () => parseDomain(item.attrs.domain || desc.domain || [], scope),
            getContext: () => ({ ...this.context, ...parseContext(item.attrs.context, scope) }),
            onChange: (value, info) => this.onFieldChange(item.name, value, info),
        };
    }

    scopeOf(record) {
        return evalScope(record.values, this.schema, { context: this.context, id: record.resId || false });
    }

    /** Re-evaluate modifiers and push values into the widgets. */
    update(record) {
        const scope = this.scopeOf(record);
        const formReadonly = this.readonly && !!record.resId;
        this.states = new Map();
        for (const item of this.fieldItems) {
            const state = fieldState(item.node, item.entry.desc, scope, { formReadonly });
            this.states.set(item, state);
            const props = this.fieldProps(item, record, scope, state);
            if (!item.mounted) {
                item.mounted = mountField(props);
                item.placeholder.appendChild(item.mounted.el);
            } else {
                item.mounted.update(props);
            }
            item.placeholder.hidden = state.invisible;
            for (const label of item.labels) {
                label.hidden = state.invisible;
                label.classList.toggle("ag-label-required", state.required && !state.readonly);
                if (label.parentNode?.classList.contains("ag-label-cell")) label.parentNode.hidden = state.invisible;
            }
        }
        for (const { expr, els } of this.conditional) {
            const hidden = evalModifier(expr, scope);
            for (const el of els) el.hidden = hidden;
        }
        for (const notebook of this.notebooks) {
            notebook.pages.forEach((p) => { p.tab.hidden = evalModifier(p.expr, scope); });
            if (notebook.pages[notebook.active]?.tab.hidden) {
                const first = notebook.pages.findIndex((p) => !p.tab.hidden);
                notebook.active = first < 0 ? 0 : first;
            }
            this.activatePage(notebook, notebook.active);
        }
        if (this.addonWidgets.length) this.updateAddonWidgets(record);
    }

    /**
     * Required fields left empty (visible, editable ones), marked `.ag-invalid`; lines of
     * x2many lists are checked by their widget. Returns the labels of the invalid fields.
     */
    validate(record) {
        const scope = this.scopeOf(record);
        const bad = [];
        this.invalid = new Set();
        for (const item of this.fieldItems) {
            const state = fieldState(item.node, item.entry.desc, scope);
            let invalid = state.required && !state.invisible && isEmpty(record.values[item.name], item.entry.desc);
            if (!invalid && !state.invisible && item.mounted?.widget.validate && !item.mounted.widget.validate()) {
                invalid = true;
            }
            if (invalid) {
                this.invalid.add(item.name);
                bad.push(item.attrs.string || item.entry.desc.string || item.name);
            }
            item.mounted?.el.classList.toggle("ag-invalid", invalid);
        }
        return bad;
    }

    /** Forget the invalid marks of a field once the user changes it. */
    clearInvalid(name) {
        this.invalid?.delete(name);
    }

    hasParseErrors() {
        return !!this.el.querySelector(".ag-parse-error");
    }
}
