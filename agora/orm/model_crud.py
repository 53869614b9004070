"""create, write, unlink, read and copy."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import psycopg

from agora.db.sql import SQL
from agora.orm import access, api, audit
from agora.orm.commands import Command
from agora.orm.exceptions import (
    AccessError,
    InvalidValueError,
    MissingError,
    RequiredFieldError,
)
from agora.orm.flush import modified
from agora.orm.integrity import translate_integrity_error
from agora.orm.model_search import check_names
from agora.orm.newid import NewId
from agora.orm.x2many_batch import write_new_x2many

if TYPE_CHECKING:
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel

#: rows per multi-row INSERT (also bounded by PostgreSQL's 65535 parameters)
INSERT_BATCH = 1000
_LOG_FIELDS = ("create_date", "write_date", "create_uid", "write_uid")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class CrudMixin:
    __slots__ = ()

    # -- access hooks (the base module's ir.model.access / ir.rule override these) ---------
    def check_access(self: BaseModel, operation: str) -> None:
        """Raise AccessError if the user may not ``operation`` these records: model access
        of the registry's access policy, then its record rules for the records in ``self``
        (not for ``create``: those are checked on the new records). No-op for the
        superuser and without a policy (see :mod:`agora.orm.access`)."""
        policy = access.active_policy(self.env)
        if policy is None:
            return
        access.check_model(self, operation, policy)
        if self._ids and operation != "create":
            access.check_record_rules(self, operation)

    @api.model
    @api.readonly
    def check_access_rights(self: BaseModel, operation: str,
                            raise_exception: bool = True) -> bool:
        """Whether the user may ``operation`` (read/write/create/unlink) records of this
        model at all (model access only, as Odoo clients ask it before showing actions)."""
        if operation not in ("read", "write", "create", "unlink"):
            raise InvalidValueError(f"{self._name}: unknown operation {operation!r}",
                                    model=self._name)
        if not raise_exception:
            with access.probing():  # a question, not an attempt: no security event
                try:
                    self.browse().check_access(operation)
                except AccessError:
                    return False
            return True
        self.browse().check_access(operation)
        return True

    # -- create ---------------------------------------------------------------------------
    @api.model_create_multi
    def create(self: BaseModel, vals_list: dict[str, Any] | list[dict[str, Any]]) -> BaseModel:
        """Create records from one dict or a list of dicts (inserted in batches)."""
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        elif not isinstance(vals_list, list | tuple) or not all(
                isinstance(v, dict) for v in vals_list):
            raise InvalidValueError(f"{self._name}.create expects a dict or a list of dicts",
                                    model=self._name)
        if not vals_list:
            return self.browse()
        self.check_access("create")
        if access.active_policy(self.env) is not None:
            access.check_fields(self, [self._field(name) for name in
                                       dict.fromkeys(n for vals in vals_list for n in vals)],
                                "write")
        vals_list = self._add_missing_defaults(vals_list)
        vals_list = self._create_inherits_parents(vals_list)
        fields = self._fields
        columns_by_record: list[dict[str, Any]] = []
        later_by_record: list[dict[Field, Any]] = []
        now = _now()
        log_access = "create_date" in fields and fields["create_date"].column
        log_uid = "create_uid" in fields and fields["create_uid"].column
        for vals in vals_list:
            columns: dict[str, Any] = {}
            later: dict[Field, Any] = {}
            for name, value in vals.items():
                field = self._field(name)
                if field.column and not (field.computed and not field.store):
                    columns[name] = field.convert_to_cache(value, self)
                elif field.type in ("one2many", "many2many") or field.inverse or field.related:
                    later[field] = value
                elif name in ("id", "display_name"):
                    raise InvalidValueError(f"{self._name}: field {name!r} cannot be set",
                                            model=self._name, field=name)
                else:
                    raise InvalidValueError(
                        f"{self._name}: computed field {name!r} has no inverse, cannot be set",
                        model=self._name, field=name)
            if log_access:
                columns["create_date"] = columns["write_date"] = now
            if log_uid:
                columns["create_uid"] = columns["write_uid"] = self.env.uid
            columns_by_record.append(columns)
            later_by_record.append(later)
        self._check_required(columns_by_record)
        ids = self._insert_rows(columns_by_record)
        records = self._browse(tuple(ids), tuple(ids))
        self._after_insert(records, columns_by_record, later_by_record)
        # The new records must satisfy the create rules (AccessError rolls back).
        access.check_record_rules(records, "create")
        if audit.is_audited(self):
            audit.record_create(records, columns_by_record, later_by_record)
        return records

    def _add_missing_defaults(self: BaseModel, vals_list: list[dict[str, Any]]
                              ) -> list[dict[str, Any]]:
        defaults_by_missing: dict[frozenset[str], dict[str, Any]] = {}
        stored_names = self._default_candidates()
        # an existing _inherits parent keeps its values: its fields get no defaults
        parent_names = {link: set(self.env[parent]._fields) - set(self._own_field_names)
                        for parent, link in self._inherits.items()}
        result = []
        for vals in vals_list:
            skip = set().union(*(names for link, names in parent_names.items()
                                 if vals.get(link)))
            missing = frozenset(name for name in stored_names
                                if name not in vals and name not in skip)
            defaults = defaults_by_missing.get(missing)
            if defaults is None:
                defaults = self.default_get(list(missing)) if missing else {}
                defaults_by_missing[missing] = defaults
            result.append({**defaults, **vals} if defaults else vals)
        return result

    def _default_candidates(self: BaseModel) -> list[str]:
        return [name for name, field in self._fields.items()
                if name not in ("id", *_LOG_FIELDS)
                and not (field.computed and not field.inverse and not field.related)]

    def _create_inherits_parents(self: BaseModel, vals_list: list[dict[str, Any]]
                                 ) -> list[dict[str, Any]]:
        """For ``_inherits``: create the parent record of each new record first."""
        if not self._inherits:
            return vals_list
        result = [dict(vals) for vals in vals_list]
        for parent_model, link in self._inherits.items():
            parent = self.env[parent_model]
            parent_names = set(parent._fields) - {"id", "display_name", *_LOG_FIELDS}
            todo: list[tuple[dict[str, Any], dict[str, Any]]] = []
            for vals in result:
                parent_vals = {name: vals.pop(name) for name in list(vals)
                               if name in parent_names and name not in self._own_field_names}
                if not vals.get(link):
                    todo.append((vals, parent_vals))
                elif parent_vals:
                    parent.browse(vals[link]).write(parent_vals)
            if todo:
                parents = parent.create([parent_vals for _vals, parent_vals in todo])
                for (vals, _parent_vals), parent_id in zip(todo, parents._ids, strict=True):
                    vals[link] = parent_id
        return result

    def _check_required(self: BaseModel, columns_by_record: list[dict[str, Any]]) -> None:
        for field in self._required_fields:
            for columns in columns_by_record:
                if columns.get(field.name) is None:
                    raise RequiredFieldError(
                        f"{self._name}: field {field.name!r} ({field.string}) is required",
                        model=self._name, field=field.name)

    def _insert_rows(self: BaseModel, rows: list[dict[str, Any]]) -> list[int]:
        """Multi-row INSERTs, grouped by the set of columns given; ids in input order."""
        fields = self._fields
        groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for index, row in enumerate(rows):
            # the same columns in any order: one INSERT
            groups[tuple(sorted(row))].append(index)
        ids: list[int] = [0] * len(rows)
        table = SQL.identifier(self._table)
        cr = self.env.cr
        for names, indexes in groups.items():
            columns = [fields[name] for name in names]
            width = max(len(columns), 1)
            batch = max(1, min(INSERT_BATCH, 65000 // width))
            row_code = "(" + ", ".join(["%s"] * len(columns)) + ")" if columns else "(DEFAULT)"
            column_list = SQL.join(", ", (SQL.identifier(name) for name in names))
            converters = [f.convert_to_column if type(f).convert_to_column is not _PLAIN
                          else None for f in columns]
            for start in range(0, len(indexes), batch):
                chunk = indexes[start:start + batch]
                params: list[Any] = []
                for index in chunk:
                    row = rows[index]
                    for name, convert in zip(names, converters, strict=True):
                        value = row[name]
                        params.append(convert(value) if convert else value)
                values = SQL._raw(", ".join([row_code] * len(chunk)), tuple(params))
                if columns:
                    query = SQL("INSERT INTO %s (%s) VALUES %s RETURNING id", table,
                                column_list, values)
                else:
                    query = SQL("INSERT INTO %s DEFAULT VALUES RETURNING id", table)
                try:
                    if columns:
                        cr.execute(query)
                        new_ids = [row[0] for row in cr.fetchall()]
                    else:
                        new_ids = []
                        for _index in chunk:
                            cr.execute(query)
                            new_ids.append(cr.fetchone()[0])
                except psycopg.errors.IntegrityError as exc:
                    raise translate_integrity_error(exc, self) from None
                for index, new_id in zip(chunk, new_ids, strict=True):
                    ids[index] = new_id
        return ids

    def _after_insert(self: BaseModel, records: BaseModel, columns_by_record: list[dict[str, Any]],
                      later_by_record: list[dict[Field, Any]]) -> None:
        cache = self.env.cache
        transaction = self.env.transaction
        fields = self._fields
        ids = records._ids
        # Fill the cache with what was inserted (NULL for columns not given).
        given: set[str] = set()
        for columns in columns_by_record:
            given.update(columns)
        for field in self._column_fields:
            field_cache = cache[field]
            empty = None if field.type not in ("boolean",) else False
            name = field.name
            for id_, columns in zip(ids, columns_by_record, strict=True):
                field_cache[id_] = columns.get(name, empty)
        for field in self._x2many_fields:
            if not any(field in later for later in later_by_record):
                field_cache = cache[field]
                for id_ in ids:
                    field_cache[id_] = ()
        for field in self._stored_computed_fields:
            pending = transaction.tocompute[field]
            field_cache = cache[field]
            for id_, columns in zip(ids, columns_by_record, strict=True):
                if field.name not in columns:
                    pending.add(id_)
                    field_cache.pop(id_, None)
        self._invalidate_inverse_relations([fields[n] for n in given])
        modified(records, [fields[n] for n in given if n not in _LOG_FIELDS], create=True)
        remaining = write_new_x2many(records, later_by_record, _normalize_commands)
        for record, later in zip(records, remaining, strict=True):
            if later:
                record._write_later(later)
        # Stored computed values given to create win over what the rest of the create
        # (its x2many values) would trigger, as in Odoo: the caller computed them.
        pending = transaction.tocompute
        for field in self._stored_computed_fields:
            if not pending.get(field):
                continue
            kept = {id_: columns[field.name]
                    for id_, columns in zip(ids, columns_by_record, strict=True)
                    if field.name in columns and id_ in pending[field]}
            if kept:
                pending[field].difference_update(kept)
                before = transaction.stored_before.get(field, {})
                for id_ in kept:
                    before.pop(id_, None)
                cache[field].update(kept)
        if self._parent_store:
            self._parent_store_compute(records)
        records._validate_constraints(given | {f.name for later in later_by_record for f in later})

    def _invalidate_inverse_relations(self: BaseModel, fields: list[Field]) -> None:
        """Drop cached x2many values on the other side of changed relations."""
        cache = self.env.cache
        for field in fields:
            for inverse in self.env.registry.inverse_fields.get(field, ()):
                for key in inverse.cache_keys():
                    cache.pop(key, None)

    def _forget(self: BaseModel, field: Field, record_id: int) -> None:
        """Drop one record's cached value of ``field``, in every context's view."""
        for key in field.cache_keys():
            self.env.cache[key].pop(record_id, None)

    # -- write ---------------------------------------------------------------------------
    def write(self: BaseModel, vals: dict[str, Any]) -> bool:
        """Update every record in ``self`` with ``vals`` (written at the next flush)."""
        if not isinstance(vals, dict):
            raise InvalidValueError(f"{self._name}.write expects a dict", model=self._name)
        if not self._ids:
            return True
        if type(self._ids[0]) is NewId:
            # new (in-memory) records: the values only go to the cache
            self._write_new(vals)
            return True
        self.check_access("write")
        if access.active_policy(self.env) is not None:
            access.check_fields(self, [self._field(name) for name in vals], "write")
        written = list(vals)
        vals = dict(vals)
        if self._inherits:
            for parent_model, link in self._inherits.items():
                parent_names = {n for n in vals if n not in self._own_field_names
                                and n in self.env[parent_model]._fields}
                if parent_names:
                    parents = self.mapped(link)
                    parents.write({n: vals.pop(n) for n in parent_names})
        columns: dict[Field, Any] = {}
        later: dict[Field, Any] = {}
        for name, value in vals.items():
            field = self._field(name)
            if name in ("id", "display_name", *_LOG_FIELDS):
                raise InvalidValueError(f"{self._name}: field {name!r} cannot be written",
                                        model=self._name, field=name)
            if field.column:
                cache_value = field.convert_to_cache(value, self)
                if field.required and cache_value is None:
                    raise RequiredFieldError(
                        f"{self._name}: field {name!r} ({field.string}) is required",
                        model=self._name, field=name)
                columns[field] = cache_value
            elif field.type in ("one2many", "many2many") or field.inverse or field.related:
                later[field] = value
            else:
                raise InvalidValueError(
                    f"{self._name}: computed field {name!r} has no inverse, cannot be written",
                    model=self._name, field=name)
        if (columns or later) and audit.is_audited(self):
            audit.record_write(self, columns, later)  # old values: before they change
        if columns:
            self._write_columns(columns)
        if later:
            for record in self:
                record._write_later(later)
        if self._parent_store and self._parent_name in vals:
            self._parent_store_move()
        # The rules were checked on the records as they were; they must hold for the
        # records as they are now, or a user could move a record out of what they may
        # modify (into another company, to another owner).
        access.check_rules_after_write(self, written)
        self._validate_constraints(set(vals))
        return True

    def _write_columns(self: BaseModel, columns: dict[Field, Any]) -> None:
        transaction = self.env.transaction
        registry = self.env.registry
        changed = list(columns)
        path_fields = [f for f in changed if f in registry.path_fields]
        if path_fields:
            modified(self, path_fields)  # dependents through the old values
        cache = self.env.cache
        towrite = transaction.towrite[self._name]
        ids = self._ids
        log = "write_date" in self._fields and self._fields["write_date"].column
        extra: dict[str, Any] = {}
        if log:
            extra["write_date"] = _now()
            cache[self._fields["write_date"]].update(dict.fromkeys(ids, extra["write_date"]))
        if "write_uid" in self._fields and self._fields["write_uid"].column:
            extra["write_uid"] = self.env.uid
            cache[self._fields["write_uid"]].update(dict.fromkeys(ids, self.env.uid))
        for field, value in columns.items():
            cache[field].update(dict.fromkeys(ids, value))
            pending = transaction.tocompute.get(field)
            if pending:
                pending.difference_update(ids)
        names = {field.name: value for field, value in columns.items()}
        names.update(extra)
        for id_ in ids:
            row = towrite.get(id_)
            if row is None:
                towrite[id_] = dict(names)
            else:
                row.update(names)
        self._invalidate_inverse_relations(changed)
        modified(self, changed)

    def _write_later(self: BaseModel, later: dict[Field, Any]) -> None:
        """Values that need the record to exist: x2many commands, inverses."""
        for field, value in later.items():
            if field.type in ("one2many", "many2many") and not field.computed:
                self._write_x2many(field, value)
            elif field.related:
                cache_value = field.convert_to_cache(value, self)
                self.env.cache[field].pop(self._ids[0], None)
                self._inverse_related(field, field.convert_to_record(cache_value, self)
                                      if field.relational else value)
            else:
                self.env.transaction.set_computed(field, self._ids,
                                                  field.convert_to_cache(value, self))
                method = field.inverse
                method(self) if callable(method) else getattr(self, method)()

    # -- x2many commands --------------------------------------------------------------------
    def _write_x2many(self: BaseModel, field: Field, value: Any) -> None:
        commands = _normalize_commands(field, value, self)
        comodel = self.env[field.comodel_name]
        record_id = self._ids[0]
        if field.type == "one2many":
            inverse = field.inverse_name
            # consecutive CREATEs become one create() call: one INSERT for all the lines
            pending: list[dict[str, Any]] = []
            for command in [*commands, (None, 0, 0)]:
                code = command[0]
                if code == Command.CREATE:
                    pending.append({**command[2], inverse: record_id})
                    continue
                if pending:
                    comodel.create(pending)
                    pending = []
                if code is None:
                    break
                if code == Command.UPDATE:
                    comodel.browse(command[1]).write(command[2])
                elif code == Command.DELETE:
                    comodel.browse(command[1]).exists().unlink()
                elif code == Command.UNLINK:
                    _detach_lines(comodel.browse(command[1]).exists().filtered(
                        lambda r: r[inverse].id == record_id), inverse)
                elif code == Command.LINK:
                    comodel.browse(command[1]).write({inverse: record_id})
                elif code in (Command.CLEAR, Command.SET):
                    current = comodel.with_context(active_test=False).search(
                        [(inverse, "=", record_id)])
                    keep = set(command[2]) if code == Command.SET else set()
                    _detach_lines(current.filtered(lambda r, keep=keep: r.id not in keep),
                                  inverse)
                    if keep:
                        comodel.browse(list(keep)).write({inverse: record_id})
            self._forget(field, record_id)
            return
        # many2many: change the relation table right away
        relation, col1, col2 = field.relation, field.column1, field.column2
        before = set(self[field.name]._ids)
        cr = self.env.cr
        link: list[int] = []
        unlink: list[int] = []
        clear = False
        deleted: set[int] = set()
        for command in commands:
            code = command[0]
            if code == Command.CREATE:
                link.append(comodel.create(command[2]).id)
            elif code == Command.UPDATE:
                comodel.browse(command[1]).write(command[2])
                link.append(command[1])
            elif code == Command.DELETE:
                comodel.browse(command[1]).unlink()
                deleted.add(command[1])
            elif code == Command.UNLINK:
                unlink.append(command[1])
                link = [i for i in link if i != command[1]]
            elif code == Command.LINK:
                link.append(command[1])
                unlink = [i for i in unlink if i != command[1]]
            elif code == Command.CLEAR:
                clear, link, unlink = True, [], []
            elif code == Command.SET:
                clear, link, unlink = True, list(command[2]), []
        rel = SQL.identifier(relation)
        try:
            if clear:
                cr.execute(SQL("DELETE FROM %s WHERE %s = %s", rel, SQL.identifier(col1),
                               record_id))
            if unlink:
                cr.execute(SQL("DELETE FROM %s WHERE %s = %s AND %s = ANY(%s)", rel,
                               SQL.identifier(col1), record_id, SQL.identifier(col2), unlink))
            if link:
                cr.execute(SQL("INSERT INTO %s (%s, %s) SELECT %s, x FROM unnest(%s::int4[]) AS x "
                               "ON CONFLICT DO NOTHING", rel, SQL.identifier(col1),
                               SQL.identifier(col2), record_id, list(dict.fromkeys(link))))
        except psycopg.errors.IntegrityError as exc:
            raise translate_integrity_error(exc, self) from None
        self._forget(field, record_id)
        self._invalidate_inverse_relations([field])
        modified(self, [field])
        # Fields computed from the other side of the relation change too.
        others = self.env.registry.inverse_fields.get(field, ())
        if others:
            # records deleted by a command are gone: nothing of theirs is recomputed
            touched = (before ^ set(self[field.name]._ids)) - deleted
            targets = comodel.browse(list(touched))
            for other in others:
                modified(targets, [other])

    # -- unlink ------------------------------------------------------------------------------
    def unlink(self: BaseModel) -> bool:
        if not self._ids:
            return True
        self.check_access("unlink")
        self.env.flush_all()
        self._ensure_exists()
        if audit.is_audited(self):
            audit.record_unlink(self)
        registry = self.env.registry
        triggering = [f for f in self._fields.values() if f in registry.field_triggers]
        modified(self, triggering)
        ids = list(self._ids)
        try:
            self.env.cr.execute(SQL("DELETE FROM %s WHERE id = ANY(%s)",
                                    SQL.identifier(self._table), ids))
        except psycopg.errors.IntegrityError as exc:
            raise translate_integrity_error(exc, self) from None
        transaction = self.env.transaction
        transaction.towrite.pop(self._name, None)
        gone = set(ids)
        for field in self._fields.values():
            pending = transaction.tocompute.get(field)
            if pending:
                pending.difference_update(gone)
        # Cascades and SET NULLs may have touched any model pointing here.
        transaction.invalidate()
        return True

    # -- read --------------------------------------------------------------------------------
    def read(self: BaseModel, fields: list[str] | None = None,
             load: str | None = "_classic_read") -> list[dict[str, Any]]:
        """Values of ``fields`` for each record, as dicts (many2one as ``(id, name)``)."""
        self.check_access("read")
        field_list = self._read_field_list(fields)
        if fields:
            access.check_fields(self, field_list, "read")
        else:
            field_list = access.accessible_fields(self, field_list)
        if not self._ids:
            return []
        self._read_into_cache(field_list)
        return self._values_from_cache(field_list, use_display_name=load == "_classic_read")

    def _read_field_list(self: BaseModel, names: list[str] | None) -> list[Field]:
        if names is None or names == []:
            return list(self._fields.values())
        if isinstance(names, str):
            names = [names]
        result = []
        for name in check_names(self, "fields", names):
            field = self._field(name)
            if field not in result:
                result.append(field)
        return result

    def _read_into_cache(self: BaseModel, fields: list[Field]) -> None:
        cache = self.env.cache
        ids = self._ids
        columns = [f for f in fields if f.column and f.name != "id"
                   and not self.env.transaction.tocompute.get(f)]
        wanted = set(ids)
        absent: set[int] = set()
        for field in columns:  # set differences run in C: cheap even for many rows
            absent |= wanted - cache[field].keys()
        missing = [id_ for id_ in ids if id_ in absent] if absent else []
        if missing:
            for start in range(0, len(missing), 10 * 1000):
                self._fetch_columns(missing[start:start + 10000], columns)
            not_found = [id_ for id_ in missing if id_ not in cache[columns[0]]]
            if not_found:
                if access.active_policy(self.env) is not None:
                    raise access.refusal(self, "read", not_found)
                raise MissingError(
                    f"Record does not exist or has been deleted: {self._name}{tuple(not_found)}",
                    model=self._name)
        for field in fields:
            if field in columns or field.name == "id":
                continue
            field_cache = field.cache_for(self.env)
            if any(id_ not in field_cache for id_ in ids) or self.env.transaction.tocompute.get(field):
                if field.type in ("one2many", "many2many") and not field.computed:
                    self._fetch_x2many(field, [i for i in ids if i not in field_cache])
                else:
                    records = self._browse(ids, ids)
                    for record in records:
                        if record._ids[0] not in field_cache or (
                                field.store and field.computed
                                and record._ids[0] in self.env.transaction.tocompute.get(field, ())):
                            field.__get__(record, type(record))

    def _values_from_cache(self: BaseModel, fields: list[Field],
                           use_display_name: bool = True) -> list[dict[str, Any]]:
        """Build the rows column by column, then zip them: list comprehensions and
        ``dict(zip())`` keep this fast for thousands of rows."""
        ids = self._ids
        names: list[str] = ["id"]
        columns: list[list[Any]] = [list(ids)]
        for field in fields:
            if field.name == "id":
                continue
            names.append(field.name)
            columns.append(self._read_column(field, use_display_name))
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]

    def _read_column(self: BaseModel, field: Field, use_display_name: bool) -> list[Any]:
        """``read()`` values of one field for every record of ``self``, from the cache."""
        ids = self._ids
        field_cache = field.cache_for(self.env)
        kind = field.type
        if kind in _PLAIN_READ_TYPES and type(field).convert_to_read in _FAST_READS:
            empty = 0 if kind == "integer" else 0.0 if kind in ("float", "monetary") else False
            return [empty if value is None else value for value in map(field_cache.__getitem__, ids)]
        if kind == "many2one":
            values = [field_cache[id_] for id_ in ids]
            if not use_display_name:
                return [value or False for value in values]
            targets = self.env[field.comodel_name].sudo()
            target_ids = tuple({value for value in values if value})
            labels = dict(zip(target_ids, targets._browse(target_ids, target_ids)
                              .mapped("display_name"), strict=True))
            return [(value, labels[value]) if value else False for value in values]
        return [field.convert_to_read(field_cache[record._ids[0]], record, use_display_name)
                for record in self._browse(ids, ids)]

    # -- copy --------------------------------------------------------------------------------
    def copy_data(self: BaseModel, default: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        if default and not isinstance(default, dict):
            raise InvalidValueError(f"{self._name}.copy_data: default must be a dict of "
                                    f"values, got {default!r}", model=self._name)
        default = dict(default or {})
        result = []
        for record in self:
            vals: dict[str, Any] = {}
            for name, field in self._fields.items():
                if name in default or name in ("id", "display_name", *_LOG_FIELDS):
                    continue
                if not field.copy or (field.computed and not field.store and not field.inverse):
                    continue
                if self._inherits and name not in self._own_field_names:
                    continue  # the parent record is copied through its link
                if field.type == "one2many":
                    # copied lines belong to the copy (as in Odoo), the originals stay
                    lines = record[name].copy_data()
                    for line in lines:
                        line.pop(field.inverse_name, None)
                    vals[name] = [(Command.CREATE, 0, line) for line in lines]
                    continue
                vals[name] = field.convert_to_write(record[name], record)
            if self._parent_store and "parent_path" in vals:
                vals.pop("parent_path")
            vals.update(default)
            result.append(vals)
        return result

    def copy(self: BaseModel, default: dict[str, Any] | None = None) -> BaseModel:
        self.ensure_one()
        vals = self.copy_data(default)[0]
        for link in self._inherits.values():
            if link not in (default or {}):
                vals[link] = self[link].copy().id
        return self.create(vals)

    # -- constraints -------------------------------------------------------------------------
    def _validate_constraints(self: BaseModel, names: set[str]) -> None:
        for method in self._constraint_methods:
            if names.intersection(method._constrains):  # type: ignore[attr-defined]
                method(self)


def _detach_lines(lines: BaseModel, inverse: str) -> None:
    """Take ``lines`` out of a one2many (UNLINK, CLEAR, SET): as in Odoo, they are deleted
    only when their link to the parent is ``ondelete="cascade"``; otherwise the link is
    emptied and the records stay (a contact removed from a company's contacts is not
    deleted)."""
    if not lines:
        return
    if getattr(lines._fields[inverse], "ondelete", None) == "cascade":
        lines.unlink()
    else:
        lines.write({inverse: False})


def _normalize_commands(field: Field, value: Any, record: BaseModel) -> list[tuple[Any, ...]]:
    """Accept command triples, a plain id list (SET), a recordset, or False (CLEAR)."""
    if value is False or value is None:
        return [(Command.CLEAR, 0, 0)]
    if hasattr(value, "_ids"):
        return [(Command.SET, 0, list(value._ids))]
    if not isinstance(value, list | tuple):
        raise field.invalid(value, "a list of commands or ids")
    if all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return _normalize_commands(field, [(Command.SET, 0, list(value))], record)
    commands = []
    for command in value:
        if not isinstance(command, list | tuple) or not command or not isinstance(command[0], int):
            raise field.invalid(command, "an x2many command (code, id, values)")
        code = command[0]
        padded = tuple(command) + (0, 0)
        if code in (Command.CREATE, Command.UPDATE):
            if len(command) < 3 or not isinstance(command[2], dict):
                raise field.invalid(command, f"({code}, id, {{values}})")
        elif code == Command.SET:
            ids = padded[2]
            if not isinstance(ids, list | tuple) or not all(
                    isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID
                    for i in ids):
                raise field.invalid(command, "(6, 0, [ids])")
        elif code in (Command.DELETE, Command.UNLINK, Command.LINK):
            if isinstance(padded[1], bool) or not isinstance(padded[1], int) \
                    or not 0 < padded[1] <= MAX_ID:
                raise field.invalid(command, f"({code}, id)")
        elif code != Command.CLEAR:
            raise field.invalid(command, "a command code between 0 and 6")
        commands.append(padded[:3])
    return commands


from agora.orm.fields.base import Field as _Field  # noqa: E402

_PLAIN = _Field.convert_to_column
_PLAIN_READ_TYPES = frozenset(("char", "text", "html", "selection", "date", "datetime", "integer",
                               "float", "monetary", "boolean", "json"))
from agora.orm.fields.relational import MAX_ID  # noqa: E402
from agora.orm.fields.scalar import Boolean as _Boolean  # noqa: E402
from agora.orm.fields.scalar import Float as _Float  # noqa: E402
from agora.orm.fields.scalar import Integer as _Integer  # noqa: E402

#: the ORM's own read conversions, which the fast path of _read_column reproduces; a field
#: class with another conversion (binary, a password that reads empty) gets its own call
_FAST_READS = frozenset((_Field.convert_to_read, _Boolean.convert_to_read,
                         _Integer.convert_to_read, _Float.convert_to_read))
