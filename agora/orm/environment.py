"""Environments and the per-transaction state they share (cache, pending writes,
pending recomputations)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agora.db.cursor import Cursor
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel
    from agora.orm.registry import Registry

SUPERUSER_ID = 1


_UNKNOWN = object()


class Transaction:
    """State of one database transaction, shared by every environment on its cursor."""

    def __init__(self, registry: Registry, cr: Cursor) -> None:
        self.registry = registry
        self.cr = cr
        #: field -> {record id: value in cache format}
        self.cache: defaultdict[Field, dict[int, Any]] = defaultdict(dict)
        #: model name -> {record id: {field name: cache value}} not yet in the database
        self.towrite: defaultdict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
        #: stored computed field -> ids whose value must be recomputed
        self.tocompute: defaultdict[Field, set[int]] = defaultdict(set)
        #: stored computed field -> {id: value before it was marked for recomputation}: a
        #: recomputation that gives the same value writes nothing
        self.stored_before: defaultdict[Field, dict[int, Any]] = defaultdict(dict)
        #: field -> ids being computed right now (assignments go to the cache)
        self.protected: dict[Field, set[int]] = {}
        #: the access policy's per-transaction memo (user groups, rules); dropped with
        #: the cache
        self.access_cache: dict[Any, Any] = {}
        #: this transaction changed access rights: it must not use (nor fill) the memo
        #: shared across transactions
        self.access_dirty = False
        #: computed fields a change on a new (in-memory) record invalidated: a new record
        #: built on a saved one recomputes them instead of taking the saved value
        self.new_dirty: set[Field] = set()
        #: (field, new id) whose value the user set in an onchange: not recomputed
        self.new_protected: set[tuple[Field, Any]] = set()
        #: audit rows of changes to audited models, inserted at the end of the next
        #: flush (see agora.orm.audit)
        self.audit_rows: list[Any] = []
        self._flushing = False

    def clear(self) -> None:
        """Forget everything (after a rollback)."""
        self.cache.clear()
        self.towrite.clear()
        self.tocompute.clear()
        self.stored_before.clear()
        self.protected.clear()
        self.access_cache.clear()
        self.access_dirty = False
        self.new_dirty.clear()
        self.new_protected.clear()
        self.audit_rows = []

    def invalidate(self) -> None:
        """Drop cached values, keeping the ones still waiting to be written."""
        self.cache.clear()
        self.stored_before.clear()
        self.restore_pending(self.towrite.keys())

    def restore_pending(self, model_names: Any) -> None:
        """Put values waiting to be written back in the cache (over stale loads)."""
        models = self.registry.models
        for model_name in list(model_names):
            fields = models[model_name]._fields
            for id_, values in self.towrite.get(model_name, {}).items():
                for name, value in values.items():
                    self.cache[fields[name]][id_] = value

    def set_computed(self, field: Field, ids: tuple[int, ...], value: Any) -> None:
        field_cache = self.cache[field]
        pending = self.tocompute.get(field)
        for id_ in ids:
            field_cache[id_] = value
            if pending:
                pending.discard(id_)
        if field.store and field.column:
            # new (in-memory) records are never written
            real = [id_ for id_ in ids if type(id_) is int]
            before = self.stored_before.get(field)
            if before:
                real = [id_ for id_ in real if before.pop(id_, _UNKNOWN) != value]
            if real:
                towrite = self.towrite[field.model_name]
                for id_ in real:
                    towrite.setdefault(id_, {})[field.name] = value

    @contextmanager
    def protecting(self, fields: list[Field], ids: tuple[int, ...]) -> Iterator[None]:
        """While computing ``fields`` for ``ids``, assignments fill the cache."""
        saved = {field: self.protected.get(field) for field in fields}
        try:
            for field in fields:
                self.protected[field] = set(ids) | (saved[field] or set())
            yield
        finally:
            for field, previous in saved.items():
                if previous is None:
                    self.protected.pop(field, None)
                else:
                    self.protected[field] = previous

    def flush(self) -> None:
        """Recompute pending stored fields, then write pending values to the database."""
        if self._flushing:
            # Reached from a compute method running inside the flush (it reads a relation
            # or searches): write what was computed or written so far, so the database
            # answers from the current state; the outer flush goes on recomputing.
            from agora.orm.flush import write_pending
            write_pending(self)
            return
        from agora.orm.flush import flush_transaction
        self._flushing = True
        try:
            flush_transaction(self)
            if self.audit_rows:
                from agora.orm.audit import write_pending as write_audit
                write_audit(self)
        finally:
            self._flushing = False


class Environment(Mapping[str, "BaseModel"]):
    """The cursor, user and context a recordset works with: ``env['res.partner']``."""

    __slots__ = ("cr", "uid", "context", "su", "transaction", "registry", "cache")

    def __init__(self, cr: Cursor, uid: int, context: Mapping[str, Any] | None = None,
                 su: bool = False, registry: Registry | None = None) -> None:
        transaction = cr.transaction
        if transaction is None:
            if registry is None:
                from agora.orm.registry import Registry
                registry = Registry.get(cr.dbname)
            transaction = Transaction(registry, cr)
            cr.transaction = transaction
            cr.precommit.append(transaction.flush)
        self.cr = cr
        self.uid = uid
        self.context: Mapping[str, Any] = MappingProxyType(dict(context or {}))
        self.su = su or uid == SUPERUSER_ID
        self.transaction = transaction
        self.registry = transaction.registry
        self.cache = transaction.cache

    # -- mapping of models ----------------------------------------------------------
    def __getitem__(self, model_name: str) -> BaseModel:
        try:
            model_class = self.registry.models[model_name]
        except KeyError:
            raise KeyError(f"unknown model {model_name!r}") from None
        return model_class(self, (), ())

    def __iter__(self) -> Iterator[str]:
        return iter(self.registry.models)

    def __len__(self) -> int:
        return len(self.registry.models)

    def __contains__(self, model_name: object) -> bool:
        return model_name in self.registry.models

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Environment) and (
            self.cr is other.cr and self.uid == other.uid and self.su == other.su
            and dict(self.context) == dict(other.context))

    def __hash__(self) -> int:
        return hash((id(self.cr), self.uid, self.su))

    def __call__(self, cr: Cursor | None = None, user: int | BaseModel | None = None,
                 context: Mapping[str, Any] | None = None, su: bool | None = None) -> Environment:
        uid = self.uid if user is None else (user if isinstance(user, int) else user.id)
        return Environment(cr or self.cr, uid,
                           self.context if context is None else context,
                           self.su if su is None and user is None else bool(su),
                           registry=self.registry)

    # -- conveniences ---------------------------------------------------------------
    @property
    def user(self) -> BaseModel:
        return self["res.users"].browse(self.uid) if "res.users" in self else None  # type: ignore[return-value]

    @property
    def companies(self) -> BaseModel:
        """Companies the request works in: ``allowed_company_ids`` from the context (each
        must be allowed to the user unless superuser), else the user's company."""
        companies = self["res.company"]
        allowed = self.context.get("allowed_company_ids")
        user = self.user.sudo()
        if allowed:
            if not self.su:
                from agora.orm.exceptions import AccessError
                permitted = set(user.company_ids.ids) | {user.company_id.id}
                refused = [c for c in allowed if c not in permitted]
                if refused:
                    raise AccessError(f"access to unauthorized or invalid companies {refused}",
                                      model="res.company")
            return companies.browse(allowed)
        return companies.browse(user.company_id.id)

    @property
    def company(self) -> BaseModel:
        """The current company: the first of ``companies``."""
        return self.companies[:1]

    @property
    def lang(self) -> str | None:
        return self.context.get("lang")

    def flush_all(self) -> None:
        self.transaction.flush()

    def invalidate_all(self, flush: bool = True) -> None:
        if flush:
            self.flush_all()
        self.transaction.invalidate()

    def sudo_env(self) -> Environment:
        return self(su=True) if not self.su else self

    def ref(self, xmlid: str, raise_if_not_found: bool = True) -> BaseModel | None:
        """Resolve an external id through ``ir.model.data`` (installed by the base module)."""
        if "ir.model.data" not in self:
            if raise_if_not_found:
                raise ValueError(f"External ID not found: {xmlid} (no ir.model.data)")
            return None
        return self["ir.model.data"]._xmlid_to_record(xmlid, raise_if_not_found)
