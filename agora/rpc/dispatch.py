"""``call_kw``: run a public model method on behalf of a remote client.

Shared by JSON-RPC, XML-RPC and JSON-2. Methods whose name starts with ``_``, methods
marked ``@api.private`` and the recordset plumbing (``sudo``, ``with_user``...) are never
callable; model-level methods (``@api.model``) get the arguments as given, record methods
take the ids first. Recordsets in results become id lists.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

from agora.orm.environment import Environment
from agora.orm.exceptions import AccessError
from agora.orm.models import BaseModel
from agora.orm.registry import Registry
from agora.rpc.errors import InvalidArgumentsError, UnknownMethodError, UnknownModelError

#: Public names of the recordset API that must not be reachable remotely: they switch
#: users or privileges, or only make sense in Python.
NOT_REMOTE = frozenset({
    "browse", "sudo", "with_user", "with_context", "with_env", "with_company", "ensure_one",
    "mapped", "filtered", "filtered_domain", "sorted", "grouped", "union", "search_fetch",
    "registry_field_group", "check_access",
})


#: Methods that never write: their calls may be served by a read replica.
READONLY_METHODS = frozenset({
    "search", "search_read", "search_count", "read", "fields_get", "name_search",
    "read_group", "default_get", "web_search_read", "web_read", "exists", "name_get",
    "context_get", "check_object_reference", "fields_get_keys", "check_access_rights",
    "get_views", "onchange",
})


def is_readonly(method: Any, model: Any = None, db: str | None = None) -> bool:
    """Whether a remote call of ``model.method`` may run on a read replica: a method of
    the list above, or one decorated ``@api.readonly`` in the database's registry as this
    process knows it. A wrong guess costs only time: a read-only unit that writes is
    re-run on the primary."""
    if not isinstance(method, str):
        return False
    if method in READONLY_METHODS:
        return True
    if not isinstance(model, str) or db is None:
        return False
    registry = Registry.registries.get(db)
    model_class = registry.models.get(model) if registry is not None else None
    if model_class is None:
        return False
    return bool(getattr(_function_of(model_class, method), "_readonly", False))


def _function_of(model_class: type, name: str) -> Any:
    """The function defined as ``name`` on the class (classmethods unwrapped), without
    running descriptors; None when there is none."""
    function = inspect.getattr_static(model_class, name, None)
    if isinstance(function, classmethod | staticmethod):
        function = function.__func__
    return function


def check_method_name(model: BaseModel, name: str) -> Any:
    """The function behind ``model.name`` if it may be called remotely, else raise."""
    if not isinstance(name, str) or not name:
        raise UnknownMethodError(f"invalid method name {name!r}", model=model._name)
    if name.startswith("_"):
        raise AccessError(f"Private methods (such as {model._name}.{name}) cannot be called "
                          "remotely.", model=model._name)
    if name in NOT_REMOTE:
        raise AccessError(f"{model._name}.{name} cannot be called remotely.",
                          model=model._name)
    function = _function_of(type(model), name)
    if not inspect.isfunction(function):
        raise UnknownMethodError(f"The method '{name}' does not exist on the model "
                                 f"'{model._name}'", model=model._name)
    if getattr(function, "_api_private", False):
        raise AccessError(f"{model._name}.{name} cannot be called remotely.",
                          model=model._name)
    return function


def _ids_argument(model: BaseModel, value: Any) -> list[int]:
    if value is None or value is False:  # Odoo: browse(False) is the empty recordset
        return []
    if isinstance(value, bool):
        raise InvalidArgumentsError(f"{model._name}: expected record ids, got {value!r}",
                                    model=model._name)
    if isinstance(value, int):
        return [value]
    if isinstance(value, list | tuple) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        return list(value)
    raise InvalidArgumentsError(f"{model._name}: expected record ids, got {value!r}",
                                model=model._name)


def call_kw(env: Environment, model_name: str, method: str, args: Sequence[Any] | None = None,
            kwargs: Mapping[str, Any] | None = None, *, ids_only: bool = True) -> Any:
    """Call ``model_name.method(*args, **kwargs)`` the way Odoo clients expect.

    Recordsets in the result become id lists; transports that marshal the result
    themselves (``to_wire`` turns recordsets into ids too) pass ``ids_only=False`` to
    spare a walk over large results."""
    if not isinstance(model_name, str) or model_name not in env:
        raise UnknownModelError(f"Object {model_name} doesn't exist", model=str(model_name))
    args = list(args or [])
    kwargs = dict(kwargs or {})
    context = kwargs.pop("context", None)
    model = env[model_name]
    if context:
        if not isinstance(context, dict):
            raise InvalidArgumentsError("context must be a dictionary", model=model_name)
        model = model.with_context({**env.context, **context})
    function = check_method_name(model, method)
    if getattr(function, "_api_model", False):
        target = model
    else:
        if not args:
            raise InvalidArgumentsError(f"{model_name}.{method} needs the record ids as first "
                                        "argument", model=model_name)
        target = model.browse(_ids_argument(model, args.pop(0)))
    try:
        inspect.signature(function).bind(target, *args, **kwargs)
    except TypeError as exc:
        raise InvalidArgumentsError(f"{model_name}.{method}: {exc}", model=model_name) from None
    result = function(target, *args, **kwargs)
    if method == "create" and isinstance(result, BaseModel):
        single = bool(args) and isinstance(args[0], dict) or isinstance(kwargs.get("vals_list"), dict)
        return result.id if single else result.ids
    if method == "copy" and isinstance(result, BaseModel) and len(result) == 1:
        return result.id  # Odoo <= 17 answers copy() with the new id, not a list
    return to_ids(result) if ids_only else result


def to_ids(value: Any) -> Any:
    """Recordsets (also inside lists, tuples and dicts) become lists of ids."""
    if isinstance(value, BaseModel):
        return value.ids
    if isinstance(value, list | tuple):
        return [to_ids(item) for item in value]
    if isinstance(value, dict):
        return {key: to_ids(item) for key, item in value.items()}
    return value
