// The form's record model, without DOM: current values, last saved values, the diff
// sent to web_save and the values sent to onchange (x2many as commands).
//
// Internal values: scalars and many2one as read ({id, display_name} | false); "tags"
// x2many as [{id, display_name}]; "lines" x2many as an array of line objects
//   {key, id, values, saved}
// where `id` is the server id (false for a new line), `values` the line's current
// internal values, `saved` its values as last read (null for a new line). A line object
// is replaced (never mutated) when it changes, so a renderer can re-render only the
// rows whose object changed.

let nextKey = 1;
export function newLineKey() {
    return `l${nextKey++}`;
}

/** Unity-read value -> internal value. */
export function fromServer(value, entry) {
    if (!entry) return value;
    if (entry.kind === "m2o") {
        if (!value) return false;
        if (typeof value === "number") return { id: value, display_name: "" };
        return value;
    }
    if (entry.kind === "tags") {
        return (value || []).map((v) => (typeof v === "object" ? v : { id: v, display_name: "" }));
    }
    if (entry.kind === "lines") {
        return (value || []).map((row) => makeLine(row, entry.sub));
    }
    return value === undefined ? false : value;
}

/** A line from a server dict (unity format) of the subview's fields. */
export function makeLine(row, subSchema) {
    if (typeof row !== "object") row = { id: row };
    const values = valuesFromServer(row, subSchema);
    const id = row.id || false;
    return { key: newLineKey(), id, values, saved: id ? values : null };
}

export function valuesFromServer(row, schema) {
    const values = {};
    for (const [name, entry] of Object.entries(schema.fields)) {
        values[name] = name in row ? fromServer(row[name], entry) : defaultValue(entry);
    }
    return values;
}

function defaultValue(entry) {
    return entry.kind === "lines" || entry.kind === "tags" ? [] : false;
}

function isEqual(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
}

/** Internal scalar / m2o value -> what the server expects in vals. */
function scalarToServer(value, entry) {
    if (entry.kind === "m2o") return value ? value.id : false;
    return value === undefined ? false : value;
}

/**
 * The commands making `saved` lines into `current` lines of an x2many field.
 * `all` (new records, onchange of new records) sends every line as [0, 0, vals].
 */
export function x2manyCommands(current, saved, entry, { exclude } = {}) {
    const isM2M = entry.desc?.type === "many2many";
    if (entry.kind === "tags") {
        const ids = (current || []).map((r) => r.id);
        const before = (saved || []).map((r) => r.id);
        return isEqual(ids, before) ? [] : [[6, 0, ids]];
    }
    const commands = [];
    const currentIds = new Set(current.filter((l) => l.id).map((l) => l.id));
    for (const line of saved || []) {
        if (line.id && !currentIds.has(line.id)) {
            commands.push(isM2M ? [3, line.id] : [2, line.id]);
        }
    }
    const savedIds = new Set((saved || []).filter((l) => l.id).map((l) => l.id));
    for (const line of current) {
        if (!line.id) {
            commands.push([0, 0, valuesToServer(line.values, entry.sub, { exclude })]);
            continue;
        }
        if (isM2M && !savedIds.has(line.id)) commands.push([4, line.id]);
        const changed = diffValues(line.values, line.saved || {}, entry.sub, { exclude });
        if (Object.keys(changed).length) commands.push([1, line.id, changed]);
    }
    return commands;
}

/** All values of a record/line, for a create ([0, 0, vals]) or an onchange. */
export function valuesToServer(values, schema, { exclude } = {}) {
    const vals = {};
    for (const [name, entry] of Object.entries(schema.fields)) {
        if (name === "id" || name === "display_name") continue;
        if (exclude && exclude(name, entry, schema)) continue;
        const value = values[name];
        if (entry.kind === "lines" || entry.kind === "tags") {
            vals[name] = x2manyCommands(value || [], [], entry, { exclude });
            if (entry.kind === "tags" && !vals[name].length) vals[name] = [[6, 0, []]];
        } else {
            vals[name] = scalarToServer(value, entry);
        }
    }
    return vals;
}

/** The fields of `values` that differ from `saved`, in server format. */
export function diffValues(values, saved, schema, { exclude } = {}) {
    const vals = {};
    for (const [name, entry] of Object.entries(schema.fields)) {
        if (name === "id" || name === "display_name") continue;
        if (exclude && exclude(name, entry, schema)) continue;
        const value = values[name];
        if (entry.kind === "lines" || entry.kind === "tags") {
            const commands = x2manyCommands(value || [], saved[name] || [], entry, { exclude });
            if (commands.length) vals[name] = commands;
        } else {
            const now = scalarToServer(value, entry);
            const before = name in saved ? scalarToServer(saved[name], entry) : undefined;
            if (!isEqual(now, before)) vals[name] = now;
        }
    }
    return vals;
}

/**
 * Merge an onchange answer's x2many (the complete list of lines, in order) into the
 * current lines: existing lines are matched by id, new ones by their rank among new
 * lines, so the lines keep their keys (and their DOM rows) when they survive.
 */
export function mergeLines(current, answer, subSchema) {
    const byId = new Map(current.filter((l) => l.id).map((l) => [l.id, l]));
    const fresh = current.filter((l) => !l.id);
    let freshIndex = 0;
    return answer.map((row) => {
        if (typeof row !== "object") row = { id: row };
        const id = row.id || false;
        const previous = id ? byId.get(id) : fresh[freshIndex++];
        if (!previous) return makeLine(row, subSchema);
        const values = { ...previous.values };
        for (const [name, entry] of Object.entries(subSchema.fields)) {
            if (name in row) values[name] = fromServer(row[name], entry);
        }
        if (isEqual(values, previous.values)) return previous;
        return { ...previous, id, values };
    });
}

export class RecordModel {
    /** `exclude(name, entry, schema)` says which fields are never written (readonly). */
    constructor(schema, { exclude } = {}) {
        this.schema = schema;
        this.exclude = exclude || null;
        this.resId = false;
        this.values = {};
        this.saved = {};
        this.touched = false;
    }

    /** Values read from the server (web_read / web_save answer): the new saved state. */
    load(serverRecord) {
        this.resId = serverRecord.id || false;
        this.values = valuesFromServer(serverRecord, this.schema);
        this.saved = this.resId ? this.values : {};
        this.touched = false;
    }

    /** A new record: `defaults` is the onchange answer's `value`. */
    loadDefaults(defaults) {
        this.resId = false;
        this.saved = {};
        this.values = valuesFromServer(defaults || {}, this.schema);
        this.touched = false;
    }

    /** A user edit. Returns false when the value did not change. */
    setValue(name, value) {
        if (isEqual(this.values[name], value)) return false;
        this.values = { ...this.values, [name]: value };
        this.touched = true;
        return true;
    }

    /** Values from an onchange answer (unity format). Returns the changed field names. */
    applyOnchange(answer) {
        const changed = [];
        const values = { ...this.values };
        for (const [name, raw] of Object.entries(answer || {})) {
            const entry = this.schema.fields[name];
            if (!entry) continue;
            const value = entry.kind === "lines"
                ? mergeLines(values[name] || [], raw || [], entry.sub)
                : fromServer(raw, entry);
            if (!isEqual(value, values[name])) {
                values[name] = value;
                changed.push(name);
            }
        }
        this.values = values;
        return changed;
    }

    /** vals for web_save: the changed fields (every field for a new record). */
    getChanges() {
        return this.resId
            ? diffValues(this.values, this.saved, this.schema, { exclude: this.exclude })
            : valuesToServer(this.values, this.schema, { exclude: this.exclude });
    }

    /** values for onchange: every field, x2many as commands relative to the saved lines. */
    getOnchangeValues() {
        const values = {};
        for (const [name, entry] of Object.entries(this.schema.fields)) {
            if (name === "display_name") continue;
            const value = this.values[name];
            if (entry.kind === "lines" || entry.kind === "tags") {
                values[name] = this.resId
                    ? x2manyCommands(value || [], this.saved[name] || [], entry)
                    : valuesToServer({ [name]: value }, { fields: { [name]: entry } })[name];
            } else {
                values[name] = scalarToServer(value, entry);
            }
        }
        if (this.resId) values.id = this.resId;
        return values;
    }

    isDirty() {
        if (!this.resId) return this.touched;
        return Object.keys(diffValues(this.values, this.saved, this.schema)).length > 0;
    }

    discard() {
        this.values = this.saved;
        this.touched = false;
    }
}

/**
 * Evaluation scope of modifiers: many2one as its id, x2many as a list of ids (new lines
 * count, as false), everything else as is. `parent` is the parent record's scope for
 * lines.
 */
export function evalScope(values, schema, extra = {}) {
    const scope = {};
    for (const [name, entry] of Object.entries(schema.fields)) {
        const value = values[name];
        if (entry.kind === "m2o") scope[name] = value ? value.id : false;
        else if (entry.kind === "tags") scope[name] = (value || []).map((r) => r.id);
        else if (entry.kind === "lines") scope[name] = (value || []).map((l) => l.id);
        else scope[name] = value === undefined ? false : value;
    }
    return { ...scope, ...extra };
}
