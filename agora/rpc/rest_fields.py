"""How the REST API sees a model: which models and fields it exposes, which fields a
caller may write, which record methods are workflow methods (values: :mod:`rest_values`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agora.orm import access
from agora.orm.environment import Environment
from agora.orm.exceptions import MissingError, UnknownFieldError, UserError
from agora.orm.models import BaseModel
from agora.rpc.dispatch import check_method_name
from agora.rpc.errors import UnknownModelError

if TYPE_CHECKING:
    from agora.orm.fields import Field

#: records ids are PostgreSQL ``int4``: larger numbers cannot name a record
MAX_ID = 2**31 - 1
#: fields the server maintains: never written through the API
_SERVER_FIELDS = frozenset({"id", "display_name", "create_date", "write_date", "create_uid",
                            "write_uid"})
#: methods every model has (CRUD, search, describe, recordset plumbing): what is left on
#: a model's class are the methods its modules added, the workflow methods
_PLUMBING = frozenset(dir(BaseModel))


def api_model(env: Environment, name: str) -> BaseModel:
    """The model ``name`` if the REST API serves it (it has a table); 404 otherwise."""
    if name not in env or env[name]._abstract:
        raise UnknownModelError(f"Object {name} doesn't exist", model=name)
    return env[name]


def api_model_names(env: Environment) -> list[str]:
    return sorted(name for name in env.registry if not env.registry[name]._abstract)


def readable_fields(model: BaseModel) -> list[Field]:
    """The fields the caller may read (fields restricted to other groups left out)."""
    return access.accessible_fields(model, list(model._fields.values()))


def default_fields(model: BaseModel) -> list[Field]:
    """What a record shows when no ``fields`` are asked: binaries only on request."""
    return [f for f in readable_fields(model) if f.type != "binary"]


def is_writable(field: Field) -> bool:
    return not (field.name in _SERVER_FIELDS or field.readonly
                or (field.computed and not field.inverse and not field.related))


def writable_fields(model: BaseModel) -> list[Field]:
    return [f for f in readable_fields(model) if is_writable(f)]


def required_on_create(model: BaseModel) -> list[str]:
    """Writable fields a create must give: required, without default, and not the link
    to an ``_inherits`` parent (that parent is created from the other values)."""
    links = set(model._inherits.values())
    return [f.name for f in writable_fields(model)
            if f.required and f.default is None and f.name not in links and not f.computed]


def workflow_methods(model: BaseModel) -> dict[str, Callable[..., Any]]:
    """Record methods a module added to the model and remote callers may call (public
    per :func:`check_method_name`; model-level methods are left to JSON-2)."""
    found = {}
    for name in sorted(dir(type(model))):
        if name.startswith("_") or name in _PLUMBING or name in model._fields:
            continue
        try:
            function = check_method_name(model, name)
        except UserError:
            continue
        if not getattr(function, "_api_model", False):
            found[name] = function
    return found


def method_parameters(function: Callable[..., Any]) -> list[inspect.Parameter]:
    """The parameters a caller passes by name (``self`` and positional-only ones out)."""
    parameters = list(inspect.signature(function).parameters.values())[1:]
    return [p for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY,
                                                 p.VAR_KEYWORD)]


def record(model: BaseModel, record_id: str) -> BaseModel:
    """The existing record whose id is the path segment ``record_id``; MissingError (404)
    otherwise (also for what cannot be an id: the URL names no record)."""
    # at most 10 digits: int() of a longer string can only be out of range (or refused)
    number = int(record_id) if record_id.isascii() and record_id.isdigit() \
        and len(record_id) <= 10 else 0
    found = model.browse(number).exists() if 0 < number <= MAX_ID else model.browse()
    if not found:
        shown = record_id if len(record_id) <= 20 else record_id[:20] + "..."
        raise MissingError(f"Record does not exist or has been deleted: "
                           f"{model._name}({shown})", model=model._name)
    return found


def field_list(model: BaseModel, names: list[str] | None) -> list[Field]:
    """The fields called ``names`` (None: the default fields); 422 naming unknown ones."""
    if names is None:
        return default_fields(model)
    unknown = [name for name in names if name not in model._fields]
    if unknown:
        raise UnknownFieldError(f"{model._name}: unknown field(s) in 'fields': "
                                f"{', '.join(unknown)}", model=model._name, field=unknown[0])
    return [model._fields[name] for name in dict.fromkeys(names)]
