// Pivot table building from read_group answers, without a browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
    buildPivot, cellValue, visibleRows, leafColumns, columnHeaderRows, transposeResults,
    allPrefixes, measureSpec, measureChoices, nodesAtDepth, COUNT,
} from "../../../agora/addons/web/static/src/views/pivot/pivot_model.js";

const fields = {
    state: { type: "selection", selection: [["draft", "Draft"], ["done", "Done"]], string: "Status" },
    partner_id: { type: "many2one", string: "Partner" },
    amount: { type: "float", string: "Amount", store: true },
    name: { type: "char", string: "Name" },
};

// 3 records: (Azure, draft, 10) (Azure, done, 5) (none, done, 1)
const results = new Map([
    ["0,0", [{ __count: 3, amount: 16 }]],
    ["1,0", [{ partner_id: [3, "Azure"], __count: 2, amount: 15 }, { partner_id: false, __count: 1, amount: 1 }]],
    ["0,1", [{ state: "done", __count: 2, amount: 6 }, { state: "draft", __count: 1, amount: 10 }]],
    ["1,1", [
        { partner_id: [3, "Azure"], state: "done", __count: 1, amount: 5 },
        { partner_id: [3, "Azure"], state: "draft", __count: 1, amount: 10 },
        { partner_id: false, state: "done", __count: 1, amount: 1 },
    ]],
]);

test("one row and one column group-by need 4 read_groups", () => {
    assert.deepEqual(allPrefixes(["partner_id"], ["state"]).map((p) => p.groupBy),
        [[], ["state"], ["partner_id"], ["partner_id", "state"]]);
    assert.equal(allPrefixes(["a", "b"], []).length, 3);
});

test("trees, cells and totals", () => {
    const pivot = buildPivot({ rowGroupBys: ["partner_id"], colGroupBys: ["state"], results, fields });
    assert.deepEqual(pivot.rowTree.children.map((n) => n.label), ["Azure", "None"]);
    assert.deepEqual(pivot.colTree.children.map((n) => n.label), ["Done", "Draft"]);
    const [azure, none] = pivot.rowTree.children;
    const [done, draft] = pivot.colTree.children;
    assert.equal(cellValue(pivot, azure, draft, "amount"), 10);
    assert.equal(cellValue(pivot, none, draft, "amount"), undefined);
    assert.equal(cellValue(pivot, none, pivot.colTree, COUNT), 1);
    assert.equal(cellValue(pivot, pivot.rowTree, done, COUNT), 2);
    assert.equal(cellValue(pivot, pivot.rowTree, pivot.colTree, "amount"), 16);
});

test("collapsing headers hides rows and folds columns", () => {
    const pivot = buildPivot({ rowGroupBys: ["partner_id"], colGroupBys: ["state"], results, fields });
    assert.equal(visibleRows(pivot.rowTree, new Set()).length, 3);
    assert.equal(visibleRows(pivot.rowTree, new Set([pivot.rowTree.key])).length, 1);
    const cols = leafColumns(pivot.colTree, new Set());
    assert.deepEqual(cols.map((n) => n.label), ["Done", "Draft", "Total"]); // root total last
    assert.deepEqual(leafColumns(pivot.colTree, new Set([pivot.colTree.key])).map((n) => n.label), ["Total"]);
});

test("column header layout: spans and the total column", () => {
    const pivot = buildPivot({ rowGroupBys: [], colGroupBys: ["state"], results, fields });
    const rows = columnHeaderRows(pivot.colTree, new Set());
    assert.deepEqual(rows.map((r) => r.map((c) => [c.node.label, c.colspan, c.rowspan, c.total])), [
        [["Total", 2, 1, false], ["Total", 1, 2, true]],
        [["Done", 1, 1, false], ["Draft", 1, 1, false]],
    ]);
    const folded = columnHeaderRows(pivot.colTree, new Set([pivot.colTree.key]));
    assert.deepEqual(folded.map((r) => r.map((c) => [c.colspan, c.rowspan, c.total])), [[[1, 1, false]]]);
});

test("two levels: partially collapsed headers", () => {
    const res = new Map([
        ["0,0", [{ __count: 3 }]],
        ["0,1", [{ partner_id: [3, "Azure"], __count: 2 }, { partner_id: false, __count: 1 }]],
        ["0,2", [{ partner_id: [3, "Azure"], state: "done", __count: 1 }, { partner_id: [3, "Azure"], state: "draft", __count: 1 }, { partner_id: false, state: "done", __count: 1 }]],
    ]);
    const pivot = buildPivot({ rowGroupBys: [], colGroupBys: ["partner_id", "state"], results: res, fields });
    const none = pivot.colTree.children[1];
    const rows = columnHeaderRows(pivot.colTree, new Set([none.key]));
    // Azure spans its two states; None (folded) spans the two header rows below the root.
    assert.deepEqual(rows[1].map((c) => [c.node.label, c.colspan, c.rowspan]), [["Azure", 2, 1], ["None", 1, 2]]);
    assert.deepEqual(rows[2].map((c) => c.node.label), ["Done", "Draft"]);
    assert.deepEqual(leafColumns(pivot.colTree, new Set([none.key])).map((c) => c.label), ["Done", "Draft", "None", "Total"]);
    assert.deepEqual(nodesAtDepth(pivot.colTree, 1).map((n) => n.label), ["Azure", "None"]);
});

test("flipping axes transposes the answers", () => {
    const flipped = buildPivot({ rowGroupBys: ["state"], colGroupBys: ["partner_id"], results: transposeResults(results), fields });
    assert.deepEqual(flipped.rowTree.children.map((n) => n.label), ["Done", "Draft"]);
    const [done] = flipped.rowTree.children;
    const [azure] = flipped.colTree.children;
    assert.equal(cellValue(flipped, done, azure, "amount"), 5);
});

test("measures", () => {
    assert.equal(measureSpec("amount", fields.amount), "amount:sum");
    assert.equal(measureSpec(COUNT), null);
    assert.deepEqual(measureChoices(fields).map((c) => c.name), ["amount", COUNT]);
});
