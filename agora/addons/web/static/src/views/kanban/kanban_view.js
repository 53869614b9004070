/**
 * Kanban view: cards rendered from the arch's card template, ungrouped (a grid) or
 * grouped in columns (drag and drop between columns, quick create per column).
 *
 * RPCs per render: ungrouped 1 (web_search_read); grouped 2 (read_group + one
 * web_search_read over the whole domain, split client-side by the group value) as
 * long as the groups hold at most SINGLE_FETCH_MAX records and the group-by is a
 * plain field; otherwise 1 + one web_search_read per column (by the group's
 * __domain, COLUMN_LIMIT records each).
 */
import { h, clear, replaceContent } from "../../core/dom.js";
import { formatValue } from "../../core/format.js";
import { evaluateExpr } from "../../core/pyeval.js";
import { registerView } from "../../core/registry.js";
import { showError as coreShowError } from "../../core/dialog.js";
import {
    findCardTemplate, templateFieldNames, renderTemplate,
} from "./kanban_template.js";
import {
    buildSpec, parseGroupBy, buildColumns, splitRecords, canSplitClientSide,
    buildScope, quickCreateField, recordGroupKey,
} from "./kanban_model.js";
import { vnodeToDom, renderFieldValue } from "./kanban_dom.js";

const SINGLE_FETCH_MAX = 500;
const COLUMN_LIMIT = 80;

function readArch(arch, fields) {
    const children = [...arch.children];
    const declared = children.filter((n) => n.tagName.toLowerCase() === "field")
        .map((n) => n.getAttribute("name"));
    const template = findCardTemplate(arch);
    const names = new Set(["display_name", ...declared]);
    if (template) {
        templateFieldNames(template, names);
    }
    const progressbar = arch.querySelector("progressbar");
    const sumField = progressbar && progressbar.getAttribute("sum_field");
    const quickCreate = arch.getAttribute("quick_create");
    return {
        template,
        fieldNames: [...names].filter((n) => fields[n]),
        defaultGroupBy: arch.getAttribute("default_group_by") || null,
        quickCreate: quickCreate === null ? true : !["false", "0", "False"].includes(quickCreate),
        sumField: sumField && fields[sumField] ? sumField : null,
        defaultOrder: arch.getAttribute("default_order") || null,
    };
}

class KanbanController {
    constructor(container, props) {
        this.props = props;
        this.env = props.env;
        this.orm = props.env.orm;
        this.showError = props.env.dialog?.showError || coreShowError;
        this.info = readArch(props.arch, props.fields);
        this.offset = 0;
        this.loadToken = 0;
        this.root = h("div", { class: "ag-kanban" });
        container.append(this.root);
    }

    get fields() {
        return this.props.fields;
    }

    get spec() {
        const names = new Set(this.info.fieldNames);
        if (this.groupBy) {
            names.add(this.groupBy.name);
        }
        return buildSpec([...names], this.fields);
    }

    get order() {
        return this.props.orderBy || this.info.defaultOrder || undefined;
    }

    get groupBy() {
        const spec = (this.props.groupBy && this.props.groupBy[0]) || this.info.defaultGroupBy;
        return spec && this.fields[parseGroupBy(spec).name] ? parseGroupBy(spec) : null;
    }

    async load() {
        const token = ++this.loadToken;
        try {
            if (this.groupBy) {
                await this.loadGrouped(token);
            } else {
                await this.loadUngrouped(token);
            }
        } catch (error) {
            if (token === this.loadToken) {
                this.showError(error);
            }
        }
    }

    async loadUngrouped(token) {
        const limit = this.props.limit || 80;
        const result = await this.orm.webSearchRead(this.props.resModel, this.props.domain || [],
            this.spec, { offset: this.offset, limit, order: this.order, context: this.props.context });
        if (token !== this.loadToken) {
            return;
        }
        const start = performance.now();
        this.records = result.records;
        const fragment = document.createDocumentFragment();
        for (const record of result.records) {
            fragment.append(this.renderCard(record));
        }
        const grid = h("div", { class: "ag-kanban-grid" });
        grid.append(fragment);
        if (!result.records.length) {
            grid.append(h("div", { class: "ag-kanban-empty" }, "No records"));
        }
        replaceContent(this.root, grid);
        this.renderPager(result.length, limit);
        this.rendered(result.records.length, start);
    }

    async loadGrouped(token) {
        const groupBy = this.groupBy;
        const field = this.fields[groupBy.name];
        const { resModel, context } = this.props;
        const domain = this.props.domain || [];
        const aggregates = this.info.sumField ? [`${this.info.sumField}:sum`] : [];
        const groups = await this.orm.readGroup(resModel, domain, aggregates, [groupBy.spec],
            { lazy: true, context });
        if (token !== this.loadToken) {
            return;
        }
        const columns = buildColumns(groups, groupBy, field, { sumField: this.info.sumField });
        const total = columns.reduce((sum, c) => sum + c.count, 0);
        const spec = this.spec;
        let recordsByKey;
        if (canSplitClientSide(groupBy, field) && total <= SINGLE_FETCH_MAX) {
            const result = total ? await this.orm.webSearchRead(resModel, domain, spec,
                { limit: SINGLE_FETCH_MAX, order: this.order, context }) : { records: [] };
            recordsByKey = splitRecords(result.records, columns, groupBy.name);
        } else {
            const lists = await Promise.all(columns.map((c) => (c.count && c.domain
                ? this.orm.webSearchRead(resModel, c.domain, spec,
                    { limit: COLUMN_LIMIT, order: this.order, context })
                : Promise.resolve({ records: [] }))));
            recordsByKey = new Map(columns.map((c, i) => [c.key, lists[i].records]));
        }
        if (token !== this.loadToken) {
            return;
        }
        const start = performance.now();
        this.columns = columns;
        this.records = [...recordsByKey.values()].flat();
        this.draggable = canSplitClientSide(groupBy, field);
        const fragment = document.createDocumentFragment();
        for (const column of columns) {
            fragment.append(this.renderColumn(column, recordsByKey.get(column.key) || []));
        }
        const board = h("div", { class: "ag-kanban-board" });
        board.append(fragment);
        replaceContent(this.root, board);
        if (this.props.controlPanel?.pager) {
            clear(this.props.controlPanel.pager);
        }
        this.rendered(this.records.length, start);
    }

    rendered(count, start) {
        window.dispatchEvent(new CustomEvent("agora:rendered", {
            detail: { view: "kanban", records: count, ms: performance.now() - start },
        }));
    }

    renderPager(length, limit) {
        const pager = this.props.controlPanel?.pager;
        if (!pager) {
            return;
        }
        if (length <= limit && this.offset === 0) {
            clear(pager);
            return;
        }
        const first = length ? this.offset + 1 : 0;
        const last = Math.min(this.offset + limit, length);
        const go = (offset) => {
            this.offset = offset;
            this.load();
        };
        replaceContent(pager, h("span", { class: "ag-pager" },
            h("span", { class: "ag-pager-value" }, `${first}-${last}`), " / ",
            h("span", { class: "ag-pager-limit" }, String(length)), " ",
            h("button", { type: "button", class: "ag-pager-prev", title: "Previous",
                onclick: () => go(this.offset - limit < 0
                    ? Math.max(0, Math.floor((length - 1) / limit) * limit) : this.offset - limit) }, "‹"),
            h("button", { type: "button", class: "ag-pager-next", title: "Next",
                onclick: () => go(this.offset + limit >= length ? 0 : this.offset + limit) }, "›")));
    }

    // -- cards -------------------------------------------------------------------------------
    renderCard(record) {
        const card = h("div", {
            class: "ag-kanban-record",
            dataset: { id: String(record.id) },
            draggable: this.groupBy && this.draggable ? "true" : null,
            tabindex: "0",
            onclick: (ev) => {
                if (!ev.defaultPrevented) {
                    this.env.openRecord({ resId: record.id, resIds: this.records.map((r) => r.id) });
                }
            },
            onkeydown: (ev) => {
                if (ev.key === "Enter") {
                    this.env.openRecord({ resId: record.id, resIds: this.records.map((r) => r.id) });
                }
            },
            ondragstart: (ev) => {
                ev.dataTransfer.setData("text/plain", String(record.id));
                ev.dataTransfer.effectAllowed = "move";
                card.classList.add("ag-dragging");
            },
            ondragend: () => card.classList.remove("ag-dragging"),
        });
        card.append(...this.cardContent(record));
        card._agRecord = record; // the card's record, for drops and re-renders
        return card;
    }

    cardContent(record) {
        const fields = this.fields;
        if (!this.info.template) {
            return [h("strong", {}, record.display_name || "")];
        }
        const scope = buildScope(record, fields, (v, f) => formatCell(v, f),
            this.props.context || {});
        const vnodes = renderTemplate(this.info.template, scope, {
            evaluate: evaluateExpr,
            renderField: (name, attrs) => renderFieldValue(record[name], fields[name], attrs),
            onError: warnOnce,
        });
        return vnodes.map(vnodeToDom);
    }

    // -- columns -----------------------------------------------------------------------------
    renderColumn(column, records) {
        const body = h("div", { class: "ag-kanban-group-body" });
        const fragment = document.createDocumentFragment();
        for (const record of records) {
            fragment.append(this.renderCard(record));
        }
        body.append(fragment);
        const countEl = h("span", { class: "ag-kanban-count" }, String(column.count));
        const sumEl = column.sum !== null
            ? h("span", { class: "ag-kanban-sum" }, formatCell(column.sum, this.fields[this.info.sumField]))
            : null;
        const canQuickCreate = this.info.quickCreate && this.draggable && quickCreateField(this.props.arch, this.fields);
        const header = h("div", { class: "ag-kanban-group-header" },
            h("span", { class: "ag-kanban-group-title" }, column.label),
            countEl, sumEl,
            canQuickCreate ? h("button", {
                type: "button", class: "ag-kanban-add", title: "Quick create",
                onclick: () => this.openQuickCreate(column, el, body),
            }, "+") : null);
        const el = h("div", {
            class: "ag-kanban-group",
            dataset: { group: column.key },
            ondragover: (ev) => {
                if (this.draggable) {
                    ev.preventDefault();
                    ev.dataTransfer.dropEffect = "move";
                    el.classList.add("ag-drop-target");
                }
            },
            ondragleave: (ev) => {
                if (!el.contains(ev.relatedTarget)) {
                    el.classList.remove("ag-drop-target");
                }
            },
            ondrop: (ev) => {
                ev.preventDefault();
                el.classList.remove("ag-drop-target");
                const id = Number(ev.dataTransfer.getData("text/plain"));
                if (id) {
                    this.moveRecord(id, column, el, body, ev.clientY);
                }
            },
        }, header, body);
        column.el = el;
        column.body = body;
        column.countEl = countEl;
        return el;
    }

    updateCount(column, delta) {
        column.count += delta;
        column.countEl.textContent = String(column.count);
    }

    async moveRecord(id, target, targetEl, targetBody, clientY) {
        const card = this.root.querySelector(`.ag-kanban-record[data-id="${id}"]`);
        if (!card) {
            return;
        }
        const source = this.columns.find((c) => c.el.contains(card));
        if (!source || source === target) {
            return;
        }
        const nextSibling = card.nextSibling;
        const record = card._agRecord;
        const groupName = this.groupBy.name;
        const oldValue = record[groupName];
        // Optimistic move: the card changes column at once, back if the write fails.
        targetBody.insertBefore(card, cardAfter(targetBody, clientY));
        this.updateCount(source, -1);
        this.updateCount(target, +1);
        try {
            await this.orm.write(this.props.resModel, [id], { [groupName]: target.value });
            const field = this.fields[groupName];
            record[groupName] = field.type === "many2one"
                ? (target.value ? { id: target.value, display_name: target.label } : false)
                : target.value;
            replaceContent(card, ...this.cardContent(record));
        } catch (error) {
            record[groupName] = oldValue;
            source.body.insertBefore(card, nextSibling && nextSibling.parentNode === source.body ? nextSibling : null);
            this.updateCount(source, +1);
            this.updateCount(target, -1);
            this.showError(error);
        }
    }

    openQuickCreate(column, columnEl, body) {
        const existing = columnEl.querySelector(".ag-kanban-quick-create");
        if (existing) {
            existing.querySelector("input").focus();
            return;
        }
        const nameField = quickCreateField(this.props.arch, this.fields);
        const input = h("input", { type: "text", class: "ag-kanban-quick-input", placeholder: "Name" });
        const close = () => box.remove();
        const submit = async () => {
            const text = input.value.trim();
            if (!text) {
                return;
            }
            input.disabled = true;
            try {
                const vals = { [nameField]: text, [this.groupBy.name]: column.value };
                const [record] = await this.orm.webSave(this.props.resModel, [], vals, this.spec,
                    { context: this.props.context });
                this.records.push(record);
                box.after(this.renderCard(record));
                this.updateCount(column, +1);
                input.value = "";
            } catch (error) {
                this.showError(error);
            } finally {
                input.disabled = false;
                input.focus();
            }
        };
        const box = h("div", { class: "ag-kanban-quick-create" },
            input,
            h("div", { class: "ag-kanban-quick-buttons" },
                h("button", { type: "button", class: "ag-kanban-quick-add", onclick: submit }, "Add"),
                h("button", { type: "button", class: "ag-kanban-quick-cancel", onclick: close }, "Cancel")));
        input.addEventListener("keydown", (ev) => {
            if (ev.key === "Enter") {
                ev.preventDefault();
                submit();
            } else if (ev.key === "Escape") {
                close();
            }
        });
        body.prepend(box);
        input.focus();
    }

    // -- controller API ----------------------------------------------------------------------
    async update(partial) {
        this.props = { ...this.props, ...partial };
        this.offset = 0;
        await this.load();
    }

    async canLeave() {
        return true;
    }

    destroy() {
        this.loadToken++;
        this.root.remove();
    }
}

/** The card under which a dropped card goes (by the pointer's height). */
function cardAfter(body, clientY) {
    if (clientY === undefined) {
        return body.querySelector(".ag-kanban-record");
    }
    for (const card of body.querySelectorAll(".ag-kanban-record:not(.ag-dragging)")) {
        const box = card.getBoundingClientRect();
        if (clientY < box.top + box.height / 2) {
            return card;
        }
    }
    return null;
}

function formatCell(value, field) {
    if (!field) {
        return value === false || value === null || value === undefined ? "" : String(value);
    }
    if (field.type === "many2one") {
        return value ? value.display_name || "" : "";
    }
    if (field.type === "many2many" || field.type === "one2many") {
        return Array.isArray(value)
            ? value.map((v) => (v && typeof v === "object" ? v.display_name : v)).join(", ") : "";
    }
    return formatValue(value, field);
}

const warned = new Set();
function warnOnce(error, expr) {
    if (!warned.has(expr)) {
        warned.add(expr);
        console.warn(`kanban template: cannot evaluate ${JSON.stringify(expr)}: ${error.message}`);
    }
}

/** Load this view's stylesheet once (the page only links css/web.css). */
const descriptor = {
    type: "kanban",
    display: "Kanban",
    icon: "▦",
    searchable: true,
    async mount(container, props) {
        const controller = new KanbanController(container, props);
        await controller.load();
        return controller;
    },
};

registerView(descriptor);
export default descriptor;
export { formatCell, recordGroupKey };
