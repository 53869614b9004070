// Glue over core/format.js for the widgets: the input conversions and monetary amounts.
export {
    formatValue, parseValue, toInputDate, fromInputDate, toInputDateTime, fromInputDateTime,
} from "../core/format.js";
import { formatValue } from "../core/format.js";

/** Monetary amount with the currency's symbol (currency value {symbol, position} or null). */
export function formatMonetary(value, field, currency) {
    return formatValue(value, { ...field, type: "monetary" }, { currency: currency || undefined });
}
