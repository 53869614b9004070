// Prefix-notation domain helpers (pure: no DOM, no core import, testable with node).
//
// A domain is a list of tokens: leaves are arrays [field, operator, value], operators
// are "&", "|" (two operands) and "!" (one). Leaves written one after another are
// implicitly AND-ed; combining domains needs the explicit form, so we normalize first.

const ARITY = { "&": 2, "|": 2, "!": 1 };

function isLeaf(token) {
    return Array.isArray(token);
}

/** The domain with every implicit AND made explicit ("&" prepended where needed). */
export function normalizeDomain(domain) {
    if (!Array.isArray(domain) || domain.length === 0) {
        return [];
    }
    const result = [];
    let expected = 1; // operands still missing for the expression read so far
    for (const token of domain) {
        if (expected === 0) {
            // A new term after a complete expression: they are AND-ed.
            result.unshift("&");
            expected = 1;
        }
        if (isLeaf(token)) {
            expected -= 1;
        } else if (token in ARITY) {
            expected += ARITY[token] - 1;
        } else {
            throw new Error(`Invalid domain token: ${JSON.stringify(token)}`);
        }
        result.push(token);
    }
    if (expected !== 0) {
        throw new Error(`Incomplete domain: ${JSON.stringify(domain)}`);
    }
    return result;
}

function combine(operator, domains) {
    const parts = domains.map(normalizeDomain);
    const nonEmpty = parts.filter((d) => d.length > 0);
    if (operator === "|" && nonEmpty.length < parts.length) {
        return []; // an empty domain is TRUE, so the whole OR is TRUE
    }
    if (nonEmpty.length === 0) {
        return [];
    }
    const result = [];
    for (let i = 1; i < nonEmpty.length; i++) {
        result.push(operator);
    }
    for (const part of nonEmpty) {
        result.push(...part);
    }
    return result;
}

/** AND of several domains (empty domains are TRUE and disappear). */
export function andDomains(domains) {
    return combine("&", domains);
}

/** OR of several domains (one empty domain makes the result TRUE, i.e. []). */
export function orDomains(domains) {
    return combine("|", domains);
}
