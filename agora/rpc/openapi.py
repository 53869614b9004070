"""``GET /api/v1/openapi.json``: an OpenAPI 3.0 document of the REST API, generated per
database and per caller.

It lists exactly the models the caller may read (model access rights of the ORM's
access policy), their fields as the caller sees them (fields of other groups left out),
the operations the caller may perform (list/read with read access, create, update and
delete with the matching right) and the model's workflow methods.

Documents are cached per (database, registry, caller's groups, access lines version):
access rights depend on groups only, a new registry (modules changed) gives a new key,
and any change to the access lines changes their fingerprint.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from agora.orm import access
from agora.orm.environment import Environment
from agora.orm.exceptions import AccessError
from agora.orm.models import BaseModel
from agora.rpc import openapi_schema as schemas
from agora.rpc import rest_fields as rf
from agora.rpc.rest_query import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET

_ERRORS = {
    "400": ("BadRequest", "The body or a parameter is not valid JSON"),
    "401": ("Unauthorized", "Missing, invalid, expired or revoked API key, or no session"),
    "403": ("Forbidden", "Access rights refuse the operation (odoo.exceptions.AccessError)"),
    "404": ("NotFound", "Unknown model, method or record"),
    "422": ("Unprocessable", "Invalid arguments, or the operation was refused "
                             "(odoo.exceptions.UserError, ValidationError)"),
}
#: database -> (its registry, weakly: a reloaded registry drops the documents; documents)
_cache: dict[str, tuple[weakref.ref[Any], dict[Any, dict[str, Any]]]] = {}
_cache_lock = threading.Lock()
#: documents kept per registry (one per distinct set of groups callers have)
_CACHE_SIZE = 64


def allowed_operations(model: BaseModel) -> set[str]:
    """The operations of :data:`access.OPERATIONS` the caller may perform on the model
    (model access; record rules narrow which records, not which operations)."""
    allowed = set()
    for operation in access.OPERATIONS:
        try:
            with access.probing():  # asking, not a refused attempt: no security event
                model.browse().check_access(operation)
        except AccessError:
            continue
        allowed.add(operation)
    return allowed


def _cache_key(env: Environment) -> tuple[Any, ...]:
    policy = access.active_policy(env)
    if policy is None:
        who: Any = "unrestricted"
    elif hasattr(policy, "user_group_ids"):
        who = policy.user_group_ids(env)
    else:
        who = ("uid", env.uid)
    return (who, _access_version(env))


def _access_version(env: Environment) -> tuple[Any, ...]:
    """Changes whenever an access line is created, changed or deleted (one query on a
    small table, against one query per model to regenerate)."""
    if "ir.model.access" not in env:
        return ()
    lines = env["ir.model.access"].sudo().with_context(active_test=False).search_read(
        [], ["model_id", "group_id", "active", *(f"perm_{op}" for op in access.OPERATIONS)],
        order="id", load=None)
    return tuple(tuple(line.values()) for line in lines)


def openapi_document(env: Environment, server_url: str) -> dict[str, Any]:
    """The document for ``env``'s caller, served from ``server_url``."""
    key = _cache_key(env)
    registry, dbname = env.registry, env.cr.dbname
    with _cache_lock:
        entry = _cache.get(dbname)
        documents = entry[1] if entry is not None and entry[0]() is registry else {}
        document = documents.get(key)
    if document is None:
        document = build_document(env)
        with _cache_lock:
            entry = _cache.get(dbname)
            if entry is None or entry[0]() is not registry:
                entry = _cache[dbname] = (weakref.ref(registry), {})
            if len(entry[1]) >= _CACHE_SIZE:
                entry[1].clear()
            entry[1][key] = document
    return {**document, "servers": [{"url": server_url}]}


def build_document(env: Environment) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    components: dict[str, Any] = {"schemas": {"Error": schemas.ERROR_SCHEMA}}
    tags = []
    for name in rf.api_model_names(env):
        model = env[name]
        operations = allowed_operations(model)
        if "read" not in operations:
            continue
        tags.append({"name": name, "description": model._description or name})
        components["schemas"].update({
            name: schemas.record_schema(model),
            f"{name}.create": schemas.values_schema(model, create=True),
            f"{name}.update": schemas.values_schema(model, create=False),
            f"{name}.page": schemas.page_schema(f"#/components/schemas/{name}"),
        })
        paths.update(model_paths(model, operations))
    components["responses"] = {
        title: {"description": text, "content": _json("#/components/schemas/Error")}
        for title, text in _ERRORS.values()}
    # The session cookie of the web client works too; it is not declared as a scheme
    # because API clients are meant to use keys.
    components["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer",
                   "description": "An API key (scope rpc) of the user; the database is the "
                                  "X-Odoo-Database header's, else the server's default"},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": f"Agora REST API ({env.cr.dbname})", "version": "1",
                 "description": "Records of every model the caller may read. Lists answer "
                                "{records, count?}; empty values are null; datetimes are "
                                "UTC; errors are {name, message, arguments, context, "
                                "debug}."},
        "security": [{"bearer": []}],
        "tags": tags,
        "paths": paths,
        "components": components,
    }


def model_paths(model: BaseModel, operations: set[str]) -> dict[str, Any]:
    name = model._name
    ref = f"#/components/schemas/{name}"
    fields_parameter = {
        "name": "fields", "in": "query", "style": "form", "explode": False,
        "description": "Fields to return (default: all readable fields but binaries)",
        "schema": {"type": "array", "items": {
            "type": "string", "enum": [f.name for f in rf.readable_fields(model)]}}}
    id_parameter = {"name": "id", "in": "path", "required": True,
                    "schema": dict(schemas.ID_SCHEMA)}
    collection: dict[str, Any] = {"get": _operation(
        model, "list", f"Search {name} records", [fields_parameter, *_LIST_PARAMETERS],
        {"200": _reply("A page of records", f"#/components/schemas/{name}.page")},
        errors=("400", "401", "403", "422"))}
    item: dict[str, Any] = {"parameters": [id_parameter], "get": _operation(
        model, "read", f"Read one {name} record", [fields_parameter],
        {"200": _reply("The record", ref)}, errors=("401", "403", "404", "422"))}
    if "create" in operations:
        collection["post"] = _operation(
            model, "create", f"Create a {name} record", [],
            {"201": {**_reply("The new record", ref), "headers": {"Location": {
                "description": "The record's URL", "schema": {"type": "string"}}}}},
            body=f"#/components/schemas/{name}.create")
    if "write" in operations:
        item["patch"] = _operation(model, "write", f"Update a {name} record", [],
                                   {"200": _reply("The updated record", ref)},
                                   body=f"#/components/schemas/{name}.update")
    if "unlink" in operations:
        item["delete"] = _operation(model, "delete", f"Delete a {name} record", [],
                                    {"204": {"description": "Deleted"}},
                                    errors=("401", "403", "404", "422"))
    paths = {f"/{name}": collection, f"/{name}/{{id}}": item}
    for method, function in rf.workflow_methods(model).items():
        operation = _operation(model, f"call_{method}", f"Call {name}.{method} on a record",
                               [], {"200": {"description": "The method's result (JSON)",
                                            "content": {"application/json": {"schema": {}}}}})
        body = schemas.method_body_schema(function)
        operation["requestBody"] = {"required": "required" in body,
                                    "content": {"application/json": {"schema": body}}}
        if function.__doc__:
            operation["description"] = function.__doc__.strip()
        paths[f"/{name}/{{id}}/{method}"] = {"parameters": [id_parameter], "post": operation}
    return paths


_LIST_PARAMETERS: list[dict[str, Any]] = [
    {"name": "domain", "in": "query", "description": "Search domain as JSON, e.g. "
     '[["name", "ilike", "a"]]', "schema": {"type": "string"}},
    {"name": "limit", "in": "query", "schema": {
        "type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
    {"name": "offset", "in": "query", "schema": {
        "type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}},
    {"name": "order", "in": "query", "description": 'e.g. "name desc, id"',
     "schema": {"type": "string"}},
    {"name": "count", "in": "query", "description": "Add the number of matching records",
     "schema": {"type": "boolean", "default": False}},
]


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": ref}}}


def _reply(description: str, ref: str) -> dict[str, Any]:
    return {"description": description, "content": _json(ref)}


def _operation(model: BaseModel, verb: str, summary: str, parameters: list[Any],
               responses: dict[str, Any], *, body: str | None = None,
               errors: tuple[str, ...] = ("400", "401", "403", "404", "422")
               ) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"{model._name}.{verb}", "summary": summary, "tags": [model._name],
        "responses": {**responses, **{
            code: {"$ref": f"#/components/responses/{_ERRORS[code][0]}"} for code in errors}},
    }
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"required": True, "content": _json(body)}
    return operation
