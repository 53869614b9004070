"""read_group: GROUP BY with aggregates and date granularities, in one query."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from babel.dates import format_date

from agora.db.sql import SQL
from agora.orm import access, api
from agora.orm.exceptions import InvalidOrderError, InvalidValueError, UnknownFieldError
from agora.orm.model_search import check_bound, check_names

if TYPE_CHECKING:
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel

AGGREGATES = {
    "sum": "SUM", "avg": "AVG", "min": "MIN", "max": "MAX", "count": "COUNT",
    "count_distinct": "COUNT", "bool_and": "BOOL_AND", "bool_or": "BOOL_OR",
    "array_agg": "ARRAY_AGG",
}
GRANULARITIES = ("day", "week", "month", "quarter", "year")
_LABEL_PATTERNS = {"day": "dd MMM yyyy", "week": "'W'w YYYY", "month": "MMMM yyyy",
                   "quarter": "QQQ yyyy", "year": "yyyy"}
_FIELD_SPEC = re.compile(
    r"^(?P<alias>[a-z_][a-z0-9_]*)(?::(?P<agg>[a-z_]+)(?:\((?P<source>[a-z_][a-z0-9_]*)\))?)?$")
_NUMERIC = ("integer", "float", "monetary")


class GroupMixin:
    __slots__ = ()

    @api.model
    def read_group(self: BaseModel, domain: Any, fields: list[str], groupby: str | list[str],
                   offset: int = 0, limit: int | None = None, orderby: str | bool = False,
                   lazy: bool = True) -> list[dict[str, Any]]:
        """Groups of records with their count and aggregated values (Odoo's format)."""
        self.browse().check_access("read")
        groupbys = [groupby] if isinstance(groupby, str) else \
            check_names(self, "groupby", groupby or [])
        if lazy and groupbys:
            annotated = groupbys[:1]
        else:
            annotated = groupbys
        specs = [self._parse_groupby(spec) for spec in annotated]
        query = self._search(domain or [], order=False)
        select: list[SQL] = []
        group_terms: list[SQL] = []
        for index, (_spec, field, granularity) in enumerate(specs):
            expression = self._group_expression(query.alias, field, granularity)
            select.append(SQL("%s AS %s", expression, SQL.identifier(f"__g{index}")))
            group_terms.append(expression)
        aggregates = self._parse_aggregates(check_names(self, "fields", fields or []),
                                            {s[1].name for s in specs})
        access.check_fields(self, [s[1] for s in specs] + [a[2] for a in aggregates], "read")
        for index, (_alias, function, field) in enumerate(aggregates):
            column = SQL.identifier(query.alias, field.name)
            if function == "count_distinct":
                expression = SQL("COUNT(DISTINCT %s)", column)
            else:
                expression = SQL(f"{AGGREGATES[function]}(%s)", column)
            select.append(SQL("%s AS %s", expression, SQL.identifier(f"__a{index}")))
        select.append(SQL("COUNT(*) AS __count"))
        if group_terms:
            query.group_by = SQL.join(", ", group_terms)
        query.order = self._group_order(orderby, specs, aggregates, group_terms)
        query.limit = check_bound(self, "limit", limit) if limit not in (None, False) else None
        query.offset = check_bound(self, "offset", offset) if offset else 0
        if query.is_empty:
            rows: list[tuple[Any, ...]] = []
        else:
            self.env.cr.execute(query.select(*select))
            rows = self.env.cr.fetchall()
        return self._format_groups(rows, specs, aggregates, domain or [], groupbys, lazy)

    # -- parsing ------------------------------------------------------------------------------
    def _parse_groupby(self: BaseModel, spec: str) -> tuple[str, Field, str | None]:
        if not isinstance(spec, str):
            raise InvalidValueError(f"{self._name}: invalid groupby {spec!r}", model=self._name)
        name, _sep, granularity = spec.partition(":")
        field = self._fields.get(name)
        if field is None:
            raise UnknownFieldError(f"{self._name}: cannot group by unknown field {name!r}",
                                    model=self._name, field=name)
        if not field.column:
            raise InvalidValueError(f"{self._name}: cannot group by {name!r} (not stored)",
                                    model=self._name, field=name)
        if field.type in ("date", "datetime"):
            granularity = granularity or "month"
            if granularity not in GRANULARITIES:
                raise InvalidValueError(
                    f"{self._name}: granularity {granularity!r} not in {GRANULARITIES}",
                    model=self._name, field=name)
        elif granularity:
            raise InvalidValueError(f"{self._name}: {name!r} is not a date, no granularity",
                                    model=self._name, field=name)
        return (spec, field, granularity or None)

    def _group_expression(self: BaseModel, alias: str, field: Field,
                          granularity: str | None) -> SQL:
        column = SQL.identifier(alias, field.name)
        if granularity:
            return SQL(f"date_trunc('{granularity}', %s)", column)
        if field.type == "boolean":  # NULL and FALSE are one group (its domain says = False)
            return SQL("COALESCE(%s, FALSE)", column)
        return column

    def _parse_aggregates(self: BaseModel, specs: list[str], grouped: set[str]
                          ) -> list[tuple[str, str, Field]]:
        result: list[tuple[str, str, Field]] = []
        for spec in specs:
            if not isinstance(spec, str):
                raise InvalidValueError(f"{self._name}: invalid field spec {spec!r}",
                                        model=self._name)
            match = _FIELD_SPEC.match(spec)
            if not match:
                raise InvalidValueError(f"{self._name}: invalid field spec {spec!r}",
                                        model=self._name)
            alias, function, source = match["alias"], match["agg"], match["source"]
            if alias == "__count" or (alias in grouped and not function):
                continue
            name = source or alias
            field = self._fields.get(name)
            if field is None:
                raise UnknownFieldError(f"{self._name}: unknown field {name!r} in read_group",
                                        model=self._name, field=name)
            if function is None:
                function = field.aggregator
                if not function or not field.column:
                    continue  # Odoo ignores fields without a default aggregate
            if function not in AGGREGATES:
                raise InvalidValueError(f"{self._name}: unknown aggregate {function!r}",
                                        model=self._name, field=name)
            if not field.column:
                raise InvalidValueError(f"{self._name}: cannot aggregate {name!r} (not stored)",
                                        model=self._name, field=name)
            if function in ("sum", "avg") and field.type not in _NUMERIC:
                raise InvalidValueError(f"{self._name}: cannot {function} non-numeric {name!r}",
                                        model=self._name, field=name)
            result.append((alias, function, field))
        return result

    def _group_order(self: BaseModel, orderby: str | bool, specs: list[Any],
                     aggregates: list[tuple[str, str, Field]], group_terms: list[SQL]
                     ) -> SQL | None:
        if not orderby:
            return SQL.join(", ", (SQL("%s ASC", t) for t in group_terms)) if group_terms else None
        if not isinstance(orderby, str):
            raise InvalidOrderError(f"{self._name}: invalid orderby {orderby!r}", model=self._name)
        terms = []
        for part in orderby.split(","):
            words = part.split()
            if not words or len(words) > 2 or (len(words) == 2 and
                                               words[1].lower() not in ("asc", "desc")):
                raise InvalidOrderError(f"{self._name}: invalid orderby term {part!r}",
                                        model=self._name)
            direction = words[1].upper() if len(words) == 2 else "ASC"
            name = words[0]
            target = None
            for index, spec in enumerate(specs):
                if name in (spec[0], spec[1].name):
                    target = SQL.identifier(f"__g{index}")
            for index, (alias, _function, _field) in enumerate(aggregates):
                if name == alias:
                    target = SQL.identifier(f"__a{index}")
            if name == "__count" or (target is None and any(
                    name == f"{spec[1].name}_count" for spec in specs)):
                target = SQL("__count")  # ``<groupby>_count``: the lazy groups' count key
            if target is None:
                raise InvalidOrderError(
                    f"{self._name}: cannot order groups by {name!r} (not grouped or aggregated)",
                    model=self._name, field=name)
            terms.append(SQL(f"%s {direction}", target))
        return SQL.join(", ", terms)

    # -- result -----------------------------------------------------------------------------------
    def _format_groups(self: BaseModel, rows: list[tuple[Any, ...]], specs: list[Any],
                       aggregates: list[tuple[str, str, Field]], domain: Any,
                       groupbys: list[str], lazy: bool) -> list[dict[str, Any]]:
        names: dict[Field, dict[int, str]] = {}
        for index, (_spec, field, _gran) in enumerate(specs):
            if field.type == "many2one":
                ids = tuple({row[index] for row in rows if row[index]})
                comodel = self.env[field.comodel_name].sudo()
                names[field] = dict(zip(ids, comodel._browse(ids, ids).mapped("display_name"),
                                        strict=True))
        count_key = f"{groupbys[0].split(':')[0]}_count" if lazy and groupbys else "__count"
        result = []
        base_domain = list(domain)
        for row in rows:
            group: dict[str, Any] = {}
            group_domain: list[Any] = []
            for index, (spec, field, granularity) in enumerate(specs):
                value = row[index]
                if granularity:
                    group[spec], bounds = self._date_group(field, granularity, value)
                    if bounds:
                        group.setdefault("__range", {})[spec] = {
                            "from": str(bounds[0]), "to": str(bounds[1])}
                        group_domain += ["&", (field.name, ">=", bounds[0]),
                                         (field.name, "<", bounds[1])]
                    else:
                        group_domain.append((field.name, "=", False))
                elif field.type == "many2one":
                    group[spec] = (value, names[field][value]) if value else False
                    group_domain.append((field.name, "=", value or False))
                else:
                    group[spec] = value if value is not None else False
                    group_domain.append((field.name, "=", group[spec]))
            offset = len(specs)
            for index, (alias, _function, _field) in enumerate(aggregates):
                value = row[offset + index]
                group[alias] = value if value is not None else False
            group[count_key] = row[-1]
            group["__domain"] = _and_domains(group_domain, base_domain)
            if lazy and len(groupbys) > 1:
                group["__context"] = {"group_by": groupbys[1:]}
            result.append(group)
        return result

    def _date_group(self: BaseModel, field: Field, granularity: str,
                    value: Any) -> tuple[Any, tuple[Any, Any] | None]:
        if value is None:
            return False, None
        start = value.date() if isinstance(value, datetime) else value
        end = _add_period(start, granularity)
        label = format_date(start, _LABEL_PATTERNS[granularity], locale="en_US")
        if field.type == "datetime":
            return label, (datetime(start.year, start.month, start.day),
                           datetime(end.year, end.month, end.day))
        return label, (start, end)


def _add_period(start: date, granularity: str) -> date:
    if granularity == "day":
        return start + timedelta(days=1)
    if granularity == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[granularity]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def _and_domains(leaves: list[Any], domain: list[Any]) -> list[Any]:
    from agora.orm.domain import combine
    return combine("&", [[leaf] if isinstance(leaf, tuple) else leaf for leaf in
                         _split_leaves(leaves)] + [domain])


def _split_leaves(leaves: list[Any]) -> list[list[Any]]:
    """Turn a flat list of prefix fragments into separate domains."""
    domains: list[list[Any]] = []
    current: list[Any] = []
    pending = 1
    for token in leaves:
        current.append(token)
        pending += 1 if token == "&" else -1 if isinstance(token, tuple) else 0
        if pending == 0:
            domains.append(current)
            current, pending = [], 1
    return domains
