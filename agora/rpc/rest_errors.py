"""What JSON-2 and REST have in common: JSON request bodies, JSON responses, and errors
as HTTP statuses with the body ``{name, message, arguments, context, debug}``.

Statuses (API_SURFACE.md, JSON-2): 401 bad or missing credentials (with
``WWW-Authenticate: bearer``), 403 AccessError, 404 unknown model/method or MissingError,
422 argument mismatch or UserError, 400 a body that is not a JSON object. Anything else
is a 500, logged with its traceback.
"""

from __future__ import annotations

import json
import logging
import traceback
from typing import Any

import psycopg
from werkzeug.exceptions import BadRequest, HTTPException, UnsupportedMediaType
from werkzeug.wrappers import Response

from agora.db.manager import UnknownDatabaseError
from agora.db.transaction import TransactionRetryExhausted
from agora.http.application import NoDatabaseSelected
from agora.http.jsonrpc import error_name
from agora.http.request import HttpRequest, SessionExpired
from agora.http.routing import Controller
from agora.orm import exceptions
from agora.rpc.errors import UnknownMethodError, UnknownModelError

_logger = logging.getLogger(__name__)

#: typed errors and their status, most specific first
_STATUS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], int], ...] = (
    ((SessionExpired, exceptions.AccessDenied), 401),
    (exceptions.AccessError, 403),
    ((exceptions.MissingError, UnknownModelError, UnknownMethodError, UnknownDatabaseError),
     404),
    (NoDatabaseSelected, 400),
    (exceptions.UserError, 422),
    # PostgreSQL refused a value (SQLSTATE class 22: out of range, NUL in text...): the
    # caller's data, which the ORM should have refused first (logged as such below)
    (psycopg.DataError, 422),
    (TransactionRetryExhausted, 503),
)


def error_status(request: HttpRequest, exc: BaseException) -> int:
    if isinstance(exc, HTTPException):
        return exc.code or 500
    for klass, status in _STATUS:
        if isinstance(exc, klass):
            return status
    return 500


def error_body(exc: BaseException, context: dict[str, Any] | None, *, debug: bool
               ) -> dict[str, Any]:
    if isinstance(exc, HTTPException):
        message = exc.description or exc.name
    else:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return {
        "name": error_name(exc),
        "message": message,
        "arguments": [message],
        "context": context or {},
        "debug": "".join(traceback.format_exception(exc)) if debug else "",
    }


def json_reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None
               ) -> Response:
    # allow_nan=False: NaN is not JSON; the ORM never stores it, so this would be a bug
    return Response(json.dumps(payload, allow_nan=False), status=status, headers=headers,
                    mimetype="application/json")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_object(request: HttpRequest, *, required: bool = False) -> dict[str, Any]:
    """The request body as a JSON object; 400 otherwise. An empty body is ``{}`` unless
    the operation needs one (a create or update without values is a client mistake)."""
    data = request.get_data(cache=True)  # 413 beyond the application's size limit
    if not data.strip():
        if required:
            raise BadRequest("The request needs a JSON object body")
        return {}
    try:
        payload = json.loads(data, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadRequest(f"Invalid JSON body: {exc}") from None
    if not isinstance(payload, dict):
        raise BadRequest(f"The request body must be a JSON object, not {type(payload).__name__}")
    return payload


def check_session_request(request: HttpRequest) -> None:
    """Routes here have no CSRF token (scripts call them), so a POST authenticated by
    the session cookie must be JSON: a cross-site page can make the browser POST with
    the cookie, but not with a JSON content type, nor send PATCH or DELETE at all (those
    take a CORS preflight, which we never grant). Bearer callers are not affected: a
    third party cannot attach their key."""
    if request.session is not None and request.method == "POST" \
            and request.mimetype != "application/json":
        raise UnsupportedMediaType(
            "Requests authenticated by the session cookie must have the content type "
            "application/json")


class ApiController(Controller):
    """Base of the JSON-2 and REST controllers: every error becomes a JSON error body
    with its HTTP status (the application calls ``handle_error`` for any exception of
    these routes, authentication failures included, and for routing errors under
    ``url_prefixes``)."""

    url_prefixes = ("/json/2/", "/api/v1/")

    def handle_error(self, request: HttpRequest, exc: BaseException) -> Response:
        status = error_status(request, exc)
        if status >= 500:
            _logger.error("error in %s %s", request.method, request.path, exc_info=exc)
        elif isinstance(exc, psycopg.DataError):
            _logger.warning("invalid data reached the database in %s %s", request.method,
                            request.path, exc_info=exc)
        # a traceback helps with errors raised by model code; authentication and
        # malformed requests are explained by their message alone
        debug = status not in (401, 413) and not isinstance(exc, HTTPException)
        context = getattr(request, "api_context", None)
        headers = {"WWW-Authenticate": "bearer"} if status == 401 else None
        return json_reply(error_body(exc, context, debug=debug), status, headers)
