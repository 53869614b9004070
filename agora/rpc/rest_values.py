"""Records and values as the REST API sends and accepts them.

REST values are plain, typed JSON: empty values are ``null`` (Odoo's ``false`` is kept
for booleans only), numbers stay numbers, many2one is the target id or ``null``, x2many
a list of ids, dates ``YYYY-MM-DD``, datetimes RFC 3339 in UTC (``YYYY-MM-DDTHH:MM:SSZ``),
binaries base64 text. Request values must have exactly these types: the ORM would
coerce ``0`` into ``"0"`` for a name, the API says what was wrong instead. The OpenAPI
document describes the same shapes (:mod:`agora.rpc.openapi_schema`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agora.orm.commands import Command
from agora.orm.exceptions import InvalidValueError, UnknownFieldError
from agora.rpc.errors import InvalidArgumentsError
from agora.rpc.marshal import to_wire
from agora.rpc.rest_fields import MAX_ID, is_writable

if TYPE_CHECKING:
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel

X2MANY = ("one2many", "many2many")
#: types whose value is never null (their empty value is false, 0 or [])
NEVER_NULL = ("boolean", "integer", "float", "monetary", *X2MANY)
_TEXT = ("char", "text", "html", "selection", "date", "datetime", "binary", "reference")
#: largest magnitude of a number stored in a ``numeric`` column (monetary, float with
#: digits): 2**53, beyond which a double does not even hold every whole amount. Without
#: the bound, values near the double's limit come back from PostgreSQL rounded past it
#: and can no longer be read.
NUMERIC_LIMIT = 2**53


def numeric_column(field: Field) -> bool:
    return field.type in ("float", "monetary") and field.sql_type == "numeric"


# -- out ------------------------------------------------------------------------------------
def read_records(records: BaseModel, fields: list[Field]) -> list[dict[str, Any]]:
    """``records`` as REST JSON objects (``id`` first, then ``fields``)."""
    rows = records.read([f.name for f in fields], load="_classic_write")
    return [{"id": row["id"], **{f.name: rest_value(f, row[f.name]) for f in fields}}
            for row in rows]


def rest_value(field: Field, value: Any) -> Any:
    """A ``read(load='_classic_write')`` value as REST shows it."""
    kind = field.type
    if kind == "boolean":
        return bool(value)
    if kind in X2MANY:
        return list(value or ())
    if kind in ("integer", "float", "monetary"):
        return value or 0
    if value is None or value is False:
        return None
    if kind == "date":
        return value.isoformat()  # zero-padded years, unlike strftime("%Y") on glibc
    if kind == "datetime":
        return value.replace(microsecond=0).isoformat() + "Z"
    return to_wire(value, none=None)


# -- in -------------------------------------------------------------------------------------
def write_values(model: BaseModel, body: dict[str, Any]) -> dict[str, Any]:
    """A request body as ``create``/``write`` values: writable fields only, each value of
    its field's JSON type; ``null`` empties a field; an x2many list replaces the ids."""
    vals: dict[str, Any] = {}
    for name, value in body.items():
        field = model._fields.get(name)
        if field is None:
            raise UnknownFieldError(f"{model._name}: unknown field {name!r}",
                                    model=model._name, field=name)
        if not is_writable(field):
            raise InvalidArgumentsError(f"{model._name}: field {name!r} is read-only",
                                        model=model._name)
        check_type(field, value)
        if field.type in X2MANY:
            value = [Command.set(value)]
        elif value is None:
            value = False
        vals[name] = value
    return vals


def check_type(field: Field, value: Any) -> None:
    """InvalidValueError (422) unless ``value`` has the JSON type of ``field``."""
    kind = field.type
    if value is None:
        if kind in NEVER_NULL or field.required:
            raise _wrong(field, value, "a value (not null)")
        return
    if kind in _TEXT:
        ok, expected = isinstance(value, str), "a string"
    elif kind == "boolean":
        ok, expected = isinstance(value, bool), "true or false"
    elif kind == "integer":
        ok, expected = _is_int(value), "an integer"
    elif kind in ("float", "monetary"):
        ok, expected = _is_int(value) or isinstance(value, float), "a number"
        if ok and numeric_column(field) and abs(value) > NUMERIC_LIMIT:
            ok, expected = False, f"a number from -{NUMERIC_LIMIT} to {NUMERIC_LIMIT}"
    elif kind == "many2one":
        ok, expected = _is_id(value), f"a {field.comodel_name} id"
    elif kind in X2MANY:
        ok = isinstance(value, list) and all(_is_id(v) for v in value)
        expected = f"a list of {field.comodel_name} ids"
    else:  # json and types added later: the ORM checks
        return
    if not ok:
        raise _wrong(field, value, expected)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value: Any) -> bool:
    return _is_int(value) and 0 < value <= MAX_ID


def _wrong(field: Field, value: Any, expected: str) -> InvalidValueError:
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
    return InvalidValueError(f"{field.model_name}.{field.name}: expected {expected}, got "
                             f"{shown}", model=field.model_name, field=field.name)
