// Pure logic of the list view: specification, ordering, pager, aggregates, group labels.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as L from "../../../agora/addons/web/static/src/views/list/list_logic.js";

const FIELDS = {
    name: { type: "char", string: "Name", store: true },
    partner_id: { type: "many2one", string: "Partner", relation: "res.partner" },
    tag_ids: { type: "many2many", string: "Tags" },
    line_ids: { type: "one2many", string: "Lines" },
    amount: { type: "monetary", string: "Amount", currency_field: "currency_id" },
    currency_id: { type: "many2one", string: "Currency", relation: "res.currency" },
    qty: { type: "integer", string: "Quantity" },
    computed: { type: "float", string: "Computed", store: false },
    state: { type: "selection", string: "State", selection: [["draft", "Draft"], ["done", "Done"]] },
    active: { type: "boolean", string: "Active" },
};

const col = (name, extra = {}) => ({ kind: "field", name, ...extra });

test("buildSpecification: many2one / tags / x2many ids / scalars / currency", () => {
    const spec = L.buildSpecification([
        col("name"), col("partner_id"), col("tag_ids", { widget: "many2many_tags" }),
        col("line_ids"), col("amount"), { kind: "buttons", buttons: [] },
    ], FIELDS);
    assert.deepEqual(spec, {
        name: {},
        partner_id: { fields: { display_name: {} } },
        tag_ids: { fields: { display_name: {} } },
        line_ids: {},
        amount: {},
        currency_id: { fields: { display_name: {}, symbol: {}, position: {} } },
    });
});

test("ordering: parse, toggle, serialize", () => {
    assert.deepEqual(L.parseOrder("date desc, name"),
        [{ name: "date", asc: false }, { name: "name", asc: true }]);
    let order = L.parseOrder("");
    order = L.toggleOrder(order, "name");
    assert.equal(L.orderToString(order), "name asc");
    order = L.toggleOrder(order, "name");
    assert.equal(L.orderToString(order), "name desc");
    order = L.toggleOrder(order, "qty");
    assert.equal(L.orderToString(order), "qty asc, name desc");
});

test("pager text, range editing and steps", () => {
    assert.equal(L.pagerText(0, 80, 312), "1-80 / 312");
    assert.equal(L.pagerText(240, 80, 312), "241-312 / 312");
    assert.equal(L.pagerText(0, 80, 1), "1 / 1");
    assert.equal(L.pagerText(0, 80, 0), "0 / 0");
    assert.deepEqual(L.parsePagerRange("21-40", 312), { offset: 20, limit: 20 });
    assert.deepEqual(L.parsePagerRange(" 5 ", 312), { offset: 4, limit: 1 });
    assert.deepEqual(L.parsePagerRange("1-1000", 312), { offset: 0, limit: 312 });
    assert.equal(L.parsePagerRange("abc", 312), null);
    assert.equal(L.parsePagerRange("40-20", 312), null);
    assert.equal(L.stepOffset(0, 80, 312, 1), 80);
    assert.equal(L.stepOffset(240, 80, 312, 1), 0, "next wraps to the first page");
    assert.equal(L.stepOffset(0, 80, 312, -1), 240, "previous wraps to the last page");
    assert.equal(L.stepOffset(0, 80, 50, 1), 0);
});

test("aggregates: columns, read_group specs, client-side sums and averages", () => {
    const columns = [col("name", { sum: "x" }), col("amount", { sum: "Total" }),
        col("qty", { avg: "Average" }), col("computed", { sum: "S" }), col("active")];
    const aggregates = L.aggregateColumns(columns, FIELDS);
    assert.deepEqual(aggregates.map((a) => `${a.name}:${a.op}`),
        ["amount:sum", "qty:avg", "computed:sum"]);
    assert.deepEqual(L.readGroupFields(aggregates, FIELDS), ["amount:sum", "qty:avg"]);
    const totals = L.computeAggregates([{ amount: 10, qty: 1, computed: 1 },
        { amount: 5.5, qty: 2, computed: false }], aggregates);
    assert.deepEqual(totals, { amount: 15.5, qty: 1.5, computed: 1 });
    assert.deepEqual(L.computeAggregates([], aggregates), { amount: 0, qty: 0, computed: 0 });
});

test("group values, counts and labels", () => {
    const group = { stage_id: [3, "Won"], stage_id_count: 7, __domain: [] };
    assert.deepEqual(L.groupValue(group, "stage_id"), [3, "Won"]);
    assert.equal(L.groupCount(group, "stage_id"), 7);
    assert.equal(L.groupCount({ "date:month": "March 2024", date_count: 2 }, "date:month"), 2);
    assert.equal(L.groupValue({ "date:month": "March 2024" }, "date:month"), "March 2024");
    assert.equal(L.groupCount({ __count: 4 }, "x"), 4);
    assert.equal(L.groupLabel([3, "Won"], FIELDS.partner_id), "Won");
    assert.equal(L.groupLabel(false, FIELDS.partner_id), "None");
    assert.equal(L.groupLabel("done", FIELDS.state), "Done");
    assert.equal(L.groupLabel("weird", FIELDS.state), "weird");
    assert.equal(L.groupLabel(true, FIELDS.active), "Yes");
    assert.equal(L.groupLabel(false, FIELDS.active), "No");
    assert.equal(L.groupLabel("March 2024", { type: "date" }), "March 2024");
    assert.equal(L.groupLabel(1234, FIELDS.qty, (v) => `n${v}`), "n1234");
    assert.equal(L.groupKey(group, "stage_id"), "stage_id=3");
    assert.equal(L.groupByFieldName("date:month"), "date");
});

test("record scope: relational values as ids, context names", () => {
    const scope = L.recordScope({ id: 5, partner_id: { id: 9, display_name: "A" },
        tag_ids: [{ id: 1, display_name: "x" }, { id: 2 }], line_ids: [4, 5], state: "draft",
        currency_id: false }, { lang: "en_US" });
    assert.equal(scope.partner_id, 9);
    assert.deepEqual(scope.tag_ids, [1, 2]);
    assert.deepEqual(scope.line_ids, [4, 5]);
    assert.equal(scope.state, "draft");
    assert.equal(scope.currency_id, false);
    assert.equal(scope.lang, "en_US");
    assert.deepEqual(scope.context, { lang: "en_US" });
    assert.equal(scope.id, 5);
});

test("safeBoolean and constant invisibility", () => {
    assert.equal(L.safeBoolean(() => { throw new Error("x"); }, "bad(", {}), false);
    assert.equal(L.safeBoolean((e, s) => s.a === 1, "a == 1", { a: 1 }), true);
    assert.equal(L.safeBoolean(() => true, "", {}), false, "no expression: false");
    assert.ok(L.isConstantTrue("1"));
    assert.ok(L.isConstantTrue(" True "));
    assert.ok(!L.isConstantTrue("state == 'done'"));
    assert.ok(!L.isConstantTrue(null));
});
