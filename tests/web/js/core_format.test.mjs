// Formatting by the user's language and time zone, and reading typed values back.
import { test } from "node:test";
import assert from "node:assert/strict";

import { session } from "../../../agora/addons/web/static/src/core/session.js";
import {
    formatValue, parseValue, ParseError, toInputDateTime, fromInputDateTime,
} from "../../../agora/addons/web/static/src/core/format.js";

function as(lang, tz, run) {
    const saved = { ...session.userContext };
    Object.assign(session.userContext, { lang, tz });
    try {
        run();
    } finally {
        session.userContext = saved;
    }
}

test("numbers and money follow the language", () => {
    as("en_US", "UTC", () => {
        assert.equal(formatValue(1234.5, { type: "float" }), "1,234.50");
        assert.equal(formatValue(1234.5, { type: "monetary" }, { currency: { symbol: "$", position: "before" } }),
            "$\u00a01,234.50");
        assert.equal(formatValue(7, { type: "integer" }), "7");
    });
    as("de_DE", "UTC", () => {
        assert.equal(formatValue(1234.5, { type: "float" }), "1.234,50");
        assert.equal(parseValue("1.234,5", { type: "float" }), 1234.5);
    });
});

test("dates by language; datetimes shown in the user's time zone", () => {
    as("en_US", "Asia/Tokyo", () => {
        assert.equal(formatValue("2026-12-01", { type: "date" }), "12/01/2026");
        // 23:30 UTC is 08:30 the next morning in Tokyo
        assert.equal(formatValue("2026-12-01 23:30:00", { type: "datetime" }), "12/02/2026, 08:30 AM");
        assert.equal(toInputDateTime("2026-12-01 23:30:00"), "2026-12-02T08:30");
        assert.equal(fromInputDateTime("2026-12-02T08:30"), "2026-12-01 23:30:00");
    });
    as("fr_FR", "Europe/Brussels", () => {
        assert.equal(formatValue("2026-12-01", { type: "date" }), "01/12/2026");
        // summer time (UTC+2) and winter time (UTC+1) both convert back exactly
        assert.equal(fromInputDateTime(toInputDateTime("2026-07-01 10:00:00")), "2026-07-01 10:00:00");
        assert.equal(toInputDateTime("2026-07-01 10:00:00"), "2026-07-01T12:00");
        assert.equal(toInputDateTime("2026-01-01 10:00:00"), "2026-01-01T11:00");
    });
});

test("bad input is a ParseError naming the field", () => {
    as("en_US", "UTC", () => {
        assert.throws(() => parseValue("12x", { type: "float", string: "Quantity" }),
            (error) => error instanceof ParseError && error.message.includes("Quantity"));
        assert.throws(() => parseValue("1.5", { type: "integer", string: "Count" }), ParseError);
        assert.throws(() => parseValue("yesterday", { type: "date", string: "Date" }), ParseError);
    });
});

test("selection and relations show their labels", () => {
    assert.equal(formatValue("sale", { type: "selection", selection: [["draft", "Quotation"], ["sale", "Sales order"]] }),
        "Sales order");
    assert.equal(formatValue({ id: 3, display_name: "Azure" }, { type: "many2one" }), "Azure");
    assert.equal(formatValue(false, { type: "many2one" }), "");
    assert.equal(formatValue(true, { type: "boolean" }), "Yes");
});
