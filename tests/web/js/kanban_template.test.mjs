// Kanban card templates and group/column logic, without a browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
    renderTemplate, findCardTemplate, templateFieldNames, interpolate,
} from "../../../agora/addons/web/static/src/views/kanban/kanban_template.js";
import { truthy } from "../../../agora/addons/web/static/src/core/pyeval.js";
import {
    buildColumns, splitRecords, buildScope, buildSpec, parseGroupBy, canSplitClientSide,
} from "../../../agora/addons/web/static/src/views/kanban/kanban_model.js";

// -- a minimal XML → DOM-like tree (enough for these templates) ---------------------------
function parseXml(text) {
    const root = makeElement("#root", []);
    const stack = [root];
    const re = /<!--[\s\S]*?-->|<\/([\w.-]+)\s*>|<([\w.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
    let m;
    while ((m = re.exec(text))) {
        const top = stack[stack.length - 1];
        if (m[1]) {
            stack.pop();
        } else if (m[2]) {
            const attrs = [];
            for (const a of m[3].matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
                attrs.push({ name: a[1], value: unescape(a[2] ?? a[3]) });
            }
            const el = makeElement(m[2], attrs);
            top.childNodes.push(el);
            if (!m[4]) {
                stack.push(el);
            }
        } else if (m[5]) {
            top.childNodes.push({ nodeType: 3, nodeValue: unescape(m[5]) });
        }
    }
    return root.childNodes.find((n) => n.nodeType === 1);
}
function unescape(s) {
    return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}
function makeElement(tag, attributes) {
    return {
        nodeType: 1, tagName: tag, localName: tag, attributes, childNodes: [],
        getAttribute(n) { const a = attributes.find((x) => x.name === n); return a ? a.value : null; },
        hasAttribute(n) { return attributes.some((x) => x.name === n); },
    };
}

// A tiny evaluator for the tests: dotted names, literals, ==, !=, and/or/not.
function evaluate(expr, scope) {
    const e = expr.trim();
    let m;
    if (/^'[^']*'$/.test(e)) return e.slice(1, -1);
    if ((m = e.match(/^(.*)\s+or\s+(.*)$/))) return evaluate(m[1], scope) || evaluate(m[2], scope);
    if ((m = e.match(/^(.*)\s+and\s+(.*)$/))) return evaluate(m[1], scope) && evaluate(m[2], scope);
    if ((m = e.match(/^not\s+(.*)$/))) return !truthy(evaluate(m[1], scope));
    if ((m = e.match(/^(.*?)\s*(==|!=|>)\s*(.*)$/))) {
        const a = evaluate(m[1], scope), b = evaluate(m[3], scope);
        return m[2] === "==" ? a === b : m[2] === "!=" ? a !== b : a > b;
    }
    if (/^\d+(\.\d+)?$/.test(e)) return Number(e);
    if (e === "True") return true;
    if (e === "False") return false;
    let value = scope;
    for (const part of e.split(".")) {
        if (value === undefined || value === null || !(part in Object(value))) {
            throw new Error(`name ${e} not defined`);
        }
        value = value[part];
    }
    return value;
}

const fields = {
    name: { name: "name", type: "char" },
    state: { name: "state", type: "selection", selection: [["draft", "Draft"], ["open", "Open"], ["done", "Done"]] },
    partner_id: { name: "partner_id", type: "many2one" },
    amount: { name: "amount", type: "float" },
    tag_ids: { name: "tag_ids", type: "many2many" },
};
const format = (v, f) => (f.type === "many2one" ? (v ? v.display_name : "") : v === false ? "" : String(v));

function render(xml, record, extra = {}) {
    const scope = buildScope(record, fields, format, {});
    const errors = [];
    const out = renderTemplate(parseXml(xml), scope, {
        evaluate, renderField: (name) => `[${name}]`, onError: (err, expr) => errors.push(expr), ...extra,
    });
    return { out, errors };
}

// Flatten vnodes into a readable string: <tag class>children</tag>.
function show(nodes) {
    return nodes.map((n) => (typeof n === "string" ? n
        : `<${n.tag}${Object.entries(n.attrs).map(([k, v]) => ` ${k}="${v}"`).join("")}>${show(n.children)}</${n.tag}>`)).join("");
}

const record = { id: 7, name: "Desk", state: "open", partner_id: { id: 3, display_name: "Azure" }, amount: 12.5, tag_ids: [] };

test("elements are copied with their class; fields delegate to renderField", () => {
    const { out } = render(`<t><div class="card"><strong><field name="name"/></strong><span>x</span></div></t>`, record);
    assert.equal(show(out), `<div class="card"><strong>[name]</strong><span>x</span></div>`);
});

test("t-if / t-elif / t-else take one branch, whitespace between them does not matter", () => {
    const xml = (s) => `<t><t t-set="x" t-value="1"/><span t-if="record.state.raw_value == 'draft'">D</span>
        <span t-elif="state == '${s}'">O</span>
        <span t-else="">E</span></t>`;
    assert.equal(show(render(xml("open"), record).out).trim(), "<span>O</span>");
    assert.equal(show(render(xml("nope"), record).out).trim(), "<span>E</span>");
    assert.equal(show(render(xml("open"), { ...record, state: "draft" }).out).trim(), "<span>D</span>");
});

test("t-esc / t-out are text, record.x.value is the formatted value", () => {
    const { out } = render(`<t><span t-esc="record.partner_id.value"/><b t-out="record.partner_id.raw_value"/><i t-esc="'&lt;script&gt;'"/></t>`, record);
    assert.deepEqual(out[0].children, ["Azure"]);
    assert.deepEqual(out[1].children, ["3"]);
    assert.deepEqual(out[2].children, ["<script>"]); // text, rendered as a text node later
});

test("t-att-class and t-attf-class add to the static class", () => {
    const { out } = render(`<t><div class="a" t-attf-class="state_{{ record.state.raw_value }} x"/><div t-att-class="state"/></t>`, record);
    assert.equal(out[0].attrs.class, "a state_open x");
    assert.equal(out[1].attrs.class, "open");
});

test("dangerous elements, attributes and unsupported directives are dropped", () => {
    const xml = `<t><script>alert(1)</script><a href="javascript:x" onclick="y" class="l">L</a>
        <div t-foreach="record.tag_ids" t-as="t">loop</div><span t-js="x" >j</span>
        <img t-att-src="'javascript:alert(1)'"/><img t-att-src="'/web/image/1'"/><span t-unknown="boom()">ok</span></t>`;
    const { out, errors } = render(xml, record);
    const html = show(out);
    assert.ok(!html.includes("script") && !html.includes("loop") && !html.includes("href") && !html.includes("onclick"));
    assert.ok(html.includes(`<a class="l">L</a>`));
    assert.ok(html.includes(`<img></img>`) && html.includes(`<img src="/web/image/1">`));
    assert.ok(html.includes("<span>ok</span>"));
    assert.deepEqual(errors, []); // t-unknown never evaluated
});

test("an expression that fails is falsy and does not break the card", () => {
    const { out, errors } = render(`<t><span t-if="widget.editable">E</span><span t-else="">R</span><b t-esc="luxon.now"/></t>`, record);
    assert.equal(show(out), "<span>R</span><b></b>");
    assert.deepEqual(errors, ["widget.editable", "luxon.now"]);
});

test("card template lookup accepts kanban-box and card; template fields are collected", () => {
    const arch17 = parseXml(`<kanban><field name="state"/><templates><t t-name="kanban-menu"/><t t-name="kanban-box"><div><field name="name"/><span><field name="partner_id"/></span></div></t></templates></kanban>`);
    const tpl = findCardTemplate(arch17);
    assert.equal(tpl.getAttribute("t-name"), "kanban-box");
    assert.deepEqual([...templateFieldNames(tpl)], ["name", "partner_id"]);
    const arch18 = parseXml(`<kanban><templates><t t-name="card"><field name="name"/></t></templates></kanban>`);
    assert.equal(findCardTemplate(arch18).getAttribute("t-name"), "card");
});

test("interpolate handles {{ }} and #{ }", () => {
    assert.equal(interpolate("a {{ x }} b #{y}", (e) => ({ x: 1, y: false })[e]), "a 1 b ");
});

test("selection group-by: every option a column in selection order, counts from read_group", () => {
    const groups = [
        { state: "done", state_count: 2, __domain: [["state", "=", "done"]] },
        { state: "draft", state_count: 1, __domain: [["state", "=", "draft"]] },
    ];
    const cols = buildColumns(groups, parseGroupBy("state"), fields.state);
    assert.deepEqual(cols.map((c) => [c.key, c.label, c.count]), [["draft", "Draft", 1], ["open", "Open", 0], ["done", "Done", 2]]);
    const split = splitRecords([{ id: 1, state: "done" }, { id: 2, state: "draft" }, { id: 3, state: "done" }], cols, "state");
    assert.deepEqual(split.get("done").map((r) => r.id), [1, 3]);
    assert.deepEqual(split.get("open"), []);
});

test("many2one group-by: groups with records, keyed by id, None for false; drop writes the id", () => {
    const groups = [
        { partner_id: [3, "Azure"], partner_id_count: 2, amount: 5 },
        { partner_id: false, partner_id_count: 1, amount: 1 },
    ];
    const cols = buildColumns(groups, parseGroupBy("partner_id"), fields.partner_id, { sumField: "amount" });
    assert.deepEqual(cols.map((c) => [c.key, c.value, c.label, c.count, c.sum]), [["3", 3, "Azure", 2, 5], ["false", false, "None", 1, 1]]);
    const split = splitRecords([{ id: 1, partner_id: { id: 3, display_name: "Azure" } }, { id: 2, partner_id: false }], cols, "partner_id");
    assert.deepEqual(split.get("3").map((r) => r.id), [1]);
    assert.deepEqual(split.get("false").map((r) => r.id), [2]);
});

test("spec and client-side split rules", () => {
    assert.deepEqual(buildSpec(["name", "partner_id", "tag_ids", "nope"], fields),
        { name: {}, partner_id: { fields: { display_name: {} } }, tag_ids: { fields: { display_name: {} } } });
    assert.equal(canSplitClientSide(parseGroupBy("state"), fields.state), true);
    assert.equal(canSplitClientSide(parseGroupBy("date:month"), { type: "date" }), false);
});
