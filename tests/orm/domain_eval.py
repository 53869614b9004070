"""A pure-Python evaluator of search domains, written from the semantics documented in
:mod:`agora.orm.domain` (it shares no code with the SQL compiler).

It works on a snapshot of the raw database rows (``Snapshot``), so "empty" means what is
stored: NULL, or FALSE for booleans.

* ``'!'`` is the exact complement; negative operators are the complement of their positive
  twin; ``= False`` matches empty values and ``in`` lists may hold False for "empty".
* ``a.b`` means ``('a', 'any', [('b', ...)])``: some related record satisfies the rest.
* the implicit ``active`` filter applies to the searched model only (sub-domains of
  ``any`` and dotted paths are evaluated on all records), unless a leaf of the domain
  mentions ``active`` or ``active_test`` is off.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

AND, OR, NOT = "&", "|", "!"
ALIASES = {"<>": "!=", "==": "="}
NEGATIVE = {"!=": "=", "not in": "in", "not like": "like", "not ilike": "ilike",
            "not any": "any"}
LIKES = ("like", "ilike", "=like", "=ilike")


# -- parsing ------------------------------------------------------------------------------
def parse(domain: list[Any]) -> Any:
    """Domain -> tree: ('leaf', (p, o, v)) | ('not', t) | ('and'|'or', a, b) | ('true',)."""
    position = 0

    def expression() -> Any:
        nonlocal position
        element = domain[position]
        position += 1
        if element == NOT:
            return ("not", expression())
        if element in (AND, OR):
            left = expression()
            right = expression()
            return ("and" if element == AND else "or", left, right)
        return ("leaf", tuple(element))

    trees = []
    while position < len(domain):
        trees.append(expression())
    if not trees:
        return ("true",)
    result = trees[-1]
    for tree in reversed(trees[:-1]):
        result = ("and", tree, result)
    return result


def leaves(tree: Any) -> list[tuple[Any, str, Any]]:
    if tree[0] == "leaf":
        return [tree[1]]
    if tree[0] == "true":
        return []
    return [leaf for sub in tree[1:] for leaf in leaves(sub)]


# -- data -----------------------------------------------------------------------------------
class Snapshot:
    """Raw rows of some models, read straight from their tables."""

    def __init__(self, env: Any, model_names: list[str]) -> None:
        self.env = env
        self.rows: dict[str, dict[int, dict[str, Any]]] = {}
        self.m2m: dict[tuple[str, str], dict[int, set[int]]] = {}
        cr = env.cr
        for name in model_names:
            model = env[name]
            cr.execute(f'SELECT * FROM "{model._table}"')
            self.rows[name] = {row["id"]: row for row in cr.dictfetchall()}
        for name in model_names:
            for field in env[name]._fields.values():
                if field.type == "many2many" and field.store:
                    cr.execute(f'SELECT "{field.column1}", "{field.column2}" '
                               f'FROM "{field.relation}"')
                    links: dict[int, set[int]] = {}
                    for left, right in cr.fetchall():
                        links.setdefault(left, set()).add(right)
                    self.m2m[(name, field.name)] = links

    def field(self, model: str, name: str) -> Any:
        return self.env[model]._fields[name]

    def related(self, model: str, name: str, record_id: int) -> set[int]:
        field = self.field(model, name)
        if field.type == "many2one":
            value = self.rows[model][record_id][name]
            return {value} if value is not None else set()
        if field.type == "one2many":
            return {i for i, row in self.rows[field.comodel_name].items()
                    if row[field.inverse_name] == record_id}
        return set(self.m2m[(model, name)].get(record_id, ()))


# -- evaluation -------------------------------------------------------------------------------
class Evaluator:
    def __init__(self, snapshot: Snapshot) -> None:
        self.data = snapshot
        self.active_test = True

    def search(self, model: str, domain: list[Any], active_test: bool = True) -> set[int]:
        tree = parse(domain)
        self.active_test = active_test
        active = "active" in self.data.env[model]._fields
        if active and active_test and not any(
                isinstance(p, str) and p.split(".")[0] == "active" for p, _o, _v in leaves(tree)):
            tree = ("and", ("leaf", ("active", "=", True)), tree)
        return {i for i in self.data.rows[model] if self.tree(model, tree, i)}

    def domain(self, model: str, domain: list[Any], record_id: int) -> bool:
        return self.tree(model, parse(domain), record_id)

    def tree(self, model: str, tree: Any, record_id: int) -> bool:
        kind = tree[0]
        if kind == "true":
            return True
        if kind == "not":
            return not self.tree(model, tree[1], record_id)
        if kind == "and":
            return self.tree(model, tree[1], record_id) and self.tree(model, tree[2], record_id)
        if kind == "or":
            return self.tree(model, tree[1], record_id) or self.tree(model, tree[2], record_id)
        return self.leaf(model, tree[1], record_id)

    def leaf(self, model: str, leaf: tuple[Any, str, Any], record_id: int) -> bool:
        path, operator, value = leaf
        if (path, operator, value) == (1, "=", 1):
            return True
        if (path, operator, value) == (0, "=", 1):
            return False
        operator = ALIASES.get(operator.lower(), operator.lower())
        if operator in NEGATIVE:
            return not self.leaf(model, (path, NEGATIVE[operator], value), record_id)
        name, _dot, rest = path.partition(".")
        field = self.data.field(model, name)
        if rest:
            return any(self.leaf(field.comodel_name, (rest, operator, value), r)
                       for r in self.data.related(model, name, record_id))
        if operator == "any":
            return any(self.domain(field.comodel_name, value, r)
                       for r in self.data.related(model, name, record_id))
        if operator in ("child_of", "parent_of"):
            return self.hierarchy(model, field, operator, value, record_id)
        if field.relational:
            return self.relational(model, field, operator, value, record_id)
        return self.scalar(field, self.data.rows[model][record_id][name], operator, value)

    # -- relational ---------------------------------------------------------------------------
    def relational(self, model: str, field: Any, operator: str, value: Any,
                   record_id: int) -> bool:
        related = self.data.related(model, field.name, record_id)
        comodel = field.comodel_name
        rec_name = self.data.env[comodel]._rec_name_field()
        if operator == "in":
            values = list(value) if isinstance(value, list | tuple) else [value]
        else:
            values = [value]
        if operator in ("=", "in"):
            if any(v is False or v is None for v in values) and not related:
                return True
            values = [v for v in values if v is not False and v is not None]
            if any(isinstance(v, str) for v in values):
                # names: some related record has one of these names
                return any(self.scalar(self.data.field(comodel, rec_name),
                                       self.data.rows[comodel][r][rec_name], "in", values)
                           for r in related)
            return bool(related & set(values))
        if operator in LIKES and isinstance(value, str):
            return any(self.scalar(self.data.field(comodel, rec_name),
                                   self.data.rows[comodel][r][rec_name], operator, value)
                       for r in related)
        if field.type == "many2one":  # comparisons on the id column
            return self.scalar(field, next(iter(related), None), operator, value)
        raise AssertionError(f"unsupported {operator!r} on {field.name!r}")

    def hierarchy(self, model: str, field: Any, operator: str, value: Any,
                  record_id: int) -> bool:
        target = model if field.name == "id" else field.comodel_name
        rows = self.data.rows[target]
        parent = self.data.env[target]._parent_name
        if isinstance(value, str):  # a name: the records name_search() finds
            rec_name = self.data.env[target]._rec_name_field()
            value = [i for i, row in rows.items()
                     if row[rec_name] is not None and value.lower() in row[rec_name].lower()
                     and (not self.active_test or row.get("active", True))]
        ids = {v for v in (value if isinstance(value, list | tuple) else [value]) if v in rows}
        closure = set(ids)
        if operator == "child_of":
            changed = True
            while changed:
                more = {i for i, row in rows.items() if row[parent] in closure} - closure
                changed = bool(more)
                closure |= more
        else:
            todo = list(ids)
            while todo:
                up = rows[todo.pop()][parent]
                if up is not None and up not in closure:
                    closure.add(up)
                    todo.append(up)
        if field.name == "id":
            return record_id in closure
        return bool(self.data.related(model, field.name, record_id) & closure)

    # -- scalar ---------------------------------------------------------------------------------
    def scalar(self, field: Any, stored: Any, operator: str, value: Any) -> bool:
        boolean = field.type == "boolean"
        empty = stored is None or (boolean and stored is False)
        if operator == "in":
            values = list(value) if isinstance(value, list | tuple) else [value]
            return any(self.scalar(field, stored, "=", v) for v in values)
        if operator == "=":
            if value is False or value is None:
                return empty
            if boolean:
                return bool(stored) == bool(value)
            return stored is not None and stored == self.convert(field, value)
        if operator in ("<", ">", "<=", ">="):
            if value is False or value is None or stored is None:
                return False
            other = self.convert(field, value)
            return {"<": stored < other, ">": stored > other,
                    "<=": stored <= other, ">=": stored >= other}[operator]
        if operator in LIKES:
            if stored is None:
                return False
            text = as_text(stored)
            if operator == "like":
                return value in text
            if operator == "ilike":
                return value.lower() in text.lower()
            return sql_like(value, text, operator == "=ilike")
        raise AssertionError(f"unsupported operator {operator!r}")

    @staticmethod
    def convert(field: Any, value: Any) -> Any:
        if field.type in ("char", "text", "selection"):
            return str(value)
        if field.type == "date" and isinstance(value, str):
            return datetime.date.fromisoformat(value)
        if field.type == "float":
            return float(value)
        return value


def as_text(value: Any) -> str:
    """What ``CAST(value AS text)`` gives in PostgreSQL."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # float8 prints 10.0 as '10'
    return str(value)


def sql_like(pattern: str, text: str, insensitive: bool) -> bool:
    """SQL LIKE: ``%`` any string, ``_`` one character, backslash escapes."""
    if insensitive:
        pattern, text = pattern.lower(), text.lower()
    regex = []
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            regex.append(re.escape(next(chars, "")))
        elif char == "%":
            regex.append(".*")
        elif char == "_":
            regex.append(".")
        else:
            regex.append(re.escape(char))
    return re.fullmatch("".join(regex), text, re.DOTALL) is not None
