// What the read_group views (pivot, graph) share: which fields can be measured, how
// read_group is asked for them, and how a group's value is keyed and labelled.

export const COUNT = "__count";
export const NUMERIC = new Set(["integer", "float", "monetary"]);

/** read_group field spec of a measure ("amount" → "amount:sum"); null for the count. */
export function measureSpec(name, field) {
    if (name === COUNT) {
        return null;
    }
    return field && NUMERIC.has(field.type) ? `${name}:sum` : name;
}

/** Measures a user may pick: stored numeric fields (+ Count). */
export function measureChoices(fields) {
    const choices = Object.entries(fields)
        .filter(([name, f]) => NUMERIC.has(f.type) && f.store !== false && name !== "id")
        .map(([name, f]) => ({ name, label: f.string || name }))
        .sort((a, b) => a.label.localeCompare(b.label));
    return [...choices, { name: COUNT, label: "Count" }];
}

/** A group value as a string key: many2one groups come as [id, name]. */
export function valueKey(raw) {
    if (Array.isArray(raw)) {
        return String(raw[0]);
    }
    return raw === null || raw === undefined ? "false" : String(raw);
}

/** The label of a group value. Date groups come labelled by the server. */
export function valueLabel(raw, field) {
    if (Array.isArray(raw)) {
        return String(raw[1]);
    }
    if (raw === false || raw === null || raw === undefined) {
        return field && field.type === "boolean" ? "No" : "None";
    }
    if (raw === true) {
        return "Yes";
    }
    if (field && field.type === "selection") {
        const option = (field.selection || []).find(([key]) => key === raw);
        return option ? option[1] : String(raw);
    }
    return String(raw);
}
