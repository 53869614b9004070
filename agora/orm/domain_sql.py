"""Compile a normalised domain into a parameterised SQL condition on a Query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agora.db.sql import SQL
from agora.orm.domain import (
    AND,
    FALSE_LEAF,
    NEGATIVE_OPERATORS,
    NOT,
    OR,
    TRUE_LEAF,
    normalize_domain,
)
from agora.orm.exceptions import InvalidDomainError, InvalidValueError
from agora.orm.query import FALSE, TRUE, Query, make_alias

if TYPE_CHECKING:
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel

_LIKE_OPERATORS = ("like", "ilike", "=like", "=ilike")
_COMPARISONS = ("<", ">", "<=", ">=")


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class DomainCompiler:
    """Turns a domain on ``model`` into a condition over ``alias`` in ``query``."""

    def __init__(self, model: BaseModel, query: Query, alias: str) -> None:
        self.model = model
        self.query = query
        self.alias = alias

    def error(self, message: str, field: str | None = None) -> InvalidDomainError:
        return InvalidDomainError(f"{self.model._name}: {message}",
                                  model=self.model._name, field=field)

    # -- tree -------------------------------------------------------------------
    def compile(self, domain: list[Any]) -> SQL:
        domain = normalize_domain(domain, self.model._name)
        if not domain:
            return TRUE
        stack: list[SQL] = []
        # Prefix notation evaluates right-to-left with a stack, no recursion needed.
        for element in reversed(domain):
            if element == NOT:
                operand = stack.pop()
                stack.append(TRUE if operand == FALSE else FALSE if operand == TRUE
                             else SQL("(%s) IS NOT TRUE", operand))
            elif element in (AND, OR):
                left, right = stack.pop(), stack.pop()
                stack.append(self._combine(element, left, right))
            else:
                stack.append(self.compile_leaf(element))
        assert len(stack) == 1, domain
        return stack[0]

    @staticmethod
    def _combine(operator: str, left: SQL, right: SQL) -> SQL:
        if operator == AND:
            if left == FALSE or right == FALSE:
                return FALSE
            if left == TRUE:
                return right
            if right == TRUE:
                return left
            return SQL("(%s AND %s)", left, right)
        if left == TRUE or right == TRUE:
            return TRUE
        if left == FALSE:
            return right
        if right == FALSE:
            return left
        return SQL("(%s OR %s)", left, right)

    # -- leaves -------------------------------------------------------------------
    def compile_leaf(self, leaf: tuple[Any, str, Any]) -> SQL:
        if leaf == TRUE_LEAF:
            return TRUE
        if leaf == FALSE_LEAF:
            return FALSE
        path, operator, value = leaf
        if operator in NEGATIVE_OPERATORS:
            positive = self.compile_leaf((path, NEGATIVE_OPERATORS[operator], value))
            if positive == TRUE:
                return FALSE
            if positive == FALSE:
                return TRUE
            return SQL("(%s) IS NOT TRUE", positive)
        name, _dot, rest = path.partition(".")
        model = self.model
        field = model._fields.get(name)
        if field is None:
            raise self.error(f"unknown field {name!r} in domain", name)
        if field.groups and not model.env.su:
            # searching would reveal the values of a field the user may not read
            from agora.orm.access import check_fields
            check_fields(model, [field], "read")
        if rest:
            if not field.relational:
                raise self.error(f"{name!r} is not relational, cannot follow {path!r}", name)
            return self._any(field, [(rest, operator, value)])
        if field.computed and not field.store:
            return self._compile_virtual(field, operator, value)
        if operator == "any":
            if not field.relational:
                raise self.error(f"operator 'any' needs a relational field, not {name!r}", name)
            return self._any(field, value)
        if operator in ("child_of", "parent_of"):
            return self._hierarchy(field, operator, value)
        if field.relational and operator == "in" and isinstance(value, list | tuple) \
                and any(v is False or v is None for v in value):
            # False in the list means "empty", whatever the other values are (ids, names)
            empty = self.compile_leaf((name, "=", False))
            others = [v for v in value if v is not False and v is not None]
            return self._combine(OR, empty, self.compile_leaf((name, "in", others))) \
                if others else empty
        if field.type in ("one2many", "many2many"):
            return self._x2many_leaf(field, operator, value)
        if field.type == "many2one" and self._is_name_value(value) and operator in (
                "=", "in", *_LIKE_OPERATORS):
            comodel = model.env[field.comodel_name]
            return self._any(field, [(comodel._rec_name_field(), operator, value)])
        return self._column_leaf(field, operator, value)

    @staticmethod
    def _is_name_value(value: Any) -> bool:
        if isinstance(value, str):
            return True
        return isinstance(value, list | tuple) and any(isinstance(v, str) for v in value)

    def _compile_virtual(self, field: Field, operator: str, value: Any) -> SQL:
        if field.related:
            return self.compile_leaf((field.related, operator, value))
        if field.name == "display_name":
            return self.compile_leaf((self.model._rec_name_field(), operator, value))
        if field.search:
            method = getattr(self.model, field.search)
            domain = method(operator, value)
            return DomainCompiler(self.model, self.query, self.alias).compile(domain)
        raise self.error(f"field {field.name!r} is not stored and has no search method",
                         field.name)

    def column(self, name: str) -> SQL:
        return SQL.identifier(self.alias, name)

    def _convert(self, field: Field, value: Any) -> Any:
        if field.name == "id" or field.type == "many2one":
            if isinstance(value, bool) or not isinstance(value, int):
                if hasattr(value, "_ids") and len(value) <= 1:
                    return value._ids[0] if value._ids else None
                raise self.error(f"expected an id for {field.name!r}, got {value!r}", field.name)
            return value
        if field.type in ("char", "text", "html", "selection", "reference"):
            if not isinstance(value, str):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    return str(value)
                raise self.error(f"expected a string for {field.name!r}, got {value!r}",
                                 field.name)
            return self._text(field, value)
        try:
            return field.convert_to_column(field.convert_to_cache(value, self.model))
        except InvalidValueError as exc:
            raise self.error(f"bad value for {field.name!r}: {exc.message}", field.name) from None

    def _text(self, field: Field, text: str) -> str:
        # PostgreSQL text cannot hold NUL: refused here as a domain error, not by the
        # driver once the query runs
        if "\x00" in text:
            raise self.error(f"a value for {field.name!r} contains a NUL character",
                             field.name)
        return text

    def _column_leaf(self, field: Field, operator: str, value: Any) -> SQL:
        if not field.column and field.name != "id":
            raise self.error(f"field {field.name!r} cannot be searched", field.name)
        column = self.column(field.name)
        empty = value is False or value is None
        if operator == "=":
            if empty:
                if field.type == "boolean":
                    return SQL("(%s IS NULL OR %s = FALSE)", column, column)
                return SQL("%s IS NULL", column)
            return SQL("%s = %s", column, self._convert(field, value))
        if operator == "in":
            if isinstance(value, _Raw):
                return SQL("%s IN (%s)", column, value.sql)
            if isinstance(value, str) or not hasattr(value, "__iter__"):
                value = [value]
            values = list(value._ids) if hasattr(value, "_ids") else list(value)
            if field.type == "boolean":
                wanted = {bool(v) for v in values}
                if wanted == {True, False}:
                    return TRUE
                return self._column_leaf(field, "=", wanted.pop()) if wanted else FALSE
            has_null = any(v is False or v is None for v in values)
            values = [self._convert(field, v) for v in values if v is not False and v is not None]
            parts = []
            if values:
                parts.append(SQL("%s = ANY(%s)", column, values))
            if has_null:
                parts.append(SQL("%s IS NULL", column))
            if not parts:
                return FALSE
            return parts[0] if len(parts) == 1 else SQL("(%s OR %s)", *parts)
        if operator in _COMPARISONS:
            if empty:
                return FALSE
            return SQL(f"%s {operator} %s", column, self._convert(field, value))
        if operator in _LIKE_OPERATORS:
            if empty:
                raise self.error(f"operator {operator!r} needs a text value", field.name)
            text = self._text(field, str(value) if not isinstance(value, str) else value)
            if operator.startswith("=") and (len(text) - len(text.rstrip("\\"))) % 2:
                raise self.error(f"{operator!r} pattern {text!r} ends with an escape character",
                                 field.name)
            pattern = text if operator.startswith("=") else f"%{escape_like(text)}%"
            keyword = "ILIKE" if operator.endswith("ilike") else "LIKE"
            target = column if field.type in ("char", "text", "html", "selection") \
                else SQL("CAST(%s AS text)", column)
            return SQL(f"%s {keyword} %s", target, pattern)
        raise self.error(f"operator {operator!r} is not supported on {field.name!r}", field.name)

    # -- relations ------------------------------------------------------------------
    def _any(self, field: Field, subdomain: Any) -> SQL:
        if isinstance(subdomain, int | str) or hasattr(subdomain, "_ids"):
            raise self.error(f"operator 'any' expects a domain for {field.name!r}", field.name)
        if field.computed and not field.store:
            if field.related:
                return self.compile_leaf((field.related, "any", subdomain))
            raise self.error(f"cannot follow non-stored field {field.name!r}", field.name)
        comodel = self.model.env[field.comodel_name]
        if field.type == "many2one":
            alias = make_alias(self.alias, field.name)
            self.query.left_join(alias, comodel._table,
                                 SQL("%s = %s", SQL.identifier(alias, "id"),
                                     self.column(field.name)))
            condition = self._combine(
                AND, DomainCompiler(comodel, self.query, alias).compile(subdomain),
                self._readable(comodel, self.query, alias))
            if condition == FALSE:
                return FALSE
            exists = SQL("%s IS NOT NULL", self.column(field.name))
            return exists if condition == TRUE else SQL("(%s AND %s)", exists, condition)
        sub_alias = make_alias(self.alias, field.name)
        sub = Query(comodel._table, sub_alias)
        condition = self._combine(
            AND, DomainCompiler(comodel, sub, sub_alias).compile(subdomain),
            self._readable(comodel, sub, sub_alias))
        if condition == FALSE:
            return FALSE
        sub.add_where(condition)
        if field.type == "one2many":
            sub.add_where(SQL("%s = %s", SQL.identifier(sub_alias, field.inverse_name),
                              self.column("id")))
            return SQL("EXISTS (%s)", sub.select(SQL("1")))
        rel_alias = make_alias(sub_alias, "rel")
        sub.left_join(rel_alias, field.relation,
                      SQL("%s = %s", SQL.identifier(rel_alias, field.column2),
                          SQL.identifier(sub_alias, "id")))
        sub.add_where(SQL("%s = %s", SQL.identifier(rel_alias, field.column1),
                          self.column("id")))
        return SQL("EXISTS (%s)", sub.select(SQL("1")))

    @staticmethod
    def _readable(comodel: BaseModel, query: Query, alias: str) -> SQL:
        """The read rules of ``comodel`` on ``alias``: a search through a relation sees
        only the related records the user may read, or matching on their values would
        tell what a hidden record holds (another company's contact, one field at a
        time). Rule domains are compiled as superuser, as everywhere."""
        if comodel.env.su:
            return TRUE
        from agora.orm import access
        policy = access.active_policy(comodel.env)
        if policy is None:
            return TRUE
        domain = policy.rule_domain(comodel.env, comodel._name, "read")
        if not domain:
            return TRUE
        return DomainCompiler(comodel.sudo(), query, alias).compile(domain)

    def _x2many_leaf(self, field: Field, operator: str, value: Any) -> SQL:
        empty = value is False or value is None
        if operator == "=" and empty:
            return SQL("(%s) IS NOT TRUE", self._any(field, []))
        if self._is_name_value(value) and operator in ("=", "in", *_LIKE_OPERATORS):
            comodel = self.model.env[field.comodel_name]
            return self._any(field, [(comodel._rec_name_field(), operator, value)])
        if operator in ("=", "in"):
            return self._any(field, [("id", "in", value if operator == "in" else [value])])
        raise self.error(f"operator {operator!r} is not supported on {field.name!r}", field.name)

    def _hierarchy(self, field: Field, operator: str, value: Any) -> SQL:
        model = self.model if field.name == "id" else self.model.env[field.comodel_name] \
            if field.relational else None
        if model is None:
            raise self.error(f"{operator!r} needs a relational field, not {field.name!r}",
                             field.name)
        if isinstance(value, str):
            value = [id_ for id_, _name in model.name_search(value, limit=None)]
        elif hasattr(value, "_ids"):
            value = list(value._ids)
        elif not isinstance(value, list | tuple):
            value = [value]
        if any(isinstance(v, bool) or not isinstance(v, int) for v in value):
            raise self.error(f"{operator!r} expects ids, got {value!r}", field.name)
        ids = list(value)
        if not ids:
            return FALSE
        parent = model._parent_name
        if parent not in model._fields:
            raise self.error(f"{model._name} has no parent field for {operator!r}", field.name)
        table = SQL.identifier(model._table)
        if model._parent_store:
            if operator == "child_of":
                subquery = SQL(
                    "SELECT child.id FROM %s AS child JOIN %s AS anc ON child.parent_path "
                    "LIKE anc.parent_path || '%%' WHERE anc.id = ANY(%s)", table, table, ids)
            else:
                subquery = SQL(
                    "SELECT anc.id FROM %s AS anc JOIN %s AS child ON child.parent_path "
                    "LIKE anc.parent_path || '%%' WHERE child.id = ANY(%s)", table, table, ids)
        else:
            parent_column = SQL.identifier("x", parent)
            if operator == "child_of":
                step = SQL("SELECT x.id FROM %s AS x JOIN tree ON %s = tree.id",
                           table, parent_column)
            else:
                step = SQL("SELECT %s FROM %s AS x JOIN tree ON x.id = tree.id", parent_column,
                           table)
            subquery = SQL("WITH RECURSIVE tree(id) AS (SELECT id FROM %s WHERE id = ANY(%s) "
                           "UNION %s) SELECT id FROM tree WHERE id IS NOT NULL", table, ids, step)
        if field.type in ("one2many", "many2many"):
            return self._any(field, [("id", "in", _Raw(subquery))])
        return SQL("%s IN (%s)", self.column(field.name), subquery)


class _Raw(list):  # type: ignore[type-arg]
    """A subquery passed through an ``in`` leaf (internal use only)."""

    def __init__(self, sql: SQL) -> None:
        super().__init__()
        self.sql = sql
