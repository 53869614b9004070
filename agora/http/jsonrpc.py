"""JSON-RPC 2.0 envelopes as Odoo clients send and expect them."""

from __future__ import annotations

import json
import traceback
from typing import Any

from agora.orm import exceptions

#: Odoo's names for our exceptions, which clients switch on.
_ODOO_NAMES = {
    exceptions.AccessDenied: "odoo.exceptions.AccessDenied",
    exceptions.AccessError: "odoo.exceptions.AccessError",
    exceptions.MissingError: "odoo.exceptions.MissingError",
    exceptions.ValidationError: "odoo.exceptions.ValidationError",
    exceptions.UserError: "odoo.exceptions.UserError",
}


class JsonRpcError(Exception):
    """A malformed request: answered with a JSON-RPC error, never a 500."""

    def __init__(self, message: str, code: int = 200) -> None:
        super().__init__(message)
        self.code = code


def parse_request(body: bytes) -> tuple[Any, dict[str, Any]]:
    """``(id, params)`` of a JSON-RPC call; JsonRpcError when the body is not one."""
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # nested too deeply
        raise JsonRpcError(f"Invalid JSON data: {exc}") from None
    if not isinstance(payload, dict):
        raise JsonRpcError("Invalid JSON-RPC request: the body must be an object")
    params = payload.get("params", {})
    if not isinstance(params, dict):
        raise JsonRpcError("Invalid JSON-RPC request: 'params' must be an object")
    request_id = payload.get("id")
    if not isinstance(request_id, int | str | type(None)) or isinstance(request_id, bool):
        raise JsonRpcError("Invalid JSON-RPC request: 'id' must be a number or a string")
    return request_id, params


def result_envelope(request_id: Any, result: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "result": result}


def error_name(exc: BaseException) -> str:
    for klass in type(exc).__mro__:
        if klass in _ODOO_NAMES:
            return _ODOO_NAMES[klass]
    return f"{type(exc).__module__}.{type(exc).__name__}"


def error_envelope(request_id: Any, exc: BaseException, *, code: int = 200,
                   message: str = "Odoo Server Error", debug: bool = True) -> dict[str, Any]:
    """Odoo's error shape: ``data.message`` is mandatory (odoorpc), ``name``,
    ``arguments`` and ``debug`` are read by odooly."""
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    data = {
        "name": error_name(exc),
        "message": text,
        "arguments": [text],
        "context": {},
        "debug": "".join(traceback.format_exception(exc)) if debug else "",
    }
    return {"jsonrpc": "2.0", "id": request_id,
            "error": {"code": code, "message": message, "data": data}}
