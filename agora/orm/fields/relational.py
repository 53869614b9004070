"""Relational fields: Many2one, One2many, Many2many, Reference.

Cache format: a Many2one holds an id or None, an x2many a tuple of ids. Records returned
from a relational field carry a lazy prefetch set made of the values of the same field
on every record being prefetched, so walking ``order.partner_id.name`` over many orders
loads all partners in one query.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from agora.db.sql import check_identifier
from agora.orm.fields.base import Field
from agora.orm.newid import NewId

if TYPE_CHECKING:
    from agora.orm.models import BaseModel

ONDELETE_VALUES = ("set null", "restrict", "cascade")
#: ids are int4 (serial): a bigger one names no record and would only fail in the database
MAX_ID = 2**31 - 1


class RelatedPrefetch:
    """Iterates the ids found in ``field`` of the records being prefetched (lazily, so
    values loaded later are seen)."""

    __slots__ = ("field", "records")

    def __init__(self, field: Field, records: BaseModel) -> None:
        self.field = field
        self.records = records

    def __iter__(self) -> Iterator[int]:
        field_cache = self.field.cache_for(self.records.env)
        seen: set[int] = set()
        for id_ in self.records._prefetch_ids:
            value = field_cache.get(id_)
            if not value:
                continue
            for target in (value,) if isinstance(value, int) else value:
                if target not in seen:
                    seen.add(target)
                    yield target


class _Relational(Field):
    relational = True
    defaults: ClassVar[dict[str, Any]] = {
        "comodel_name": None, "domain": None, "context": None, "check_company": False,
    }
    comodel_name: str
    domain: Any
    context: Any

    def setup_related(self, registry: Any) -> None:
        super().setup_related(registry)
        if self.comodel_name not in registry:
            raise TypeError(f"{self}: unknown comodel {self.comodel_name!r}")

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info["relation"] = self.comodel_name
        if isinstance(self.domain, list | str):
            info["domain"] = self.domain
        info["context"] = self.context or {}
        return info

    def _comodel(self, record: BaseModel) -> BaseModel:
        return record.env[self.comodel_name]


class Many2one(_Relational):
    type = "many2one"
    column_type = "int4"
    defaults: ClassVar[dict[str, Any]] = {
        "ondelete": "set null", "auto_join": False, "delegate": False,
    }
    ondelete: str
    delegate: bool

    def __init__(self, comodel_name: str | None = None, string: str | None = None,
                 **kwargs: Any) -> None:
        if comodel_name is not None:
            kwargs["comodel_name"] = comodel_name
        super().__init__(string, **kwargs)

    def setup(self, model_class: type[BaseModel], name: str, args: dict[str, Any]) -> None:
        super().setup(model_class, name, args)
        if self.ondelete not in ONDELETE_VALUES:
            raise TypeError(f"{self}: ondelete must be one of {ONDELETE_VALUES}")
        if self.required and self.ondelete == "set null" and "ondelete" not in args:
            self.ondelete = "restrict"
        if not self.comodel_name:
            raise TypeError(f"{self}: Many2one needs a comodel_name")

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        from agora.orm.models import BaseModel
        if value is None or value is False:
            return None
        if isinstance(value, BaseModel):
            if value._name != self.comodel_name or len(value) > 1:
                raise self.invalid(value, f"a single {self.comodel_name} record")
            return value._ids[0] if value._ids else None
        if isinstance(value, bool):
            raise self.invalid(value, f"a {self.comodel_name} id")
        if type(value) is NewId:
            return value
        if isinstance(value, int):
            if not 0 < value <= MAX_ID:
                raise self.invalid(value, f"a {self.comodel_name} id")
            return value
        if isinstance(value, list | tuple) and value and isinstance(value[0], int) \
                and not isinstance(value[0], bool):
            return self.convert_to_cache(value[0], record)  # (id, name) as read() returns
        raise self.invalid(value, f"a {self.comodel_name} id")

    def convert_to_record(self, value: Any, record: BaseModel) -> Any:
        ids = (value,) if value or type(value) is NewId else ()  # a NewId is falsy
        return record.env[self.comodel_name]._browse(ids, RelatedPrefetch(self, record))

    def convert_to_read(self, value: Any, record: BaseModel, use_display_name: bool = True) -> Any:
        if not value:
            return False
        if not use_display_name:
            return value
        target = self.convert_to_record(value, record)
        return (value, target.sudo().display_name)

    def convert_to_write(self, value: Any, record: BaseModel) -> Any:
        return value.id if hasattr(value, "_ids") else value

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info["ondelete"] = self.ondelete
        return info


class _X2many(_Relational):
    defaults: ClassVar[dict[str, Any]] = {"copy": False, "prefetch": False}
    #: True when the comodel can archive records: what the relation holds then depends
    #: on the context's ``active_test``, so both views are cached apart.
    context_dependent: bool = False

    def setup_related(self, registry: Any) -> None:
        super().setup_related(registry)
        comodel_fields = registry[self.comodel_name]._fields
        self.context_dependent = "active" in comodel_fields and comodel_fields["active"].column
        self._all_records_key = (self, "active_test=False")

    def cache_for(self, env: Any) -> dict[int, Any]:
        if self.context_dependent and not env.context.get("active_test", True):
            return env.cache[self._all_records_key]
        return env.cache[self]

    def cache_keys(self) -> tuple[Any, ...]:
        return (self, self._all_records_key) if self.context_dependent else (self,)

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        """Only for plain id lists / recordsets (commands are applied by write())."""
        from agora.orm.models import BaseModel
        if value is None or value is False:
            return ()
        if isinstance(value, BaseModel):
            return value._ids
        if isinstance(value, list | tuple) and all(
                (isinstance(v, int) and not isinstance(v, bool)) or type(v) is NewId
                for v in value):
            return tuple(value)
        raise self.invalid(value, f"a list of {self.comodel_name} ids or commands")

    def convert_to_record(self, value: Any, record: BaseModel) -> Any:
        return record.env[self.comodel_name]._browse(value or (), RelatedPrefetch(self, record))

    def convert_to_read(self, value: Any, record: BaseModel, use_display_name: bool = True) -> Any:
        return list(value or ())

    def convert_to_write(self, value: Any, record: BaseModel) -> Any:
        ids = value._ids if hasattr(value, "_ids") else tuple(value or ())
        return [(6, 0, list(ids))]

    def empty_value(self) -> Any:
        return ()


class One2many(_X2many):
    type = "one2many"
    defaults: ClassVar[dict[str, Any]] = {"inverse_name": None, "store": True}
    inverse_name: str

    def __init__(self, comodel_name: str | None = None, inverse_name: str | None = None,
                 string: str | None = None, **kwargs: Any) -> None:
        if comodel_name is not None:
            kwargs["comodel_name"] = comodel_name
        if inverse_name is not None:
            kwargs["inverse_name"] = inverse_name
        super().__init__(string, **kwargs)

    def setup_related(self, registry: Any) -> None:
        super().setup_related(registry)
        if not self.computed:
            inverse = registry[self.comodel_name]._fields.get(self.inverse_name)
            if inverse is None or inverse.type not in ("many2one", "integer"):
                raise TypeError(f"{self}: inverse {self.comodel_name}.{self.inverse_name} "
                                "must be a Many2one")

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info["relation_field"] = self.inverse_name
        return info


class Many2many(_X2many):
    type = "many2many"
    defaults: ClassVar[dict[str, Any]] = {
        "relation": None, "column1": None, "column2": None, "store": True,
        # Like Odoo: a copy keeps the links (only one2many lines are not copied).
        "copy": True,
    }
    relation: str
    column1: str
    column2: str

    def __init__(self, comodel_name: str | None = None, relation: str | None = None,
                 column1: str | None = None, column2: str | None = None,
                 string: str | None = None, **kwargs: Any) -> None:
        for key, value in (("comodel_name", comodel_name), ("relation", relation),
                           ("column1", column1), ("column2", column2)):
            if value is not None:
                kwargs[key] = value
        super().__init__(string, **kwargs)

    def setup_related(self, registry: Any) -> None:
        super().setup_related(registry)
        if self.computed and not self.store:
            return
        table = registry[self.model_name]._table
        cotable = registry[self.comodel_name]._table
        if not self.relation:
            self.relation = "%s_%s_rel" % tuple(sorted((table, cotable)))  # noqa: UP031
        self.column1 = self.column1 or f"{table}_id"
        self.column2 = self.column2 or f"{cotable}_id"
        if self.column1 == self.column2:
            raise TypeError(f"{self}: a Many2many to its own model needs column1 and column2")
        for name in (self.relation, self.column1, self.column2):
            check_identifier(name)

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info["relation_table"] = self.relation
        return info


class Reference(Field):
    """A pointer to any record, stored as ``'model,id'``."""

    type = "reference"
    column_type = "varchar"
    defaults: ClassVar[dict[str, Any]] = {"selection": None}

    def __init__(self, selection: Any = None, string: str | None = None, **kwargs: Any) -> None:
        if selection is not None:
            kwargs["selection"] = selection
        super().__init__(string, **kwargs)

    def _models(self, record: BaseModel) -> list[str]:
        selection = self.selection
        if isinstance(selection, str):
            selection = getattr(record, selection)()
        elif callable(selection):
            selection = selection(record)
        return [key for key, _label in selection or ()]

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        from agora.orm.models import BaseModel
        if value is None or value is False:
            return None
        if isinstance(value, BaseModel):
            if len(value) != 1:
                raise self.invalid(value, "a single record")
            model, id_ = value._name, value._ids[0]
        elif isinstance(value, str) and "," in value:
            model, _sep, raw_id = value.partition(",")
            try:
                id_ = int(raw_id)
            except ValueError:
                raise self.invalid(value, "'model,id'") from None
        else:
            raise self.invalid(value, "'model,id' or a record")
        allowed = self._models(record)
        if allowed and model not in allowed:
            raise self.invalid(value, f"a record of {allowed}")
        return f"{model},{id_}"

    def convert_to_record(self, value: Any, record: BaseModel) -> Any:
        if not value:
            return False
        model, _sep, id_ = value.partition(",")
        return record.env[model].browse(int(id_))

    def convert_to_write(self, value: Any, record: BaseModel) -> Any:
        return f"{value._name},{value.id}" if value else False

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        if isinstance(self.selection, list | tuple):
            info["selection"] = [list(pair) for pair in self.selection]
        return info


