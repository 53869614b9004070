/**
 * Pivot view: a table of measures by row and column group-bys, with collapsible
 * headers, "expand by" on leaf headers, axis flipping and a measure picker.
 *
 * RPCs per render: (R+1)*(C+1) read_group(lazy=false) calls, in parallel, for R row
 * and C column group-bys (1 row + 1 column: 4 = [row, col], [row], [col], []).
 * Collapsing/expanding loaded headers and flipping axes need none; expanding a leaf
 * header by a new field renders again with one more level.
 */
import { h, clear, replaceContent } from "../../core/dom.js";
import { formatValue } from "../../core/format.js";
import { registerView } from "../../core/registry.js";
import { showError as coreShowError } from "../../core/dialog.js";
import {
    COUNT, measureSpec, measureChoices, groupableFields, buildPivot, cellValue, cellDomain,
    isExpanded, visibleRows, leafColumns, columnHeaderRows, transposeResults, allPrefixes,
    nodesAtDepth,
} from "./pivot_model.js";

function readArch(arch, fields) {
    const rows = [];
    const cols = [];
    const measures = [];
    for (const node of arch.children) {
        if (node.tagName.toLowerCase() !== "field") {
            continue;
        }
        const name = node.getAttribute("name");
        if (!fields[name] && name !== COUNT) {
            continue;
        }
        const interval = node.getAttribute("interval");
        const spec = interval ? `${name}:${interval}` : name;
        const type = node.getAttribute("type");
        if (type === "row") {
            rows.push(spec);
        } else if (type === "col") {
            cols.push(spec);
        } else if (type === "measure") {
            measures.push(name);
        }
    }
    return { rows, cols, measures: measures.length ? measures : [COUNT] };
}

class PivotController {
    constructor(container, props) {
        this.props = props;
        this.env = props.env;
        this.orm = props.env.orm;
        this.showError = props.env.dialog?.showError || coreShowError;
        const info = readArch(props.arch, props.fields);
        this.archRows = info.rows;
        this.rowGroupBys = props.groupBy && props.groupBy.length ? [...props.groupBy] : info.rows;
        this.colGroupBys = info.cols;
        this.measures = info.measures;
        this.collapsed = { row: new Set(), col: new Set() };
        this.loadToken = 0;
        this.root = h("div", { class: "ag-pivot-view" });
        container.append(this.root);
        document.addEventListener("click", this.onDocumentClick = (ev) => {
            if (this.menu && !this.menu.contains(ev.target)) {
                this.closeMenu();
            }
        });
    }

    get fields() {
        return this.props.fields;
    }

    async load() {
        const token = ++this.loadToken;
        const { resModel, context } = this.props;
        const domain = this.props.domain || [];
        const specs = this.measures.map((m) => measureSpec(m, this.fields[m])).filter(Boolean);
        try {
            const prefixes = allPrefixes(this.rowGroupBys, this.colGroupBys);
            const answers = await Promise.all(prefixes.map((p) => this.orm.readGroup(
                resModel, domain, specs, p.groupBy, { lazy: false, context })));
            if (token !== this.loadToken) {
                return;
            }
            this.results = new Map(prefixes.map((p, index) => [p.key, answers[index]]));
            this.render();
        } catch (error) {
            if (token === this.loadToken) {
                this.showError(error);
            }
        }
    }

    render() {
        const start = performance.now();
        this.pivot = buildPivot({
            rowGroupBys: this.rowGroupBys, colGroupBys: this.colGroupBys,
            results: this.results, fields: this.fields,
        });
        this.applyPendingCollapse();
        const rows = visibleRows(this.pivot.rowTree, this.collapsed.row);
        const total = this.results.get("0,0")?.[0]?.__count || 0;
        replaceContent(this.root,
            this.renderToolbar(),
            total ? null : h("div", { class: "ag-pivot-empty" }, "No data"),
            h("div", { class: "ag-pivot-scroll" }, this.renderTable(rows)));
        window.dispatchEvent(new CustomEvent("agora:rendered", {
            detail: { view: "pivot", records: total, ms: performance.now() - start },
        }));
    }

    // -- toolbar -----------------------------------------------------------------------------
    renderToolbar() {
        const choices = measureChoices(this.fields);
        const picker = h("details", { class: "ag-pivot-measures" },
            h("summary", {}, "Measures"),
            h("div", { class: "ag-pivot-measure-list" }, choices.map((choice) => h("label", {},
                h("input", {
                    type: "checkbox", value: choice.name, checked: this.measures.includes(choice.name),
                    onchange: (ev) => this.toggleMeasure(choice.name, ev.target.checked),
                }), " ", choice.label))));
        return h("div", { class: "ag-pivot-toolbar" },
            h("button", { type: "button", class: "ag-pivot-flip", onclick: () => this.flip() }, "⇄ Flip axes"),
            h("button", { type: "button", class: "ag-pivot-expand-all", onclick: () => this.expandAll() }, "Expand all"),
            picker);
    }

    toggleMeasure(name, on) {
        const next = this.measures.filter((m) => m !== name);
        if (on) {
            next.push(name);
        }
        if (!next.length) {
            this.render(); // keep at least one measure: redraw the checkbox as it was
            return;
        }
        // Keep the picker's order (Count last) so columns do not jump around.
        const order = measureChoices(this.fields).map((c) => c.name);
        this.measures = next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
        this.load();
    }

    flip() {
        [this.rowGroupBys, this.colGroupBys] = [this.colGroupBys, this.rowGroupBys];
        this.collapsed = { row: this.collapsed.col, col: this.collapsed.row };
        if (this.results) {
            this.results = transposeResults(this.results);
            this.render();
        }
    }

    expandAll() {
        this.collapsed = { row: new Set(), col: new Set() };
        this.render();
    }

    // -- table -------------------------------------------------------------------------------
    renderTable(rows) {
        const measures = this.measures;
        const colLeaves = leafColumns(this.pivot.colTree, this.collapsed.col);
        const headerRows = columnHeaderRows(this.pivot.colTree, this.collapsed.col);
        const thead = h("thead", {});
        headerRows.forEach((cells, index) => {
            const tr = h("tr", {},
                index === 0 ? h("th", { class: "ag-pivot-corner", rowspan: String(headerRows.length + 1) }) : null,
                cells.map((cell) => (cell.total
                    ? h("th", { class: "ag-pivot-header ag-pivot-total-header",
                        rowspan: String(cell.rowspan), colspan: String(measures.length) }, "Total")
                    : this.renderHeader("col", cell.node, {
                        colspan: String(cell.colspan * measures.length), rowspan: String(cell.rowspan),
                    }))));
            thead.append(tr);
        });
        thead.append(h("tr", { class: "ag-pivot-measure-row" }, colLeaves.flatMap(() => measures.map((m) =>
            h("th", { class: "ag-pivot-measure-header" }, this.measureLabel(m))))));
        const tbody = h("tbody", {});
        const fragment = document.createDocumentFragment();
        for (const row of rows) {
            const tr = h("tr", { class: { "ag-pivot-total-row": row.depth === 0 } },
                this.renderHeader("row", row, {}),
                colLeaves.flatMap((col) => measures.map((measure) => this.renderCell(row, col, measure))));
            fragment.append(tr);
        }
        tbody.append(fragment);
        return h("table", { class: "ag-pivot" }, thead, tbody);
    }

    measureLabel(name) {
        return name === COUNT ? "Count" : this.fields[name]?.string || name;
    }

    renderHeader(axis, node, attrs) {
        const collapsedSet = this.collapsed[axis];
        const expanded = isExpanded(node, collapsedSet);
        const icon = expanded ? "▾" : "▸";
        return h("th", {
            ...attrs,
            class: `ag-pivot-header ag-pivot-${axis}-header`,
            style: axis === "row" ? `padding-left: ${8 + node.depth * 16}px` : null,
            dataset: { depth: String(node.depth) },
            title: expanded ? "Collapse" : "Expand",
            onclick: (ev) => {
                ev.stopPropagation();
                this.onHeaderClick(axis, node, ev.currentTarget);
            },
        }, `${icon} ${node.label}`);
    }

    renderCell(row, col, measure) {
        const value = cellValue(this.pivot, row, col, measure);
        const field = measure === COUNT ? { type: "integer", name: COUNT } : this.fields[measure];
        const text = value === undefined ? "" : formatValue(value === false ? 0 : value, field);
        const total = row.depth === 0 || col.depth === 0;
        return h("td", {
            class: { "ag-pivot-cell": true, "ag-pivot-total": total, "ag-pivot-empty-cell": value === undefined },
            onclick: value === undefined ? null : () => this.openCell(row, col),
        }, text);
    }

    openCell(row, col) {
        const domain = cellDomain(this.pivot, row, col);
        if (!domain || !this.env.doAction) {
            return;
        }
        const labels = [...row.path.length ? [row.label] : [], ...col.path.length ? [col.label] : []];
        this.env.doAction({
            type: "ir.actions.act_window",
            name: labels.join(" / ") || "Records",
            res_model: this.props.resModel,
            views: [[false, "list"], [false, "form"]],
            domain,
            context: this.props.context || {},
            target: "current",
        });
    }

    onHeaderClick(axis, node, anchor) {
        const set = this.collapsed[axis];
        if (isExpanded(node, set)) {
            set.add(node.key);
            this.render();
        } else if (node.children.length) {
            set.delete(node.key);
            this.render();
        } else {
            this.openGroupByMenu(axis, node, anchor);
        }
    }

    // -- "expand by" menu --------------------------------------------------------------------
    openGroupByMenu(axis, node, anchor) {
        this.closeMenu();
        const used = new Set([...this.rowGroupBys, ...this.colGroupBys].map((s) => s.split(":")[0]));
        const options = groupableFields(this.fields).filter((f) => !used.has(f.name));
        const items = options.flatMap((f) => (f.type === "date" || f.type === "datetime"
            ? ["year", "quarter", "month", "week", "day"].map((g) => ({ spec: `${f.name}:${g}`, label: `${f.label}: ${g}` }))
            : [{ spec: f.name, label: f.label }]));
        const menu = h("div", { class: "ag-pivot-groupby-menu", role: "menu" },
            items.length ? items.map((item) => h("button", {
                type: "button", class: "ag-pivot-groupby-option", dataset: { field: item.spec },
                onclick: (ev) => {
                    ev.stopPropagation();
                    this.closeMenu();
                    this.expandBy(axis, node, item.spec);
                },
            }, item.label)) : h("div", { class: "ag-pivot-groupby-none" }, "No field to group by"));
        const box = anchor.getBoundingClientRect();
        const rootBox = this.root.getBoundingClientRect();
        menu.style.left = `${box.left - rootBox.left}px`;
        menu.style.top = `${box.bottom - rootBox.top}px`;
        this.root.append(menu);
        this.menu = menu;
    }

    closeMenu() {
        this.menu?.remove();
        this.menu = null;
    }

    async expandBy(axis, node, spec) {
        const key = axis === "row" ? "rowGroupBys" : "colGroupBys";
        this[key] = [...this[key].slice(0, node.depth), spec];
        // Only the clicked header opens; its siblings stay folded at the new level.
        this.pendingCollapse = { axis, depth: node.depth, keep: node.key };
        await this.load();
    }

    applyPendingCollapse() {
        const pending = this.pendingCollapse;
        this.pendingCollapse = null;
        if (!pending) {
            return;
        }
        const tree = pending.axis === "row" ? this.pivot.rowTree : this.pivot.colTree;
        for (const other of nodesAtDepth(tree, pending.depth)) {
            if (other.key !== pending.keep) {
                this.collapsed[pending.axis].add(other.key);
            }
        }
    }

    // -- controller API ----------------------------------------------------------------------
    async update(partial) {
        const groupByChanged = "groupBy" in partial
            && JSON.stringify(partial.groupBy || []) !== JSON.stringify(this.props.groupBy || []);
        this.props = { ...this.props, ...partial };
        if (groupByChanged) {
            this.rowGroupBys = this.props.groupBy && this.props.groupBy.length
                ? [...this.props.groupBy] : [...this.archRows];
            this.collapsed.row = new Set();
        }
        await this.load();
    }

    async canLeave() {
        return true;
    }

    destroy() {
        this.loadToken++;
        document.removeEventListener("click", this.onDocumentClick);
        clear(this.root);
        this.root.remove();
    }
}

/** Load this view's stylesheet once (the page only links css/web.css). */
const descriptor = {
    type: "pivot",
    display: "Pivot",
    icon: "⊞",
    searchable: true,
    async mount(container, props) {
        const controller = new PivotController(container, props);
        await controller.load();
        return controller;
    },
};

registerView(descriptor);
export default descriptor;
