// From a form arch to (1) the unity-read specification asked to web_read / onchange /
// web_save and (2) a "schema" telling the record model how each field's value is held.
// No DOM access: the nodes only need nodeName, getAttribute and children, so this is
// testable in node with tiny fake elements.
//
// schema = {model, fields: {name: {desc, kind, sub?}}}, kind one of:
//   "scalar"  char/int/float/date/selection/...      value as read
//   "m2o"     many2one                                {id, display_name} | false
//   "tags"    many2many without subview / tags widget [{id, display_name}]
//   "lines"   x2many with an inline list              [line] (see record.js)

const SUBVIEW_TAGS = new Set(["list", "tree", "form", "kanban"]);

export function elementChildren(node) {
    return Array.from(node.children || []);
}

/** Every <field> of `root` not inside a nested subview, in document order. */
export function collectFieldNodes(root) {
    const result = [];
    const walk = (node) => {
        for (const child of elementChildren(node)) {
            if (child.nodeName === "field") {
                result.push(child);
                continue; // its children are its subviews
            }
            if (SUBVIEW_TAGS.has(child.nodeName) && node !== root) continue;
            walk(child);
        }
    };
    walk(root);
    return result;
}

/** The inline <list>/<tree> of an x2many <field>, if any. */
export function inlineList(fieldNode) {
    return elementChildren(fieldNode).find((c) => c.nodeName === "list" || c.nodeName === "tree") || null;
}

function relationalSpec(desc, models) {
    // Monetary fields need the currency's symbol to display an amount.
    if (desc.relation === "res.currency") {
        const cur = models?.["res.currency"] || {};
        const spec = { display_name: {} };
        if (!models?.["res.currency"] || cur.symbol) spec.symbol = {};
        if (cur.position) spec.position = {};
        return { fields: spec };
    }
    return { fields: { display_name: {} } };
}

/**
 * Build {spec, schema} for the fields of `root` (a <form> or an inline <list>) of
 * `model`, whose field descriptions are `fields`; `models` describes the comodels.
 */
export function buildSpec(root, fields, models = {}, model = null) {
    const spec = {};
    const schema = { model, fields: {} };
    const add = (name, node) => {
        const desc = fields[name];
        if (!desc) return;
        const widget = node?.getAttribute("widget");
        let entry;
        if (desc.type === "many2one") {
            entry = { kind: "m2o", spec: relationalSpec(desc, models) };
        } else if (desc.type === "one2many" || desc.type === "many2many") {
            const list = node ? inlineList(node) : null;
            if (list && widget !== "many2many_tags") {
                const subFields = models[desc.relation] || {};
                const sub = buildSpec(list, subFields, models, desc.relation);
                entry = { kind: "lines", spec: { fields: sub.spec }, sub: sub.schema, arch: list };
            } else {
                entry = { kind: "tags", spec: { fields: { display_name: {} } } };
            }
        } else {
            entry = { kind: "scalar", spec: {} };
        }
        // A field may appear twice (e.g. invisible and visible): keep the richest spec.
        const previous = schema.fields[name];
        if (previous && previous.kind === "lines" && entry.kind !== "lines") return;
        spec[name] = entry.spec;
        schema.fields[name] = { desc, kind: entry.kind, sub: entry.sub, arch: entry.arch };
    };
    for (const node of collectFieldNodes(root)) {
        add(node.getAttribute("name"), node);
    }
    // Currencies of monetary fields, so amounts can show their symbol.
    for (const name of Object.keys(schema.fields)) {
        const desc = schema.fields[name].desc;
        if (desc.type === "monetary") {
            const cur = desc.currency_field || "currency_id";
            if (fields[cur] && !schema.fields[cur]) add(cur, null);
        }
    }
    if (fields.display_name && !spec.display_name && root.nodeName === "form") {
        spec.display_name = {};
        schema.fields.display_name = { desc: fields.display_name, kind: "scalar" };
    }
    return { spec, schema };
}
