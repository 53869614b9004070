// Pure logic of the form view: spec building, dirty diffing, x2many commands, onchange merge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildSpec } from "../../../agora/addons/web/static/src/views/form/spec.js";
import { RecordModel, evalScope } from "../../../agora/addons/web/static/src/views/form/record.js";

// Minimal element stand-in: nodeName, getAttribute, children.
function el(nodeName, attrs = {}, ...children) {
    return { nodeName, children, getAttribute: (n) => (n in attrs ? attrs[n] : null) };
}

const partnerFields = {
    display_name: { type: "char" },
    name: { type: "char", required: true },
    partner_id: { type: "many2one", relation: "res.partner" },
    tag_ids: { type: "many2many", relation: "res.partner.category" },
    line_ids: { type: "one2many", relation: "sale.line" },
    amount: { type: "monetary", currency_field: "currency_id" },
    currency_id: { type: "many2one", relation: "res.currency" },
    state: { type: "selection", selection: [["draft", "Draft"], ["sale", "Sale"]] },
    total: { type: "float", readonly: true },
};
const models = {
    "sale.line": {
        name: { type: "char" },
        qty: { type: "float" },
        product_id: { type: "many2one", relation: "product" },
    },
    "res.currency": { symbol: { type: "char" }, position: { type: "selection" } },
};

function arch() {
    return el("form", {},
        el("header", {}, el("field", { name: "state", widget: "statusbar" })),
        el("sheet", {},
            el("group", {},
                el("field", { name: "name" }),
                el("field", { name: "partner_id" }),
                el("field", { name: "tag_ids", widget: "many2many_tags" }),
                el("field", { name: "amount" }),
                el("field", { name: "total" })),
            el("notebook", {}, el("page", { string: "Lines" },
                el("field", { name: "line_ids" },
                    el("list", { editable: "bottom" },
                        el("field", { name: "product_id" }),
                        el("field", { name: "name" }),
                        el("field", { name: "qty" })))))));
}

test("spec from the arch: relational specs, subview lines, currency, display_name", () => {
    const { spec, schema } = buildSpec(arch(), partnerFields, models, "sale.order");
    assert.deepEqual(spec.partner_id, { fields: { display_name: {} } });
    assert.deepEqual(spec.tag_ids, { fields: { display_name: {} } });
    assert.deepEqual(spec.line_ids, { fields: { product_id: { fields: { display_name: {} } }, name: {}, qty: {} } });
    assert.deepEqual(spec.currency_id, { fields: { display_name: {}, symbol: {}, position: {} } });
    assert.deepEqual(spec.display_name, {});
    assert.equal(schema.fields.line_ids.kind, "lines");
    assert.equal(schema.fields.tag_ids.kind, "tags");
});

function loaded() {
    const { schema } = buildSpec(arch(), partnerFields, models, "sale.order");
    const record = new RecordModel(schema, { exclude: (name, entry) => !!entry.desc?.readonly });
    record.load({
        id: 7, display_name: "SO7", name: "SO7", state: "draft", amount: 10, total: 3,
        partner_id: { id: 3, display_name: "Azure" }, currency_id: false,
        tag_ids: [{ id: 1, display_name: "A" }],
        line_ids: [
            { id: 11, name: "one", qty: 1, product_id: { id: 5, display_name: "P5" } },
            { id: 12, name: "two", qty: 2, product_id: false },
        ],
    });
    return record;
}

test("a loaded record is clean; a changed field is the only one saved", () => {
    const record = loaded();
    assert.equal(record.isDirty(), false);
    assert.deepEqual(record.getChanges(), {});
    record.setValue("partner_id", { id: 4, display_name: "Deco" });
    assert.equal(record.isDirty(), true);
    assert.deepEqual(record.getChanges(), { partner_id: 4 });
    record.setValue("partner_id", { id: 3, display_name: "Azure" });
    assert.equal(record.isDirty(), false);
});

test("readonly fields are not written", () => {
    const record = loaded();
    record.applyOnchange({ total: 99 });
    assert.deepEqual(record.getChanges(), {});
});

test("x2many commands: new, changed, removed lines and tags", () => {
    const record = loaded();
    const lines = record.values.line_ids;
    const changed = { ...lines[0], values: { ...lines[0].values, qty: 5 } };
    const fresh = { key: "n1", id: false, saved: null, values: { name: "three", qty: 3, product_id: { id: 9, display_name: "P9" } } };
    record.setValue("line_ids", [changed, fresh]);
    record.setValue("tag_ids", [{ id: 1, display_name: "A" }, { id: 2, display_name: "B" }]);
    assert.deepEqual(record.getChanges(), {
        tag_ids: [[6, 0, [1, 2]]],
        line_ids: [[2, 12], [1, 11, { qty: 5 }], [0, 0, { product_id: 9, name: "three", qty: 3 }]],
    });
    const onchangeValues = record.getOnchangeValues();
    assert.equal(onchangeValues.id, 7);
    assert.equal(onchangeValues.partner_id, 3);
    assert.deepEqual(onchangeValues.line_ids, record.getChanges().line_ids);
});

test("onchange answer keeps line keys (existing by id, new by rank) and objects unchanged lines", () => {
    const record = loaded();
    const [first, second] = record.values.line_ids;
    const fresh = { key: "n1", id: false, saved: null, values: { name: "new", qty: 1, product_id: false } };
    record.setValue("line_ids", [first, second, fresh]);
    const changed = record.applyOnchange({
        line_ids: [
            { id: 11, name: "one", qty: 1, product_id: { id: 5, display_name: "P5" } },
            { id: 12, name: "two", qty: 2, product_id: false },
            { id: false, name: "new (computed)", qty: 1, product_id: false },
        ],
    });
    assert.deepEqual(changed, ["line_ids"]);
    const lines = record.values.line_ids;
    assert.equal(lines[0], first, "unchanged line keeps its object");
    assert.equal(lines[1], second);
    assert.equal(lines[2].key, "n1");
    assert.equal(lines[2].values.name, "new (computed)");
});

test("new record: every writable field is saved, dirty only after a user edit", () => {
    const { schema } = buildSpec(arch(), partnerFields, models, "sale.order");
    const record = new RecordModel(schema, { exclude: (name, entry) => !!entry.desc?.readonly });
    record.loadDefaults({ state: "draft", name: false, line_ids: [], tag_ids: [], partner_id: false, amount: 0, currency_id: { id: 1, display_name: "EUR", symbol: "€" } });
    assert.equal(record.isDirty(), false);
    record.setValue("name", "New SO");
    assert.equal(record.isDirty(), true);
    const vals = record.getChanges();
    assert.equal(vals.name, "New SO");
    assert.equal(vals.currency_id, 1);
    assert.deepEqual(vals.tag_ids, [[6, 0, []]]);
    assert.deepEqual(vals.line_ids, []);
    assert.equal("total" in vals, false);
    assert.equal("id" in record.getOnchangeValues(), false);
});

test("modifier scope: many2one as id, x2many as ids, extras merged", () => {
    const record = loaded();
    const scope = evalScope(record.values, record.schema, { id: 7 });
    assert.equal(scope.partner_id, 3);
    assert.deepEqual(scope.line_ids, [11, 12]);
    assert.deepEqual(scope.tag_ids, [1]);
    assert.equal(scope.state, "draft");
});
