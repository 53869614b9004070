// x2many inline list: rows from the field's inline <list>, every cell editable in place
// with the same field widgets as the form, "Add a line", × to remove, sum footers.
//
// Performance: rows are kept by line key; a change of one line replaces only that
// line's object (see views/form/record.js), so update() touches only rows whose line
// object changed (plus the totals). Rows are built in a DocumentFragment.
import { h, replaceContent } from "../core/dom.js";
import { registerField, mountField, parseOptions } from "./registry.js";
import { formatValue } from "./formatting.js";
import { fieldState, evalModifier, isEmpty } from "../views/form/modifiers.js";
import { evalScope, makeLine, newLineKey, valuesFromServer } from "../views/form/record.js";
import { collectFieldNodes } from "../views/form/spec.js";
import { evaluateExpr, parseDomain, parseContext } from "../core/pyeval.js";
import { createAutocomplete } from "./autocomplete.js";
import { relationalItems } from "./many2one.js";

function attrsOf(node) {
    const attrs = {};
    for (const a of Array.from(node.attributes || [])) attrs[a.name] = a.value;
    return attrs;
}

/** Does any modifier of the subview read the parent record? Then rows follow the parent. */
function usesParent(columns) {
    return columns.some((c) => ["invisible", "readonly", "required", "column_invisible", "domain", "context"]
        .some((a) => (c.node.getAttribute(a) || "").includes("parent")));
}

function x2manyList(props) {
    const entry = props.entry;
    const sub = entry.sub;
    const listArch = entry.arch;
    const columns = collectFieldNodes(listArch)
        .filter((node) => sub.fields[node.getAttribute("name")])
        .map((node) => {
            const name = node.getAttribute("name");
            return { name, node, desc: sub.fields[name].desc, attrs: attrsOf(node),
                options: parseOptions(node.getAttribute("options"), evaluateExpr) };
        });
    const followsParent = usesParent(columns);
    const isM2M = props.field.type === "many2many";

    let current = props;
    let lines = props.value || [];
    const rows = new Map(); // key -> {tr, line, cells: [{column, mounted, td}]}
    const thead = h("thead");
    const tbody = h("tbody");
    const tfoot = h("tfoot", { class: "ag-list-totals" });
    const table = h("table", { class: "ag-list ag-x2many-list" }, thead, tbody, tfoot);
    const addRow = h("div", { class: "ag-x2many-add" });
    const el = h("div", { class: "ag-x2many" }, table, addRow);
    let parentSig = null;
    let headerSig = null;

    const isReadonly = () => !!current.readonly;

    const visibleColumns = () => columns.filter((c) => !evalModifier(c.attrs.column_invisible, { ...current.scope, parent: current.scope, context: current.context || {} }));

    const lineScope = (line) => evalScope(line.values, sub, {
        parent: current.scope, context: current.context || {}, id: line.id || false,
    });

    const changeLine = (key, name, value) => {
        const index = lines.findIndex((l) => l.key === key);
        if (index < 0) return;
        const line = lines[index];
        const next = { ...line, values: { ...line.values, [name]: value } };
        const newLines = lines.slice();
        newLines[index] = next;
        current.onChange(newLines, { lineKey: key, fieldName: name });
    };

    const removeLine = (key) => {
        current.onChange(lines.filter((l) => l.key !== key), { lineKey: key, removed: true });
    };

    const cellProps = (column, line, scope) => {
        const state = fieldState(column.node, column.desc, scope, { formReadonly: isReadonly() || isM2M });
        return {
            name: column.name,
            value: line.values[column.name],
            field: column.desc,
            widget: column.attrs.widget,
            readonly: state.readonly,
            required: state.required,
            invisible: state.invisible,
            invalid: line.invalid?.has(column.name),
            record: line.values,
            options: column.options,
            attrs: column.attrs,
            env: current.env,
            models: current.models,
            entry: sub.fields[column.name],
            scope,
            getDomain: () => parseDomain(column.attrs.domain || column.desc.domain || [], scope),
            getContext: () => ({ ...(current.context || {}), ...parseContext(column.attrs.context, scope) }),
            onChange: (value) => changeLine(line.key, column.name, value),
        };
    };

    const fillRow = (row, line) => {
        const scope = lineScope(line);
        for (const cell of row.cells) {
            const p = cellProps(cell.column, line, scope);
            cell.mounted.update(p);
            cell.mounted.el.hidden = !!p.invisible;
        }
        row.line = line;
    };

    const buildRow = (line, cols) => {
        const scope = lineScope(line);
        const cells = cols.map((column) => {
            const p = cellProps(column, line, scope);
            const mounted = mountField(p);
            mounted.el.hidden = !!p.invisible;
            return { column, mounted, td: h("td", { class: `ag-cell ag-cell-${column.desc.type}` }, mounted.el) };
        });
        const tr = h("tr", { class: "ag-data-row", dataset: { id: String(line.id || ""), key: line.key } },
            cells.map((c) => c.td),
            h("td", { class: "ag-row-delete" }, isReadonly() ? null : h("button", {
                type: "button", class: "ag-delete-line", title: "Delete", onclick: () => removeLine(line.key),
            }, "×")));
        return { tr, line, cells };
    };

    const renderTotals = (cols) => {
        const hasSum = cols.some((c) => c.attrs.sum);
        if (!hasSum) {
            if (tfoot.firstChild) replaceContent(tfoot);
            return;
        }
        replaceContent(tfoot, h("tr", {}, cols.map((c) => {
            if (!c.attrs.sum) return h("td");
            const total = lines.reduce((acc, l) => acc + (Number(l.values[c.name]) || 0), 0);
            const field = c.desc.type === "monetary" ? { ...c.desc, type: "float", digits: [16, 2] } : c.desc;
            return h("td", { class: "ag-total", title: c.attrs.sum }, formatValue(total, field));
        }), h("td")));
    };

    const renderAll = () => {
        const cols = visibleColumns();
        headerSig = JSON.stringify([cols.map((c) => c.name), isReadonly()]);
        replaceContent(thead, h("tr", {}, cols.map((c) => h("th", { class: `ag-col-${c.desc.type}`, dataset: { name: c.name } },
            c.attrs.string || c.desc.string || c.name)), h("th", { class: "ag-row-delete" })));
        rows.clear();
        const fragment = document.createDocumentFragment();
        for (const line of lines) {
            const row = buildRow(line, cols);
            rows.set(line.key, row);
            fragment.appendChild(row.tr);
        }
        replaceContent(tbody, fragment);
        renderTotals(cols);
        renderAddRow();
    };

    const renderAddRow = () => {
        if (isReadonly() || current.options?.no_create === true) {
            replaceContent(addRow);
            return;
        }
        if (isM2M) {
            const input = h("input", { type: "text", class: "ag-input ag-x2many-add-input", placeholder: "Add a line", autocomplete: "off" });
            const auto = createAutocomplete({
                input,
                source: (text) => relationalItems({ ...current, options: { ...current.options, no_create: true } }, text, addExisting,
                    { exclude: lines.map((l) => l.id).filter(Boolean) }),
            });
            replaceContent(addRow, input, auto.dropdown);
        } else {
            replaceContent(addRow, h("button", { type: "button", class: "ag-add-line", onclick: addLine }, "Add a line"));
        }
    };

    // A new line gets its defaults from the comodel (onchange on an empty record).
    const addLine = async () => {
        const { orm } = current.env;
        const spec = current.subSpec;
        let values;
        try {
            const answer = await orm.onchange(props.field.relation, [], {}, [], spec, { context: current.getContext ? current.getContext() : {} });
            values = valuesFromServer(answer.value || {}, sub);
        } catch (error) {
            // Defaults may need the parent (a required inverse field): start empty.
            values = valuesFromServer({}, sub);
        }
        const line = { key: newLineKey(), id: false, values, saved: null };
        current.onChange([...lines, line], { lineKey: line.key, added: true });
        requestAnimationFrame(() => {
            const row = rows.get(line.key);
            const target = row?.tr.querySelector("input:not([type=checkbox]), select, textarea");
            if (target) target.focus();
        });
    };

    const addExisting = async (record) => {
        try {
            const [row] = await current.env.orm.webRead(props.field.relation, [record.id], current.subSpec);
            // An existing record, linked: the record model sends [4, id] for it.
            const line = makeLine(row, sub);
            current.onChange([...lines, line], { lineKey: line.key, added: true });
        } catch (error) {
            current.env.dialog.showError(error);
        }
    };

    /** Only rows whose line object changed are touched; others move at most. */
    const update = (p) => {
        const previousReadonly = isReadonly();
        current = p;
        const newLines = p.value || [];
        const cols = visibleColumns();
        const sig = JSON.stringify([cols.map((c) => c.name), isReadonly()]);
        if (sig !== headerSig || previousReadonly !== isReadonly()) {
            lines = newLines;
            renderAll();
            return;
        }
        const newParentSig = followsParent ? JSON.stringify(p.scope) : null;
        const parentChanged = newParentSig !== parentSig;
        parentSig = newParentSig;
        const sameOrder = newLines.length === lines.length && newLines.every((l, i) => l.key === lines[i].key);
        if (!sameOrder) {
            const keep = new Set(newLines.map((l) => l.key));
            for (const [key, row] of rows) {
                if (!keep.has(key)) {
                    row.tr.remove();
                    rows.delete(key);
                }
            }
            newLines.forEach((line) => {
                const row = rows.get(line.key);
                if (!row) {
                    rows.set(line.key, buildRow(line, cols));
                } else if (row.line !== line || parentChanged) {
                    fillRow(row, line);
                }
            });
            // Kept rows usually stay in order with new rows at the end: append only
            // those; otherwise move every row into place (moving, not re-rendering).
            const wanted = newLines.map((l) => rows.get(l.key).tr);
            const inDom = Array.from(tbody.children);
            const prefixOk = inDom.every((tr, i) => wanted[i] === tr);
            const fragment = document.createDocumentFragment();
            (prefixOk ? wanted.slice(inDom.length) : wanted).forEach((tr) => fragment.appendChild(tr));
            tbody.appendChild(fragment);
        } else {
            newLines.forEach((line) => {
                const row = rows.get(line.key);
                if (row.line !== line || parentChanged) fillRow(row, line);
            });
        }
        lines = newLines;
        renderTotals(cols);
    };

    /** Required cells of every line; marks the empty ones. Returns true when valid. */
    const validate = () => {
        let ok = true;
        for (const line of lines) {
            const scope = lineScope(line);
            const row = rows.get(line.key);
            for (const column of columns) {
                const state = fieldState(column.node, column.desc, scope);
                const bad = state.required && !state.invisible && isEmpty(line.values[column.name], column.desc);
                if (bad) ok = false;
                const cell = row?.cells.find((c) => c.column === column);
                if (cell) cell.mounted.el.classList.toggle("ag-invalid", bad);
            }
        }
        return ok;
    };

    lines = props.value || [];
    parentSig = followsParent ? JSON.stringify(props.scope) : null;
    renderAll();
    return { el, update, validate };
}

registerField("x2many_list", x2manyList);
// x2many without an inline list (and not tags): the lines' names, read-only.
registerField("one2many", (props) => {
    const el = h("span", { class: "ag-readonly-value" });
    const render = (p) => {
        el.textContent = formatValue(p.value || [], p.field);
    };
    render(props);
    return { el, update: render };
});
