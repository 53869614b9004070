"""JSON schemas (OpenAPI 3.0 dialect) of the REST shapes: a field's value, a model's
record, create and update bodies, a page of records and the error body.

They describe exactly what :mod:`agora.rpc.rest_fields` sends and accepts: empty values
are ``null`` (``nullable``), booleans, numbers and x2many lists are never null."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agora.rpc import rest_fields as rf
from agora.rpc.rest_values import NEVER_NULL, NUMERIC_LIMIT, numeric_column

if TYPE_CHECKING:
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel

ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": rf.MAX_ID}


def field_schema(model: BaseModel, field: Field) -> dict[str, Any]:
    """The schema of ``field``'s value (``readOnly`` when the API never writes it)."""
    kind = field.type
    schema: dict[str, Any]
    if kind in ("char", "text", "html"):
        schema = {"type": "string"}
        if getattr(field, "size", None):
            schema["maxLength"] = field.size
    elif field.name == "id":
        schema = dict(ID_SCHEMA)
    elif kind == "integer":
        schema = {"type": "integer", "format": "int32", "minimum": -2**31,
                  "maximum": 2**31 - 1}
    elif kind in ("float", "monetary"):
        schema = {"type": "number"}
    elif kind == "boolean":
        schema = {"type": "boolean"}
    elif kind == "date":
        schema = {"type": "string", "format": "date"}
    elif kind == "datetime":
        schema = {"type": "string", "format": "date-time"}
    elif kind == "selection":
        schema = {"type": "string",
                  "enum": [key for key, _label in field.get_selection(model)]}
    elif kind == "many2one":
        schema = {**ID_SCHEMA, "x-relation": field.comodel_name}
    elif kind in ("one2many", "many2many"):
        schema = {"type": "array", "items": dict(ID_SCHEMA), "x-relation": field.comodel_name}
    elif kind == "binary":
        schema = {"type": "string", "format": "byte"}
    elif kind == "reference":
        schema = {"type": "string", "pattern": r"^[\w.]+,\d+$"}
    else:  # json and field types added later: any JSON value
        schema = {}
    if kind not in NEVER_NULL and not field.required and schema:
        schema["nullable"] = True
        if "enum" in schema:
            schema["enum"].append(None)  # OpenAPI 3.0: a nullable enum lists null
    schema["description"] = field.string + (f": {field.help}" if field.help else "")
    if not rf.is_writable(field):
        schema["readOnly"] = True
    return schema


def record_schema(model: BaseModel) -> dict[str, Any]:
    """A record as responses carry it: ``id`` and the fields asked for (by default every
    readable field except binaries)."""
    return {
        "type": "object",
        "description": model._description or model._name,
        "required": ["id"],
        "properties": {f.name: field_schema(model, f) for f in rf.readable_fields(model)},
    }


def values_schema(model: BaseModel, *, create: bool) -> dict[str, Any]:
    """The body of a create (required fields required) or an update (any subset)."""
    properties = {}
    for field in rf.writable_fields(model):
        schema = field_schema(model, field)
        if numeric_column(field):
            # what requests may send (rest_values); stored values, computed ones above
            # all, may be larger
            schema.update(minimum=-NUMERIC_LIMIT, maximum=NUMERIC_LIMIT)
        properties[field.name] = schema
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    required = rf.required_on_create(model) if create else []
    if required:
        schema["required"] = required
    return schema


def page_schema(model_ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["records"],
        "properties": {
            "records": {"type": "array", "items": {"$ref": model_ref}},
            "count": {"type": "integer", "minimum": 0,
                      "description": "Records matching the domain (with count=true)"},
        },
    }


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "message", "arguments", "context", "debug"],
    "properties": {
        "name": {"type": "string", "example": "odoo.exceptions.AccessError",
                 "description": "The error's class, as Odoo names it"},
        "message": {"type": "string"},
        "arguments": {"type": "array", "items": {}},
        "context": {"type": "object"},
        "debug": {"type": "string", "description": "Traceback, when it helps"},
    },
}


def method_body_schema(function: Any) -> dict[str, Any]:
    """The named arguments of a workflow method (any JSON value each)."""
    properties: dict[str, Any] = {}
    required = []
    open_ended = False
    for parameter in rf.method_parameters(function):
        if parameter.kind == parameter.VAR_KEYWORD:
            open_ended = True
            continue
        properties[parameter.name] = {}
        if parameter.default is parameter.empty:
            required.append(parameter.name)
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "additionalProperties": open_ended}
    if required:
        schema["required"] = required
    return schema
