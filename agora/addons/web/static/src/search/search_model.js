// The search state (facets) and the query it makes. Pure logic: no DOM, no core import.
// The arch is read by search_view.js into plain descriptions:
//   fields:  [{name, label, type, selection, filterDomain, operator}]
//   filters: [{id, name, label, domain, context, groupBy, groupId, invisible}]
//            domain: python string or array (domain filters); groupBy: list of specs
//            (group-by filters); groupId: filters sharing it are OR-ed in one facet.
// Python expressions are evaluated by the injected `parseDomain(expr, scope)` so that
// this module does not depend on core/pyeval.js (and node can test it).

import { andDomains, orDomains } from "./domain_utils.js";

const TEXT_TYPES = new Set(["char", "text", "html", "many2one", "many2many", "one2many",
    "reference"]);
const NUMBER_TYPES = new Set(["integer", "float", "monetary"]);

/** The domain that searches `text` in a search field, or null when it cannot match. */
export function fieldSearchDomain(field, text, parseDomain) {
    if (field.filterDomain) {
        return parseDomain(field.filterDomain, { self: text });
    }
    const type = field.type || "char";
    if (field.operator) {
        return [[field.name, field.operator, text]];
    }
    if (TEXT_TYPES.has(type)) {
        return [[field.name, "ilike", text]];
    }
    if (NUMBER_TYPES.has(type)) {
        const number = Number(text.replace(",", "."));
        if (text.trim() === "" || Number.isNaN(number)) {
            return null;
        }
        return [[field.name, "=", type === "integer" ? Math.trunc(number) : number]];
    }
    if (type === "selection") {
        // Match the labels the user sees, not the technical keys.
        const needle = text.toLowerCase();
        const keys = (field.selection || [])
            .filter(([, label]) => String(label).toLowerCase().includes(needle))
            .map(([key]) => key);
        return keys.length ? [[field.name, "in", keys]] : null;
    }
    return null; // dates, booleans...: no free-text proposal
}

export class SearchModel {
    constructor({ fields = [], filters = [], parseDomain, scope = {} }) {
        this.fields = fields;
        this.filters = filters;
        this.parseDomain = parseDomain;
        this.scope = scope; // extra names for filter domains (uid, context...)
        this.facets = []; // in creation order; see the *Facet helpers below
        this.groupByLabels = new Map(); // custom group-by spec -> label
    }

    // -- proposals --------------------------------------------------------------------------

    /** One proposal per search field (arch order) that can search `text`. */
    proposals(text) {
        if (!text.trim()) {
            return [];
        }
        const result = [];
        for (const field of this.fields) {
            const domain = fieldSearchDomain(field, text, this.parseDomain);
            if (domain) {
                result.push({ fieldName: field.name, label: field.label, text, domain });
            }
        }
        return result;
    }

    // -- field facets -----------------------------------------------------------------------

    /** Add a value to the facet of `fieldName` (created if needed); values are OR-ed. */
    addFieldValue(fieldName, text, domain) {
        let facet = this.facets.find((f) => f.kind === "field" && f.fieldName === fieldName);
        if (!facet) {
            const field = this.fields.find((f) => f.name === fieldName);
            facet = { kind: "field", fieldName, title: field ? field.label : fieldName,
                values: [] };
            this.facets.push(facet);
        }
        facet.values.push({ label: text, domain });
        return facet;
    }

    // -- filters and group-bys --------------------------------------------------------------

    filterById(id) {
        return this.filters.find((f) => f.id === id);
    }

    isActive(id) {
        return this.facets.some((facet) =>
            (facet.kind === "filter" && facet.filterIds.includes(id)) ||
            (facet.kind === "groupBy" && facet.items.some((item) => item.filterId === id)));
    }

    /** Activate or deactivate a filter (domain filter or group-by filter). */
    toggleFilter(id) {
        const filter = this.filterById(id);
        if (!filter) {
            return;
        }
        if (filter.groupBy) {
            this._toggleGroupByFilter(filter);
        } else {
            this._toggleDomainFilter(filter);
        }
    }

    _toggleDomainFilter(filter) {
        const facet = this.facets.find((f) => f.kind === "filter" &&
            f.groupId === filter.groupId);
        if (!facet) {
            this.facets.push({ kind: "filter", groupId: filter.groupId, filterIds: [filter.id] });
            return;
        }
        const index = facet.filterIds.indexOf(filter.id);
        if (index >= 0) {
            facet.filterIds.splice(index, 1);
            if (!facet.filterIds.length) {
                this.facets.splice(this.facets.indexOf(facet), 1);
            }
        } else {
            // Keep the arch order inside the facet so its label reads naturally.
            facet.filterIds.push(filter.id);
            const order = (id) => this.filters.findIndex((f) => f.id === id);
            facet.filterIds.sort((a, b) => order(a) - order(b));
        }
    }

    _groupByFacet(create) {
        let facet = this.facets.find((f) => f.kind === "groupBy");
        if (!facet && create) {
            facet = { kind: "groupBy", items: [] };
            this.facets.push(facet);
        }
        return facet;
    }

    _toggleGroupByFilter(filter) {
        const facet = this._groupByFacet(true);
        const index = facet.items.findIndex((item) => item.filterId === filter.id);
        if (index >= 0) {
            facet.items.splice(index, 1);
        } else {
            // Activation order is the grouping order.
            facet.items.push({ filterId: filter.id, specs: filter.groupBy, label: filter.label });
        }
        if (!facet.items.length) {
            this.facets.splice(this.facets.indexOf(facet), 1);
        }
    }

    /** Group by a field chosen in the "custom group" select (not an arch filter). */
    addCustomGroupBy(spec, label) {
        const facet = this._groupByFacet(true);
        if (!facet.items.some((item) => !item.filterId && item.specs[0] === spec)) {
            facet.items.push({ filterId: null, specs: [spec], label });
        }
    }

    // -- removal ----------------------------------------------------------------------------

    removeFacet(index) {
        if (index >= 0 && index < this.facets.length) {
            this.facets.splice(index, 1);
        }
    }

    removeLastFacet() {
        this.removeFacet(this.facets.length - 1);
    }

    // -- defaults ---------------------------------------------------------------------------

    /**
     * Facets from `search_default_<name>` keys of the action context (truthy values).
     * Filters and group-bys are activated; a field default becomes a value facet (a
     * many2one id searches `=` that id; its label may be set later by setValueLabel).
     * Group-by defaults with numeric values are activated in the order of the values.
     */
    applyDefaults(context = {}) {
        const defaults = [];
        for (const [key, value] of Object.entries(context || {})) {
            if (!key.startsWith("search_default_") || !value) {
                continue;
            }
            defaults.push({ name: key.slice("search_default_".length), value });
        }
        const rank = (value) => (typeof value === "number" ? value : 0);
        const filterDefaults = [];
        const fieldDefaults = [];
        for (const item of defaults) {
            const filter = this.filters.find((f) => f.name === item.name);
            const field = this.fields.find((f) => f.name === item.name);
            if (filter) {
                filterDefaults.push({ filter, value: item.value });
            } else if (field) {
                fieldDefaults.push({ field, value: item.value });
            }
        }
        for (const { field, value } of fieldDefaults) {
            this._addDefaultFieldValue(field, value);
        }
        // Domain filters in arch order, then group-bys by their default's value.
        const archOrder = (f) => this.filters.indexOf(f);
        const domainFilters = filterDefaults.filter((d) => !d.filter.groupBy)
            .sort((a, b) => archOrder(a.filter) - archOrder(b.filter));
        const groupBys = filterDefaults.filter((d) => d.filter.groupBy)
            .sort((a, b) => rank(a.value) - rank(b.value) ||
                archOrder(a.filter) - archOrder(b.filter));
        for (const { filter } of [...domainFilters, ...groupBys]) {
            if (!this.isActive(filter.id)) {
                this.toggleFilter(filter.id);
            }
        }
        return fieldDefaults; // the view fetches display names of many2one ids
    }

    _addDefaultFieldValue(field, value) {
        if (field.type === "many2one" && (typeof value === "number" || Array.isArray(value))) {
            const ids = Array.isArray(value) ? value : [value];
            const facet = this.addFieldValue(field.name, `#${ids.join(", #")}`,
                [[field.name, "in", ids]]);
            facet.values[facet.values.length - 1].ids = ids;
            return;
        }
        const text = String(value);
        const domain = fieldSearchDomain(field, text, this.parseDomain) ||
            [[field.name, "=", value]];
        this.addFieldValue(field.name, text, domain);
    }

    /** Replace the label of the default value holding these ids (many2one names). */
    setValueLabel(fieldName, ids, label) {
        for (const facet of this.facets) {
            if (facet.kind !== "field" || facet.fieldName !== fieldName) {
                continue;
            }
            for (const value of facet.values) {
                if (value.ids && value.ids.join() === ids.join()) {
                    value.label = label;
                }
            }
        }
    }

    // -- display ----------------------------------------------------------------------------

    /** [{kind, title, labels, separator}] for the facet bar. */
    facetDescriptions() {
        return this.facets.map((facet) => {
            if (facet.kind === "field") {
                return { kind: "field", title: facet.title,
                    labels: facet.values.map((v) => v.label), separator: "or" };
            }
            if (facet.kind === "filter") {
                return { kind: "filter", title: null,
                    labels: facet.filterIds.map((id) => this.filterById(id).label),
                    separator: "or" };
            }
            return { kind: "groupBy", title: null,
                labels: facet.items.map((item) => item.label), separator: ">" };
        });
    }

    // -- state (to restore the facets when the user comes back to this action) ---------------

    /** A JSON-safe copy of the facets. */
    exportState() {
        return JSON.parse(JSON.stringify(this.facets));
    }

    /** Restore facets exported by exportState (of a model built from the same arch). */
    importState(state) {
        const known = (id) => id === null || Boolean(this.filterById(id));
        this.facets = JSON.parse(JSON.stringify(state || [])).filter((facet) => {
            if (facet.kind === "filter") {
                return facet.filterIds.every(known);
            }
            if (facet.kind === "groupBy") {
                return facet.items.every((item) => known(item.filterId));
            }
            return facet.kind === "field";
        });
    }

    // -- query ------------------------------------------------------------------------------

    _filterDomain(filter) {
        if (Array.isArray(filter.domain)) {
            return filter.domain;
        }
        if (!filter.domain) {
            return [];
        }
        return this.parseDomain(filter.domain, this.scope);
    }

    /** {domain, context, groupBy} of the current facets. */
    getQuery() {
        const domains = [];
        const context = {};
        let groupBy = [];
        for (const facet of this.facets) {
            if (facet.kind === "field") {
                domains.push(orDomains(facet.values.map((v) => v.domain)));
            } else if (facet.kind === "filter") {
                const filters = facet.filterIds.map((id) => this.filterById(id));
                domains.push(orDomains(filters.map((f) => this._filterDomain(f))));
                for (const filter of filters) {
                    Object.assign(context, filter.context || {});
                }
            } else {
                groupBy = facet.items.flatMap((item) => item.specs);
            }
        }
        delete context.group_by;
        // searchState is not part of the contract's query: the shell keeps the query of an
        // action and passes it back as initialQuery, which brings the facets back.
        return { domain: andDomains(domains), context, groupBy,
            searchState: this.exportState() };
    }
}
