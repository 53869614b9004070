/**
 * Kanban data logic without DOM: which fields to read, how readGroup rows become
 * columns, how records are split between columns and what a drop writes.
 */

const RELATIONAL = new Set(["many2one", "many2many", "one2many"]);
// Group-by fields whose value on a record says which column it belongs to; other
// group-bys (dates with a granularity...) load each column by its __domain.
const CLIENT_SPLIT_TYPES = new Set(["selection", "many2one", "boolean", "char", "integer"]);

/** web_search_read specification for the given field names. */
export function buildSpec(names, fields) {
    const spec = {};
    for (const name of names) {
        const field = fields[name];
        if (!field) {
            continue;
        }
        spec[name] = RELATIONAL.has(field.type) ? { fields: { display_name: {} } } : {};
    }
    return spec;
}

/** "stage_id:month" → {name: "stage_id", spec: "stage_id:month", granularity: "month"}. */
export function parseGroupBy(spec) {
    const [name, granularity] = String(spec).split(":");
    return { name, spec: String(spec), granularity: granularity || null };
}

/** Column key of a raw readGroup value: many2one [id, name] → "id", false → "false". */
export function groupKey(value) {
    if (Array.isArray(value)) {
        return String(value[0]);
    }
    if (value === null || value === undefined) {
        return "false";
    }
    return String(value);
}

/** Column key of a record's value for the group field (unity-read format). */
export function recordGroupKey(value) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
        return String(value.id);
    }
    return groupKey(value);
}

/** Whether records can be split client-side (and dropped) for this group-by. */
export function canSplitClientSide(groupBy, field) {
    return !groupBy.granularity && Boolean(field) && CLIENT_SPLIT_TYPES.has(field.type);
}

/**
 * Columns from read_group rows (lazy, one group-by).
 * Selection: every option, in the selection's order (plus "None" when records have
 * no value). Others: the groups that have records, in the server's order.
 * Each column: {key, value (what a drop writes), label, count, sum, domain}.
 */
export function buildColumns(groups, groupBy, field, { sumField = null, undefinedLabel = "None" } = {}) {
    const countKey = `${groupBy.name}_count`;
    const byKey = new Map();
    const columns = [];
    for (const group of groups) {
        const raw = group[groupBy.spec];
        const key = groupKey(raw);
        const column = {
            key,
            value: writeValue(raw, field),
            label: groupLabel(raw, field, undefinedLabel),
            count: group[countKey] ?? group.__count ?? 0,
            sum: sumField ? (group[sumField] || 0) : null,
            domain: group.__domain || null,
        };
        byKey.set(key, column);
        columns.push(column);
    }
    if (field && field.type === "selection" && !groupBy.granularity) {
        const ordered = (field.selection || []).map(([value, label]) => byKey.get(String(value)) || {
            key: String(value), value, label, count: 0, sum: sumField ? 0 : null,
            domain: null,
        });
        const none = byKey.get("false");
        return none ? [...ordered, none] : ordered;
    }
    return columns;
}

function writeValue(raw, field) {
    if (Array.isArray(raw)) {
        return raw[0];
    }
    if (field && field.type === "boolean") {
        return Boolean(raw);
    }
    return raw === null || raw === undefined ? false : raw;
}

function groupLabel(raw, field, undefinedLabel) {
    if (Array.isArray(raw)) {
        return String(raw[1]);
    }
    if (raw === false || raw === null || raw === undefined) {
        return field && field.type === "boolean" ? "No" : undefinedLabel;
    }
    if (raw === true) {
        return "Yes";
    }
    if (field && field.type === "selection") {
        const option = (field.selection || []).find(([value]) => value === raw);
        return option ? option[1] : String(raw);
    }
    return String(raw);
}

/** Split records between columns (by key); records of unknown keys are dropped. */
export function splitRecords(records, columns, groupFieldName) {
    const byKey = new Map(columns.map((c) => [c.key, []]));
    for (const record of records) {
        const list = byKey.get(recordGroupKey(record[groupFieldName]));
        if (list) {
            list.push(record);
        }
    }
    return byKey;
}

/**
 * Scope for template expressions: `record.x.value` (formatted text), `record.x.raw_value`
 * (many2one: its id), bare names (raw values, many2one id), `context`.
 */
export function buildScope(record, fields, format, context = {}) {
    const recordScope = {};
    const scope = {};
    for (const [name, value] of Object.entries(record)) {
        const field = fields[name];
        const raw = rawValue(value, field);
        recordScope[name] = { value: field ? format(value, field) : value, raw_value: raw };
        scope[name] = raw;
    }
    return { ...scope, record: recordScope, context, id: record.id };
}

function rawValue(value, field) {
    if (field && field.type === "many2one") {
        return value && typeof value === "object" ? value.id : value || false;
    }
    if (field && (field.type === "many2many" || field.type === "one2many") && Array.isArray(value)) {
        return value.map((v) => (v && typeof v === "object" ? v.id : v));
    }
    return value;
}

/** Field set for quick create: the record name field, else display_name. */
export function quickCreateField(arch, fields) {
    const explicit = arch.getAttribute && arch.getAttribute("quick_create_field");
    if (explicit && fields[explicit]) {
        return explicit;
    }
    return fields.name ? "name" : null;
}
