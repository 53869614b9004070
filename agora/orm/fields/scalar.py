"""Scalar field types: text, numbers, booleans, selections, JSON, binary."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import nh3

from agora.orm.fields.base import Field

if TYPE_CHECKING:
    from agora.orm.models import BaseModel


class Boolean(Field):
    type = "boolean"
    column_type = "bool"

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise self.invalid(value, "a boolean")

    def convert_from_column(self, value: Any) -> Any:
        return bool(value)

    def convert_to_record(self, value: Any, record: BaseModel) -> Any:
        return bool(value)

    convert_to_read = convert_to_record  # type: ignore[assignment]

    def empty_value(self) -> Any:
        return False


class Integer(Field):
    type = "integer"
    column_type = "int4"
    default_aggregator = "sum"

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return 0
        if isinstance(value, bool):
            raise self.invalid(value, "an integer")
        if isinstance(value, int):
            if not -2**31 <= value < 2**31:
                raise self.invalid(value, "an integer within 32 bits")
            return value
        if isinstance(value, float) and value.is_integer():
            return self.convert_to_cache(int(value), record)  # 1e300 is "integer" too
        if isinstance(value, str):
            try:
                return self.convert_to_cache(int(value.strip()), record)
            except ValueError:
                pass
        raise self.invalid(value, "an integer")

    def convert_from_column(self, value: Any) -> Any:
        return value or 0

    def convert_to_record(self, value: Any, record: BaseModel) -> Any:
        return value or 0

    convert_to_read = convert_to_record  # type: ignore[assignment]

    def empty_value(self) -> Any:
        return 0


class Float(Field):
    type = "float"
    column_type = "float8"
    default_aggregator = "sum"
    defaults: ClassVar[dict[str, Any]] = {"digits": None}
    digits: tuple[int, int] | None

    def setup(self, model_class: type[BaseModel], name: str, args: dict[str, Any]) -> None:
        super().setup(model_class, name, args)
        if self.digits is not None and not (
                isinstance(self.digits, tuple) and len(self.digits) == 2):
            raise TypeError(f"{self}: digits must be (precision, scale)")

    @property
    def sql_type(self) -> str:
        return "numeric" if self.digits else "float8"

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return 0.0
        if isinstance(value, bool):
            raise self.invalid(value, "a number")
        try:
            if isinstance(value, int | float):
                result = float(value)
            elif isinstance(value, str):
                result = float(value.strip())
            else:
                result = float(value)  # Decimal and friends
        except (TypeError, ValueError):
            raise self.invalid(value, "a number") from None
        except OverflowError:  # an integer beyond what a float holds
            raise self.invalid(value, "a finite number") from None
        if math.isnan(result) or math.isinf(result):
            raise self.invalid(value, "a finite number")
        if self.digits:
            result = round(result, self.digits[1])
        return result

    def convert_from_column(self, value: Any) -> Any:
        return float(value) if value is not None else 0.0

    def convert_to_record(self, value: Any, record: BaseModel) -> Any:
        return value or 0.0

    convert_to_read = convert_to_record  # type: ignore[assignment]

    def empty_value(self) -> Any:
        return 0.0

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        if self.digits:
            info["digits"] = list(self.digits)
        return info


class Monetary(Float):
    """An amount in the currency named by ``currency_field`` (stored as numeric)."""

    type = "monetary"
    column_type = "numeric"
    defaults: ClassVar[dict[str, Any]] = {"currency_field": None}
    currency_field: str | None

    @property
    def sql_type(self) -> str:
        return "numeric"

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        result = super().convert_to_cache(value, record)
        # Without a currency at hand, keep cents: the common rounding of currencies.
        return round(result, 6)

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info["currency_field"] = self.currency_field
        return info


class _String(Field):
    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self.invalid(value, "a string")


class Char(_String):
    type = "char"
    column_type = "varchar"
    defaults: ClassVar[dict[str, Any]] = {"size": None, "trim": True}
    size: int | None
    trim: bool

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        value = super().convert_to_cache(value, record)
        if value is None:
            return None
        if "\x00" in value:
            raise self.invalid(value, "a string without NUL characters")
        if self.trim:
            value = value.strip()
        if self.size and len(value) > self.size:
            raise self.invalid(value, f"at most {self.size} characters")
        return value

    @property
    def ddl_type(self) -> str | None:
        return f"varchar({int(self.size)})" if self.size else "varchar"

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        if self.size:
            info["size"] = self.size
        return info


class Text(_String):
    type = "text"
    column_type = "text"

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        value = super().convert_to_cache(value, record)
        if value is not None and "\x00" in value:
            raise self.invalid(value, "a string without NUL characters")
        return value


class Html(Text):
    """Rich text, sanitised on the way in (scripts, event handlers and the like removed)."""

    type = "html"
    defaults: ClassVar[dict[str, Any]] = {"sanitize": True}
    sanitize: bool

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        value = super().convert_to_cache(value, record)
        if value is not None and self.sanitize:
            value = nh3.clean(value)
        return value


class Selection(Field):
    """One key out of a list of (key, label) pairs, or a method returning that list."""

    type = "selection"
    column_type = "varchar"
    defaults: ClassVar[dict[str, Any]] = {"selection": None, "selection_add": None}
    selection: Sequence[tuple[str, str]] | str | Callable[..., Any] | None

    def __init__(self, selection: Any = None, string: str | None = None, **kwargs: Any) -> None:
        if selection is not None:
            kwargs["selection"] = selection
        super().__init__(string, **kwargs)

    @classmethod
    def merge_args(cls, previous: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        merged = super().merge_args(previous, new)
        additions = new.get("selection_add")
        if additions:
            base = list(previous.get("selection") or ())
            keys = [key for key, _label in base]
            for key, label in additions:
                if key not in keys:
                    base.append((key, label))
                    keys.append(key)
            merged["selection"] = base
            merged.pop("selection_add", None)
        return merged

    def get_selection(self, model: BaseModel) -> list[tuple[str, str]]:
        selection = self.selection
        if isinstance(selection, str):
            return list(getattr(model, selection)())
        if callable(selection):
            return list(selection(model))
        return list(selection or ())

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        keys = [key for key, _label in self.get_selection(record)]
        if value not in keys:
            raise self.invalid(value, f"one of {keys}")
        return value

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        selection = self.selection
        if isinstance(selection, list | tuple):
            info["selection"] = [list(pair) for pair in selection]
        return info


class Json(Field):
    type = "json"
    column_type = "jsonb"

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            raise self.invalid(value, "a JSON-serialisable value") from None
        return value

    def convert_to_column(self, value: Any) -> Any:
        from psycopg.types.json import Jsonb
        return None if value is None else Jsonb(value)


class Binary(Field):
    """Raw bytes. Stored in a ``bytea`` column; attachment storage arrives with
    ``ir.attachment`` in the base module."""

    type = "binary"
    column_type = "bytea"
    defaults: ClassVar[dict[str, Any]] = {"attachment": False, "prefetch": False}

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        if isinstance(value, str):
            import base64
            import binascii
            try:
                return base64.b64decode(value, validate=True)
            except binascii.Error:
                raise self.invalid(value, "bytes or a base64 string") from None
        if isinstance(value, bytes | bytearray | memoryview):
            return bytes(value)
        raise self.invalid(value, "bytes or a base64 string")

    def convert_from_column(self, value: Any) -> Any:
        return bytes(value) if value is not None else None

    def convert_to_read(self, value: Any, record: BaseModel, use_display_name: bool = True) -> Any:
        import base64
        return base64.b64encode(value).decode() if value else False


class Id(Integer):
    """The primary key: read straight from the recordset, never from the cache."""

    def __get__(self, record: BaseModel | None, owner: type | None = None) -> Any:
        if record is None:
            return self
        ids = record._ids
        if not ids:
            return False
        if len(ids) > 1:
            raise ValueError(f"Expected singleton: {record!r}")
        return ids[0]

    def __set__(self, record: BaseModel, value: Any) -> None:
        raise AttributeError("the id of a record cannot be changed")
