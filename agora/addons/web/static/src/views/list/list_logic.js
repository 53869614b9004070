// Pure helpers of the list view (no DOM, no core import: node tests them).
// Columns are the plain descriptions list_arch.js reads from the arch:
//   {kind: "field", name, string, widget, optional, invisible, sum, avg, ...}
//   {kind: "buttons", buttons: [{name, type, string, icon, invisible}]}

export const NUMERIC_TYPES = new Set(["integer", "float", "monetary"]);
const X2MANY_TYPES = new Set(["one2many", "many2many"]);

export function isNumericField(field) {
    return Boolean(field) && NUMERIC_TYPES.has(field.type);
}

/** The web_search_read specification of the arch's fields. */
export function buildSpecification(columns, fields) {
    const spec = {};
    for (const column of columns) {
        if (column.kind !== "field") {
            continue;
        }
        const field = fields[column.name];
        if (!field) {
            continue;
        }
        if (field.type === "many2one") {
            spec[column.name] = { fields: { display_name: {} } };
        } else if (X2MANY_TYPES.has(field.type)) {
            spec[column.name] = column.widget === "many2many_tags"
                ? { fields: { display_name: {} } } : {};
        } else {
            spec[column.name] = {};
        }
    }
    // A monetary amount needs its currency to be formatted; res.currency's symbol and
    // position let formatValue write "€ 12.00" (a currency column of the arch included).
    for (const column of columns) {
        const field = column.kind === "field" ? fields[column.name] : null;
        const currency = field && field.type === "monetary" ? field.currency_field : null;
        if (currency && fields[currency]) {
            spec[currency] = fields[currency].relation === "res.currency"
                ? { fields: { display_name: {}, symbol: {}, position: {} } }
                : { fields: { display_name: {} } };
        }
    }
    return spec;
}

// -- ordering ---------------------------------------------------------------------------------

/** "name desc, id" -> [{name: "name", asc: false}, {name: "id", asc: true}] */
export function parseOrder(text) {
    if (!text) {
        return [];
    }
    return text.split(",").map((part) => part.trim()).filter(Boolean).map((part) => {
        const [name, direction] = part.split(/\s+/);
        return { name, asc: !direction || direction.toLowerCase() !== "desc" };
    });
}

export function orderToString(order) {
    return order.map((o) => `${o.name} ${o.asc ? "asc" : "desc"}`).join(", ");
}

/** Clicking a header: the same first column flips, another one becomes first (asc). */
export function toggleOrder(order, name) {
    const rest = order.filter((o) => o.name !== name);
    if (order.length && order[0].name === name) {
        return [{ name, asc: !order[0].asc }, ...rest];
    }
    return [{ name, asc: true }, ...rest];
}

// -- pager ------------------------------------------------------------------------------------

/** "1-80 / 312" (or "1 / 1" for a single record). */
export function pagerText(offset, limit, length) {
    if (!length) {
        return "0 / 0";
    }
    const first = offset + 1;
    const last = Math.min(offset + limit, length);
    const range = first === last ? `${first}` : `${first}-${last}`;
    return `${range} / ${length}`;
}

/** Parse an edited pager range "21-40" (or "7") -> {offset, limit}, null if invalid. */
export function parsePagerRange(text, length) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(text);
    if (!match) {
        return null;
    }
    const first = Math.max(1, Number(match[1]));
    const last = Math.min(length, match[2] ? Number(match[2]) : first);
    if (last < first) {
        return null;
    }
    return { offset: first - 1, limit: last - first + 1 };
}

/** Offset of the previous/next page, wrapping around like the usual ERP pagers. */
export function stepOffset(offset, limit, length, direction) {
    if (length <= limit) {
        return 0;
    }
    let next = offset + direction * limit;
    if (next >= length) {
        next = 0;
    } else if (next < 0) {
        next = Math.floor((length - 1) / limit) * limit;
    }
    return next;
}

// -- aggregates -------------------------------------------------------------------------------

/** Columns with a footer/group aggregate: [{name, op: "sum"|"avg", label}]. */
export function aggregateColumns(columns, fields) {
    const result = [];
    for (const column of columns) {
        if (column.kind !== "field" || !isNumericField(fields[column.name])) {
            continue;
        }
        if (column.sum !== null && column.sum !== undefined) {
            result.push({ name: column.name, op: "sum", label: column.sum });
        } else if (column.avg !== null && column.avg !== undefined) {
            result.push({ name: column.name, op: "avg", label: column.avg });
        }
    }
    return result;
}

/** read_group field specs for aggregates ("amount:sum"); non-stored fields are skipped. */
export function readGroupFields(aggregates, fields) {
    return aggregates.filter((a) => fields[a.name] && fields[a.name].store !== false)
        .map((a) => `${a.name}:${a.op}`);
}

/** {name: value} sums/averages over loaded records. */
export function computeAggregates(records, aggregates) {
    const result = {};
    for (const { name, op } of aggregates) {
        let total = 0;
        for (const record of records) {
            total += Number(record[name]) || 0;
        }
        result[name] = op === "avg" ? (records.length ? total / records.length : 0) : total;
    }
    return result;
}

// -- groups -----------------------------------------------------------------------------------

/** The field name of a group-by spec ("date:month" -> "date"). */
export function groupByFieldName(spec) {
    return spec.split(":")[0];
}

/** The value of a read_group row for `spec`. */
export function groupValue(group, spec) {
    if (spec in group) {
        return group[spec];
    }
    return group[groupByFieldName(spec)];
}

/** The record count of a read_group row (lazy: "<field>_count"; else "__count"). */
export function groupCount(group, spec) {
    const key = `${groupByFieldName(spec)}_count`;
    if (key in group) {
        return group[key];
    }
    return group.__count || 0;
}

/**
 * The label of a group: many2one [id, name] -> name, selection key -> its label,
 * boolean -> Yes/No, false/null -> "None"; dates come labelled by the server.
 * `format(value, field)` formats other values (numbers by the user's language).
 */
export function groupLabel(value, field, format = (v) => String(v)) {
    const type = field ? field.type : undefined;
    if (type === "boolean") {
        return value ? "Yes" : "No";
    }
    if (value === false || value === null || value === undefined || value === "") {
        return "None";
    }
    if (Array.isArray(value)) {
        return String(value[1] ?? value[0]);
    }
    if (type === "selection") {
        const pair = (field.selection || []).find(([key]) => key === value);
        return pair ? String(pair[1]) : String(value);
    }
    if (type === "date" || type === "datetime" || typeof value === "string") {
        return String(value);
    }
    return format(value, field);
}

/** A stable key of a group (for remembering which groups are expanded). */
export function groupKey(group, spec) {
    const value = groupValue(group, spec);
    return `${spec}=${JSON.stringify(Array.isArray(value) ? value[0] : value)}`;
}

// -- records ----------------------------------------------------------------------------------

/**
 * The python scope of a record for invisible/decoration expressions: relational values
 * as ids like the server's evaluation context (many2one id, x2many list of ids).
 */
export function recordScope(record, context = {}) {
    const scope = { context, ...context };
    for (const [name, value] of Object.entries(record)) {
        if (value && typeof value === "object" && !Array.isArray(value) && "id" in value) {
            scope[name] = value.id;
        } else if (Array.isArray(value)) {
            scope[name] = value.map((v) => (v && typeof v === "object" ? v.id : v));
        } else {
            scope[name] = value;
        }
    }
    scope.id = record.id;
    return scope;
}

/** Evaluate `expr` safely: a broken expression counts as false (and is logged once). */
const reported = new Set();
export function safeBoolean(evaluate, expr, scope) {
    if (!expr) {
        return false;
    }
    try {
        return Boolean(evaluate(expr, scope));
    } catch (error) {
        if (!reported.has(expr)) {
            reported.add(expr);
            console.warn(`list: cannot evaluate ${JSON.stringify(expr)}:`, error.message);
        }
        return false;
    }
}

/** Whether an `invisible` expression is a constant truth (column never shown). */
export function isConstantTrue(expr) {
    return ["1", "True", "true"].includes(String(expr || "").trim());
}
