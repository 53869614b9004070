"""``onchange``: what the web client's form asks while a record is being edited.

``record.onchange(values, field_names, fields_spec)`` (Odoo 17's signature; ``record``
empty for a record not saved yet) builds a new (in-memory) record from the form's
``values`` (on top of the saved record, if any), sets the fields just changed, runs their
``@api.onchange`` handlers and recomputes what depends on them, then answers
``{"value": {...}}`` with the fields of the unity-read specification whose value changed
(all of them on the first call, ``field_names == []``, which also applies the defaults),
and ``"warning"`` when a handler returned one. Nothing is written.

Values are answered as ``web_read`` gives them: a many2one is its id, or with ``fields``
a dict ``{"id", ...}``; an x2many is the complete list of its lines, in order, each a
dict ``{"id": saved id or False, ...}``. The lines and many2one targets of a level are
read together (saved ones through ``web_read``'s level reader), so the cost does not grow
with the number of lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agora.orm import access, api
from agora.orm.exceptions import InvalidValueError, UnknownFieldError
from agora.orm.model_web import (
    Specification,
    _Budget,
    _check_read,
    _read_level,
    parse_specification,
)
from agora.orm.newid import NewId, real_id

if TYPE_CHECKING:
    from agora.orm.model_web import _Node
    from agora.orm.models import BaseModel

_X2MANY = ("one2many", "many2many")


class OnchangeMixin:
    __slots__ = ()

    @api.readonly
    def onchange(self: BaseModel, values: dict[str, Any], field_names: list[str],
                 fields_spec: Specification) -> dict[str, Any]:
        """The form's answer to a change of ``field_names`` (``[]``: a new record's
        defaults and computed values), see the module's documentation."""
        if not isinstance(values, dict):
            raise InvalidValueError(f"{self._name}.onchange expects a dict of values",
                                    model=self._name)
        names = _field_names(self, field_names)
        nodes = parse_specification(self, fields_spec)
        values = _clean_values(self, values, "")
        if len(self._ids) > 1:
            raise InvalidValueError(f"{self._name}.onchange works on one record at most, "
                                    f"got {list(self._ids)}", model=self._name)
        # read access, as web_read: model access and field groups, then the record rules
        # and existence of the saved record (loaded in the same query)
        self.browse().check_access("read")
        access.check_fields(self, [node.field for node in nodes.values()], "read")
        origin = None
        if self._ids:
            origin = self
            self.check_access("read")
            self._read_into_cache(list(self._prefetch_fields))
            if not self._prefetch_fields:
                self._ensure_exists()
        first_call = not names
        if first_call and not self._ids:
            missing = [name for name in self._default_candidates() if name not in values]
            values = {**_clean_values(self, self.default_get(missing), ""), **values}

        changed = {} if first_call else {name: values[name] for name in names if name in values}
        record = self.new({k: v for k, v in values.items() if k not in changed}, origin=origin)
        baseline = {} if first_call else _snapshot(record, nodes)
        transaction = self.env.transaction
        # what the user just typed is not recomputed over by its own dependencies
        protected = {(self._fields[name], record._ids[0]) for name in changed}
        transaction.new_protected.update(protected)
        warnings: list[dict[str, Any]] = []
        try:
            if changed:
                record._write_new(changed)
                # a changed scalar is compared with what the user set, not with the
                # record before the change; a changed x2many is always answered: its
                # lines' computed values (subtotals) are not in the form's commands
                for name in changed:
                    baseline.pop(name, None)
                scalars = {n: nodes[n] for n in changed
                           if n in nodes and nodes[n].field.type not in _X2MANY}
                baseline.update(_snapshot(record, scalars))
            handlers = self._onchange_handlers()
            for name in (list(nodes) if first_call else names):
                for method in handlers.get(name, ()):
                    result = method(record)
                    if isinstance(result, dict):
                        if result.get("value"):
                            record._write_new(_clean_values(self, result["value"], ""))
                        if result.get("warning"):
                            warnings.append(result["warning"])
            final = _snapshot(record, nodes)
        finally:
            transaction.new_protected.difference_update(protected)
        answer: dict[str, Any] = {"value": {
            name: value for name, value in final.items()
            if first_call or name not in baseline or baseline[name] != value}}
        if warnings:
            answer["warning"] = {
                "title": warnings[0].get("title") or "Warning",
                "message": "\n\n".join(str(w.get("message") or "") for w in warnings),
            }
        return answer

    @classmethod
    def _onchange_handlers(cls) -> dict[str, list[Callable[..., Any]]]:
        """Field name -> the ``@api.onchange`` methods of the final class (found once per
        class: the registry builds a class per database)."""
        found = cls.__dict__.get("_onchange_handlers_found")
        if found is None:
            found = {}
            for attr in dir(cls):
                if attr.startswith("__"):
                    continue
                member = getattr(cls, attr, None)
                if callable(member):
                    for name in getattr(member, "_onchange", None) or ():
                        found.setdefault(name, []).append(member)
            cls._onchange_handlers_found = found  # type: ignore[attr-defined]
        return found


# -- input ------------------------------------------------------------------------------------------

def _field_names(model: BaseModel, field_names: Any) -> list[str]:
    if field_names is None or field_names is False:
        return []
    if isinstance(field_names, str):
        field_names = [field_names]
    if not isinstance(field_names, list | tuple):
        raise InvalidValueError(f"{model._name}.onchange: field_names must be a list of "
                                f"field names, got {field_names!r}", model=model._name)
    for name in field_names:
        if not isinstance(name, str) or name not in model._fields:
            raise UnknownFieldError(f"{model._name}: unknown field {name!r} in the changed "
                                    "fields of onchange", model=model._name, field=str(name))
    return list(dict.fromkeys(field_names))


def _clean_values(model: BaseModel, values: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Check the field names of form ``values`` (x2many lines included) and bring the
    form's shapes to what a new record accepts: ``{id, display_name}`` -> id."""
    if not isinstance(values, dict):
        raise InvalidValueError(f"{model._name}: the values of {prefix or 'onchange'} must "
                                f"be a dict, got {values!r}", model=model._name,
                                field=prefix or None)
    result: dict[str, Any] = {}
    for name, value in values.items():
        path = f"{prefix}.{name}" if prefix else str(name)
        field = model._fields.get(name) if isinstance(name, str) else None
        if field is None:
            raise UnknownFieldError(f"{model._name}: unknown field {name!r} in the onchange "
                                    f"values (at {path!r})", model=model._name, field=path)
        if name == "id":
            continue
        if field.type == "many2one" and isinstance(value, dict):
            # {id, display_name} is a reference; more keys are the values of the target
            # as a form holds them (a line's parent): the target is a new record then
            rest = {k: v for k, v in value.items() if k not in ("id", "display_name")}
            if rest:
                comodel = model.env[field.comodel_name]
                value = {"id": value.get("id") or False,
                         **_clean_values(comodel, rest, path)}
            else:
                value = value.get("id") or False
        elif field.type in _X2MANY and isinstance(value, list | tuple):
            comodel = model.env[field.comodel_name]
            value = [[*command[:2], _clean_values(comodel, command[2], path), *command[3:]]
                     if isinstance(command, list | tuple) and len(command) >= 3
                     and isinstance(command[2], dict) else command
                     for command in value]
        result[name] = value
    return result


# -- output -----------------------------------------------------------------------------------------

def _snapshot(record: BaseModel, nodes: dict[str, _Node]) -> dict[str, Any]:
    """The values of ``nodes`` on the new record ``record``, in the answer's format."""
    [row] = _level(record, nodes, m2o_names=False)
    row.pop("id", None)
    return row


def _level(records: BaseModel, nodes: dict[str, _Node], m2o_names: bool) -> list[dict[str, Any]]:
    """The rows of ``nodes`` for ``records`` (new and saved ones, in order): saved ones
    through web_read's level reader, new ones from the cache, each in one batch."""
    saved = tuple(dict.fromkeys(id_ for id_ in records._ids if type(id_) is not NewId))
    new = tuple(dict.fromkeys(id_ for id_ in records._ids if type(id_) is NewId))
    rows: dict[Any, dict[str, Any]] = {}
    if saved:
        for row in _read_level(records._browse(saved, saved), nodes, _Budget(),
                               m2o_names=m2o_names):
            rows[row["id"]] = row
    if new:
        for id_, row in zip(new, _new_level(records._browse(new, new), nodes, m2o_names),
                            strict=True):
            rows[id_] = row
    return [dict(rows[id_]) for id_ in records._ids]


def _new_level(records: BaseModel, nodes: dict[str, _Node], m2o_names: bool
               ) -> list[dict[str, Any]]:
    records = _check_read(records, nodes, m2o_names)
    rows: list[dict[str, Any]] = [{"id": real_id(id_) or False} for id_ in records._ids]
    cls = type(records)
    for name, node in nodes.items():
        field = node.field
        if name == "id":
            continue
        singles = list(records)
        for single in singles:  # the first miss fetches or computes the whole batch
            field.__get__(single, cls)
        field_cache = field.cache_for(records.env)
        values = [field_cache[id_] for id_ in records._ids]
        if field.type == "many2one":
            if node.children is None:
                column = [real_id(v) or False if v is not None else False for v in values]
            else:
                targets = tuple(v for v in values if v is not None)
                comodel = records.env[field.comodel_name]
                sub = iter(_level(comodel._browse(targets, targets), node.children, True))
                column = [next(sub) if v is not None else False for v in values]
        elif field.type in _X2MANY:
            lines = tuple(line for value in values for line in value or ())
            comodel = records.env[field.comodel_name]
            sub = iter(_level(comodel._browse(lines, lines), node.children or {}, False))
            column = [[next(sub) for _line in value or ()] for value in values]
        else:
            column = records._read_column(field, False)  # exactly read()'s format
        for row, value in zip(rows, column, strict=True):
            row[name] = value
    return rows
