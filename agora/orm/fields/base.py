"""The Field descriptor: declaration, merging across inheritance, cache access.

A field declared in a model class is only a *definition*: the registry merges every
definition of the same name along the model's inheritance chain into one fresh Field
bound to the final class (``setup``). Values live in the transaction cache in *cache
format* (None for empty, ids for relations); ``convert_to_*`` methods translate between
that format and what users write, what records return, what ``read`` returns and what
the database stores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from agora.orm.exceptions import InvalidValueError

if TYPE_CHECKING:
    from agora.orm.models import BaseModel

_MISSING = object()


class Field:
    """Base class of all field types."""

    type: ClassVar[str] = ""
    #: (SQL type used in DDL and for casts) or None for fields without a column.
    column_type: ClassVar[str | None] = None
    relational: ClassVar[bool] = False
    #: aggregate used by read_group when none is requested
    default_aggregator: ClassVar[str | None] = None
    #: Field attributes and their defaults; subclasses extend this mapping.
    defaults: ClassVar[dict[str, Any]] = {
        "string": None, "help": None, "required": False, "readonly": False,
        "default": None, "index": False, "copy": True, "groups": None,
        "tracking": False, "compute": None, "inverse": None, "search": None,
        "store": True, "related": None, "precompute": False, "prefetch": True,
        "compute_sudo": True, "aggregator": None, "group_operator": None,
        "company_dependent": False, "translate": False, "recursive": False,
        "depends": None, "manual": False,
        # False: the audit trail shows "***" instead of the value (secrets)
        "audit": True,
    }

    # set by setup()
    name: str
    model_name: str
    string: str
    required: bool
    readonly: bool
    store: bool
    compute: str | Callable[..., Any] | None
    related: str | None
    depends: tuple[str, ...]

    def __init__(self, string: str | None = None, **kwargs: Any) -> None:
        if string is not None:
            kwargs["string"] = string
        unknown = set(kwargs) - set(self._all_defaults())
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unknown attributes {sorted(unknown)}")
        self._args = kwargs
        self.name = ""
        self.model_name = ""

    @classmethod
    def _all_defaults(cls) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            merged.update(klass.__dict__.get("defaults", {}))
        return merged

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"{self.model_name or '?'}.{self.name or '?'}"

    # -- set-up -------------------------------------------------------------
    @classmethod
    def merge_args(cls, previous: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        """Combine the arguments of two definitions of the same field (later wins)."""
        return {**previous, **new}

    def setup(self, model_class: type[BaseModel], name: str, args: dict[str, Any]) -> None:
        """Bind this (fresh) field to the final model class with merged arguments."""
        self.name = name
        self.model_name = model_class._name
        self._args = args
        values = {**self._all_defaults(), **args}
        computed = bool(values["compute"] or values["related"])
        if computed:
            if "store" not in args:
                values["store"] = False
            if "copy" not in args:
                values["copy"] = False
            if "readonly" not in args:
                values["readonly"] = not values["inverse"] and not values["related"]
        for key, value in values.items():
            setattr(self, key, value)
        if not self.string:
            label = name[:-3] if name.endswith("_id") else name[:-4] if name.endswith("_ids") else name
            self.string = label.replace("_", " ").strip().title() or name
        if self.aggregator is None:
            self.aggregator = self.group_operator or self.default_aggregator
        self.depends = tuple(values["depends"] or ())
        if self.related:
            self.depends = (self.related,)
        elif self.compute:
            method = self.compute if callable(self.compute) else getattr(model_class, self.compute, None)
            if method is None:
                raise TypeError(f"{self}: compute method {self.compute!r} does not exist")
            self.depends = tuple(self.depends or getattr(method, "_depends", ()))

    def setup_related(self, registry: Any) -> None:
        """Second pass, once every model exists: resolve comodels and related targets."""

    @property
    def sql_type(self) -> str | None:
        """The column's SQL type, also used to cast parameters in batched updates."""
        return self.column_type

    @property
    def ddl_type(self) -> str | None:
        """The type written in CREATE/ALTER TABLE (may carry a size)."""
        return self.sql_type

    @property
    def column(self) -> bool:
        """True when the value lives in a column of the model's table."""
        return bool(self.store and self.column_type)

    @property
    def computed(self) -> bool:
        return bool(self.compute or self.related)

    # -- conversions --------------------------------------------------------
    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        """User value (create/write) -> cache value; raise InvalidValueError if wrong."""
        return None if value is False else value

    def convert_to_record(self, value: Any, record: BaseModel) -> Any:
        """Cache value -> what ``record.field`` returns."""
        return False if value is None else value

    def convert_to_read(self, value: Any, record: BaseModel, use_display_name: bool = True) -> Any:
        """Cache value -> what ``read()`` returns."""
        return False if value is None else value

    def convert_to_column(self, value: Any) -> Any:
        """Cache value -> database parameter."""
        return value

    def convert_from_column(self, value: Any) -> Any:
        """Database value -> cache value."""
        return value

    def convert_to_write(self, value: Any, record: BaseModel) -> Any:
        """Record value -> a value ``write`` accepts (used by ``copy``)."""
        return value

    def invalid(self, value: Any, expected: str) -> InvalidValueError:
        return InvalidValueError(
            f"{self.model_name}.{self.name}: expected {expected}, got {value!r}",
            model=self.model_name, field=self.name)

    # -- descriptor -----------------------------------------------------------
    def __get__(self, record: BaseModel | None, owner: type | None = None) -> Any:
        if record is None:
            return self
        ids = record._ids
        if len(ids) != 1:
            if not ids:
                return self.convert_to_record(self.empty_value(), record)
            raise ValueError(f"Expected singleton: {record!r} (reading {self.name})")
        if self.groups and not record.env.su:
            from agora.orm.access import check_fields
            check_fields(record, [self], "read")
        field_cache = self.cache_for(record.env)
        try:
            value = field_cache[ids[0]]
        except KeyError:
            record._fetch_field(self)
            value = field_cache[ids[0]]
        return self.convert_to_record(value, record)

    def __set__(self, record: BaseModel, value: Any) -> None:
        protected = record.env.transaction.protected.get(self)
        if protected and all(id_ in protected for id_ in record._ids):
            # Inside this field's own compute method: store the result, don't write.
            cache_value = self.convert_to_cache(value, record)
            record.env.transaction.set_computed(self, record._ids, cache_value)
            return
        record.write({self.name: self.convert_to_write(value, record)})

    def empty_value(self) -> Any:
        return None

    def cache_for(self, env: Any) -> dict[int, Any]:
        """This field's values in the transaction cache, as seen from ``env``."""
        return env.cache[self]

    def cache_keys(self) -> tuple[Any, ...]:
        """Every cache key this field's values may live under (for invalidation)."""
        return (self,)

    # -- description (fields_get) ---------------------------------------------
    def describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "type": self.type, "string": self.string, "required": bool(self.required),
            "readonly": bool(self.readonly), "store": bool(self.store),
            "sortable": bool(self.column), "searchable": bool(self.store or self.search),
            "help": self.help or "",
            "groupable": bool(self.column), "name": self.name,
        }
        if self.groups:
            info["groups"] = self.groups
        if self.related:
            info["related"] = self.related
        if self.computed:
            info["depends"] = list(self.depends)
        return info

    def get_default(self, model: BaseModel) -> Any:
        """The default value for a new record, or _MISSING."""
        default = self.default
        if default is None:
            return _MISSING
        return default(model) if callable(default) else default


MISSING = _MISSING
