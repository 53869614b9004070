// The little Python the archs carry: modifiers (`invisible="state != 'draft'"`), domains
// (`[('state', '=', 'draft')]`) and contexts (`{'group_by': 'stage_id'}`). Parsed and
// evaluated here, never with eval(): an arch cannot run code in the browser.

const OPERATORS = ["==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":",
    ".", "+", "-", "*", "/", "%"];
const KEYWORDS = new Set(["and", "or", "not", "in", "is", "True", "False", "None", "if", "else"]);

export class PyEvalError extends Error {}

function tokenize(text) {
    const tokens = [];
    let i = 0;
    while (i < text.length) {
        const c = text[i];
        if (/\s/.test(c)) {
            i++;
        } else if (c === "'" || c === '"') {
            let j = i + 1;
            let value = "";
            while (j < text.length && text[j] !== c) {
                if (text[j] === "\\" && j + 1 < text.length) {
                    const next = text[j + 1];
                    value += {n: "\n", t: "\t"}[next] ?? next;
                    j += 2;
                } else {
                    value += text[j++];
                }
            }
            if (j >= text.length) {
                throw new PyEvalError(`Unterminated string in ${text}`);
            }
            tokens.push({type: "string", value});
            i = j + 1;
        } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(text[i + 1] || ""))) {
            const match = /^[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|^[0-9]+\.?/.exec(text.slice(i));
            tokens.push({type: "number", value: Number(match[0])});
            i += match[0].length;
        } else if (/[A-Za-z_]/.test(c)) {
            const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
            const word = match[0];
            tokens.push({type: KEYWORDS.has(word) ? "keyword" : "name", value: word});
            i += word.length;
        } else {
            const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
            if (!op) {
                throw new PyEvalError(`Unexpected character ${c} in ${text}`);
            }
            tokens.push({type: "op", value: op});
            i += op.length;
        }
    }
    tokens.push({type: "end", value: null});
    return tokens;
}

class Parser {
    constructor(text) {
        this.text = text;
        this.tokens = tokenize(text);
        this.pos = 0;
    }
    peek() {
        return this.tokens[this.pos];
    }
    next() {
        return this.tokens[this.pos++];
    }
    accept(type, value) {
        const token = this.peek();
        if (token.type === type && (value === undefined || token.value === value)) {
            this.pos++;
            return token;
        }
        return null;
    }
    expect(type, value) {
        const token = this.accept(type, value);
        if (!token) {
            throw new PyEvalError(`Expected ${value ?? type} in ${this.text}`);
        }
        return token;
    }
    parseAll() {
        const node = this.expression();
        if (this.peek().type !== "end") {
            throw new PyEvalError(`Unexpected ${this.peek().value} in ${this.text}`);
        }
        return node;
    }
    expression() {
        const body = this.or();
        if (this.accept("keyword", "if")) {
            const test = this.or();
            this.expect("keyword", "else");
            const orelse = this.expression();
            return {kind: "ifexp", test, body, orelse};
        }
        return body;
    }
    or() {
        let left = this.and();
        while (this.accept("keyword", "or")) {
            left = {kind: "or", left, right: this.and()};
        }
        return left;
    }
    and() {
        let left = this.not();
        while (this.accept("keyword", "and")) {
            left = {kind: "and", left, right: this.not()};
        }
        return left;
    }
    not() {
        if (this.accept("keyword", "not")) {
            return {kind: "not", operand: this.not()};
        }
        return this.comparison();
    }
    comparison() {
        let left = this.additive();
        for (;;) {
            const token = this.peek();
            let op = null;
            if (token.type === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(token.value)) {
                this.next();
                op = token.value;
            } else if (this.accept("keyword", "in")) {
                op = "in";
            } else if (token.type === "keyword" && token.value === "not"
                && this.tokens[this.pos + 1].value === "in") {
                this.pos += 2;
                op = "not in";
            } else if (this.accept("keyword", "is")) {
                op = this.accept("keyword", "not") ? "!=" : "==";
            }
            if (!op) {
                return left;
            }
            left = {kind: "compare", op, left, right: this.additive()};
        }
    }
    additive() {
        let left = this.multiplicative();
        for (let token = this.peek(); token.type === "op" && ["+", "-"].includes(token.value);
            token = this.peek()) {
            this.next();
            left = {kind: "binary", op: token.value, left, right: this.multiplicative()};
        }
        return left;
    }
    multiplicative() {
        let left = this.unary();
        for (let token = this.peek(); token.type === "op" && ["*", "/", "%"].includes(token.value);
            token = this.peek()) {
            this.next();
            left = {kind: "binary", op: token.value, left, right: this.unary()};
        }
        return left;
    }
    unary() {
        if (this.accept("op", "-")) {
            return {kind: "neg", operand: this.unary()};
        }
        if (this.accept("op", "+")) {
            return this.unary();
        }
        return this.postfix();
    }
    postfix() {
        let node = this.atom();
        for (;;) {
            if (this.accept("op", ".")) {
                node = {kind: "attr", object: node, name: this.expect("name").value};
            } else if (this.accept("op", "(")) {
                const args = this.sequence(")");
                node = {kind: "call", func: node, args};
            } else if (this.accept("op", "[")) {
                const index = this.expression();
                this.expect("op", "]");
                node = {kind: "index", object: node, index};
            } else {
                return node;
            }
        }
    }
    sequence(closing) {
        const items = [];
        while (!this.accept("op", closing)) {
            items.push(this.expression());
            if (!this.accept("op", ",")) {
                this.expect("op", closing);
                break;
            }
        }
        return items;
    }
    atom() {
        const token = this.next();
        switch (token.type) {
            case "number":
            case "string":
                return {kind: "const", value: token.value};
            case "keyword":
                if (token.value === "True") return {kind: "const", value: true};
                if (token.value === "False") return {kind: "const", value: false};
                if (token.value === "None") return {kind: "const", value: null};
                break;
            case "name":
                return {kind: "name", name: token.value};
            case "op":
                if (token.value === "(") {
                    const items = this.sequence(")");
                    // (x) is x, (x,) and (x, y) are tuples
                    const last = this.tokens[this.pos - 2];
                    return items.length === 1 && !(last.type === "op" && last.value === ",")
                        ? items[0] : {kind: "list", items};
                }
                if (token.value === "[") {
                    return {kind: "list", items: this.sequence("]")};
                }
                if (token.value === "{") {
                    return this.dict();
                }
                break;
        }
        throw new PyEvalError(`Unexpected ${token.value ?? "end"} in ${this.text}`);
    }
    dict() {
        const entries = [];
        while (!this.accept("op", "}")) {
            const key = this.expression();
            this.expect("op", ":");
            entries.push([key, this.expression()]);
            if (!this.accept("op", ",")) {
                this.expect("op", "}");
                break;
            }
        }
        return {kind: "dict", entries};
    }
}

const parsed = new Map();

function parse(text) {
    let node = parsed.get(text);
    if (!node) {
        node = new Parser(text).parseAll();
        parsed.set(text, node);
    }
    return node;
}

/** Python truthiness: empty lists, dicts, strings and 0 are false. */
export function truthy(value) {
    if (Array.isArray(value)) {
        return value.length > 0;
    }
    if (value && typeof value === "object") {
        return Object.keys(value).length > 0;
    }
    return Boolean(value);
}

// A many2one value may be {id, display_name}, [id, name] or an id: compare by id.
function plain(value) {
    if (value && typeof value === "object" && !Array.isArray(value) && "id" in value) {
        return value.id;
    }
    return value;
}

function equals(a, b) {
    a = plain(a);
    b = plain(b);
    if (Array.isArray(a) && Array.isArray(b)) {
        return a.length === b.length && a.every((item, i) => equals(item, b[i]));
    }
    return (a ?? null) === (b ?? null) || (a === false && b === null) || (a === null && b === false);
}

function contains(container, item) {
    container = plain(container);
    if (typeof container === "string") {
        return container.includes(item);
    }
    if (Array.isArray(container)) {
        return container.some((element) => equals(element, item));
    }
    if (container && typeof container === "object") {
        return Object.prototype.hasOwnProperty.call(container, item);
    }
    return false;
}

function compare(op, a, b) {
    switch (op) {
        case "==": return equals(a, b);
        case "!=": return !equals(a, b);
        case "in": return contains(b, plain(a));
        case "not in": return !contains(b, plain(a));
    }
    a = plain(a);
    b = plain(b);
    switch (op) {
        case "<": return a < b;
        case "<=": return a <= b;
        case ">": return a > b;
        case ">=": return a >= b;
    }
    throw new PyEvalError(`Unknown operator ${op}`);
}

function todayString(offsetDays = 0) {
    const date = new Date();
    date.setDate(date.getDate() + offsetDays);
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const BUILTINS = {
    context_today: () => ({strftime: () => todayString(), toString: () => todayString()}),
    len: (value) => (value && value.length !== undefined ? value.length : Object.keys(value || {}).length),
    bool: (value) => truthy(value),
    str: (value) => String(value ?? ""),
    int: (value) => Math.trunc(Number(value)),
    float: (value) => Number(value),
};

function evaluate(node, scope) {
    switch (node.kind) {
        case "const":
            return node.value;
        case "name":
            if (Object.prototype.hasOwnProperty.call(scope, node.name)) {
                return scope[node.name];
            }
            if (Object.prototype.hasOwnProperty.call(BUILTINS, node.name)) {
                return BUILTINS[node.name];
            }
            throw new PyEvalError(`Name '${node.name}' is not defined`);
        case "attr": {
            const object = evaluate(node.object, scope);
            if (object === null || object === undefined || object === false) {
                return false;
            }
            if (node.name === "get" && typeof object === "object") {
                return (key, fallback = null) => (key in object ? object[key] : fallback);
            }
            const value = object[node.name];
            return value === undefined ? false : value;
        }
        case "index": {
            const object = evaluate(node.object, scope);
            const index = evaluate(node.index, scope);
            return Array.isArray(object) && index < 0 ? object[object.length + index] : object?.[index];
        }
        case "call": {
            const func = evaluate(node.func, scope);
            if (typeof func !== "function") {
                throw new PyEvalError("Only known functions can be called");
            }
            return func(...node.args.map((arg) => evaluate(arg, scope)));
        }
        case "list":
            return node.items.map((item) => evaluate(item, scope));
        case "dict":
            return Object.fromEntries(node.entries.map(([key, value]) =>
                [evaluate(key, scope), evaluate(value, scope)]));
        case "not":
            return !truthy(evaluate(node.operand, scope));
        case "neg":
            return -evaluate(node.operand, scope);
        case "and": {
            const left = evaluate(node.left, scope);
            return truthy(left) ? evaluate(node.right, scope) : left;
        }
        case "or": {
            const left = evaluate(node.left, scope);
            return truthy(left) ? left : evaluate(node.right, scope);
        }
        case "ifexp":
            return truthy(evaluate(node.test, scope)) ? evaluate(node.body, scope)
                : evaluate(node.orelse, scope);
        case "compare":
            return compare(node.op, evaluate(node.left, scope), evaluate(node.right, scope));
        case "binary": {
            const left = plain(evaluate(node.left, scope));
            const right = plain(evaluate(node.right, scope));
            switch (node.op) {
                case "+": return Array.isArray(left) ? left.concat(right) : left + right;
                case "-": return left - right;
                case "*": return left * right;
                case "/": return left / right;
                case "%": return left % right;
            }
        }
    }
    throw new PyEvalError(`Cannot evaluate ${node.kind}`);
}

export function evaluateExpr(expr, scope = {}) {
    if (typeof expr !== "string") {
        return expr;
    }
    return evaluate(parse(expr), scope);
}

const TRUE_WORDS = new Set(["1", "true", "True"]);
const FALSE_WORDS = new Set(["", "0", "false", "False"]);

export function evaluateBooleanExpr(expr, scope = {}) {
    if (expr === undefined || expr === null || typeof expr === "boolean") {
        return Boolean(expr);
    }
    const text = String(expr).trim();
    if (TRUE_WORDS.has(text)) return true;
    if (FALSE_WORDS.has(text)) return false;
    return truthy(evaluateExpr(text, scope));
}

/** A domain as an array of terms and operators, from its Python text or an array. */
export function parseDomain(domain, scope = {}) {
    if (!domain) {
        return [];
    }
    if (Array.isArray(domain)) {
        return domain;
    }
    const value = evaluateExpr(String(domain), scope);
    if (!Array.isArray(value)) {
        throw new PyEvalError(`Not a domain: ${domain}`);
    }
    return value;
}

/** A context (Python dict text or object) as an object. */
export function parseContext(context, scope = {}) {
    if (!context) {
        return {};
    }
    if (typeof context === "object") {
        return context;
    }
    return evaluateExpr(String(context), {context: {}, ...scope}) || {};
}

function matchTerm(record, [name, op, value]) {
    const fieldValue = plain(name.split(".").reduce((object, part) => plain(object)?.[part], record));
    switch (op) {
        case "=": case "==": return equals(fieldValue, value);
        case "!=": case "<>": return !equals(fieldValue, value);
        case "in": return (value || []).some((item) => equals(fieldValue, item));
        case "not in": return !(value || []).some((item) => equals(fieldValue, item));
        case "<": return fieldValue < value;
        case "<=": return fieldValue <= value;
        case ">": return fieldValue > value;
        case ">=": return fieldValue >= value;
        case "ilike": case "like":
            return String(fieldValue || "").toLowerCase().includes(String(value).toLowerCase());
        case "not ilike": case "not like":
            return !String(fieldValue || "").toLowerCase().includes(String(value).toLowerCase());
    }
    throw new PyEvalError(`Unsupported domain operator ${op}`);
}

/** Does `record` (plain values) satisfy `domain` (prefix notation, implicit AND)? */
export function matchDomain(record, domain) {
    const items = parseDomain(domain);
    let pos = 0;
    function next() {
        const item = items[pos++];
        if (item === "&") return next() & next() ? true : false;
        if (item === "|") {
            const a = next();
            const b = next();
            return a || b;
        }
        if (item === "!") return !next();
        if (item === true || (Array.isArray(item) && item[0] === 1)) return true;
        if (item === false || (Array.isArray(item) && item[0] === 0)) return false;
        return matchTerm(record, item);
    }
    let result = true;
    while (pos < items.length) {
        result = next() && result;
    }
    return result;
}
