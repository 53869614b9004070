// Pure logic of the search view: domain combination and the facets' query.
import { test } from "node:test";
import assert from "node:assert/strict";

import { andDomains, normalizeDomain, orDomains }
    from "../../../agora/addons/web/static/src/search/domain_utils.js";
import { SearchModel, fieldSearchDomain }
    from "../../../agora/addons/web/static/src/search/search_model.js";

// A tiny stand-in for core/pyeval.js parseDomain: JSON-ish python with `self`.
function fakeParseDomain(expr, scope) {
    const json = expr.replace(/\bself\b/g, JSON.stringify(scope.self ?? null))
        .replace(/\(/g, "[").replace(/\)/g, "]").replace(/'/g, '"')
        .replace(/\bFalse\b/g, "false").replace(/\bTrue\b/g, "true");
    return JSON.parse(json);
}

const A = ["a", "=", 1];
const B = ["b", "=", 2];
const C = ["c", "=", 3];

test("normalizeDomain makes implicit ANDs explicit", () => {
    assert.deepEqual(normalizeDomain([A, B, C]), ["&", "&", A, B, C]);
    assert.deepEqual(normalizeDomain(["|", A, B, C]), ["&", "|", A, B, C]);
    assert.deepEqual(normalizeDomain(["!", A]), ["!", A]);
    assert.deepEqual(normalizeDomain([]), []);
    assert.throws(() => normalizeDomain(["|", A]));
});

test("andDomains / orDomains combine in prefix notation", () => {
    assert.deepEqual(andDomains([[A], [B]]), ["&", A, B]);
    assert.deepEqual(orDomains([[A], [B], [C]]), ["|", "|", A, B, C]);
    assert.deepEqual(orDomains([[A, B], [C]]), ["|", "&", A, B, C]);
    assert.deepEqual(andDomains([[], [A]]), [A]);
    assert.deepEqual(orDomains([[], [A]]), [], "an empty domain is TRUE");
    assert.deepEqual(andDomains([]), []);
});

test("fieldSearchDomain: filter_domain, ilike, numbers, selection", () => {
    const parse = fakeParseDomain;
    assert.deepEqual(fieldSearchDomain({ name: "name", type: "char" }, "ab", parse),
        [["name", "ilike", "ab"]]);
    assert.deepEqual(fieldSearchDomain({ name: "partner_id", type: "many2one" }, "x", parse),
        [["partner_id", "ilike", "x"]]);
    assert.deepEqual(fieldSearchDomain({ name: "name", filterDomain:
        "['|', ('name', 'ilike', self), ('ref', '=', self)]" }, "q", parse),
        ["|", ["name", "ilike", "q"], ["ref", "=", "q"]]);
    assert.deepEqual(fieldSearchDomain({ name: "qty", type: "integer" }, "12", parse),
        [["qty", "=", 12]]);
    assert.equal(fieldSearchDomain({ name: "qty", type: "integer" }, "abc", parse), null);
    const state = { name: "state", type: "selection",
        selection: [["draft", "Draft"], ["done", "Done"], ["cancel", "Cancelled"]] };
    assert.deepEqual(fieldSearchDomain(state, "D", parse), [["state", "in", ["draft", "done", "cancel"]]]);
    assert.deepEqual(fieldSearchDomain(state, "do", parse), [["state", "in", ["done"]]]);
    assert.equal(fieldSearchDomain(state, "zzz", parse), null);
    assert.equal(fieldSearchDomain({ name: "date", type: "date" }, "2024", parse), null);
});

function makeModel() {
    return new SearchModel({
        parseDomain: fakeParseDomain,
        fields: [
            { name: "name", label: "Name", type: "char" },
            { name: "partner_id", label: "Partner", type: "many2one" },
        ],
        filters: [
            { id: 1, name: "draft", label: "Draft", domain: "[('state', '=', 'draft')]", groupId: 1 },
            { id: 2, name: "done", label: "Done", domain: "[('state', '=', 'done')]", groupId: 1 },
            { id: 3, name: "mine", label: "Mine", domain: "[('user_id', '=', 7)]", groupId: 2 },
            { id: 4, name: "by_stage", label: "Stage", groupBy: ["stage_id"], groupId: 3 },
            { id: 5, name: "by_date", label: "Date", groupBy: ["date:month"], groupId: 3 },
        ],
    });
}

test("proposals follow the arch order and Enter-able first proposal", () => {
    const model = makeModel();
    const proposals = model.proposals("acme");
    assert.deepEqual(proposals.map((p) => p.fieldName), ["name", "partner_id"]);
    assert.deepEqual(model.proposals("  "), []);
});

test("values of one field are OR-ed, facets AND-ed", () => {
    const model = makeModel();
    model.addFieldValue("name", "a", [["name", "ilike", "a"]]);
    model.addFieldValue("name", "b", [["name", "ilike", "b"]]);
    model.addFieldValue("partner_id", "x", [["partner_id", "ilike", "x"]]);
    assert.equal(model.facets.length, 2);
    assert.deepEqual(model.getQuery().domain, ["&", "|", ["name", "ilike", "a"],
        ["name", "ilike", "b"], ["partner_id", "ilike", "x"]]);
    assert.deepEqual(model.facetDescriptions()[0].labels, ["a", "b"]);
});

test("filters of one group share an OR facet; toggling removes them", () => {
    const model = makeModel();
    model.toggleFilter(2);
    model.toggleFilter(1);
    model.toggleFilter(3);
    assert.equal(model.facets.length, 2);
    assert.deepEqual(model.facetDescriptions()[0].labels, ["Draft", "Done"]);
    assert.deepEqual(model.getQuery().domain, ["&", "|", ["state", "=", "draft"],
        ["state", "=", "done"], ["user_id", "=", 7]]);
    model.toggleFilter(1);
    model.toggleFilter(2);
    assert.equal(model.facets.length, 1);
    assert.deepEqual(model.getQuery().domain, [["user_id", "=", 7]]);
    assert.ok(model.isActive(3));
    assert.ok(!model.isActive(1));
});

test("group-bys follow activation order in one facet", () => {
    const model = makeModel();
    model.toggleFilter(5);
    model.toggleFilter(4);
    const query = model.getQuery();
    assert.deepEqual(query.groupBy, ["date:month", "stage_id"]);
    assert.deepEqual(query.domain, []);
    const facet = model.facetDescriptions()[0];
    assert.equal(facet.separator, ">");
    assert.deepEqual(facet.labels, ["Date", "Stage"]);
    model.toggleFilter(5);
    assert.deepEqual(model.getQuery().groupBy, ["stage_id"]);
    model.addCustomGroupBy("user_id", "Salesperson");
    assert.deepEqual(model.getQuery().groupBy, ["stage_id", "user_id"]);
});

test("removing facets (last one for Backspace)", () => {
    const model = makeModel();
    model.toggleFilter(1);
    model.addFieldValue("name", "a", [["name", "ilike", "a"]]);
    model.removeLastFacet();
    assert.deepEqual(model.getQuery().domain, [["state", "=", "draft"]]);
    model.removeFacet(0);
    const { domain, context, groupBy } = model.getQuery();
    assert.deepEqual({ domain, context, groupBy }, { domain: [], context: {}, groupBy: [] });
    model.removeLastFacet(); // nothing left: no error
});

test("search_default_ keys make the initial facets", () => {
    const model = makeModel();
    const fieldDefaults = model.applyDefaults({
        search_default_by_date: 2, search_default_by_stage: 1, search_default_draft: 1,
        search_default_done: false, search_default_partner_id: 42, lang: "en_US",
    });
    const query = model.getQuery();
    assert.deepEqual(query.groupBy, ["stage_id", "date:month"]);
    assert.deepEqual(query.domain, ["&", ["partner_id", "in", [42]], ["state", "=", "draft"]]);
    assert.equal(fieldDefaults.length, 1);
    model.setValueLabel("partner_id", [42], "Acme");
    assert.deepEqual(model.facetDescriptions()[0].labels, ["Acme"]);
});

test("filter context keys other than group_by reach the query context", () => {
    const model = new SearchModel({ parseDomain: fakeParseDomain, filters: [
        { id: 1, name: "x", label: "X", domain: "[]", context: { show_all: true }, groupId: 1 },
    ] });
    model.toggleFilter(1);
    const { domain, context, groupBy } = model.getQuery();
    assert.deepEqual({ domain, context, groupBy }, { domain: [], context: { show_all: true }, groupBy: [] });
});

test("the exported state brings the same facets and query back", () => {
    const model = makeModel();
    model.toggleFilter(1);
    model.toggleFilter(4);
    model.addFieldValue("name", "a", [["name", "ilike", "a"]]);
    const query = model.getQuery();
    const again = makeModel();
    again.importState(query.searchState);
    assert.deepEqual(again.getQuery(), query);
    assert.deepEqual(again.facetDescriptions(), model.facetDescriptions());
    model.toggleFilter(2); // the exported state is a copy
    assert.deepEqual(again.getQuery(), query);
    const other = new SearchModel({ parseDomain: fakeParseDomain, filters: [] });
    other.importState(query.searchState); // filters unknown to this arch are dropped
    assert.deepEqual(other.getQuery().domain, [["name", "ilike", "a"]]);
});
