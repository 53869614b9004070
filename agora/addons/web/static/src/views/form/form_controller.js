// The form view's controller: loads one record (one web_read), keeps it editable in
// place, runs onchange after each user change, saves with web_save, drives the record
// pager, the Save/Discard buttons and the arch buttons.
//
// Rules that matter: server errors never reset what the user typed (the record model
// keeps its values; only a successful answer replaces them); RPCs that change the record
// (onchange, save, buttons) run one at a time through `this.queue` so a save waits for
// the onchange of the field the user just left.
import { h, replaceContent } from "../../core/dom.js";
import { parseContext } from "../../core/pyeval.js";
import { buildSpec } from "./spec.js";
import { RecordModel, fromServer, valuesToServer } from "./record.js";
import { FormRenderer, attrsOf } from "./form_renderer.js";
import { fieldState } from "./modifiers.js";

function boolArchAttr(node, name, fallback = true) {
    const value = node.getAttribute(name);
    if (value === null) return fallback;
    return !["0", "false", "False"].includes(value.trim());
}

function dispatchRendered(view, ms, records = 1) {
    window.dispatchEvent(new CustomEvent("agora:rendered", { detail: { view, records, ms } }));
}

export class FormController {
    constructor(container, props) {
        this.container = container;
        this.props = props;
        this.env = props.env;
        this.dialog = props.env.dialog;
        // a form opened by a target="new" action or a "Create and edit" dialog
        this.inDialog = Boolean(props.inDialog);
        this.resModel = props.resModel;
        this.arch = props.arch;
        this.fields = props.fields || {};
        this.models = props.models || {};
        this.context = props.context || {};
        this.resId = props.resId || false;
        this.resIds = props.resIds || [];
        this.canCreate = boolArchAttr(this.arch, "create");
        this.canEdit = boolArchAttr(this.arch, "edit");
        this.canDelete = boolArchAttr(this.arch, "delete");
        this.queue = Promise.resolve();
        this.editSeq = new Map(); // field -> number of user edits (onchange answers skip newer edits)
        this.firstRender = true;

        const { spec, schema } = buildSpec(this.arch, this.fields, this.models, this.resModel);
        this.spec = spec;
        this.schema = schema;
        this.record = new RecordModel(schema, { exclude: (name, entry, sch) => this.isNotWritten(name, entry, sch) });
        // Inputs commit on change (blur/Enter); typing alone already makes the record
        // dirty so Save/Discard show up while the user types, as in Odoo.
        this.typing = false;
        this.renderer = this.makeRenderer();
        this.buildControls();
        this.view = h("div", { class: "ag-form-view" }, this.renderer.el);
        replaceContent(container, this.view);
    }

    makeRenderer() {
        const renderer = new FormRenderer({
            arch: this.arch,
            fields: this.fields,
            models: this.models,
            schema: this.schema,
            spec: this.spec,
            env: { ...this.env, dialog: this.dialog, models: this.models },
            context: this.context,
            readonly: !this.canEdit,
            inDialog: this.inDialog,
            onFieldChange: (name, value, info) => this.onFieldChange(name, value, info),
            onButton: (node) => this.onButton(node),
        });
        renderer.el.addEventListener("input", (event) => {
            if (event.target.closest(".ag-m2o, .ag-tags, .ag-x2many-add")) return; // searching, not editing
            if (!this.typing) {
                this.typing = true;
                this.updateControls();
            }
        });
        return renderer;
    }

    /** Fields never sent to web_save: readonly in the model or the arch (force_save aside). */
    isNotWritten(name, entry, schema) {
        if (schema !== this.schema) return !!entry.desc?.readonly;
        const item = this.renderer?.fieldItems.find((i) => i.name === name && !i.placeholder.hidden)
            || this.renderer?.fieldItems.find((i) => i.name === name);
        if (item && item.attrs.force_save === "1") return false;
        if (!item) return !!entry.desc?.readonly;
        const state = fieldState(item.node, entry.desc, this.renderer.scopeOf(this.record));
        return state.readonly;
    }

    // -- control panel ------------------------------------------------------------------
    buildControls() {
        const cp = this.props.controlPanel || {};
        this.saveButton = h("button", { type: "button", class: "ag-btn ag-btn-primary ag-save", onclick: () => this.enqueue(() => this.save()) }, "Save");
        this.discardButton = h("button", { type: "button", class: "ag-btn ag-discard", onclick: () => this.enqueue(() => this.discard()) }, "Discard");
        this.deleteButton = h("button", { type: "button", class: "ag-btn ag-form-delete", title: "Delete this record", onclick: () => this.deleteRecord() }, "Delete");
        this.newButton = h("button", { type: "button", class: "ag-btn ag-form-new", onclick: () => this.env.createRecord?.() }, "New");
        if (cp.buttons) {
            replaceContent(cp.buttons, this.inDialog || !this.canCreate ? null : this.newButton,
                this.saveButton, this.discardButton, this.canDelete && !this.inDialog ? this.deleteButton : null);
        }
        this.pagerValue = h("span", { class: "ag-pager-value" });
        this.pager = h("div", { class: "ag-pager" },
            this.pagerValue,
            h("button", { type: "button", class: "ag-pager-previous", title: "Previous", onclick: () => this.move(-1) }, "‹"),
            h("button", { type: "button", class: "ag-pager-next", title: "Next", onclick: () => this.move(1) }, "›"));
        if (cp.pager) replaceContent(cp.pager, this.pager);
        this.updateControls();
    }

    isDirty() {
        return this.typing || this.record.isDirty();
    }

    /** Commit the text of the focused input (Ctrl+S, or a save not caused by a click). */
    commitFocused() {
        const active = document.activeElement;
        if (active && this.renderer.el.contains(active) && /^(INPUT|TEXTAREA)$/.test(active.tagName)
            && !active.closest(".ag-m2o, .ag-tags")) {
            active.dispatchEvent(new Event("change", { bubbles: true }));
        }
        this.typing = false;
    }

    updateControls() {
        const dirty = this.isDirty() || (!this.record.resId && !this.inDialog);
        this.saveButton.hidden = !dirty;
        this.discardButton.hidden = !dirty;
        this.deleteButton.hidden = !this.record.resId;
        this.renderer.el.classList.toggle("ag-dirty", this.isDirty());
        const index = this.resIds.indexOf(this.record.resId);
        const showPager = this.resIds.length > 1 && index >= 0;
        this.pager.hidden = !showPager;
        if (showPager) this.pagerValue.textContent = `${index + 1} / ${this.resIds.length}`;
    }

    // -- loading ------------------------------------------------------------------------
    /** Run `task` after every RPC already queued; the queue survives failures. */
    enqueue(task) {
        const run = this.queue.then(task);
        this.queue = run.catch(() => {});
        return run;
    }

    async start() {
        await this.load(this.resId);
        return this;
    }

    async load(resId) {
        let answerAt;
        try {
            if (resId) {
                const [record] = await this.env.orm.webRead(this.resModel, [resId], this.spec, { context: this.context });
                answerAt = performance.now();
                if (!record) throw new Error("This record does not exist (any more).");
                this.record.load(record);
            } else {
                const answer = await this.defaults();
                answerAt = performance.now();
                this.record.loadDefaults(answer.value || {});
                if (answer.warning) this.showWarning(answer.warning);
            }
        } catch (error) {
            this.dialog.showError(error);
            throw error;
        }
        this.resId = this.record.resId;
        this.typing = false;
        this.renderer.invalid = new Set();
        this.renderer.update(this.record);
        this.updateControls();
        this.env.setDisplayName?.(this.record.resId ? this.record.values.display_name || "" : "New");
        if (this.firstRender) {
            this.firstRender = false;
            dispatchRendered("form", performance.now() - answerAt);
        }
    }

    /** A new record's values: onchange([]); default_get when the server has no onchange. */
    async defaults() {
        if (!this.onchangeMissing) {
            try {
                return await this.env.orm.onchange(this.resModel, [], {}, [], this.spec, { context: this.context });
            } catch (error) {
                if (!this.isMissingOnchange(error)) throw error;
                this.onchangeMissing = true;
                console.warn("onchange is not available on the server: defaults from default_get");
            }
        }
        const names = Object.keys(this.spec).filter((n) => n !== "display_name");
        const value = await this.env.orm.call(this.resModel, "default_get", [names], { context: this.context });
        return { value };
    }

    /** Re-read the record (after a button, or when the shell asks). */
    async reload() {
        if (this.record.resId) await this.load(this.record.resId);
    }

    // -- editing ------------------------------------------------------------------------
    onFieldChange(name, value, info) {
        const start = performance.now();
        this.typing = false;
        if (!this.record.setValue(name, value)) {
            this.updateControls();
            return;
        }
        this.editSeq.set(name, (this.editSeq.get(name) || 0) + 1);
        this.renderer.clearInvalid(name);
        this.renderer.update(this.record);
        this.updateControls();
        dispatchRendered("form-change", performance.now() - start);
        this.enqueue(() => this.runOnchange([name], info));
    }

    /** Is this error "the server has no onchange method"? (then the form works without). */
    isMissingOnchange(error) {
        return /'onchange' does not exist/.test(error?.message || "");
    }

    /** onchange for the fields just changed; the answer's values are applied unless the user edited them since. */
    async runOnchange(fieldNames, info) {
        if (this.onchangeMissing) return;
        if (info?.lineKey && info.fieldName && !info.removed && !info.added) {
            await this.runLineOnchange(fieldNames[0], info);
        }
        const seqBefore = new Map(this.editSeq);
        let answer;
        try {
            answer = await this.env.orm.onchange(this.resModel, this.record.resId ? [this.record.resId] : [],
                this.record.getOnchangeValues(), fieldNames, this.spec, { context: this.context });
        } catch (error) {
            if (this.isMissingOnchange(error)) {
                this.onchangeMissing = true;
                console.warn("onchange is not available on the server: computed values show after saving");
            } else {
                this.dialog.showError(error);
            }
            return;
        }
        const start = performance.now();
        const value = { ...(answer.value || {}) };
        for (const name of Object.keys(value)) {
            if ((this.editSeq.get(name) || 0) !== (seqBefore.get(name) || 0)) delete value[name];
        }
        const changed = this.record.applyOnchange(value);
        if (changed.length) {
            this.renderer.update(this.record);
            this.updateControls();
            dispatchRendered("form-change", performance.now() - start);
        }
        if (answer.warning) this.showWarning(answer.warning);
    }

    /**
     * A line's own onchange (e.g. a product setting the line's price): onchange on the
     * comodel with the line's values; its answer goes into that line only. The parent's
     * onchange (totals) follows in runOnchange.
     */
    async runLineOnchange(name, info) {
        const entry = this.schema.fields[name];
        const line = (this.record.values[name] || []).find((l) => l.key === info.lineKey);
        if (!entry || entry.kind !== "lines" || !line) return;
        const values = valuesToServer(line.values, entry.sub);
        if (line.id) values.id = line.id;
        let answer;
        try {
            answer = await this.env.orm.onchange(entry.desc.relation, line.id ? [line.id] : [], values,
                [info.fieldName], this.spec[name].fields, { context: this.context });
        } catch (error) {
            if (this.isMissingOnchange(error)) {
                this.onchangeMissing = true;
            } else {
                this.dialog.showError(error);
            }
            return;
        }
        if (answer.warning) this.showWarning(answer.warning);
        const lines = this.record.values[name] || [];
        const index = lines.findIndex((l) => l.key === info.lineKey);
        if (index < 0 || !answer.value) return;
        const current = lines[index];
        const next = { ...current.values };
        for (const [field, raw] of Object.entries(answer.value)) {
            if (field !== info.fieldName && entry.sub.fields[field]) next[field] = fromServer(raw, entry.sub.fields[field]);
        }
        const newLines = lines.slice();
        newLines[index] = { ...current, values: next };
        if (this.record.setValue(name, newLines)) {
            this.renderer.update(this.record);
            this.updateControls();
        }
    }

    showWarning(warning) {
        const text = [warning.title, warning.message].filter(Boolean).join(": ");
        if (text) this.dialog.notify(text, { type: "warning" });
    }

    /** Saves when there is something to save. Returns true when the record is saved. */
    async save() {
        this.commitFocused();
        if (this.renderer.hasParseErrors()) {
            this.dialog.notify("Some fields hold values that cannot be read; correct them first.", { type: "danger" });
            return false;
        }
        const invalid = this.renderer.validate(this.record);
        if (invalid.length) {
            this.renderer.update(this.record);
            this.dialog.notify(`Invalid fields: ${invalid.join(", ")}`, { type: "danger" });
            return false;
        }
        if (this.record.resId && !this.record.isDirty()) return true;
        const isNew = !this.record.resId;
        const vals = this.record.getChanges();
        let records;
        try {
            records = await this.env.orm.webSave(this.resModel, isNew ? [] : [this.record.resId], vals, this.spec, { context: this.context });
        } catch (error) {
            this.dialog.showError(error);
            return false;
        }
        this.record.load(records[0]);
        this.resId = this.record.resId;
        this.renderer.update(this.record);
        if (isNew && this.resId) {
            if (!this.resIds.includes(this.resId)) this.resIds = [...this.resIds, this.resId];
            this.env.updateUrl?.({ id: this.resId });
        }
        this.env.setDisplayName?.(this.record.values.display_name || "");
        this.updateControls();
        return true;
    }

    async discard() {
        this.typing = false;
        if (!this.record.resId) {
            // A new record: start again from the defaults.
            await this.load(false);
            return;
        }
        this.record.discard();
        // Typed-but-uncommitted text and parse errors live in the inputs only: build
        // fresh widgets from the saved values.
        const old = this.renderer.el;
        this.renderer = this.makeRenderer();
        this.renderer.update(this.record);
        old.replaceWith(this.renderer.el);
        this.updateControls();
    }

    async canLeave() {
        return this.enqueue(async () => {
            if (!this.isDirty() && !this.renderer.hasParseErrors()) return true;
            return this.save();
        });
    }

    // -- pager and deletion -------------------------------------------------------------
    async move(step) {
        const index = this.resIds.indexOf(this.record.resId);
        if (index < 0 || this.resIds.length < 2) return;
        if (!(await this.canLeave())) return;
        const next = this.resIds[(index + step + this.resIds.length) % this.resIds.length];
        try {
            await this.enqueue(() => this.load(next));
        } catch (_error) {
            return; // shown by load()
        }
        this.env.updateUrl?.({ id: next });
    }

    /**
     * Delete: confirm, unlink, then show the next record of the pager; with no other
     * record, go back in the browser history (the previous view: the shell keeps its
     * state in the URL).
     */
    async deleteRecord() {
        const resId = this.record.resId;
        if (!resId || !this.canDelete) return;
        if (!(await this.dialog.confirmDialog("Are you sure you want to delete this record?", { title: "Delete", confirmLabel: "Delete" }))) return;
        try {
            await this.env.orm.unlink(this.resModel, [resId]);
        } catch (error) {
            this.dialog.showError(error);
            return;
        }
        const index = this.resIds.indexOf(resId);
        this.resIds = this.resIds.filter((id) => id !== resId);
        if (this.resIds.length) {
            const next = this.resIds[Math.min(Math.max(index, 0), this.resIds.length - 1)];
            this.record.resId = false; // the deleted record is not dirty any more
            await this.enqueue(() => this.load(next));
            this.env.updateUrl?.({ id: next });
        } else {
            this.record.load({ id: false });
            window.history.back();
        }
    }

    // -- arch buttons -------------------------------------------------------------------
    async onButton(node) {
        const attrs = attrsOf(node);
        if (attrs.special === "cancel") {
            this.env.closeDialog?.();
            return;
        }
        if (attrs.confirm && !(await this.dialog.confirmDialog(attrs.confirm))) return;
        // Save and call inside the queue; follow the answer outside it, as doAction may
        // ask this controller's canLeave(), which queues too.
        const outcome = await this.enqueue(async () => {
            // The button works on the saved record: save first (also creates a new one).
            if (this.isDirty() || !this.record.resId || attrs.special === "save") {
                if (!(await this.save())) return null;
            }
            if (attrs.special === "save") return { done: true };
            const resId = this.record.resId;
            const scope = this.renderer.scopeOf(this.record);
            const context = { ...this.context, ...parseContext(attrs.context, scope) };
            if (attrs.type !== "object") return { resId, context };
            try {
                return { resId, action: await this.env.orm.callButton(this.resModel, attrs.name, [resId], { context }) };
            } catch (error) {
                this.dialog.showError(error);
                return null;
            }
        });
        if (!outcome) return;
        if (outcome.done) {
            if (this.inDialog) this.env.closeDialog?.();
            return;
        }
        const { resId, context } = outcome;
        try {
            if (attrs.type === "action") {
                const ref = /^\d+$/.test(attrs.name) ? Number(attrs.name) : attrs.name;
                await this.env.doAction(ref, {
                    additionalContext: { ...context, active_id: resId, active_ids: [resId], active_model: this.resModel },
                    onClose: () => this.reload(),
                });
            } else if (outcome.action && typeof outcome.action === "object") {
                await this.env.doAction(outcome.action, { onClose: () => this.reload() });
            } else if (this.props.inDialog) {
                this.env.closeDialog?.();
            } else if (this.inDialog) {
                // A wizard's button without an action closes the wizard and refreshes its opener.
                await this.env.doAction({ type: "ir.actions.act_window_close" });
            } else {
                await this.enqueue(() => this.load(resId));
            }
        } catch (error) {
            this.dialog.showError(error);
        }
    }

    // -- controller API -----------------------------------------------------------------
    async update(partial = {}) {
        if (partial.context) this.context = partial.context;
        if (partial.resIds) this.resIds = partial.resIds;
        const resId = "resId" in partial ? partial.resId : this.record.resId;
        if (resId === this.record.resId && this.record.isDirty()) {
            // A reload must not throw away typed data: keep it (the user saves or discards).
            return;
        }
        await this.enqueue(() => this.load(resId));
    }

    destroy() {
        replaceContent(this.container);
        if (this.props.controlPanel?.buttons) replaceContent(this.props.controlPanel.buttons);
        if (this.props.controlPanel?.pager) replaceContent(this.props.controlPanel.pager);
    }
}
