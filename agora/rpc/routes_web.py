"""The web client's JSON routes that API clients use too (odooly, odoorpc):
``/web/session/*``, ``/web/dataset/call_kw[/<model>/<method>]``, ``/web/dataset/call_button``
and ``/web/database/list``."""

from __future__ import annotations

from typing import Any

from agora.http.login import close_session, open_session, session_info
from agora.http.request import HttpRequest
from agora.http.routing import Controller, route
from agora.orm.exceptions import AccessDenied
from agora.rpc.dispatch import call_kw, is_readonly
from agora.rpc.errors import InvalidArgumentsError


def _text(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidArgumentsError(f"'{name}' must be a non-empty string")
    return value


class WebSessionRoutes(Controller):
    @route("/web/database/list", type="json", auth="none")
    def database_list(self, request: HttpRequest, params: dict[str, Any]) -> list[str]:
        if not request.app.list_db:
            raise AccessDenied("the database list is not public on this server")
        return request.app.served_databases()

    @route("/web/session/authenticate", type="json", auth="none")
    def authenticate(self, request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
        db, login = _text(params, "db"), _text(params, "login")
        return open_session(request, db, login, params.get("password"))[1]

    @route("/web/session/get_session_info", type="json", auth="user", readonly=True)
    def get_session_info(self, request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
        return session_info(request.env, request.session)

    @route("/web/session/check", type="json", auth="user", readonly=True)
    def check(self, request: HttpRequest, params: dict[str, Any]) -> None:
        return None

    @route("/web/session/destroy", type="json", auth="none")
    def destroy(self, request: HttpRequest, params: dict[str, Any]) -> bool:
        close_session(request)
        return True

    @route("/web/session/change_password", type="json", auth="user")
    def change_password(self, request: HttpRequest, params: dict[str, Any]) -> bool:
        """Change one's own password; every other session of the user ends, this one
        stays valid."""
        old, new = _text(params, "old_password"), _text(params, "new_password")
        env = request.env
        user = env["res.users"].sudo().browse(env.uid)
        user._check_credentials(old)
        user.write({"password": new})
        request.app.sessions.refresh_fingerprint(env.cr, request.session)
        return True


class DatasetRoutes(Controller):
    @route(["/web/dataset/call_kw", "/web/dataset/call_kw/<path:path>"], type="json",
           auth="user", readonly=lambda request: is_readonly(
               (request.params or {}).get("method"), (request.params or {}).get("model"),
               request.db))
    def call_kw(self, request: HttpRequest, params: dict[str, Any], path: str = "") -> Any:
        return call_kw(request.env, params.get("model"), params.get("method"),
                       params.get("args") or [], params.get("kwargs") or {}, ids_only=False)

    @route("/web/dataset/call_button", type="json", auth="user")
    def call_button(self, request: HttpRequest, params: dict[str, Any]) -> Any:
        result = call_kw(request.env, params.get("model"), params.get("method"),
                         params.get("args") or [], params.get("kwargs") or {})
        return False if result is None else result
