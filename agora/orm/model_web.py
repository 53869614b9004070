"""Unity read: ``web_search_read``, ``web_read`` and ``web_save`` (the Odoo 17 web API).

A *specification* names the fields to read and, for relational fields, what to read of
the co-records::

    {"name": {}, "date": {},
     "partner_id": {"fields": {"display_name": {}}},
     "line_ids": {"fields": {"quantity": {}, "product_id": {"fields": {"display_name": {}}}},
                  "order": "sequence desc", "limit": 40, "context": {"active_test": False}}}

Values are those of ``read(load=None)``; a many2one is its id (or False), or with
``fields`` a dict ``{"id": ..., **fields}``; an x2many is its id list, or with ``fields`` a
list of dicts in the comodel's order (or ``order``), only the first ``limit`` of each
record read fully and the others as ``{"id": id}``. ``context`` applies to the co-records,
the x2many ids included (``active_test``).

The tree is read level by level, each level for all of its records at once, so the cost
is one query per relation level whatever the number of records: the x2many query also
loads the columns the level below needs, and a level whose values are cached and whose
records passed the record rules (in that same query) runs none.

Access is that of ``read()`` at every level: model access, field groups, and record rules
applied in the level's own query (not a separate check). A many2one asking only for
``display_name`` is served as superuser, as ``read()`` serves many2one names.

Requests are bounded: a specification nests at most ``WEB_MAX_DEPTH`` relations, and a
call materialises at most ``WEB_MAX_RECORDS`` records over all levels; the queries carry
a LIMIT just above what is left, so an oversized relation is refused, never loaded.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agora.db.sql import SQL
from agora.orm import access, api
from agora.orm.exceptions import (
    InvalidOrderError,
    InvalidValueError,
    MissingError,
    SpecificationError,
    UnknownFieldError,
)
from agora.orm.query import Query, make_alias

if TYPE_CHECKING:
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel

#: relations a specification may nest (``{"a": {"fields": {"b": {"fields": ...}}}}``)
WEB_MAX_DEPTH = 6
#: records one call may read, over all levels (x2many links and many2one targets count)
WEB_MAX_RECORDS = 20_000

Specification = dict[str, dict[str, Any]]

_SPEC_KEYS = frozenset(("fields", "limit", "order", "context"))
_X2MANY = ("one2many", "many2many")


class WebMixin:
    __slots__ = ()

    @api.model
    @api.readonly
    def web_search_read(self: BaseModel, domain: Any, specification: Specification,
                        offset: int = 0, limit: int | None = None, order: str | None = None,
                        count_limit: int | None = None) -> dict[str, Any]:
        """``{"length": total, "records": web_read values}`` of the records matching
        ``domain``; counting the total costs a query only when the page is full."""
        nodes = parse_specification(self, specification)
        budget = _Budget()
        columns = _level_columns(self, nodes)
        access.check_fields(self, [node.field for node in nodes.values()], "read")
        # Never fetch more than the budget allows (one row more tells it was exceeded).
        if limit is None or limit is False:
            fetch_limit: Any = budget.left + 1
        elif isinstance(limit, int) and not isinstance(limit, bool):
            fetch_limit = min(limit, budget.left + 1)
        else:
            fetch_limit = limit  # search() refuses it with a typed error
        records = self.search_fetch(domain, [f.name for f in columns], offset, fetch_limit,
                                    order)
        budget.take(len(records), self, "")
        # search_fetch applied the record rules and loaded the columns: nothing to recheck.
        rows = _read_level(records, nodes, budget, verified=set(records._ids))
        length = (offset or 0) + len(rows)
        if limit and len(rows) == limit and not (count_limit and count_limit <= length):
            length = self.search_count(domain, limit=count_limit)
        return {"length": length, "records": rows}

    @api.readonly
    def web_read(self: BaseModel, specification: Specification) -> list[dict[str, Any]]:
        """The values of ``specification`` for each record: ``[{"id": id, ...}]``."""
        nodes = parse_specification(self, specification)
        return self._web_read_nodes(nodes)

    def web_save(self: BaseModel, vals: dict[str, Any], specification: Specification,
                 next_id: int | None = None) -> list[dict[str, Any]]:
        """Create a record (empty ``self``) or write ``self``, then return the web_read of
        ``specification`` on it (on ``next_id`` when given: a form's "save and next")."""
        if not isinstance(vals, dict):
            raise InvalidValueError(f"{self._name}.web_save expects a dict of values",
                                    model=self._name)
        nodes = parse_specification(self, specification)  # refused before writing anything
        if self._ids:
            self.write(vals)
            records = self
        else:
            records = self.create(vals)
        if next_id:
            records = self.browse(next_id)
        return records._web_read_nodes(nodes)

    def _web_read_nodes(self: BaseModel, nodes: dict[str, _Node]) -> list[dict[str, Any]]:
        ids = tuple(dict.fromkeys(self._ids))
        if not ids:
            return []
        budget = _Budget()
        budget.take(len(ids), self, "")
        rows = _read_level(self._browse(ids, ids), nodes, budget)
        if len(ids) == len(self._ids):
            return rows
        by_id = {row["id"]: row for row in rows}
        return [dict(by_id[id_]) for id_ in self._ids]


# -- specifications ---------------------------------------------------------------------------

@dataclass(slots=True)
class _Node:
    """One field of a validated specification."""

    field: Field
    path: str
    #: the co-records' specification ("fields"); None: ids only
    children: dict[str, _Node] | None = None
    limit: int | None = None
    order: str | None = None
    context: dict[str, Any] | None = None


def parse_specification(model: BaseModel, spec: Any, prefix: str = "",
                        depth: int = 0) -> dict[str, _Node]:
    """Check ``spec`` against ``model`` and its comodels, entirely, before any read: typed
    errors name the model and the dotted field path."""
    if not isinstance(spec, dict):
        where = f"the specification of {prefix!r}" if prefix else "the specification"
        raise SpecificationError(f"{model._name}: {where} must be a dict of field names, "
                                 f"got {spec!r}", model=model._name, field=prefix or None)
    if depth > WEB_MAX_DEPTH:
        raise SpecificationError(
            f"{model._name}: the specification nests more than {WEB_MAX_DEPTH} relations "
            f"(at {prefix!r})", model=model._name, field=prefix, bound=WEB_MAX_DEPTH)
    nodes: dict[str, _Node] = {}
    for name, sub in spec.items():
        path = f"{prefix}.{name}" if prefix else str(name)
        field = model._fields.get(name) if isinstance(name, str) else None
        if field is None:
            raise UnknownFieldError(
                f"{model._name}: unknown field {name!r} in the specification (at {path!r})",
                model=model._name, field=path)
        nodes[name] = _parse_node(model, field, sub, path, depth)
    return nodes


def _parse_node(model: BaseModel, field: Field, sub: Any, path: str, depth: int) -> _Node:
    def malformed(problem: str) -> SpecificationError:
        return SpecificationError(f"{model._name}: specification of {path!r}: {problem}",
                                  model=model._name, field=path)

    if not isinstance(sub, dict):
        raise malformed(f"expected a dict ({{}} or {{'fields': ...}}), got {sub!r}")
    unknown = set(sub) - _SPEC_KEYS
    if unknown:
        raise malformed(f"unknown keys {sorted(map(str, unknown))} "
                        f"(allowed: {', '.join(sorted(_SPEC_KEYS))})")
    if "fields" in sub and not field.relational:
        raise malformed(f"a {field.type} field has no co-records to read 'fields' of")
    if ("limit" in sub or "order" in sub) and field.type not in _X2MANY:
        raise malformed("'limit' and 'order' apply to one2many and many2many fields only")
    limit = sub.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                              or limit < 0):
        raise InvalidValueError(f"{model._name}: the limit of {path!r} must be a "
                                f"non-negative integer, got {limit!r}",
                                model=model._name, field=path)
    context = sub.get("context")
    if context is not None and not isinstance(context, dict):
        raise InvalidValueError(f"{model._name}: the context of {path!r} must be a dict, "
                                f"got {context!r}", model=model._name, field=path)
    order = sub.get("order") or None
    comodel = model.env[field.comodel_name] if field.relational else None
    if order is not None:
        # Rendered on a throwaway query: validates the terms (and their fields' groups)
        # now rather than halfway through the read.
        try:
            comodel._order_to_sql(order, Query(comodel._table), comodel._table)
        except InvalidOrderError as exc:
            raise InvalidOrderError(f"{exc} (order of {path!r})", model=comodel._name,
                                    field=path) from None
    children = None
    if "fields" in sub:
        children = parse_specification(comodel, sub["fields"], path, depth + 1)
    return _Node(field, path, children, limit, order, context)


class _Budget:
    """What is left of ``WEB_MAX_RECORDS`` in one call."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = WEB_MAX_RECORDS

    def take(self, count: int, model: BaseModel, path: str) -> None:
        if count > self.left:
            where = f"{path!r}" if path else "the records"
            raise SpecificationError(
                f"{model._name}: reading {where} exceeds {WEB_MAX_RECORDS} records in one "
                "call; ask for fewer records (limit) or fewer relations",
                model=model._name, field=path or None, bound=WEB_MAX_RECORDS)
        self.left -= count


# -- reading, level by level -------------------------------------------------------------------

def _level_columns(model: BaseModel, nodes: dict[str, _Node]) -> list[Field]:
    """The columns a level loads: its stored fields, plus the name ``display_name`` is
    computed from (so computing it runs no query of its own)."""
    columns = [node.field for node in nodes.values()
               if node.field.column and node.field.name != "id"]
    if "display_name" in nodes:
        rec_name = model._fields.get(model._rec_name_field())
        if rec_name is not None and rec_name.column and rec_name.name != "id" \
                and rec_name not in columns:
            columns.append(rec_name)
    return columns


def _read_level(records: BaseModel, nodes: dict[str, _Node], budget: _Budget,
                verified: Collection[int] = (), m2o_names: bool = False
                ) -> list[dict[str, Any]]:
    """The values of ``nodes`` for ``records`` (distinct ids, aligned with the result).

    ``verified``: ids known to pass the read rules (they came out of a query that applied
    them). ``m2o_names``: the level is a many2one's target, its ``display_name`` served as
    superuser like ``read()`` does."""
    records = _check_read(records, nodes, m2o_names)
    rules = _read_rules(records)
    unverified = [id_ for id_ in records._ids if id_ not in verified] if rules else []
    _load_columns(records, _level_columns(records, nodes), unverified)

    computed = [node.field for name, node in nodes.items()
                if name != "id" and not node.field.column
                and not (node.field.type in _X2MANY and not node.field.computed)]
    display = records._fields.get("display_name")
    if m2o_names and display in computed:
        computed.remove(display)
        records.sudo()._read_into_cache([display])
    if computed:
        records._read_into_cache(computed)

    names = ["id"]
    columns: list[list[Any]] = [list(records._ids)]
    for name, node in nodes.items():
        if name == "id":
            continue
        if node.field.type in _X2MANY:
            values = _x2many_values(records, node, budget)
        else:
            values = records._read_column(node.field, False)
            if node.field.type == "many2one" and node.children is not None:
                values = _many2one_values(records, node, values, budget)
        names.append(name)
        columns.append(values)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _check_read(records: BaseModel, nodes: dict[str, _Node], m2o_names: bool = False
                ) -> BaseModel:
    """Model access and field groups of a level, as ``read()`` checks them; returns the
    records to read the level with (as superuser for a many2one's name alone)."""
    checked = [node.field for name, node in nodes.items()
               if name != "id" and not (m2o_names and name == "display_name")]
    if m2o_names and not checked:
        return records.sudo()
    if access.active_policy(records.env) is not None:
        records.browse().check_access("read")
        access.check_fields(records, checked, "read")
    return records


def _read_rules(model: BaseModel) -> list[Any]:
    """The read rule domain of ``model``'s user ([] for the superuser, without rules)."""
    policy = access.active_policy(model.env)
    return policy.rule_domain(model.env, model._name, "read") if policy is not None else []


def _load_columns(records: BaseModel, columns: list[Field], recheck: list[int]) -> None:
    """One SELECT, with the read rules applied, of ``columns`` for the records missing
    any of them and of the ``recheck`` ids (cached, but not yet checked against the
    rules); none when there is nothing to load or check. Records the SELECT does not
    return are refused (AccessError) or missing (MissingError), as in ``read()``."""
    transaction = records.env.transaction
    if transaction.towrite or transaction.tocompute:
        transaction.flush()
    cache = records.env.cache
    todo = set(recheck)
    wanted = set(records._ids)
    for field in columns:  # set differences run in C: cheap for thousands of ids
        todo |= wanted - cache[field].keys()
    if not todo:
        return
    ids = [id_ for id_ in records._ids if id_ in todo]
    table = records._table
    query = Query(table)
    query.add_where(SQL("%s = ANY(%s)", SQL.identifier(table, "id"), ids))
    records._apply_access_rules(query, "read")
    rows: list[tuple[Any, ...]] = []
    if not query.is_empty:
        records.env.cr.execute(query.select(
            SQL.identifier(table, "id"), *(SQL.identifier(table, f.name) for f in columns)))
        rows = records.env.cr.fetchall()
    found = set(records._store_rows(rows, columns))
    refused = [id_ for id_ in ids if id_ not in found]
    if refused:
        if access.active_policy(records.env) is not None:
            raise access.refusal(records, "read", refused)
        raise MissingError(f"Record does not exist or has been deleted: "
                           f"{records._name}{tuple(refused)}", model=records._name)


def _co_env_model(records: BaseModel, node: _Node) -> BaseModel:
    """The comodel of ``node`` in the environment its co-records are read in."""
    comodel = records.env[node.field.comodel_name]
    if node.context:
        comodel = comodel.with_context({**records.env.context, **node.context})
    return comodel


def _many2one_values(records: BaseModel, node: _Node, values: list[Any],
                     budget: _Budget) -> list[Any]:
    targets = tuple(dict.fromkeys(value for value in values if value))
    if not targets:
        return values
    comodel = _co_env_model(records, node)
    budget.take(len(targets), comodel, node.path)
    rows = _read_level(comodel._browse(targets, targets), node.children or {}, budget,
                       m2o_names=True)
    by_id = {row["id"]: row for row in rows}
    return [by_id[value] if value else False for value in values]


def _x2many_values(records: BaseModel, node: _Node, budget: _Budget) -> list[Any]:
    comodel = _co_env_model(records, node)
    parents = records.with_env(comodel.env) if node.context else records
    children = node.children
    columns: list[Field] = []
    if children is not None:
        _check_read(comodel, children)  # refused before any co-record is loaded
        columns = _level_columns(comodel, children)
    lists, verified = _x2many_lists(parents, node, columns, budget)
    ids = records._ids
    if children is None:
        return [lists[id_] for id_ in ids]
    if node.limit is None:
        wanted = tuple(dict.fromkeys(c for id_ in ids for c in lists[id_]))
    else:
        wanted = tuple(dict.fromkeys(c for id_ in ids for c in lists[id_][:node.limit]))
    # not taken from the budget again: the links were counted when they were loaded
    rows = _read_level(comodel._browse(wanted, wanted), children, budget, verified)
    by_id = {row["id"]: row for row in rows}
    return [[by_id.get(c) or {"id": c} for c in lists[id_]] for id_ in ids]


def _x2many_lists(parents: BaseModel, node: _Node, columns: list[Field], budget: _Budget
                  ) -> tuple[dict[int, list[int]], Collection[int]]:
    """Per parent, the ordered ids of ``node``'s x2many, and the co-record ids known to
    pass the read rules: from the cache when it holds them in the default order, else from
    one query that also loads ``columns`` of the co-records."""
    field = node.field
    field_cache = field.cache_for(parents.env)
    ids = parents._ids
    comodel = parents.env[field.comodel_name]
    # The cache is shared by every user of the transaction: when rules restrict the
    # co-records, the ids come from a query applying them, and are not cached.
    restricted = bool(_read_rules(comodel))
    if field.computed or (node.order is None and not restricted
                          and all(id_ in field_cache for id_ in ids)):
        if field.computed:
            parents._read_into_cache([field])
        lists = {id_: list(field_cache[id_]) for id_ in ids}
        budget.take(sum(map(len, lists.values())), parents, node.path)
        if node.order is not None:
            lists = _sorted_lists(comodel, lists, node.order)
        return lists, ()
    domain = field.domain if isinstance(field.domain, list) else []
    if field.type == "one2many":
        query = comodel._search([(field.inverse_name, "in", list(ids)), *domain],
                                order=node.order)
        source = SQL.identifier(query.alias, field.inverse_name)
    else:
        query = comodel._search(domain, order=node.order)
        rel = make_alias(query.alias, f"{field.name}__rel")
        query.left_join(rel, field.relation, SQL(
            "%s = %s", SQL.identifier(rel, field.column2), SQL.identifier(query.alias, "id")))
        query.add_where(SQL("%s = ANY(%s)", SQL.identifier(rel, field.column1), list(ids)))
        source = SQL.identifier(rel, field.column1)
    lists: dict[int, list[int]] = {id_: [] for id_ in ids}
    if query.is_empty:
        rows: list[tuple[Any, ...]] = []
    else:
        query.limit = budget.left + 1
        parents.env.cr.execute(query.select(
            SQL.identifier(query.alias, "id"), source,
            *(SQL.identifier(query.alias, f.name) for f in columns)))
        rows = parents.env.cr.fetchall()
    budget.take(len(rows), parents, node.path)
    comodel._store_rows(rows, columns, offset=2)
    for row in rows:
        lists[row[1]].append(row[0])
    if node.order is None and not restricted:
        # complete and in the default order: what reading the field would have cached
        for id_, targets in lists.items():
            field_cache[id_] = tuple(targets)
    return lists, {row[0] for row in rows}


def _sorted_lists(comodel: BaseModel, lists: dict[int, list[int]], order: str
                  ) -> dict[int, list[int]]:
    """``lists`` sorted by ``order`` (one query); ids the user may not read are dropped."""
    every = list(dict.fromkeys(c for targets in lists.values() for c in targets))
    if not every:
        return lists
    query = comodel.with_context(active_test=False)._search([("id", "in", every)],
                                                            order=order)
    rank: dict[int, int] = {}
    if not query.is_empty:
        comodel.env.cr.execute(query.select())
        rank = {row[0]: index for index, row in enumerate(comodel.env.cr.fetchall())}
    return {id_: sorted((c for c in targets if c in rank), key=rank.__getitem__)
            for id_, targets in lists.items()}
