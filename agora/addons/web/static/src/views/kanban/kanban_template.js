/**
 * Kanban card templates: a small, safe interpreter for the QWeb subset that kanban
 * archs use. It never touches the DOM and never parses HTML: it walks the arch's
 * template element and returns a tree of plain "vnodes" ({tag, attrs, children},
 * strings, or whatever `renderField` returns), which kanban_dom.js turns into
 * elements with core/dom.js `h()`.
 *
 * Supported: whitelisted HTML elements (class/title/alt copied), `<t>` as a
 * transparent wrapper, `<field name widget/>` (delegated to `renderField`),
 * `t-if`/`t-elif`/`t-else`, `t-esc`/`t-out` (text only), `t-att-<attr>`,
 * `t-attf-<attr>` with `{{ expr }}` or `#{ expr }`, `t-set`/`t-value`.
 * Elements with directives that would need real execution (`t-foreach`, `t-call`,
 * `t-raw`, `t-js`) are skipped; any other `t-` attribute is ignored.
 *
 * Expressions go through the injected `evaluate(expr, scope)` (core/pyeval.js
 * evaluateExpr in the browser); an expression that fails to evaluate counts as
 * falsy / empty text so a template written for Odoo's richer scope still renders.
 */

import {truthy} from "../../core/pyeval.js";


// Elements copied as they are. Anything else (script, style, iframe, form, button,
// unknown tags...) is dropped together with its content.
const ALLOWED_TAGS = new Set([
    "div", "span", "strong", "em", "b", "i", "u", "a", "ul", "ol", "li", "small", "p",
    "h1", "h2", "h3", "h4", "h5", "h6", "img", "br", "hr", "section", "header", "footer",
    "main", "aside", "table", "thead", "tbody", "tr", "td", "th", "label", "sup", "sub",
]);
// Static attributes kept (never href/src/on*/style: no navigation, no script).
const ALLOWED_ATTRS = new Set(["class", "title", "alt", "role", "aria-label"]);
// Attributes a t-att-/t-attf- directive may set.
const DYNAMIC_ATTRS = new Set(["class", "title", "alt", "src"]);
// Directives whose element is skipped entirely: ignoring them would render a body
// that refers to loop variables or other templates.
const SKIPPED_DIRECTIVES = ["t-foreach", "t-call", "t-raw", "t-js"];

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** Odoo 17 names the card `kanban-box`, Odoo 18 `card`. */
export function findCardTemplate(arch) {
    const templates = childrenOf(arch).find((n) => tagOf(n) === "templates");
    if (!templates) {
        return null;
    }
    const all = childrenOf(templates);
    return all.find((n) => n.getAttribute("t-name") === "kanban-box")
        || all.find((n) => n.getAttribute("t-name") === "card") || null;
}

/** Names of every `<field name>` inside the template (to read them too). */
export function templateFieldNames(node, names = new Set()) {
    for (const child of childrenOf(node)) {
        if (tagOf(child) === "field" && child.getAttribute("name")) {
            names.add(child.getAttribute("name"));
        }
        templateFieldNames(child, names);
    }
    return names;
}

/**
 * Render the children of `template` against `scope`.
 * options: {evaluate(expr, scope), renderField(name, attrs, scope), onError(err, expr)}
 * Returns an array of vnodes.
 */
export function renderTemplate(template, scope, options) {
    const ctx = { ...options, scope: { ...scope } };
    return renderChildren(template, ctx);
}

function renderChildren(node, ctx) {
    const out = [];
    // The t-if chain state: null = not in a chain, true = a branch was taken.
    let chainTaken = null;
    for (const child of node.childNodes || []) {
        if (child.nodeType === TEXT_NODE) {
            const text = child.nodeValue;
            // Whitespace between elements does not break a t-if/t-elif chain.
            if (text.trim()) {
                out.push(text);
                chainTaken = null;
            } else if (out.length && typeof out[out.length - 1] !== "string") {
                out.push(" ");
            }
            continue;
        }
        if (child.nodeType !== ELEMENT_NODE) {
            continue;
        }
        const attr = (name) => (child.hasAttribute(name) ? child.getAttribute(name) : null);
        let show = true;
        if (attr("t-if") !== null) {
            show = truthy(safeEval(attr("t-if"), ctx));
            chainTaken = show;
        } else if (attr("t-elif") !== null) {
            show = chainTaken === false && truthy(safeEval(attr("t-elif"), ctx));
            chainTaken = chainTaken === null ? null : chainTaken || show;
            if (chainTaken === null) {
                show = false; // a t-elif without a preceding t-if renders nothing
            }
        } else if (child.hasAttribute("t-else")) {
            show = chainTaken === false;
            chainTaken = null;
        } else {
            chainTaken = null;
        }
        if (!show) {
            continue;
        }
        out.push(...renderElement(child, ctx));
    }
    return out;
}

function renderElement(node, ctx) {
    const tag = tagOf(node);
    if (SKIPPED_DIRECTIVES.some((d) => node.hasAttribute(d))) {
        return [];
    }
    if (node.hasAttribute("t-set")) {
        // `<t t-set="x" t-value="expr"/>`: later siblings (and descendants) see x.
        const name = node.getAttribute("t-set");
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
            ctx.scope[name] = node.hasAttribute("t-value")
                ? safeEval(node.getAttribute("t-value"), ctx)
                : textContent(node);
        }
        return [];
    }
    if (tag === "field") {
        const name = node.getAttribute("name");
        if (!name) {
            return [];
        }
        const rendered = ctx.renderField ? ctx.renderField(name, Object.fromEntries(attrsOf(node).map((a) => [a.name, a.value])), ctx.scope) : "";
        return rendered === null || rendered === undefined ? [] : [rendered];
    }
    const content = contentOf(node, ctx);
    if (tag === "t") {
        return content;
    }
    if (!ALLOWED_TAGS.has(tag)) {
        return [];
    }
    const attrs = {};
    for (const { name, value } of attrsOf(node)) {
        if (ALLOWED_ATTRS.has(name)) {
            attrs[name] = value;
        }
    }
    for (const { name, value } of attrsOf(node)) {
        let target = null;
        let result = null;
        if (name.startsWith("t-att-")) {
            target = name.slice(6);
            result = safeEval(value, ctx);
        } else if (name.startsWith("t-attf-")) {
            target = name.slice(7);
            result = interpolate(value, (expr) => safeEval(expr, ctx));
        }
        if (!target || !DYNAMIC_ATTRS.has(target)) {
            continue;
        }
        if (target === "class") {
            const extra = classString(result);
            attrs.class = [attrs.class, extra].filter(Boolean).join(" ");
        } else if (target === "src") {
            if (tag === "img" && isSafeImageSource(result)) {
                attrs.src = result;
            }
        } else if (result !== false && result !== null && result !== undefined) {
            attrs[target] = String(result);
        }
    }
    return [{ tag, attrs, children: content }];
}

/** `t-esc`/`t-out` replace the element's content by the value as text. */
function contentOf(node, ctx) {
    const expr = node.hasAttribute("t-esc") ? node.getAttribute("t-esc")
        : node.hasAttribute("t-out") ? node.getAttribute("t-out") : null;
    if (expr === null) {
        return renderChildren(node, ctx);
    }
    const value = safeEval(expr, ctx);
    return [toText(value)];
}

/** Replace `{{ expr }}` and `#{ expr }` occurrences by the expression's text. */
export function interpolate(text, evalFn) {
    return String(text).replace(/\{\{(.+?)\}\}|#\{(.+?)\}/g, (_m, a, b) => toText(evalFn((a ?? b).trim())));
}

/** Value → text as QWeb shows it: false/null/undefined → "". */
export function toText(value) {
    if (value === false || value === null || value === undefined) {
        return "";
    }
    if (Array.isArray(value)) {
        // A many2one pair [id, name] shows its name.
        return value.length === 2 && typeof value[1] === "string" ? value[1] : value.join(",");
    }
    if (typeof value === "object") {
        return "display_name" in value ? toText(value.display_name)
            : "value" in value ? toText(value.value) : "";
    }
    return String(value);
}

function classString(value) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
        // Odoo allows t-att-class="{'a': cond}".
        return Object.entries(value).filter(([, v]) => truthy(v)).map(([k]) => k).join(" ");
    }
    return toText(value);
}

function isSafeImageSource(value) {
    return typeof value === "string"
        && (/^\/web\//.test(value) || /^data:image\/(png|jpe?g|gif|webp);base64,/.test(value));
}

function safeEval(expr, ctx) {
    try {
        return ctx.evaluate(expr, ctx.scope);
    } catch (error) {
        ctx.onError?.(error, expr);
        return undefined;
    }
}

function textContent(node) {
    return (node.childNodes ? [...node.childNodes] : [])
        .map((c) => (c.nodeType === TEXT_NODE ? c.nodeValue : textContent(c))).join("");
}

function attrsOf(node) {
    return [...(node.attributes || [])].map((a) => ({ name: a.name, value: a.value }));
}

function childrenOf(node) {
    return [...(node.childNodes || [])].filter((n) => n.nodeType === ELEMENT_NODE);
}

function tagOf(node) {
    return (node.localName || node.tagName || "").toLowerCase();
}
