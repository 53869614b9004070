// Thin glue over core/format.js. The contract names formatValue/parseValue and
// toInputDate/toInputDateTime "and their inverses" without naming the inverses, so this
// module looks them up by the likely names and falls back to small local versions.
import * as format from "../core/format.js";

export function formatValue(value, field, options = {}) {
    if (format.formatValue) return format.formatValue(value, field, options);
    return value === false || value === null || value === undefined ? "" : String(value);
}

export function parseValue(text, field) {
    if (format.parseValue) return format.parseValue(text, field);
    if (field.type === "integer") return text.trim() === "" ? 0 : parseInt(text, 10);
    if (field.type === "float" || field.type === "monetary") {
        return text.trim() === "" ? 0 : parseFloat(text);
    }
    return text;
}

function pad(n) {
    return String(n).padStart(2, "0");
}

export function toInputDate(value) {
    if (!value) return "";
    if (format.toInputDate) return format.toInputDate(value);
    return String(value).slice(0, 10);
}

export function fromInputDate(text) {
    if (!text) return false;
    const fn = format.fromInputDate || format.parseInputDate;
    return fn ? fn(text) : text;
}

export function toInputDateTime(value) {
    if (!value) return "";
    if (format.toInputDateTime) return format.toInputDateTime(value);
    // Local fallback: server UTC "YYYY-MM-DD HH:MM:SS" -> browser local time.
    const d = new Date(String(value).replace(" ", "T") + "Z");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromInputDateTime(text) {
    if (!text) return false;
    const fn = format.fromInputDateTime || format.parseInputDateTime;
    if (fn) return fn(text);
    const d = new Date(text);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Monetary amount with the currency's symbol (currency value {symbol, position} or false). */
export function formatMonetary(value, field, currency) {
    const number = formatValue(value, { ...field, type: "float", digits: field.digits || [16, currency?.decimal_places ?? 2] });
    if (!currency || !currency.symbol) return number;
    return currency.position === "before" ? `${currency.symbol}\u00a0${number}` : `${number}\u00a0${currency.symbol}`;
}
