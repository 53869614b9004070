// The search bar: facets, free-text proposals and the filters / group-by panel.
// State and query building live in search_model.js; this file reads the arch and draws.

import { h, replaceContent } from "../core/dom.js";
import { childElements } from "../core/xml.js";
import { evaluateExpr, evaluateBooleanExpr, parseDomain } from "../core/pyeval.js";
import { SearchModel } from "./search_model.js";

// Field types one may group by from the "custom group" select.
const GROUPABLE = new Set(["char", "boolean", "selection", "many2one", "date", "datetime",
    "integer"]);

// -- arch reading ---------------------------------------------------------------------------

/**
 * Plain descriptions of the search arch's fields and filters (see search_model.js).
 * Domains and contexts are evaluated once here; a filter whose expression the client
 * cannot evaluate is left out (with a console warning) rather than breaking the bar.
 */
function readArch(arch, fields, scope) {
    const result = { fields: [], filters: [] };
    if (!arch) {
        return result;
    }
    let groupId = 0;
    let nextId = 1;
    let previousWasFilter = false;
    const visit = (parent) => {
        for (const node of childElements(parent)) {
            const tag = node.tagName.toLowerCase();
            if (tag === "field") {
                readField(node, fields, result.fields);
                previousWasFilter = false;
            } else if (tag === "filter") {
                if (!previousWasFilter) {
                    groupId += 1; // a new run of filters: a new OR group
                }
                previousWasFilter = true;
                const filter = readFilter(node, scope, nextId, groupId);
                nextId += 1;
                if (filter) {
                    result.filters.push(filter);
                }
            } else if (tag === "separator") {
                previousWasFilter = false;
            } else if (tag === "group") {
                previousWasFilter = false;
                visit(node);
                previousWasFilter = false;
            }
            // <searchpanel> and other nodes are not supported (ignored).
        }
    };
    visit(arch);
    return result;
}

function readField(node, fields, out) {
    const name = node.getAttribute("name");
    const description = fields[name] || {};
    if (isInvisible(node)) {
        return;
    }
    out.push({
        name,
        label: node.getAttribute("string") || description.string || name,
        type: description.type,
        selection: description.selection,
        relation: description.relation,
        filterDomain: node.getAttribute("filter_domain") || null,
        operator: node.getAttribute("operator") || null,
    });
}

function isInvisible(node) {
    const invisible = node.getAttribute("invisible");
    if (!invisible) {
        return false;
    }
    try {
        return evaluateBooleanExpr(invisible, {});
    } catch {
        return false;
    }
}

function readFilter(node, scope, id, groupId) {
    const name = node.getAttribute("name") || `filter_${id}`;
    const label = node.getAttribute("string") || node.getAttribute("help") || name;
    if (node.hasAttribute("date")) {
        return null; // date filters (period options) are not supported
    }
    try {
        const contextText = node.getAttribute("context");
        const context = contextText ? evaluateExpr(contextText, scope) : null;
        let groupBy = context && context.group_by;
        if (groupBy) {
            groupBy = Array.isArray(groupBy) ? groupBy : [groupBy];
        }
        const domainText = node.getAttribute("domain");
        const domain = domainText ? parseDomain(domainText, scope) : [];
        return { id, name, label, domain, context, groupBy: groupBy || null,
            groupId: groupBy ? "groupby" : groupId, invisible: isInvisible(node) };
    } catch (error) {
        console.warn(`search: filter ${name} left out:`, error);
        return null;
    }
}

// -- the component --------------------------------------------------------------------------

export function mountSearch(container, { resModel, arch, fields = {}, context = {}, env,
                                         onSearch, initialQuery = null }) {
    const session = (env && env.session) || {};
    const scope = { uid: session.uid, context, ...context };
    const described = readArch(arch, fields, scope);
    const model = new SearchModel({ fields: described.fields, filters: described.filters,
        parseDomain, scope });
    // Coming back to an action restores its facets; a first visit applies the defaults.
    let fieldDefaults = [];
    if (initialQuery && initialQuery.searchState) {
        model.importState(initialQuery.searchState);
    } else {
        fieldDefaults = model.applyDefaults(context);
    }

    let proposals = [];
    let highlighted = 0;
    let panelOpen = false;
    let destroyed = false;

    // -- elements ---------------------------------------------------------------------------
    const facetsEl = h("div", { class: "ag-facets" });
    const input = h("input", {
        class: "ag-search-input", type: "text", placeholder: "Search...",
        autocomplete: "off", "aria-label": "Search",
        oninput: () => updateProposals(),
        onkeydown: (event) => onKeyDown(event),
        onblur: () => setTimeout(hideProposals, 150), // let a click on a proposal land
    });
    const dropdown = h("ul", { class: "ag-search-dropdown", hidden: true, role: "listbox" });
    const panel = h("div", { class: "ag-search-panel", hidden: true });
    const toggle = h("button", {
        class: "ag-search-toggle", type: "button", title: "Filters and groupings",
        "aria-expanded": "false",
        onclick: () => setPanelOpen(!panelOpen),
    }, "▾");
    const root = h("div", { class: "ag-search" },
        h("div", { class: "ag-search-bar" },
            facetsEl, toggle),
        dropdown, panel);
    container.appendChild(root);

    // Close the panel on a click elsewhere in the page.
    const onDocumentClick = (event) => {
        if (panelOpen && !root.contains(event.target)) {
            setPanelOpen(false);
        }
    };
    document.addEventListener("mousedown", onDocumentClick);

    // -- state changes ----------------------------------------------------------------------
    function changed() {
        renderFacets();
        if (panelOpen) {
            renderPanel();
        }
        if (onSearch) {
            onSearch(model.getQuery());
        }
    }

    function renderFacets() {
        const facets = model.facetDescriptions().map((facet, index) => h("span", {
            class: `ag-facet ag-facet-${facet.kind}`, dataset: { index: String(index) },
        },
        h("span", { class: "ag-facet-title" },
            facet.title || (facet.kind === "groupBy" ? "Group By" : "Filter")),
        h("span", { class: "ag-facet-values" }, joinLabels(facet.labels, facet.separator)),
        h("button", {
            class: "ag-facet-remove", type: "button", title: "Remove",
            "aria-label": "Remove", onclick: () => {
                model.removeFacet(index);
                changed();
                input.focus();
            },
        }, "×")));
        replaceContent(facetsEl, ...facets, input);
    }

    function joinLabels(labels, separator) {
        const parts = [];
        labels.forEach((label, i) => {
            if (i > 0) {
                parts.push(h("span", { class: "ag-facet-sep" }, ` ${separator} `));
            }
            parts.push(label);
        });
        return parts;
    }

    // -- free text --------------------------------------------------------------------------
    function updateProposals() {
        proposals = model.proposals(input.value);
        highlighted = 0;
        if (!proposals.length) {
            hideProposals();
            return;
        }
        const items = proposals.map((proposal, index) => h("li", {
            class: { "ag-search-proposal": true, "ag-active": index === highlighted },
            role: "option",
            onmousedown: (event) => {
                event.preventDefault(); // keep the focus in the input
                pick(index);
            },
        }, "Search ", h("b", {}, proposal.label), " for: ", h("i", {}, proposal.text)));
        replaceContent(dropdown, ...items);
        dropdown.hidden = false;
    }

    function hideProposals() {
        dropdown.hidden = true;
        proposals = [];
    }

    function highlight(index) {
        const items = dropdown.children;
        if (!items.length) {
            return;
        }
        highlighted = (index + items.length) % items.length;
        for (let i = 0; i < items.length; i++) {
            items[i].classList.toggle("ag-active", i === highlighted);
        }
    }

    function pick(index) {
        const proposal = proposals[index];
        if (!proposal) {
            return;
        }
        model.addFieldValue(proposal.fieldName, proposal.text, proposal.domain);
        input.value = "";
        hideProposals();
        changed();
        input.focus();
    }

    function onKeyDown(event) {
        switch (event.key) {
            case "Enter":
                if (proposals.length) {
                    event.preventDefault();
                    pick(highlighted);
                }
                break;
            case "ArrowDown":
                if (proposals.length) {
                    event.preventDefault();
                    highlight(highlighted + 1);
                }
                break;
            case "ArrowUp":
                if (proposals.length) {
                    event.preventDefault();
                    highlight(highlighted - 1);
                }
                break;
            case "Escape":
                hideProposals();
                setPanelOpen(false);
                break;
            case "Backspace":
                if (input.value === "" && model.facets.length) {
                    event.preventDefault();
                    model.removeLastFacet();
                    changed();
                }
                break;
            default:
        }
    }

    // -- filters panel ----------------------------------------------------------------------
    function setPanelOpen(open) {
        panelOpen = open;
        panel.hidden = !open;
        toggle.setAttribute("aria-expanded", String(open));
        toggle.classList.toggle("ag-active", open);
        if (open) {
            renderPanel();
        }
    }

    function filterItem(filter) {
        const active = model.isActive(filter.id);
        return h("li", {
            class: { "ag-search-filter": true, "ag-active": active },
            dataset: { name: filter.name }, role: "menuitemcheckbox",
            "aria-checked": String(active),
            onclick: () => {
                model.toggleFilter(filter.id);
                changed();
            },
        }, h("span", { class: "ag-check", "aria-hidden": "true" }, active ? "✓" : ""),
        filter.label);
    }

    function renderPanel() {
        const visible = model.filters.filter((f) => !f.invisible);
        const domainFilters = visible.filter((f) => !f.groupBy);
        const groupBys = visible.filter((f) => f.groupBy);
        const filterList = [];
        let previousGroup = null;
        for (const filter of domainFilters) {
            if (previousGroup !== null && filter.groupId !== previousGroup) {
                filterList.push(h("li", { class: "ag-search-separator", role: "separator" }));
            }
            previousGroup = filter.groupId;
            filterList.push(filterItem(filter));
        }
        const sections = [];
        if (filterList.length) {
            sections.push(h("section", { class: "ag-search-filters" },
                h("h4", {}, "Filters"), h("ul", {}, filterList)));
        }
        sections.push(h("section", { class: "ag-search-groupbys" },
            h("h4", {}, "Group By"),
            h("ul", {}, groupBys.map(filterItem)),
            customGroupSelect()));
        replaceContent(panel, ...sections);
    }

    function customGroupSelect() {
        const options = Object.entries(fields)
            .filter(([, f]) => GROUPABLE.has(f.type) && f.store !== false &&
                f.groupable !== false)
            .sort((a, b) => String(a[1].string).localeCompare(String(b[1].string)))
            .map(([name, f]) => h("option", { value: name }, f.string || name));
        if (!options.length) {
            return null;
        }
        return h("select", {
            class: "ag-search-custom-group", "aria-label": "Add Custom Group",
            onchange: (event) => {
                const name = event.target.value;
                if (name) {
                    model.addCustomGroupBy(name, fields[name].string || name);
                    changed();
                }
            },
        }, h("option", { value: "" }, "Add Custom Group"), options);
    }

    // -- many2one defaults: show names instead of ids ---------------------------------------
    async function loadDefaultLabels() {
        for (const { field, value } of fieldDefaults) {
            if (field.type !== "many2one" || !field.relation || !env || !env.orm) {
                continue;
            }
            const ids = Array.isArray(value) ? value : [value];
            if (!ids.every((id) => typeof id === "number")) {
                continue;
            }
            try {
                const records = await env.orm.webRead(field.relation, ids,
                    { display_name: {} });
                if (destroyed) {
                    return;
                }
                model.setValueLabel(field.name, ids,
                    records.map((r) => r.display_name).join(", "));
                renderFacets();
            } catch (error) {
                console.warn("search: could not read default value names", error);
            }
        }
    }

    renderFacets();
    loadDefaultLabels();

    return {
        getQuery: () => model.getQuery(),
        destroy() {
            destroyed = true;
            document.removeEventListener("mousedown", onDocumentClick);
            root.remove();
        },
        // Not in the contract; handy for tests and for the shell's debugging.
        model,
        resModel,
    };
}
