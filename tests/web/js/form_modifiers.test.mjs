// Modifier glue of the form view: arch attributes over field descriptions, scopes with parent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fieldState, evalModifier, isEmpty } from "../../../agora/addons/web/static/src/views/form/modifiers.js";

function node(attrs) {
    return { getAttribute: (n) => (n in attrs ? attrs[n] : null) };
}

test("Odoo 17 expressions against the record's values", () => {
    const state = fieldState(node({ invisible: "state != 'draft'", required: "is_company" }), {}, { state: "sale", is_company: true });
    assert.deepEqual(state, { invisible: true, readonly: false, required: true });
});

test("the arch's readonly/required win over the description; edit=0 forces readonly", () => {
    assert.equal(fieldState(node({ readonly: "0" }), { readonly: true }, {}).readonly, false);
    assert.equal(fieldState(node({}), { readonly: true }, {}).readonly, true);
    assert.equal(fieldState(node({}), { required: true }, {}).required, true);
    assert.equal(fieldState(node({ readonly: "0" }), {}, {}, { formReadonly: true }).readonly, true);
});

test("lines see their parent", () => {
    assert.equal(evalModifier("parent.state == 'draft'", { parent: { state: "draft" } }), true);
    assert.equal(evalModifier("parent.state == 'draft'", { parent: { state: "sale" } }), false);
});

test("a broken expression falls back instead of throwing", () => {
    assert.equal(evalModifier("unknown_name ==", {}, false), false);
});

test("emptiness for required checks", () => {
    assert.equal(isEmpty(false), true);
    assert.equal(isEmpty(""), true);
    assert.equal(isEmpty([]), true);
    assert.equal(isEmpty(0, { type: "integer" }), false);
    assert.equal(isEmpty({ id: 1 }), false);
});
