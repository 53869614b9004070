// The list view: a table of records (or of groups), sortable, paged, with multi-selection
// and bulk actions. Arch reading is in list_arch.js, pure helpers in list_logic.js, cell
// contents in list_cells.js. Inline edition (editable="top|bottom") is not supported:
// rows always open the form.

import { clear, h, replaceContent } from "../../core/dom.js";
import { evaluateBooleanExpr } from "../../core/pyeval.js";
import { registerView } from "../../core/registry.js";
import { readListArch } from "./list_arch.js";
import { cellClass, cellContent, safeFormat } from "./list_cells.js";
import * as L from "./list_logic.js";

const GROUP_RECORDS_LIMIT = 80;
// model -> Promise<boolean>: has the model an `active` field (archive/unarchive actions)?
const HAS_ACTIVE = new Map();
const OPTIONAL_STORAGE_PREFIX = "agora.list.optional:";

// A few Font Awesome names archs use, drawn with plain characters (no icon font here).
const ICONS = {
    "fa-check": "✓", "fa-times": "✕", "fa-close": "✕", "fa-trash": "🗑", "fa-trash-o": "🗑",
    "fa-pencil": "✎", "fa-edit": "✎", "fa-plus": "+", "fa-minus": "−", "fa-arrow-right": "→",
    "fa-arrow-left": "←", "fa-envelope": "✉", "fa-print": "⎙", "fa-search": "🔍",
    "fa-refresh": "⟳", "fa-undo": "↶", "fa-star": "★", "fa-star-o": "☆", "fa-info": "ℹ",
    "fa-info-circle": "ℹ", "fa-external-link": "↗", "fa-play": "▶", "fa-stop": "■",
};

/** The plain text of an action's help (HTML from the server; parsed inert, never run). */
function helpText(html) {
    if (!html) {
        return "";
    }
    const doc = new DOMParser().parseFromString(String(html), "text/html");
    return (doc.body.textContent || "").trim();
}

/** An aggregate's text: an average of integers keeps its decimals. */
function formatAggregate(value, field, op) {
    const described = op === "avg" && field.type === "integer" ? { ...field, type: "float" }
        : field;
    return safeFormat(value || 0, described);
}

class ListController {
    constructor(container, props) {
        this.container = container;
        this.props = { ...props };
        this.env = props.env || {};
        this.orm = this.env.orm;
        this.dialog = this.env.dialog || {};
        this.fields = props.fields || {};
        const { columns, options } = readListArch(props.arch);
        this.columns = columns.filter((c) => c.kind !== "field" || this.fields[c.name]);
        this.options = options;
        this.spec = L.buildSpecification(this.columns, this.fields);
        this.aggregates = L.aggregateColumns(this.columns, this.fields);
        this.groupFields = L.readGroupFields(this.aggregates, this.fields);
        this.order = L.parseOrder(props.orderBy || options.defaultOrder);
        this.limit = options.limit || props.limit || 80;
        this.offset = 0;
        this.records = [];
        this.length = 0;
        this.groups = null; // top-level group nodes when grouped
        this.expandedKeys = new Set(); // paths of expanded groups, kept across reloads
        this.selection = new Set();
        this.totals = {};
        this.loadId = 0;
        this.destroyed = false;
        this.optionalShown = this.readOptionalState();
        this.canCreate = options.create; // for the shell: create="0" hides "New"
        this.hasActive = Boolean(this.fields.active);
        this.checkActiveField();

        this.table = h("table", { class: "ag-list" });
        this.emptyEl = h("div", { class: "ag-list-empty", hidden: true });
        this.root = h("div", { class: "ag-list-view" },
            h("div", { class: "ag-list-wrapper" }, this.table), this.emptyEl);
        const slots = props.controlPanel || {};
        this.pagerSlot = slots.pager || null;
        this.buttonsSlot = slots.buttons || null;
        if (!this.pagerSlot || !this.buttonsSlot) {
            // Mounted without a control panel (e.g. in a dialog): own small bar.
            const bar = h("div", { class: "ag-list-bar" });
            this.buttonsSlot = this.buttonsSlot || bar.appendChild(h("div"));
            this.pagerSlot = this.pagerSlot || bar.appendChild(h("div"));
            this.root.prepend(bar);
        }
        this.onDocumentMouseDown = (event) => this.closeOptionalMenu(event);
        document.addEventListener("mousedown", this.onDocumentMouseDown);
        container.appendChild(this.root);
    }

    // -- props helpers ----------------------------------------------------------------------
    get model() {
        return this.props.resModel;
    }

    get context() {
        return this.props.context || {};
    }

    get groupBy() {
        return this.props.groupBy || [];
    }

    get orderString() {
        return L.orderToString(this.order);
    }

    // -- columns ----------------------------------------------------------------------------
    optionalKey() {
        const names = this.columns.filter((c) => c.optional).map((c) => c.name).join(",");
        return `${OPTIONAL_STORAGE_PREFIX}${this.model}:${names}`;
    }

    readOptionalState() {
        const shown = new Set(this.columns.filter((c) => c.optional === "show")
            .map((c) => c.name));
        try {
            const saved = window.localStorage.getItem(this.optionalKey());
            return saved ? new Set(JSON.parse(saved)) : shown;
        } catch {
            return shown;
        }
    }

    saveOptionalState() {
        try {
            window.localStorage.setItem(this.optionalKey(),
                JSON.stringify([...this.optionalShown]));
        } catch {
            // private mode or quota: the choice just lasts for this view
        }
    }

    /** Columns drawn now: column_invisible, constant invisible and optional choices. */
    visibleColumns() {
        const scope = { context: this.context, ...this.context };
        return this.columns.filter((column) => {
            if (column.kind !== "field") {
                return true;
            }
            if (L.isConstantTrue(column.invisible)) {
                return false;
            }
            if (L.safeBoolean(evaluateBooleanExpr, column.columnInvisible, scope)) {
                return false;
            }
            return !column.optional || this.optionalShown.has(column.name);
        });
    }

    columnLabel(column) {
        if (column.kind !== "field") {
            return "";
        }
        const field = this.fields[column.name];
        return column.string || (field && field.string) || column.name;
    }

    /**
     * get_views describes only the fields the archs use, so `active` is often missing from
     * props.fields: ask fields_get once per model (in the background, not before the
     * first render) whether the records can be archived.
     */
    checkActiveField() {
        if (this.hasActive || !this.orm) {
            return;
        }
        if (!HAS_ACTIVE.has(this.model)) {
            HAS_ACTIVE.set(this.model, this.orm.call(this.model, "fields_get", [["active"]],
                { attributes: ["type"] })
                .then((description) => Boolean(description && description.active &&
                    description.active.type === "boolean"))
                .catch(() => false));
        }
        HAS_ACTIVE.get(this.model).then((hasActive) => {
            if (hasActive && !this.destroyed) {
                this.hasActive = true;
                this.renderBulkActions();
            }
        });
    }

    // -- loading ----------------------------------------------------------------------------

    /** Load the current page (or the first level of groups) and render it. */
    async load() {
        const loadId = ++this.loadId;
        try {
            if (this.groupBy.length) {
                await this.loadGroups(loadId);
            } else {
                await this.loadRecords(loadId);
            }
        } catch (error) {
            if (loadId === this.loadId && !this.destroyed) {
                this.showError(error);
            }
        }
    }

    async loadRecords(loadId) {
        const { domain = [] } = this.props;
        const search = this.orm.webSearchRead(this.model, domain, this.spec, {
            offset: this.offset, limit: this.limit, order: this.orderString || undefined,
            context: this.context,
        });
        // The totals of the whole domain, in parallel (a read_group without groupby).
        const totals = this.groupFields.length
            ? this.orm.readGroup(this.model, domain, this.groupFields, [],
                { lazy: true, context: this.context })
            : Promise.resolve(null);
        const [result, totalRows] = await Promise.all([search, totals]);
        if (loadId !== this.loadId || this.destroyed) {
            return;
        }
        if (!result.records.length && this.offset > 0 && result.length > 0) {
            // The page emptied (records deleted elsewhere): show the last one instead.
            this.offset = Math.floor((result.length - 1) / this.limit) * this.limit;
            await this.loadRecords(loadId);
            return;
        }
        const start = performance.now();
        this.records = result.records;
        this.length = result.length;
        this.groups = null;
        this.totals = this.computeTotals(totalRows && totalRows[0]);
        this.pruneSelection();
        this.render();
        this.notifyRendered(start);
    }

    async loadGroups(loadId) {
        const { domain = [] } = this.props;
        const groups = await this.orm.readGroup(this.model, domain, this.groupFields,
            [this.groupBy[0]], { lazy: true, context: this.context });
        if (loadId !== this.loadId || this.destroyed) {
            return;
        }
        const nodes = groups.map((g) => this.makeGroupNode(g, this.groupBy, 0, ""));
        // Groups that were open before the reload are opened again (in parallel).
        await Promise.all(nodes.filter((n) => n.expanded).map((n) => this.loadGroupContent(n)));
        if (loadId !== this.loadId || this.destroyed) {
            return;
        }
        const start = performance.now();
        this.groups = nodes;
        this.records = [];
        this.length = nodes.reduce((total, node) => total + node.count, 0);
        this.totals = this.groupTotals(nodes);
        this.pruneSelection();
        this.render();
        this.notifyRendered(start);
    }

    makeGroupNode(group, groupBy, level, parentPath) {
        const spec = groupBy[0];
        const field = this.fields[L.groupByFieldName(spec)];
        const path = `${parentPath}/${L.groupKey(group, spec)}`;
        return {
            group, spec, level, path,
            label: L.groupLabel(L.groupValue(group, spec), field, (v, f) => safeFormat(v, f)),
            count: L.groupCount(group, spec),
            domain: group.__domain,
            restGroupBy: groupBy.slice(1),
            expanded: this.expandedKeys.has(path),
            children: null, // sub-groups
            records: null, // records (last level)
            length: 0,
        };
    }

    /** Sub-groups or records of a group; open sub-groups are loaded too. */
    async loadGroupContent(node) {
        if (node.restGroupBy.length) {
            const groups = await this.orm.readGroup(this.model, node.domain, this.groupFields,
                [node.restGroupBy[0]], { lazy: true, context: this.context });
            node.children = groups.map((g) =>
                this.makeGroupNode(g, node.restGroupBy, node.level + 1, node.path));
            await Promise.all(node.children.filter((n) => n.expanded)
                .map((n) => this.loadGroupContent(n)));
        } else {
            const result = await this.orm.webSearchRead(this.model, node.domain, this.spec, {
                limit: GROUP_RECORDS_LIMIT, order: this.orderString || undefined,
                context: this.context,
            });
            node.records = result.records;
            node.length = result.length;
        }
    }

    async toggleGroup(node) {
        if (node.expanded) {
            node.expanded = false;
            this.expandedKeys.delete(node.path);
            const start = performance.now();
            this.render();
            this.notifyRendered(start);
            return;
        }
        const loadId = this.loadId;
        try {
            await this.loadGroupContent(node);
        } catch (error) {
            this.showError(error);
            return;
        }
        if (loadId !== this.loadId || this.destroyed) {
            return; // the list was reloaded meanwhile: this node is gone
        }
        node.expanded = true;
        this.expandedKeys.add(node.path);
        const start = performance.now();
        this.render();
        this.notifyRendered(start);
    }

    async loadMoreInGroup(node) {
        const loadId = this.loadId;
        try {
            const result = await this.orm.webSearchRead(this.model, node.domain, this.spec, {
                offset: node.records.length, limit: GROUP_RECORDS_LIMIT,
                order: this.orderString || undefined, context: this.context,
            });
            if (loadId !== this.loadId || this.destroyed) {
                return;
            }
            const start = performance.now();
            node.records = node.records.concat(result.records);
            this.render();
            this.notifyRendered(start);
        } catch (error) {
            this.showError(error);
        }
    }

    // -- totals -----------------------------------------------------------------------------

    /** Totals of the whole domain: the read_group row, or the page when all is loaded. */
    computeTotals(serverRow) {
        const totals = L.computeAggregates(this.records, this.aggregates);
        const allLoaded = this.records.length >= this.length;
        if (serverRow && !allLoaded) {
            for (const { name } of this.aggregates) {
                if (name in serverRow) {
                    totals[name] = serverRow[name] || 0;
                }
            }
        }
        return totals;
    }

    /** Totals of the grouped list from its first-level groups (avg weighted by count). */
    groupTotals(nodes) {
        const totals = {};
        const count = nodes.reduce((total, node) => total + node.count, 0);
        for (const { name, op } of this.aggregates) {
            let total = 0;
            for (const node of nodes) {
                const value = Number(node.group[name]) || 0;
                total += op === "avg" ? value * node.count : value;
            }
            totals[name] = op === "avg" ? (count ? total / count : 0) : total;
        }
        return totals;
    }

    // -- rendering --------------------------------------------------------------------------

    render() {
        this.visible = this.visibleColumns();
        const thead = this.renderHeader();
        const tbody = h("tbody");
        const fragment = document.createDocumentFragment();
        if (this.groups) {
            for (const node of this.groups) {
                this.appendGroup(fragment, node);
            }
        } else {
            const resIds = this.records.map((r) => r.id);
            for (const record of this.records) {
                fragment.appendChild(this.renderRecordRow(record, resIds, 0));
            }
        }
        tbody.appendChild(fragment);
        const tfoot = this.renderFooter();
        replaceContent(this.table, thead, tbody, tfoot);
        this.renderEmpty();
        this.renderPager();
        this.renderBulkActions();
    }

    /** Number of cells of a row: selector + visible columns + optional-columns toggler. */
    get columnCount() {
        return this.visible.length + 2;
    }

    renderHeader() {
        const allIds = this.loadedRecordIds();
        const selectedCount = allIds.filter((id) => this.selection.has(id)).length;
        this.headerCheckbox = h("input", {
            type: "checkbox", "aria-label": "Select all records",
            checked: allIds.length > 0 && selectedCount === allIds.length,
            onchange: (event) => this.selectAll(event.target.checked),
        });
        this.headerCheckbox.indeterminate = selectedCount > 0 && selectedCount < allIds.length;
        const cells = this.visible.map((column) => this.renderHeaderCell(column));
        return h("thead", {}, h("tr", {},
            h("th", { class: "ag-list-select" }, this.headerCheckbox),
            cells,
            h("th", { class: "ag-list-optional" }, this.renderOptionalToggler())));
    }

    renderHeaderCell(column) {
        if (column.kind !== "field") {
            return h("th", { class: "ag-cell-buttons" });
        }
        const field = this.fields[column.name];
        const sortable = field && field.sortable !== false && field.store !== false;
        const current = this.order[0];
        const sorted = current && current.name === column.name;
        const classes = {
            "ag-sortable": sortable, "ag-sorted": sorted, "ag-num": L.isNumericField(field),
            "ag-cell-handle": column.widget === "handle",
        };
        return h("th", {
            class: classes, dataset: { name: column.name },
            title: field && field.help ? field.help : null,
            style: column.width ? `width: ${column.width}` : null,
            "aria-sort": sorted ? (current.asc ? "ascending" : "descending") : null,
            onclick: sortable ? () => this.sortBy(column.name) : null,
        }, column.widget === "handle" ? "" : this.columnLabel(column),
        sorted ? h("span", { class: "ag-sort-arrow", "aria-hidden": "true" },
            current.asc ? " ▲" : " ▼") : null);
    }

    renderOptionalToggler() {
        const optional = this.columns.filter((c) => c.kind === "field" && c.optional &&
            !L.isConstantTrue(c.invisible));
        if (!optional.length) {
            return null;
        }
        this.optionalMenu = h("div", { class: "ag-optional-menu", hidden: true },
            optional.map((column) => h("label", { class: "ag-optional-item" },
                h("input", {
                    type: "checkbox", checked: this.optionalShown.has(column.name),
                    onchange: (event) => this.toggleOptional(column.name, event.target.checked),
                }), " ", this.columnLabel(column))));
        return h("div", { class: "ag-optional-wrapper" },
            h("button", {
                type: "button", class: "ag-optional-toggle", title: "Optional columns",
                "aria-label": "Optional columns",
                onclick: () => { this.optionalMenu.hidden = !this.optionalMenu.hidden; },
            }, "⋮"),
            this.optionalMenu);
    }

    closeOptionalMenu(event) {
        const menu = this.optionalMenu;
        if (menu && !menu.hidden && !menu.parentNode.contains(event.target)) {
            menu.hidden = true;
        }
    }

    toggleOptional(name, shown) {
        if (shown) {
            this.optionalShown.add(name);
        } else {
            this.optionalShown.delete(name);
        }
        this.saveOptionalState();
        this.render(); // every arch field is loaded already: no reload needed
        if (this.optionalMenu) {
            this.optionalMenu.hidden = false; // keep the menu open for more choices
        }
    }

    renderRecordRow(record, resIds, level) {
        const scope = L.recordScope(record, this.context);
        const classes = { "ag-data-row": true, "ag-selected": this.selection.has(record.id) };
        for (const { name, expr } of this.options.decorations) {
            if (L.safeBoolean(evaluateBooleanExpr, expr, scope)) {
                classes[`ag-decoration-${name}`] = true;
            }
        }
        const cells = this.visible.map((column, index) => {
            const td = this.renderCell(record, column, scope);
            if (index === 0 && level > 0) {
                td.style.paddingLeft = `${level * 1.25 + 0.5}rem`;
            }
            return td;
        });
        return h("tr", {
            class: classes, dataset: { id: String(record.id) },
            onclick: () => this.openRecord(record.id, resIds),
        },
        h("td", { class: "ag-list-select", onclick: (event) => event.stopPropagation() },
            h("input", {
                type: "checkbox", checked: this.selection.has(record.id),
                "aria-label": "Select record",
                onchange: (event) => this.select(record.id, event.target.checked),
            })),
        cells,
        h("td", { class: "ag-list-optional-cell" }));
    }

    renderCell(record, column, scope) {
        if (column.kind === "buttons") {
            return h("td", { class: cellClass(column, null) }, column.buttons
                .filter((button) => !L.safeBoolean(evaluateBooleanExpr, button.invisible, scope))
                .map((button) => this.renderButton(button, record)));
        }
        const field = this.fields[column.name];
        const hidden = column.invisible &&
            L.safeBoolean(evaluateBooleanExpr, column.invisible, scope);
        const content = hidden ? "" : cellContent(record, column, field);
        return h("td", {
            class: cellClass(column, field), dataset: { name: column.name },
            title: typeof content === "string" && content.length > 30 ? content : null,
        }, content);
    }

    renderButton(button, record) {
        const icon = button.icon ? (ICONS[button.icon.replace(/^fa\s+/, "")] || "•") : null;
        return h("button", {
            type: "button", name: button.name,
            class: `ag-list-button ${button.className || ""}`.trim(),
            title: button.title || button.string || null,
            onclick: (event) => {
                event.stopPropagation(); // a button never opens the record
                this.runButton(button, record);
            },
        }, icon ? h("span", { class: "ag-button-icon", "aria-hidden": "true" }, icon) : null,
        button.string ? ` ${button.string}` : null);
    }

    appendGroup(fragment, node) {
        fragment.appendChild(this.renderGroupRow(node));
        if (!node.expanded) {
            return;
        }
        if (node.children) {
            for (const child of node.children) {
                this.appendGroup(fragment, child);
            }
        } else if (node.records) {
            const resIds = node.records.map((r) => r.id);
            for (const record of node.records) {
                fragment.appendChild(this.renderRecordRow(record, resIds, node.level + 1));
            }
            if (node.length > node.records.length) {
                fragment.appendChild(h("tr", { class: "ag-group-more" },
                    h("td", { colspan: String(this.columnCount) },
                        h("button", {
                            type: "button", class: "ag-link",
                            onclick: () => this.loadMoreInGroup(node),
                        }, `Load more (${node.length - node.records.length} left)`))));
            }
        }
    }

    renderGroupRow(node) {
        const firstAggregate = this.visible.findIndex((column) =>
            column.kind === "field" && this.aggregates.some((a) => a.name === column.name));
        const labelSpan = firstAggregate < 0 ? this.visible.length + 1 : firstAggregate + 1;
        const cells = [h("td", {
            class: "ag-group-label", colspan: String(labelSpan),
            style: `padding-left: ${node.level * 1.25 + 0.5}rem`,
        },
        h("span", { class: "ag-group-caret", "aria-hidden": "true" },
            node.expanded ? "▾ " : "▸ "),
        node.label, h("span", { class: "ag-group-count" }, ` (${node.count})`))];
        if (firstAggregate >= 0) {
            for (const column of this.visible.slice(firstAggregate)) {
                const field = column.kind === "field" ? this.fields[column.name] : null;
                const aggregate = field && this.aggregates.find((a) => a.name === column.name);
                const value = aggregate ? node.group[column.name] : undefined;
                cells.push(h("td", { class: cellClass(column, field) },
                    value === undefined ? "" : formatAggregate(value, field, aggregate.op)));
            }
        }
        cells.push(h("td", { class: "ag-list-optional-cell" }));
        return h("tr", {
            class: { "ag-group-row": true, "ag-group-open": node.expanded },
            dataset: { group: node.path, level: String(node.level) },
            "aria-expanded": String(node.expanded),
            onclick: () => this.toggleGroup(node),
        }, cells);
    }

    renderFooter() {
        if (!this.aggregates.length || (!this.records.length && !this.groups)) {
            return h("tfoot");
        }
        const cells = this.visible.map((column) => {
            const aggregate = column.kind === "field" &&
                this.aggregates.find((a) => a.name === column.name);
            if (!aggregate) {
                return h("td");
            }
            const field = this.fields[column.name];
            return h("td", { class: cellClass(column, field), title: aggregate.label || null,
                dataset: { name: column.name } },
            formatAggregate(this.totals[column.name], field, aggregate.op));
        });
        return h("tfoot", {}, h("tr", { class: "ag-list-totals" },
            h("td"), cells, h("td")));
    }

    renderEmpty() {
        const empty = this.groups ? this.groups.length === 0 : this.records.length === 0;
        this.emptyEl.hidden = !empty;
        this.root.classList.toggle("ag-list-is-empty", empty);
        if (!empty) {
            clear(this.emptyEl);
            return;
        }
        const help = helpText(this.props.help || (this.props.action && this.props.action.help));
        replaceContent(this.emptyEl,
            h("p", { class: "ag-list-empty-title" }, "No record found"),
            help ? h("p", { class: "ag-list-empty-help" }, help) : null);
    }

    renderPager() {
        if (this.groups || !this.length) {
            clear(this.pagerSlot);
            return;
        }
        const value = h("span", {
            class: "ag-pager-value", title: "Click to edit the range", tabindex: "0",
            onclick: () => this.editPager(value),
            onkeydown: (event) => { if (event.key === "Enter") { this.editPager(value); } },
        }, L.pagerText(this.offset, this.limit, this.length).split(" / ")[0]);
        const single = this.length <= this.limit;
        replaceContent(this.pagerSlot, h("div", { class: "ag-pager" },
            value, h("span", { class: "ag-pager-sep" }, " / "),
            h("span", { class: "ag-pager-total" }, String(this.length)),
            h("button", { type: "button", class: "ag-pager-prev", title: "Previous",
                "aria-label": "Previous", disabled: single,
                onclick: () => this.goTo(L.stepOffset(this.offset, this.limit, this.length, -1)),
            }, "‹"),
            h("button", { type: "button", class: "ag-pager-next", title: "Next",
                "aria-label": "Next", disabled: single,
                onclick: () => this.goTo(L.stepOffset(this.offset, this.limit, this.length, 1)),
            }, "›")));
    }

    editPager(valueEl) {
        const input = h("input", {
            class: "ag-pager-input", type: "text", value: valueEl.textContent,
            size: "7", "aria-label": "Records range",
        });
        let done = false;
        const apply = (commit) => {
            if (done) {
                return;
            }
            done = true;
            const range = commit ? L.parsePagerRange(input.value, this.length) : null;
            if (range) {
                this.offset = range.offset;
                this.limit = range.limit;
                this.reload();
            } else {
                this.renderPager();
            }
        };
        input.addEventListener("keydown", (event) => {
            if (event.key === "Enter") {
                apply(true);
            } else if (event.key === "Escape") {
                apply(false);
            }
        });
        input.addEventListener("blur", () => apply(true));
        valueEl.replaceWith(input);
        input.focus();
        input.select();
    }

    renderBulkActions() {
        const ids = [...this.selection];
        if (!ids.length) {
            clear(this.buttonsSlot);
            return;
        }
        const hasActive = this.hasActive;
        replaceContent(this.buttonsSlot, h("div", { class: "ag-list-bulk" },
            h("span", { class: "ag-selection-count" }, `${ids.length} selected`),
            this.options.delete ? h("button", {
                type: "button", class: "ag-bulk-delete", onclick: () => this.deleteSelected(),
            }, "Delete") : null,
            hasActive ? h("button", {
                type: "button", class: "ag-bulk-archive",
                onclick: () => this.setActiveSelected(false),
            }, "Archive") : null,
            hasActive ? h("button", {
                type: "button", class: "ag-bulk-unarchive",
                onclick: () => this.setActiveSelected(true),
            }, "Unarchive") : null));
    }

    notifyRendered(start) {
        const ms = performance.now() - start;
        const records = this.table.querySelectorAll("tr.ag-data-row").length;
        window.dispatchEvent(new CustomEvent("agora:rendered",
            { detail: { view: "list", records, ms } }));
    }

    // -- selection --------------------------------------------------------------------------

    loadedRecordIds() {
        if (!this.groups) {
            return this.records.map((r) => r.id);
        }
        const ids = [];
        const visit = (nodes) => {
            for (const node of nodes) {
                if (!node.expanded) {
                    continue;
                }
                if (node.children) {
                    visit(node.children);
                } else if (node.records) {
                    ids.push(...node.records.map((r) => r.id));
                }
            }
        };
        visit(this.groups);
        return ids;
    }

    /** Forget selected ids that are no longer shown (other page, collapsed group...). */
    pruneSelection() {
        const shown = new Set(this.loadedRecordIds());
        for (const id of [...this.selection]) {
            if (!shown.has(id)) {
                this.selection.delete(id);
            }
        }
    }

    select(id, selected) {
        if (selected) {
            this.selection.add(id);
        } else {
            this.selection.delete(id);
        }
        this.refreshSelection();
    }

    selectAll(selected) {
        for (const id of this.loadedRecordIds()) {
            if (selected) {
                this.selection.add(id);
            } else {
                this.selection.delete(id);
            }
        }
        this.refreshSelection();
    }

    /** Update checkboxes and bulk buttons in place (no re-render of the rows). */
    refreshSelection() {
        for (const row of this.table.querySelectorAll("tr.ag-data-row")) {
            const selected = this.selection.has(Number(row.dataset.id));
            row.classList.toggle("ag-selected", selected);
            const checkbox = row.querySelector(".ag-list-select input");
            if (checkbox) {
                checkbox.checked = selected;
            }
        }
        const ids = this.loadedRecordIds();
        const count = ids.filter((id) => this.selection.has(id)).length;
        this.headerCheckbox.checked = ids.length > 0 && count === ids.length;
        this.headerCheckbox.indeterminate = count > 0 && count < ids.length;
        this.renderBulkActions();
    }

    // -- actions ----------------------------------------------------------------------------

    openRecord(resId, resIds) {
        if (this.env.openRecord) {
            this.env.openRecord({ resId, resIds });
        }
    }

    sortBy(name) {
        this.order = L.toggleOrder(this.order, name);
        this.offset = 0;
        this.reload();
    }

    goTo(offset) {
        this.offset = offset;
        this.reload();
    }

    reload() {
        return this.load();
    }

    async deleteSelected() {
        const ids = [...this.selection];
        const confirm = this.dialog.confirmDialog;
        const message = ids.length === 1 ? "Are you sure you want to delete this record?"
            : `Are you sure you want to delete these ${ids.length} records?`;
        if (confirm && !(await confirm(message, { title: "Delete",
            confirmLabel: "Delete" }))) {
            return;
        }
        try {
            await this.orm.unlink(this.model, ids);
            this.selection.clear();
        } catch (error) {
            this.showError(error);
        }
        await this.reload();
    }

    /** Archive/unarchive through the model's methods (the model may name its active
     *  field otherwise, or refuse). */
    async setActiveSelected(active) {
        const ids = [...this.selection];
        try {
            await this.orm.call(this.model, active ? "action_unarchive" : "action_archive", [ids]);
            this.selection.clear();
        } catch (error) {
            this.showError(error);
        }
        await this.reload();
    }

    async runButton(button, record) {
        try {
            if (button.confirm && this.dialog.confirmDialog &&
                !(await this.dialog.confirmDialog(button.confirm, { title: "Confirmation" }))) {
                return;
            }
            if (button.type === "object") {
                const action = await this.orm.callButton(this.model, button.name, [record.id],
                    { context: this.context });
                if (action && typeof action === "object" && this.env.doAction) {
                    await this.env.doAction(action);
                }
            } else if (button.type === "action" && this.env.doAction) {
                await this.env.doAction(button.name, { additionalContext: {
                    active_id: record.id, active_ids: [record.id], active_model: this.model,
                } });
            }
        } catch (error) {
            this.showError(error);
        }
        if (!this.destroyed) {
            await this.reload();
        }
    }

    showError(error) {
        if (this.dialog.showError) {
            this.dialog.showError(error);
        } else {
            console.error(error);
        }
    }

    // -- controller API ---------------------------------------------------------------------

    async update(partialProps = {}) {
        const groupByBefore = JSON.stringify(this.groupBy);
        Object.assign(this.props, partialProps);
        if ("orderBy" in partialProps) {
            this.order = L.parseOrder(partialProps.orderBy || this.options.defaultOrder);
        }
        if (JSON.stringify(this.groupBy) !== groupByBefore) {
            this.expandedKeys.clear();
        }
        this.offset = 0;
        this.selection.clear();
        await this.load();
    }

    destroy() {
        this.destroyed = true;
        this.loadId += 1; // late answers are dropped
        document.removeEventListener("mousedown", this.onDocumentMouseDown);
        clear(this.pagerSlot);
        clear(this.buttonsSlot);
        this.root.remove();
    }
}

const listView = {
    type: "list",
    display: "List",
    icon: "☰",
    searchable: true,
    async mount(container, props) {
        const controller = new ListController(container, props);
        await controller.load();
        return {
            update: (partialProps) => controller.update(partialProps),
            canLeave: async () => true,
            destroy: () => controller.destroy(),
            reload: () => controller.reload(),
            canCreate: controller.canCreate,
        };
    },
};

registerView(listView);

export default listView;
