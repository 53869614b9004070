/**
 * Pivot table logic without DOM: read_group rows → header trees and cell values,
 * the visible rows/columns for a set of collapsed headers, and the header layout.
 *
 * Data model: for R row group-bys and C column group-bys the view asks
 * read_group(lazy=false) once for every (row prefix i, column prefix j), 0 <= i <= R,
 * 0 <= j <= C: group-by rows[:i] + cols[:j]. Those (R+1)(C+1) answers hold every
 * sub-total, so any header can be collapsed or expanded without asking again.
 * `results` is a Map "i,j" → groups.
 */

import { COUNT, measureChoices, measureSpec, valueKey, valueLabel } from "../group_values.js";

export { COUNT, measureChoices, measureSpec, valueKey, valueLabel };

/** Fields a header may be expanded by. */
export function groupableFields(fields) {
    const types = new Set(["char", "selection", "many2one", "boolean", "date", "datetime", "integer"]);
    return Object.entries(fields)
        .filter(([name, f]) => name !== "id" && types.has(f.type) && (f.groupable ?? f.store) !== false)
        .map(([name, f]) => ({ name, label: f.string || name, type: f.type }))
        .sort((a, b) => a.label.localeCompare(b.label));
}

/** Key of a group value within its level (many2one by id). */

const pathKey = (path) => JSON.stringify(path);

function makeNode(path, label, depth) {
    return { path, key: pathKey(path), label, depth, children: [] };
}

/** Header tree of one axis from the answers for prefixes 1..n (at column/row prefix 0). */
function buildTree(groupBys, answerAt, fields) {
    const root = makeNode([], "Total", 0);
    const byKey = new Map([[root.key, root]]);
    for (let depth = 1; depth <= groupBys.length; depth++) {
        for (const group of answerAt(depth) || []) {
            const path = groupBys.slice(0, depth).map((spec) => valueKey(group[spec]));
            const key = pathKey(path);
            if (byKey.has(key)) {
                continue;
            }
            const parent = byKey.get(pathKey(path.slice(0, -1)));
            if (!parent) {
                continue;
            }
            const spec = groupBys[depth - 1];
            const node = makeNode(path, valueLabel(group[spec], fields[spec.split(":")[0]]), depth);
            parent.children.push(node);
            byKey.set(key, node);
        }
    }
    return root;
}

/**
 * {rowTree, colTree, cells: Map "rowKey|colKey" → {values: {measure: v}, domain}}.
 */
export function buildPivot({ rowGroupBys, colGroupBys, results, fields }) {
    const rowTree = buildTree(rowGroupBys, (i) => results.get(`${i},0`), fields);
    const colTree = buildTree(colGroupBys, (j) => results.get(`0,${j}`), fields);
    const cells = new Map();
    for (let i = 0; i <= rowGroupBys.length; i++) {
        for (let j = 0; j <= colGroupBys.length; j++) {
            for (const group of results.get(`${i},${j}`) || []) {
                const rowPath = rowGroupBys.slice(0, i).map((s) => valueKey(group[s]));
                const colPath = colGroupBys.slice(0, j).map((s) => valueKey(group[s]));
                cells.set(`${pathKey(rowPath)}|${pathKey(colPath)}`, { group, domain: group.__domain || null });
            }
        }
    }
    return { rowTree, colTree, cells };
}

/** Value of a measure at (row node, column node); undefined when no records. */
export function cellValue(pivot, rowNode, colNode, measure) {
    const cell = pivot.cells.get(`${rowNode.key}|${colNode.key}`);
    if (!cell) {
        return undefined;
    }
    return measure === COUNT ? cell.group.__count : cell.group[measure];
}

export function cellDomain(pivot, rowNode, colNode) {
    return pivot.cells.get(`${rowNode.key}|${colNode.key}`)?.domain || null;
}

export function isExpanded(node, collapsed) {
    return node.children.length > 0 && !collapsed.has(node.key);
}

/** Rows in display order: each expanded header followed by its children. */
export function visibleRows(tree, collapsed) {
    const out = [];
    const walk = (node) => {
        out.push(node);
        if (isExpanded(node, collapsed)) {
            node.children.forEach(walk);
        }
    };
    walk(tree);
    return out;
}

/** Leaf columns, left to right; when the root is expanded its total comes last. */
export function leafColumns(tree, collapsed) {
    const leaves = [];
    const walk = (node) => {
        if (isExpanded(node, collapsed)) {
            node.children.forEach(walk);
        } else {
            leaves.push(node);
        }
    };
    walk(tree);
    return isExpanded(tree, collapsed) ? [...leaves, tree] : leaves;
}

/**
 * Column header rows: [[{node, colspan, rowspan, total}]], colspans in leaf columns
 * (multiply by the number of measures when drawing). The root's total column is a
 * header cell spanning every row, after the root's children.
 */
export function columnHeaderRows(tree, collapsed) {
    const visibleDepth = (node) => (isExpanded(node, collapsed)
        ? 1 + Math.max(...node.children.map(visibleDepth)) : 0);
    const depth = visibleDepth(tree); // number of header rows below the root row
    const rows = Array.from({ length: depth + 1 }, () => []);
    const leafCount = (node) => (isExpanded(node, collapsed)
        ? node.children.reduce((sum, c) => sum + leafCount(c), 0) : 1);
    const walk = (node) => {
        const expanded = isExpanded(node, collapsed);
        rows[node.depth].push({
            node, colspan: leafCount(node), rowspan: expanded ? 1 : depth + 1 - node.depth, total: false,
        });
        if (expanded) {
            node.children.forEach(walk);
        }
    };
    walk(tree);
    if (isExpanded(tree, collapsed)) {
        rows[0].push({ node: tree, colspan: 1, rowspan: depth + 1, total: true });
    }
    return rows;
}

/** Swap the axes of the answers (no new request needed). */
export function transposeResults(results) {
    const out = new Map();
    for (const [key, groups] of results) {
        const [i, j] = key.split(",");
        out.set(`${j},${i}`, groups);
    }
    return out;
}

/** The read_group calls of a render: one per (row prefix, column prefix). */
export function allPrefixes(rows, cols) {
    const pairs = [];
    for (let i = 0; i <= rows.length; i++) {
        for (let j = 0; j <= cols.length; j++) {
            pairs.push({ key: `${i},${j}`, groupBy: [...rows.slice(0, i), ...cols.slice(0, j)] });
        }
    }
    return pairs;
}

/** After expanding `node` by a new level, collapse its siblings' new children. */
export function nodesAtDepth(tree, depth) {
    const out = [];
    const walk = (node) => {
        if (node.depth === depth) {
            out.push(node);
            return;
        }
        node.children.forEach(walk);
    };
    walk(tree);
    return out;
}
