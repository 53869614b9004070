"""The WSGI application: routes from controllers, JSON-RPC framing, size limits.

Requests never take the server down: malformed bodies, unknown routes and errors inside
handlers all become clean responses (JSON-RPC errors for JSON routes)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from agora.http.jsonrpc import JsonRpcError, error_envelope, parse_request, result_envelope
from agora.http.routing import Controller, RouteInfo, collect_routes
from agora.orm.exceptions import UserError

_logger = logging.getLogger(__name__)

#: Largest request body accepted (JSON or XML-RPC); bigger ones get 413.
MAX_REQUEST_SIZE = 64 * 1024 * 1024


class Application:
    """``Application()(environ, start_response)``; controllers are collected once."""

    def __init__(self, controllers: Iterable[type[Controller]] | None = None,
                 max_request_size: int = MAX_REQUEST_SIZE) -> None:
        self.max_request_size = max_request_size
        routes = collect_routes(list(controllers if controllers is not None
                                     else Controller.subclasses))
        self.endpoints: dict[str, tuple[RouteInfo, Any]] = {}
        rules = []
        for index, (info, controller, name) in enumerate(routes):
            endpoint = f"{controller.__name__}.{name}.{index}"
            self.endpoints[endpoint] = (info, getattr(controller(), name))
            for path in info.paths:
                rules.append(Rule(path, endpoint=endpoint, methods=info.methods))
        self.url_map = Map(rules)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = self.max_request_size
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, arguments = adapter.match()
        except HTTPException as exc:
            return exc.get_response()
        info, handler = self.endpoints[endpoint]
        if info.type == "json":
            return self._dispatch_json(request, handler, arguments)
        try:
            result = handler(request, **arguments)
        except HTTPException as exc:
            return exc.get_response()
        except Exception:
            _logger.exception("error in %s", request.path)
            return Response("Internal Server Error", status=500, mimetype="text/plain")
        return result if isinstance(result, Response) else Response(result)

    def _dispatch_json(self, request: Request, handler: Any,
                       arguments: dict[str, Any]) -> Response:
        request_id = None
        try:
            request_id, params = parse_request(request.get_data(cache=False))
            payload = result_envelope(request_id, handler(request, params, **arguments))
        except RequestEntityTooLarge as exc:
            payload = error_envelope(request_id, JsonRpcError(
                f"request body larger than {self.max_request_size} bytes"), debug=False)
            return _json_response(payload, status=exc.code)
        except NotFound as exc:
            payload = error_envelope(request_id, exc, code=404, message="404: Not Found")
        except Exception as exc:  # reported to the client, the server keeps serving
            if not isinstance(exc, JsonRpcError | UserError):
                _logger.exception("error in %s", request.path)
            payload = error_envelope(request_id, exc, code=getattr(exc, "code", 200)
                                     if isinstance(exc, JsonRpcError) else 200)
        return _json_response(payload)


def _json_response(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(payload, default=str), status=status,
                    mimetype="application/json")
