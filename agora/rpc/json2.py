"""JSON-2 (Odoo 19 style): ``POST /json/2/<model>/<method>`` with named arguments.

The body is a JSON object: the method's arguments by name, plus ``ids`` (the recordset
the method runs on; must be empty or absent for model-level methods) and ``context``.
The response body is the method's result as raw JSON, recordsets as id lists. Callers
authenticate with ``Authorization: bearer <api key>`` (or the session cookie); each call
is one transaction, so a failed call writes nothing. Errors: see :mod:`rest_errors`.
"""

from __future__ import annotations

import inspect
from typing import Any

from werkzeug.wrappers import Response

from agora.http.request import HttpRequest
from agora.http.routing import route
from agora.orm.environment import Environment
from agora.rpc.dispatch import check_method_name, is_readonly
from agora.rpc.errors import InvalidArgumentsError, UnknownModelError
from agora.rpc.marshal import to_wire
from agora.rpc.rest_errors import ApiController, check_session_request, json_object, json_reply


def _record_ids(model_name: str, value: Any) -> list[int]:
    if value is None:
        return []
    if isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        return value
    raise InvalidArgumentsError(f"{model_name}: 'ids' must be a list of record ids, got "
                                f"{value!r}", model=model_name)


def request_context(model_name: str, value: Any) -> dict[str, Any]:
    """The ``context`` a caller sent, checked: a JSON object or nothing."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidArgumentsError(f"'context' must be an object, got {value!r}",
                                    model=model_name)
    return value


def call_json2(env: Environment, model_name: str, method: str, ids: Any,
               context: dict[str, Any], kwargs: dict[str, Any]) -> Any:
    """``model_name.method(**kwargs)`` on the records ``ids``, as JSON-2 defines it."""
    if model_name not in env:
        raise UnknownModelError(f"Object {model_name} doesn't exist", model=model_name)
    model = env[model_name]
    if context:
        model = model.with_context({**env.context, **context})
    function = check_method_name(model, method)
    record_ids = _record_ids(model_name, ids)
    if getattr(function, "_api_model", False):
        if record_ids:
            raise InvalidArgumentsError(
                f"{model_name}.{method} works on the model, not on records: send no 'ids'",
                model=model_name)
        target = model
    else:
        target = model.browse(record_ids)
    try:
        inspect.signature(function).bind(target, **kwargs)
    except TypeError as exc:
        raise InvalidArgumentsError(f"{model_name}.{method}: {exc}", model=model_name) from None
    return function(target, **kwargs)


class Json2Routes(ApiController):
    @route("/json/2/<model>/<method>", methods=["POST"], auth="bearer", csrf=False,
           readonly=lambda request: is_readonly(
               (request.route_arguments or {}).get("method"),
               (request.route_arguments or {}).get("model"), request.db))
    def call(self, request: HttpRequest, model: str, method: str) -> Response:
        check_session_request(request)
        arguments = json_object(request)
        context = request_context(model, arguments.pop("context", None))
        request.api_context = context  # type: ignore[attr-defined]  (for error bodies)
        ids = arguments.pop("ids", None)
        result = call_json2(request.env, model, method, ids, context, arguments)
        # converted inside the transaction: lazy values are read before it ends
        return json_reply(to_wire(result, none=None))
