// Values shown to the user in their language and time zone, and typed text read back.
// The server speaks ISO dates ("2026-12-01") and UTC datetimes ("2026-12-01 14:30:00").

import {session} from "./session.js";

export class ParseError extends Error {}

export function locale() {
    return (session.userContext.lang || "en_US").replace("_", "-");
}

export function timeZone() {
    const tz = session.userContext.tz;
    if (!tz) {
        return undefined;  // the browser's own
    }
    try {
        new Intl.DateTimeFormat("en-US", {timeZone: tz});
        return tz;
    } catch {
        return undefined;
    }
}

const numberFormats = new Map();

function numberFormat(minimum, maximum) {
    const key = `${locale()}|${minimum}|${maximum}`;
    let format = numberFormats.get(key);
    if (!format) {
        format = new Intl.NumberFormat(locale(), {minimumFractionDigits: minimum,
            maximumFractionDigits: maximum});
        numberFormats.set(key, format);
    }
    return format;
}

function decimals(field, options) {
    if (options.digits !== undefined) {
        return options.digits;
    }
    if (Array.isArray(field.digits)) {
        return field.digits[1];
    }
    return 2;
}

const pad = (n, size = 2) => String(n).padStart(size, "0");

/** "2026-12-01 14:30:00" (UTC) → Date. */
export function parseServerDateTime(text) {
    const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(text || "");
    if (!match) {
        return null;
    }
    const [, y, mo, d, hh, mm, ss] = match.map(Number);
    return new Date(Date.UTC(y, mo - 1, d, hh, mm, ss || 0));
}

export function serializeDateTime(date) {
    return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} `
        + `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

export function serializeDate(year, month, day) {
    return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

// Wall-clock parts of an instant in the user's time zone.
function zonedParts(date) {
    const parts = new Intl.DateTimeFormat("en-US", {
        timeZone: timeZone(), hourCycle: "h23", year: "numeric", month: "2-digit",
        day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(date);
    const get = (type) => Number(parts.find((part) => part.type === type).value);
    return {year: get("year"), month: get("month"), day: get("day"), hour: get("hour") % 24,
        minute: get("minute"), second: get("second")};
}

/** UTC datetime text → value of an <input type="datetime-local"> in the user's zone. */
export function toInputDateTime(text) {
    const date = parseServerDateTime(text);
    if (!date) {
        return "";
    }
    const p = zonedParts(date);
    return `${serializeDate(p.year, p.month, p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** Value of an <input type="datetime-local"> (user's zone) → UTC datetime text. */
export function fromInputDateTime(value) {
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value || "");
    if (!match) {
        return false;
    }
    const [, y, mo, d, hh, mm, ss] = match.map(Number);
    // Guess the instant as if the zone were UTC, then correct by the zone's offset at
    // that instant (twice, so a guess across a DST change settles).
    let instant = Date.UTC(y, mo - 1, d, hh, mm, ss || 0);
    for (let i = 0; i < 2; i++) {
        const p = zonedParts(new Date(instant));
        const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
        instant += Date.UTC(y, mo - 1, d, hh, mm, ss || 0) - shown;
    }
    return serializeDateTime(new Date(instant));
}

export const toInputDate = (text) => (text ? String(text).slice(0, 10) : "");
export const fromInputDate = (value) => (/^\d{4}-\d{2}-\d{2}$/.test(value || "") ? value : false);

function formatDate(text) {
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text || "");
    if (!match) {
        return "";
    }
    const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    return new Intl.DateTimeFormat(locale(), {timeZone: "UTC", year: "numeric",
        month: "2-digit", day: "2-digit"}).format(date);
}

function formatDateTime(text) {
    const date = parseServerDateTime(text);
    if (!date) {
        return "";
    }
    return new Intl.DateTimeFormat(locale(), {timeZone: timeZone(), year: "numeric",
        month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"}).format(date);
}

function relationName(value) {
    if (!value) {
        return "";
    }
    if (Array.isArray(value)) {
        return value[1] ?? "";
    }
    if (typeof value === "object") {
        return value.display_name ?? "";
    }
    return String(value);
}

/**
 * The text shown for `value` of a field described by `field` (fields_get).
 * options: {digits, currency: {symbol, position}, humanReadable}
 */
export function formatValue(value, field = {}, options = {}) {
    const type = field.type || typeof value;
    if (type === "boolean") {
        return value ? "Yes" : "No";
    }
    if (value === false || value === null || value === undefined) {
        return "";
    }
    switch (type) {
        case "integer":
            return numberFormat(0, 0).format(value);
        case "float":
        case "number": {
            const digits = decimals(field, options);
            return numberFormat(digits, digits).format(value);
        }
        case "monetary": {
            const amount = numberFormat(2, 2).format(value);
            const currency = options.currency;
            if (!currency || !currency.symbol) {
                return amount;
            }
            return currency.position === "before" ? `${currency.symbol}\u00a0${amount}`
                : `${amount}\u00a0${currency.symbol}`;
        }
        case "date":
            return formatDate(value);
        case "datetime":
            return formatDateTime(value);
        case "selection": {
            const option = (field.selection || []).find(([key]) => key === value);
            return option ? option[1] : String(value);
        }
        case "many2one":
        case "reference":
            return relationName(value);
        case "one2many":
        case "many2many":
            if (!Array.isArray(value)) {
                return "";
            }
            return value.every((item) => typeof item === "object")
                ? value.map(relationName).join(", ") : `${value.length} records`;
        default:
            return String(value);
    }
}

// Separators of the user's language, to read back what they type ("1.234,5" in de_DE).
function separators() {
    const parts = new Intl.NumberFormat(locale()).formatToParts(12345.6);
    return {group: parts.find((part) => part.type === "group")?.value || ",",
        decimal: parts.find((part) => part.type === "decimal")?.value || "."};
}

function parseNumber(text, field) {
    const {group, decimal} = separators();
    // group separators and spaces are noise ("1 234,5"); anything else must be a number
    const cleaned = text.trim().split(group).join("").replace(/\s/g, "").split(decimal).join(".");
    if (cleaned === "") {
        return false;
    }
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) {
        throw new ParseError(`"${text}" is not a valid number for ${field.string || field.name || "this field"}`);
    }
    return Number(cleaned);
}

/** The value of `text` typed for a field; throws ParseError naming the field. */
export function parseValue(text, field = {}) {
    const label = field.string || field.name || "this field";
    switch (field.type) {
        case "integer": {
            const value = parseNumber(text, field);
            if (value === false) {
                return 0;
            }
            if (!Number.isInteger(value)) {
                throw new ParseError(`"${text}" is not a whole number for ${label}`);
            }
            return value;
        }
        case "float":
        case "monetary": {
            const value = parseNumber(text, field);
            return value === false ? 0 : value;
        }
        case "date": {
            if (!text) {
                return false;
            }
            const value = fromInputDate(text);
            if (!value) {
                throw new ParseError(`"${text}" is not a valid date for ${label}`);
            }
            return value;
        }
        case "datetime": {
            if (!text) {
                return false;
            }
            const value = fromInputDateTime(text);
            if (!value) {
                throw new ParseError(`"${text}" is not a valid date and time for ${label}`);
            }
            return value;
        }
        default:
            return text === "" ? false : text;
    }
}
