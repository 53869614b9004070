"""The WSGI application: routes from controllers, authentication, one transaction per
request, JSON-RPC framing, size limits, sessions and request logging.

Requests never take the server down: malformed bodies, unknown routes and errors inside
handlers all become clean responses (JSON-RPC errors for JSON routes)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from werkzeug.exceptions import BadRequest, HTTPException, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Response

from agora import metrics
from agora.db.cursor import Cursor, query_counter
from agora.db.manager import Databases, UnknownDatabaseError
from agora.db.pool import UnitOutcome
from agora.http.errors import http_error_response, json_response
from agora.http.jsonrpc import JsonRpcError, error_envelope, parse_request, result_envelope
from agora.http.last_writes import (
    WAL_COOKIE,
    WAL_COOKIE_LIFETIME,
    LastWrites,
    parse_wal_cookie,
    wal_cookie_value,
)
from agora.http.request import SESSION_COOKIE, HttpRequest, SessionExpired
from agora.http.routing import Controller, RouteInfo, collect_routes
from agora.http.security_headers import apply_security_headers
from agora.http.sessions import DEFAULT_LIFETIME, DEFAULT_MAX_AGE, Session, SessionStore
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.exceptions import AccessDenied, UserError
from agora.orm.models import module_of_python_module
from agora.rpc.marshal import to_wire
from agora.security.throttle import bound_client_address, client_address

_logger = logging.getLogger(__name__)
T = TypeVar("T")
_request_logger = logging.getLogger("agora.http.requests")

#: Largest request body accepted (JSON or XML-RPC); bigger ones get 413.
MAX_REQUEST_SIZE = 64 * 1024 * 1024
_UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
#: what a JSON-RPC body may be declared as when the request carries a session cookie
_JSON_TYPES = ("application/json", "application/json-rpc")


class NoDatabaseSelected(UserError):
    """A route needs a database and the request names none the server can choose."""


class Application:
    """``Application(controllers, databases=...)(environ, start_response)``.

    ``databases`` serves routes that need one (auth user/public/bearer); without it only
    ``auth='none'`` routes work. ``default_db`` is used when a request names no database
    (no session, no ``X-Odoo-Database`` header)."""

    def __init__(self, controllers: Iterable[type[Controller]] | None = None, *,
                 databases: Databases | None = None,
                 max_request_size: int = MAX_REQUEST_SIZE,
                 session_lifetime: int = DEFAULT_LIFETIME,
                 session_max_age: int = DEFAULT_MAX_AGE,
                 default_db: str | None = None, proxy_mode: bool = False,
                 list_db: bool = True) -> None:
        from agora.rpc.authentication import CredentialChecker

        self.databases = databases
        self.max_request_size = max_request_size
        self.sessions = SessionStore(session_lifetime, session_max_age)
        self.credentials = CredentialChecker()
        self.default_db = default_db
        self.proxy_mode = proxy_mode
        self.list_db = list_db
        self.last_writes = LastWrites()
        routes = collect_routes(list(controllers if controllers is not None
                                     else Controller.subclasses))
        self.endpoints: dict[str, tuple[RouteInfo, Any, Controller]] = {}
        #: endpoint -> the addon that defines it: served only where that addon is installed
        self.endpoint_addons: dict[str, str] = {}
        rules = []
        for index, (info, controller_class, name) in enumerate(routes):
            endpoint = f"{controller_class.__name__}.{name}.{index}"
            controller = controller_class()
            self.endpoints[endpoint] = (info, getattr(controller, name), controller)
            addon = _addon_of(controller_class)
            if addon is not None:
                self.endpoint_addons[endpoint] = addon
            for path in info.paths:
                rules.append(Rule(path, endpoint=endpoint, methods=info.methods))
        self.url_map = Map(rules)
        #: (path prefix, controller) whose routing errors the controller answers
        self.error_prefixes = sorted(
            {(prefix, controller) for _info, _handler, controller in self.endpoints.values()
             for prefix in type(controller).url_prefixes
             if hasattr(controller, "handle_error")}, key=lambda item: -len(item[0]))

    def run_as_superuser(self, db: str, work: Callable[[Environment], T], *,
                         readonly: bool = False, client_key: str | None = None) -> T:
        """``work(env)`` with a superuser environment on ``db``, in one transaction
        (replayed on conflicts), the registry loaded or refreshed as needed."""
        if self.databases is None:
            raise NoDatabaseSelected("this server serves no database")
        from agora.modules.registry_manager import registry_for

        def unit(cr: Cursor) -> T:
            return work(Environment(cr, SUPERUSER_ID, {}, registry=registry_for(cr)))
        return self.run_unit(db, unit, readonly=readonly, client_key=client_key)

    def run_unit(self, db: str, work: Callable[[Cursor], T], *, readonly: bool = False,
                 client_key: str | None = None, request: HttpRequest | None = None) -> T:
        """``work(cr)`` in one transaction on ``db``: a read-only unit on a replica that
        has replayed the caller's last write (``client_key``, and the request's WAL
        cookie), a write unit on the primary, remembering where its commit reached."""
        assert self.databases is not None
        min_lsn = self.last_writes.get(client_key)
        if request is not None:
            min_lsn = max(min_lsn, parse_wal_cookie(request.cookies.get(WAL_COOKIE)))
        outcome = UnitOutcome()
        try:
            return self.databases.run(db, work, readonly=readonly, min_lsn=min_lsn,
                                      outcome=outcome)
        finally:
            if outcome.commit_lsn is not None:
                self.last_writes.note(client_key, outcome.commit_lsn)
                if request is not None:
                    request.wal_lsn = outcome.commit_lsn
                    self.last_writes.note(_session_key(request), outcome.commit_lsn)

    def served_databases(self) -> list[str]:
        """The databases this server serves (``db.list``, ``/web/database/list``)."""
        return self.databases.served() if self.databases is not None else []

    # -- WSGI -----------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        counter = [0]
        token = query_counter.set(counter)
        start = time.perf_counter()
        request = HttpRequest(environ)
        request.app = self
        request.max_content_length = self.max_request_size
        try:
            # the address failed logins are counted against (brute-force protection)
            with bound_client_address(client_address(environ, self.proxy_mode)):
                response = self.dispatch(request)
        finally:
            query_counter.reset(token)
        apply_security_headers(request, response)
        elapsed = time.perf_counter() - start
        _request_logger.info("%s %s %s %.1fms %dq", request.method, request.path,
                             response.status_code, elapsed * 1000, counter[0])
        metrics.record_request(request.method, request.route_label, response.status_code,
                               elapsed, counter[0])
        return response(environ, start_response)

    def dispatch(self, request: HttpRequest) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            rule, arguments = adapter.match(return_rule=True)
        except HTTPException as exc:
            for prefix, controller in self.error_prefixes:
                if request.path.startswith(prefix):
                    return controller.handle_error(request, exc)
            return exc.get_response()
        endpoint = rule.endpoint
        request.route_label = rule.rule
        request.route_arguments = arguments
        info, handler, controller = self.endpoints[endpoint]
        request.addon = self.endpoint_addons.get(endpoint)
        if info.type == "json":
            response = self._dispatch_json(request, info, handler, arguments)
        else:
            response = self._dispatch_http(request, info, handler, controller, arguments)
        self._send_session_cookie(request, response)
        self._touch_session(request)
        return response

    def _dispatch_http(self, request: HttpRequest, info: RouteInfo, handler: Any,
                       controller: Controller, arguments: dict[str, Any]) -> Response:
        try:
            result = self._run(request, info, lambda: handler(request, **arguments))
        except Exception as exc:  # reported to the client, the server keeps serving
            custom = getattr(controller, "handle_error", None)
            response = custom(request, exc) if custom else None
            return response if response is not None else http_error_response(request, exc)
        return result if isinstance(result, Response) else Response(result)

    def _dispatch_json(self, request: HttpRequest, info: RouteInfo, handler: Any,
                       arguments: dict[str, Any]) -> Response:
        request_id = None
        if request.method == "POST" and request.session_cookie is not None \
                and request.mimetype not in _JSON_TYPES:
            # No CSRF token here (scripts call these routes): a cross-site page can make
            # the browser post with the cookie, but only as a form or text, never as JSON
            # without a CORS preflight (never granted). Cookie-less callers are not at risk.
            payload = error_envelope(None, JsonRpcError(
                "requests that carry a session cookie must have the content type "
                "application/json"), code=415, debug=False)
            return json_response(payload, status=415)
        try:
            request_id, params = parse_request(request.get_data(cache=True))
            request.params = params
            result = self._run(request, info, lambda: to_wire(
                handler(request, params, **arguments), none=None))
            payload = result_envelope(request_id, result)
        except RequestEntityTooLarge as exc:
            payload = error_envelope(request_id, JsonRpcError(
                f"request body larger than {self.max_request_size} bytes"), debug=False)
            return json_response(payload, status=exc.code or 413)
        except SessionExpired as exc:
            payload = error_envelope(request_id, exc, code=100, message="Odoo Session Expired")
            payload["error"]["data"]["name"] = "odoo.http.SessionExpiredException"
            request.new_session = False if request.session_cookie else request.new_session
        except NotFound as exc:
            payload = error_envelope(request_id, exc, code=404, message="404: Not Found")
        except Exception as exc:  # reported to the client, the server keeps serving
            if not isinstance(exc, JsonRpcError | UserError | UnknownDatabaseError):
                _logger.exception("error in %s", request.path)
            payload = error_envelope(request_id, exc, code=getattr(exc, "code", 200)
                                     if isinstance(exc, JsonRpcError) else 200)
        return json_response(payload)

    # -- authentication and transaction ---------------------------------------------------------
    def _run(self, request: HttpRequest, info: RouteInfo, call: Callable[[], Any]) -> Any:
        """Run the handler as the route's ``auth`` says: ``none`` as is; otherwise inside
        one transaction on the request's database with ``request.env`` set."""
        if info.auth == "none":
            self._check_csrf(request, info)
            return call()
        db = self._database_for(request, info)
        if db is None:  # a public route with no database to serve: no env
            self._check_csrf(request, info)
            return call()
        if self.databases is None:
            raise NoDatabaseSelected("this server serves no database")
        from agora.modules.registry_manager import registry_for

        def work(cr: Cursor) -> Any:
            registry = registry_for(cr)
            if request.addon is not None and request.addon not in getattr(
                    registry, "modules", ()):
                raise NotFound()  # the route's addon is not installed in this database
            request.db = db
            request.session = None
            uid, context = self._authenticate(request, info, cr)
            request.env = None if uid is None else Environment(cr, uid, context,
                                                                registry=registry)
            self._check_csrf(request, info)  # after authentication: 401 before 400
            return call()
        request.db = db
        readonly = info.readonly(request) if callable(info.readonly) else info.readonly
        try:
            return self.run_unit(db, work, readonly=bool(readonly),
                                 client_key=self._client_key(request), request=request)
        finally:
            request.env = None

    def _client_key(self, request: HttpRequest) -> str | None:
        """Whom read-your-writes follows for this request: its session, else its API
        key (the session is also followed by cookie, across processes)."""
        session_key = _session_key(request)
        if session_key is not None:
            return session_key
        token = self._bearer_token(request)
        return f"key:{token}" if token is not None else None

    def _bearer_token(self, request: HttpRequest) -> str | None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def _database_for(self, request: HttpRequest, info: RouteInfo) -> str | None:
        cookie = request.session_cookie
        named = request.headers.get("X-Odoo-Database") or request.args.get("db")
        if info.auth == "bearer" and self._bearer_token(request) is not None:
            db = named or self.default_db or self._only_database()
            if not db:
                raise NoDatabaseSelected("name the database in the X-Odoo-Database header")
            return db
        if cookie is not None:
            return cookie[1]
        if info.auth == "public":
            return named or self.default_db
        raise SessionExpired()

    def _only_database(self) -> str | None:
        names = self.served_databases()
        return names[0] if len(names) == 1 else None

    def _authenticate(self, request: HttpRequest, info: RouteInfo,
                      cr: Cursor) -> tuple[int | None, dict[str, Any]]:
        """``(uid, context)`` of the caller; raises when the route needs more."""
        token = self._bearer_token(request) if info.auth == "bearer" else None
        if token is not None:
            env = Environment(cr, SUPERUSER_ID, {})
            uid = self.credentials.check_api_key(env, token)
            if uid is None:
                raise AccessDenied("invalid API key")
            return uid, {}
        cookie = request.session_cookie
        session = self.sessions.get(cr, cookie[0]) if cookie else None
        if session is not None:
            request.session = session
            if session.uid is not None:
                return session.uid, dict(session.context)
        if info.auth == "public":
            public = Environment(cr, SUPERUSER_ID, {}).ref("base.public_user",
                                                          raise_if_not_found=False)
            return (public.id if public else None), {}
        raise SessionExpired()

    def _check_csrf(self, request: HttpRequest, info: RouteInfo) -> None:
        """Form posts must carry the token of the session in the cookie: a third-party
        site can make the browser send the cookie, but cannot read it to build a token."""
        if not info.csrf or info.type != "http" or request.method not in _UNSAFE_METHODS:
            return
        candidate = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
        cookie = request.session_cookie
        if cookie is None or not Session(*cookie).check_csrf(candidate):
            raise BadRequest("Session expired (invalid CSRF token)")

    def _touch_session(self, request: HttpRequest) -> None:
        """Extend the idle expiry of a session its read-only request could not (at most
        once per ``touch_interval``); a failure here must not fail the request."""
        session = request.session
        if session is None or not session.touch_pending or self.databases is None:
            return
        try:
            self.databases.run(session.db, lambda cr: self.sessions.touch(cr, session.token))
        except Exception:  # the session lives on until its current expiry
            _logger.warning("could not extend session expiry on %s", session.db, exc_info=True)

    def _send_session_cookie(self, request: HttpRequest, response: Response) -> None:
        if request.wal_lsn and (request.session_cookie or isinstance(request.new_session,
                                                                     Session)):
            response.set_cookie(WAL_COOKIE, wal_cookie_value(request.wal_lsn),
                                max_age=WAL_COOKIE_LIFETIME, httponly=True,
                                secure=request.is_secure_transport, samesite="Lax")
        if isinstance(request.new_session, Session):
            response.set_cookie(SESSION_COOKIE, request.new_session.cookie_value,
                                max_age=self.sessions.cookie_max_age, httponly=True,
                                secure=request.is_secure_transport, samesite="Lax")
        elif request.new_session is False:
            response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="Lax")


def _session_key(request: HttpRequest) -> str | None:
    if isinstance(request.new_session, Session):
        return f"session:{request.new_session.token}"
    cookie = request.session_cookie
    return f"session:{cookie[0]}" if cookie is not None else None


def _addon_of(controller_class: type) -> str | None:
    """The addon a controller class belongs to (None for the framework's own)."""
    python_module = controller_class.__module__
    addon = module_of_python_module(python_module)
    return None if addon == python_module else addon
