"""New (in-memory) records: ``model.new(values, origin=record)``.

A new record has a :class:`~agora.orm.newid.NewId` and lives only in the transaction
cache: assigning its fields (``write``, ``record.x = ...``) fills the cache and drops the
computed values that depend on them; nothing ever reaches ``towrite`` or ``tocompute``,
so no flush can write it. A value not in the cache is computed (computed fields), taken
from the origin record (the saved record the new one was built on; loaded for every new
record of the prefetch set in one query), or empty.

An x2many of a new record holds new lines and saved ids: a one2many's lines are new
records whose inverse many2one is the new parent (saved lines become new records built
on them, so changing them writes nothing); a many2many keeps links to saved records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agora.orm import api
from agora.orm.commands import Command
from agora.orm.exceptions import InvalidValueError
from agora.orm.newid import NewId, real_id

if TYPE_CHECKING:
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel

#: new records one fetch or compute batch covers at most
NEW_BATCH = 1000
_X2MANY = ("one2many", "many2many")


class NewMixin:
    __slots__ = ()

    @api.private
    def new(self: BaseModel, values: dict[str, Any] | None = None,
            origin: BaseModel | None = None, ref: Any = None) -> BaseModel:
        """A new record with ``values`` in the cache, built on ``origin`` (a saved record
        whose values stand for the ones not given) when given; never written."""
        origin_id = None
        if origin is not None:
            origin.ensure_one()
            origin_id = real_id(origin._ids[0])
        id_ = NewId(origin_id, ref)
        record = self._browse((id_,), (id_,))
        if values:
            record._write_new(values)
        return record

    @property
    def _origin(self: BaseModel) -> BaseModel:
        """The saved records behind these records (new records without origin dropped)."""
        ids = tuple(i for i in map(real_id, self._ids) if i)
        return self._browse(ids, ids)

    # -- assigning --------------------------------------------------------------------------
    def _write_new(self: BaseModel, vals: dict[str, Any]) -> None:
        """Put ``vals`` in the cache of the new records ``self`` (x2many as commands), then
        invalidate what depends on them."""
        cache = self.env.cache
        changed: list[Field] = []
        for name, value in vals.items():
            field = self._field(name)
            if name == "id":
                raise InvalidValueError(f"{self._name}: field 'id' cannot be set",
                                        model=self._name, field=name)
            if field.type in _X2MANY:
                for record in self:
                    ids = record._new_x2many_ids(field, value)
                    for key in field.cache_keys():
                        cache[key][record._ids[0]] = ids
            else:
                if field.type == "many2one" and isinstance(value, dict):
                    value = self._new_target(field, value)
                cache_value = field.convert_to_cache(value, self)
                for key in field.cache_keys():
                    cache[key].update(dict.fromkeys(self._ids, cache_value))
            changed.append(field)
        self._new_modified(changed)

    def _new_target(self: BaseModel, field: Field, values: dict[str, Any]) -> BaseModel:
        """A many2one given as the values of its target (``{"id": saved id or False,
        ...}``): a new record of the comodel, built on the saved one if any."""
        comodel = self.env[field.comodel_name]
        values = dict(values)
        target_id = values.pop("id", False)
        origin = comodel.browse(real_id(target_id)) if target_id else None
        return comodel.new(values, origin=origin)

    def _new_modified(self: BaseModel, fields: list[Field]) -> None:
        """Drop, on every new record, the computed values depending (transitively) on
        ``fields``. Coarser than ``modified`` (all new records, not only the dependent
        ones) but needs no query, and an onchange holds few new records."""
        transaction = self.env.transaction
        triggers = self.env.registry.field_triggers
        cache = transaction.cache
        keep = transaction.new_protected
        done: set[Field] = set()
        todo = list(fields)
        while todo:
            field = todo.pop()
            for target, _path in triggers.get(field, ()):
                if target in done:
                    continue
                done.add(target)
                computing = transaction.protected.get(target) or ()
                for key in target.cache_keys():
                    field_cache = cache.get(key)
                    if not field_cache:
                        continue
                    for id_ in [i for i in field_cache if type(i) is NewId
                                and (target, i) not in keep and i not in computing]:
                        del field_cache[id_]
                if target.store:
                    # built on a saved record, the saved value is stale now
                    transaction.new_dirty.add(target)
                todo.append(target)

    # -- x2many commands on a new record ---------------------------------------------------------
    def _new_x2many_ids(self: BaseModel, field: Field, value: Any) -> tuple[Any, ...]:
        """The ids ``field`` holds on the new record ``self`` once ``value`` (commands, ids,
        records or False) is applied to its current lines."""
        comodel = self.env[field.comodel_name]
        current = list(field.__get__(self, type(self))._ids)
        for code, ref, data in _commands(field, value):
            if code == Command.CREATE:
                line = comodel.new(data, ref=ref or None)
                current.append(self._new_adopt(field, line._ids[0]))
            elif code == Command.UPDATE:
                index = _find(current, ref)
                if index is None:
                    current.append(self._new_adopt(field, ref))
                    index = len(current) - 1
                if type(current[index]) is not NewId:  # a many2many link: edit a copy
                    current[index] = comodel.new(origin=comodel.browse(current[index]))._ids[0]
                comodel._browse((current[index],), (current[index],))._write_new(data)
            elif code in (Command.DELETE, Command.UNLINK):
                index = _find(current, ref)
                if index is not None:
                    del current[index]
            elif code == Command.LINK:
                if _find(current, ref) is None:
                    current.append(self._new_adopt(field, ref))
            elif code == Command.CLEAR:
                current = []
            elif code == Command.SET:
                kept = []
                for id_ in data:
                    index = _find(current, id_)
                    kept.append(current[index] if index is not None
                                else self._new_adopt(field, id_))
                current = kept
        return tuple(current)

    def _new_adopt(self: BaseModel, field: Field, id_: Any) -> Any:
        """``id_`` as a line of ``field`` on the new record ``self``: a one2many line
        becomes a new record (built on the saved one) whose parent is ``self``; the
        inverse is set in the cache directly, the parent's x2many being assigned next."""
        if field.type != "one2many":
            return id_
        if type(id_) is not NewId:
            if isinstance(id_, bool) or not isinstance(id_, int) or id_ <= 0:
                raise field.invalid(id_, f"a {field.comodel_name} id")
            id_ = NewId(id_)
        inverse = self.env[field.comodel_name]._fields[field.inverse_name]
        for key in inverse.cache_keys():
            self.env.cache[key][id_] = self._ids[0]
        return id_

    # -- reading ------------------------------------------------------------------------------
    def _fetch_new_field(self: BaseModel, field: Field) -> None:
        """A cache miss on the new record ``self``: compute ``field``, copy it from the
        origins, or give the empty value, for the new records of the prefetch set missing
        it too (one compute call, one query for the origins)."""
        env = self.env
        transaction = env.transaction
        field_cache = field.cache_for(env)
        first = self._ids[0]
        batch = [first]
        for id_ in dict.fromkeys(self._prefetch_ids):
            if len(batch) >= NEW_BATCH:
                break
            if type(id_) is NewId and id_ is not first and id_ not in field_cache:
                batch.append(id_)

        def computes(id_: NewId) -> bool:
            return bool(field.computed and (not field.store or id_.origin is None
                                            or field in transaction.new_dirty))

        if computes(first):
            ids = tuple(i for i in batch if computes(i))
            self._browse(ids, self._prefetch_ids)._compute_field_values(field)
            return
        if first.origin is None:
            for key in field.cache_keys():
                env.cache[key][first] = field.empty_value()
            return
        pairs = [(i, i.origin) for i in batch if i.origin is not None and not computes(i)]
        origin_ids = tuple(dict.fromkeys(origin for _new, origin in pairs))
        origins = self._browse(origin_ids, origin_ids)
        origin_cache = field.cache_for(env)
        for _new, origin in pairs:
            if origin not in origin_cache:  # loads the whole batch of origins at once
                field.__get__(origins._browse((origin,), origin_ids), type(origins))
        for new_id, origin in pairs:
            value = origin_cache[origin]
            if field.type == "one2many":
                record = self._browse((new_id,), (new_id,))
                value = tuple(record._new_adopt(field, line) for line in value)
            for key in field.cache_keys():
                env.cache[key][new_id] = value


def _commands(field: Field, value: Any) -> list[tuple[int, Any, Any]]:
    """``value`` as ``(code, ref, data)`` triples; unlike saving, a CREATE may carry a
    client reference (``"virtual_1"``) and ids may be NewIds."""
    from agora.orm.models import BaseModel
    if value is None or value is False:
        return [(Command.CLEAR, 0, 0)]
    if isinstance(value, BaseModel):
        return [(Command.SET, 0, list(value._ids))]
    if not isinstance(value, list | tuple):
        raise field.invalid(value, "a list of commands or ids")
    if all(_is_id(v) for v in value):
        return [(Command.SET, 0, list(value))]
    result = []
    for command in value:
        if not isinstance(command, list | tuple) or not command \
                or isinstance(command[0], bool) or command[0] not in set(Command):
            raise field.invalid(command, "an x2many command (code, id, values)")
        code, ref, data = (*command, 0, 0)[:3]
        if code in (Command.CREATE, Command.UPDATE) and not isinstance(data, dict):
            raise field.invalid(command, f"({code}, id, {{values}})")
        if code == Command.SET and not (isinstance(data, list | tuple)
                                        and all(_is_id(i) for i in data)):
            raise field.invalid(command, "(6, 0, [ids])")
        if code in (Command.DELETE, Command.UNLINK, Command.LINK, Command.UPDATE) \
                and not (_is_id(ref) or isinstance(ref, str)):
            raise field.invalid(command, f"({code}, id)")
        result.append((code, ref, data))
    return result


def _is_id(value: Any) -> bool:
    return type(value) is NewId or (isinstance(value, int) and not isinstance(value, bool)
                                    and value > 0)


def _find(ids: list[Any], ref: Any) -> int | None:
    """Where the line ``ref`` (an id, a NewId, a saved id behind a new line, or a client
    reference) is in ``ids``."""
    for index, id_ in enumerate(ids):
        if id_ is ref or id_ == ref or (type(id_) is NewId and ref is not None and (
                id_.origin == ref or (id_.ref is not None and id_.ref == ref))):
            return index
    return None
