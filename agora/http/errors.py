"""Error responses for plain HTTP routes (JSON routes answer with JSON-RPC errors)."""

from __future__ import annotations

import json
import logging
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from agora.orm import exceptions

_logger = logging.getLogger(__name__)

#: Typed errors and the HTTP status they mean, most specific first.
STATUS_OF_ERROR: tuple[tuple[type[BaseException], int], ...] = (
    (exceptions.AccessDenied, 401),
    (exceptions.AccessError, 403),
    (exceptions.MissingError, 404),
    (LookupError, 404),  # unknown database
    (exceptions.UserError, 400),
)


def status_of(exc: BaseException, default: int = 500) -> int:
    from agora.http.request import SessionExpired
    if isinstance(exc, SessionExpired):
        return 401
    for klass, status in STATUS_OF_ERROR:
        if isinstance(exc, klass):
            return status
    return default


def http_error_response(request: Request, exc: BaseException) -> Response:
    """A plain-text response for an error raised by an HTTP route; only unexpected
    errors are logged with their traceback (and never shown to the client)."""
    if isinstance(exc, HTTPException):
        return exc.get_response()
    status = status_of(exc)
    if status == 500:
        _logger.exception("error in %s", request.path, exc_info=exc)
        return Response("Internal Server Error", status=500, mimetype="text/plain")
    return Response(str(exc), status=status, mimetype="text/plain")


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None
                  ) -> Response:
    return Response(json.dumps(payload, default=str), status=status, headers=headers,
                    mimetype="application/json")
