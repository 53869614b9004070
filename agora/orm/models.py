"""Model classes and recordsets.

A model *definition* is a Python class deriving from :class:`Model` (or
:class:`AbstractModel`). The registry of a database composes every definition of a model
into one final class; instances of that class are *recordsets*: an environment plus an
ordered tuple of ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar

from agora.orm.environment import Environment
from agora.orm.exceptions import InvalidValueError, MissingError, UnknownFieldError
from agora.orm.fields import Field
from agora.orm.model_archive import ArchiveMixin
from agora.orm.model_crud import CrudMixin
from agora.orm.model_describe import DescribeMixin
from agora.orm.model_fetch import FetchMixin
from agora.orm.model_group import GroupMixin
from agora.orm.model_hierarchy import HierarchyMixin
from agora.orm.model_new import NewMixin
from agora.orm.model_onchange import OnchangeMixin
from agora.orm.model_search import SearchMixin
from agora.orm.model_web import WebMixin
from agora.orm.newid import NewId


class MetaModel(type):
    """Records every model definition class, grouped by the module that defines it."""

    #: module name -> definition classes, in definition order
    module_definitions: ClassVar[dict[str, list[type]]] = {}
    #: python package -> module name, for addons outside ``agora.addons``
    package_modules: ClassVar[dict[str, str]] = {}

    def __init__(cls, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> None:
        super().__init__(name, bases, attrs)
        if attrs.get("_register", True) is False or attrs.get("_generated"):
            return
        if "_name" not in attrs and "_inherit" not in attrs:
            raise TypeError(f"model class {name} needs _name or _inherit")
        module = attrs.get("_module") or module_of_python_module(attrs.get("__module__", ""))
        cls._module = module
        MetaModel.module_definitions.setdefault(module, []).append(cls)


def module_of_python_module(python_module: str) -> str:
    """``agora.addons.sale.models.order`` -> ``sale``; a package registered by the module
    loader maps to its addon; anything else keeps its name."""
    parts = python_module.split(".")
    if len(parts) > 2 and parts[0] == "agora" and parts[1] == "addons":
        return parts[2]
    for index in range(len(parts), 0, -1):
        addon = MetaModel.package_modules.get(".".join(parts[:index]))
        if addon:
            return addon
    return python_module


class BaseModel(SearchMixin, CrudMixin, FetchMixin, GroupMixin, DescribeMixin, HierarchyMixin,
                WebMixin, NewMixin, OnchangeMixin, ArchiveMixin, metaclass=MetaModel):
    """Behaviour shared by every model; instances are recordsets."""

    _register = False
    _name: ClassVar[str] = ""
    _description: ClassVar[str | None] = None
    _inherit: ClassVar[str | list[str] | tuple[str, ...]] = ()
    _inherits: ClassVar[dict[str, str]] = {}
    _table: ClassVar[str] = ""
    _auto: ClassVar[bool] = False
    _abstract: ClassVar[bool] = True
    _transient: ClassVar[bool] = False
    _order: ClassVar[str] = "id"
    _rec_name: ClassVar[str | None] = None
    _parent_name: ClassVar[str] = "parent_id"
    _parent_store: ClassVar[bool] = False
    _active_name: ClassVar[str | None] = None
    _log_access: ClassVar[bool | None] = None
    #: record every create/write/unlink in the audit trail (agora.orm.audit)
    _audit: ClassVar[bool] = False
    _sql_constraints: ClassVar[list[tuple[str, str, str]]] = []
    _module: ClassVar[str] = ""

    # set by the registry on final classes
    _fields: ClassVar[dict[str, Field]] = {}
    _constraint_methods: ClassVar[list[Callable[..., Any]]] = []
    _column_fields: ClassVar[tuple[Field, ...]] = ()
    _prefetch_fields: ClassVar[tuple[Field, ...]] = ()

    __slots__ = ("env", "_ids", "_prefetch_ids")

    def __init__(self, env: Environment, ids: tuple[int, ...],
                 prefetch_ids: Iterable[int]) -> None:
        self.env = env
        self._ids = ids
        self._prefetch_ids = prefetch_ids

    @classmethod
    def _field(cls, name: str) -> Field:
        """The field called ``name``; UnknownFieldError naming the model otherwise."""
        try:
            return cls._fields[name]
        except (KeyError, TypeError):
            raise UnknownFieldError(f"{cls._name}: unknown field {name!r}",
                                    model=cls._name, field=str(name)) from None

    # -- construction ---------------------------------------------------------------
    def browse(self, ids: int | Iterable[int] | None = None) -> BaseModel:
        """Records of this model with the given ids (no query; see ``exists``)."""
        if ids is None or ids is False:
            ids = ()
        elif isinstance(ids, int):
            ids = (ids,)
        else:
            ids = tuple(ids)
        for id_ in ids:
            if type(id_) is NewId:
                continue
            if isinstance(id_, bool) or not isinstance(id_, int):
                raise UnknownFieldError(f"{self._name}: invalid record id {id_!r}",
                                        model=self._name)
        return self.__class__(self.env, ids, ids)

    def _browse(self, ids: tuple[int, ...], prefetch_ids: Iterable[int]) -> BaseModel:
        return self.__class__(self.env, tuple(ids), prefetch_ids)

    def with_env(self, env: Environment) -> BaseModel:
        return self.__class__(env, self._ids, self._prefetch_ids)

    def sudo(self, flag: bool = True) -> BaseModel:
        return self.with_env(self.env(su=flag))

    def with_user(self, user: int | BaseModel) -> BaseModel:
        return self.with_env(self.env(user=user, su=False))

    def with_context(self, *args: Any, **kwargs: Any) -> BaseModel:
        context = dict(args[0] if args else self.env.context)
        context.update(kwargs)
        return self.with_env(self.env(context=context))

    def with_company(self, company: int | BaseModel) -> BaseModel:
        company_id = company if isinstance(company, int) else company.id
        allowed = list(self.env.context.get("allowed_company_ids") or [])
        allowed = [company_id] + [c for c in allowed if c != company_id]
        return self.with_context(allowed_company_ids=allowed)

    # -- the recordset as a collection -------------------------------------------------
    @property
    def ids(self) -> list[int]:
        return list(self._ids)

    @property
    def id(self) -> int | bool:
        """The id of a single record; False for an empty recordset."""
        if not self._ids:
            return False
        if len(self._ids) > 1:
            raise ValueError(f"Expected singleton: {self!r}")
        return self._ids[0]

    def __len__(self) -> int:
        return len(self._ids)

    def __bool__(self) -> bool:
        return bool(self._ids)

    def __iter__(self) -> Iterator[BaseModel]:
        cls, env, prefetch = self.__class__, self.env, self._prefetch_ids
        for id_ in self._ids:
            yield cls(env, (id_,), prefetch)

    def __reversed__(self) -> Iterator[BaseModel]:
        cls, env, prefetch = self.__class__, self.env, self._prefetch_ids
        for id_ in reversed(self._ids):
            yield cls(env, (id_,), prefetch)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, BaseModel):
            if item._name != self._name:
                raise TypeError(f"cannot test {item._name} records in {self._name} records")
            return len(item) == 1 and item._ids[0] in self._ids
        if isinstance(item, str):
            return item in self._fields
        return False

    def __getitem__(self, key: int | slice | str) -> Any:
        if isinstance(key, str):
            field = self._field(key)
            return field.__get__(self, type(self))
        if isinstance(key, slice):
            return self._browse(self._ids[key], self._prefetch_ids)
        return self._browse((self._ids[key],), self._prefetch_ids)

    def __setitem__(self, key: str, value: Any) -> None:
        field = self._field(key)
        field.__set__(self, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseModel):
            return NotImplemented
        return self._name == other._name and set(self._ids) == set(other._ids)

    def __hash__(self) -> int:
        return hash((self._name, frozenset(self._ids)))

    def _check_same_model(self, other: BaseModel) -> None:
        if not isinstance(other, BaseModel) or other._name != self._name:
            raise TypeError(f"cannot combine {self._name} records with {other!r}")

    def __add__(self, other: BaseModel) -> BaseModel:
        self._check_same_model(other)
        ids = self._ids + other._ids
        return self._browse(ids, ids)

    def __or__(self, other: BaseModel) -> BaseModel:
        self._check_same_model(other)
        ids = tuple(dict.fromkeys(self._ids + other._ids))
        return self._browse(ids, ids)

    def __and__(self, other: BaseModel) -> BaseModel:
        self._check_same_model(other)
        keep = set(other._ids)
        ids = tuple(dict.fromkeys(id_ for id_ in self._ids if id_ in keep))
        return self._browse(ids, ids)

    def __sub__(self, other: BaseModel) -> BaseModel:
        self._check_same_model(other)
        drop = set(other._ids)
        ids = tuple(id_ for id_ in self._ids if id_ not in drop)
        return self._browse(ids, ids)

    def union(self, *others: BaseModel) -> BaseModel:
        result = self
        for other in others:
            result = result | other
        return result

    def __repr__(self) -> str:
        return f"{self._name}{self._ids!r}"

    def ensure_one(self) -> BaseModel:
        if len(self._ids) != 1:
            # typed (and still a ValueError): remotely, the ids are the caller's input
            raise InvalidValueError(f"Expected singleton: {self!r}", model=self._name)
        return self

    def exists(self) -> BaseModel:
        """The subset of these records that still exist in the database."""
        if not self._ids:
            return self
        # new (in-memory) records exist as long as the transaction's cache does
        found = {id_ for id_ in self._ids if type(id_) is NewId}
        real = [id_ for id_ in self._ids if type(id_) is not NewId]
        if real:
            self.env.flush_all()
            from agora.db.sql import SQL
            self.env.cr.execute(SQL("SELECT id FROM %s WHERE id = ANY(%s)",
                                    SQL.identifier(self._table), real))
            found.update(row[0] for row in self.env.cr.fetchall())
        return self._browse(tuple(id_ for id_ in self._ids if id_ in found), self._prefetch_ids)

    def _ensure_exists(self) -> None:
        missing = set(self._ids) - set(self.exists()._ids)
        if missing:
            raise MissingError(
                f"Record does not exist or has been deleted: {self._name}{sorted(missing)}",
                model=self._name)

    # -- functional helpers ------------------------------------------------------------
    def mapped(self, func: str | Callable[[BaseModel], Any]) -> Any:
        """Values of a field path (``'partner_id.name'``) or function over the records.
        Relational results are recordsets (union); others are lists."""
        if callable(func):
            values = [func(record) for record in self]
            if values and all(isinstance(v, BaseModel) for v in values):
                result = values[0]
                for value in values[1:]:
                    result = result | value
                return result
            return values
        records: Any = self
        for name in func.split("."):
            records = records._mapped_field(name)
        return records

    def _mapped_field(self, name: str) -> Any:
        field = self._field(name)
        if field.relational:
            comodel = self.env[field.comodel_name]
            ids: dict[int, None] = {}
            for record in self:
                field_cache = field.cache_for(self.env)
                value = field_cache.get(record._ids[0], _NOT_CACHED)
                if value is _NOT_CACHED:
                    field.__get__(record, type(record))
                    value = field_cache[record._ids[0]]
                if value or type(value) is NewId:  # a NewId is falsy
                    for id_ in (value,) if isinstance(value, int | NewId) else value:
                        ids[id_] = None
            targets = tuple(ids)
            # Prefetch through the same field over all of self's prefetch set, so that
            # ``order.line_ids.mapped('product_id.name')`` in a loop stays one query.
            from agora.orm.fields.relational import RelatedPrefetch
            return comodel._browse(targets, RelatedPrefetch(field, self))
        return [field.__get__(record, type(record)) for record in self]

    def filtered(self, func: str | Callable[[BaseModel], Any]) -> BaseModel:
        if isinstance(func, str):
            path = func
            def func(record: BaseModel) -> Any:  # noqa: F811
                return any(record.mapped(path))
        ids = tuple(record._ids[0] for record in self if func(record))
        return self._browse(ids, self._prefetch_ids)

    def filtered_domain(self, domain: list[Any]) -> BaseModel:
        """The records that match ``domain`` (evaluated by the database)."""
        if not self._ids:
            return self
        from agora.orm.domain import combine
        found = set(self.with_context(active_test=False)._search(
            combine("&", [[("id", "in", list(self._ids))], domain])).ids)
        return self._browse(tuple(i for i in self._ids if i in found), self._prefetch_ids)

    def sorted(self, key: str | Callable[[BaseModel], Any] | None = None,
               reverse: bool = False) -> BaseModel:
        if key is None:
            return self.search([("id", "in", list(self._ids))], order=self._order) \
                if not reverse else self.sorted(None)[::-1]
        if isinstance(key, str):
            names = [part.strip().split()[0] for part in key.split(",")]
            def key(record: BaseModel) -> Any:  # noqa: F811
                return tuple(_sort_key(record[name]) for name in names)
        ids = tuple(record._ids[0] for record in sorted(self, key=key, reverse=reverse))
        return self._browse(ids, self._prefetch_ids)

    def grouped(self, key: str | Callable[[BaseModel], Any]) -> dict[Any, BaseModel]:
        groups: dict[Any, list[int]] = {}
        for record in self:
            value = record[key] if isinstance(key, str) else key(record)
            groups.setdefault(value, []).append(record._ids[0])
        return {k: self._browse(tuple(v), self._prefetch_ids) for k, v in groups.items()}


def _sort_key(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value._ids
    return (value is False or value is None, value if value not in (False, None) else 0)


_NOT_CACHED = object()


class AbstractModel(BaseModel):
    """A model without a table: mixins shared by other models."""

    _register = False
    _auto = False
    _abstract = True


class Model(BaseModel):
    """A regular model stored in its own table."""

    _register = False
    _auto = True
    _abstract = False


class TransientModel(Model):
    """A model for wizards: records are short-lived (vacuumed by a cron job)."""

    _register = False
    _transient = True
