// The Python subset of archs: modifiers, domains and contexts, evaluated without eval().
import { test } from "node:test";
import assert from "node:assert/strict";

import {
    evaluateExpr, evaluateBooleanExpr, parseDomain, parseContext, matchDomain, PyEvalError,
} from "../../../agora/addons/web/static/src/core/pyeval.js";

test("modifiers over record values", () => {
    const record = { state: "sale", is_company: false, amount: 10, parent: { state: "draft" } };
    assert.equal(evaluateBooleanExpr("state != 'draft'", record), true);
    assert.equal(evaluateBooleanExpr("not is_company", record), true);
    assert.equal(evaluateBooleanExpr("state in ('draft', 'sent') or amount > 5", record), true);
    assert.equal(evaluateBooleanExpr("parent.state == 'draft' and amount <= 9", record), false);
    assert.equal(evaluateBooleanExpr("state not in ['sale']", record), false);
    assert.equal(evaluateBooleanExpr("1", {}), true);
    assert.equal(evaluateBooleanExpr("False", {}), false);
    assert.equal(evaluateExpr("'a' if amount > 5 else 'b'", record), "a");
});

test("many2one values compare by id whatever their shape", () => {
    assert.equal(evaluateBooleanExpr("partner_id == 3", { partner_id: { id: 3, display_name: "X" } }), true);
    assert.equal(evaluateBooleanExpr("partner_id", { partner_id: false }), false);
});

test("domains and contexts parse to JSON values", () => {
    assert.deepEqual(parseDomain("['|', ('name', 'ilike', self), ('email', 'ilike', self)]", { self: "zo" }),
        ["|", ["name", "ilike", "zo"], ["email", "ilike", "zo"]]);
    assert.deepEqual(parseDomain("[('user_id', '=', uid)]", { uid: 2 }), [["user_id", "=", 2]]);
    assert.deepEqual(parseContext("{'group_by': 'state', 'search_default_x': 1}"),
        { group_by: "state", search_default_x: 1 });
    assert.equal(matchDomain({ state: "draft", a: 5 }, ["|", ["state", "=", "sale"], ["a", ">", 3]]), true);
    assert.equal(matchDomain({ state: "draft" }, [["state", "in", ["sale"]]]), false);
});

test("code cannot run: unknown names and calls are refused", () => {
    assert.throws(() => evaluateExpr("__import__('os')", {}), PyEvalError);
    assert.throws(() => evaluateExpr("constructor.constructor('return 1')()", {}), PyEvalError);
    assert.throws(() => evaluateExpr("state ==", { state: 1 }), PyEvalError);
});
