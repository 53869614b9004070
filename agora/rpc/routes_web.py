"""The web client's JSON routes that API clients use too (odooly, odoorpc):
``/web/session/*``, ``/web/dataset/call_kw[/<model>/<method>]``, ``/web/dataset/call_button``
and ``/web/database/list``."""

from __future__ import annotations

from typing import Any

from agora.http.controllers import VERSION_INFO
from agora.http.request import HttpRequest
from agora.http.routing import Controller, route
from agora.http.sessions import Session
from agora.orm.environment import Environment
from agora.orm.exceptions import AccessDenied
from agora.rpc.dispatch import call_kw
from agora.rpc.errors import InvalidArgumentsError


def session_info(env: Environment, session: Session) -> dict[str, Any]:
    """What ``/web/session/authenticate`` answers: ``uid`` and ``user_context`` first
    (every client reads them), then the usual identity fields."""
    user = env.user.sudo()
    company = user.company_id
    return {
        "uid": user.id,
        "user_context": dict(session.context),
        "db": session.db,
        "username": user.login,
        "name": user.name,
        "partner_id": user.partner_id.id,
        "partner_display_name": user.partner_id.display_name,
        "company_id": company.id,
        "user_companies": {
            "current_company": company.id,
            "allowed_companies": {
                str(c.id): {"id": c.id, "name": c.name}
                for c in (user.company_ids | company)},
        },
        "is_system": user.has_group("base.group_system"),
        "is_admin": user.has_group("base.group_erp_manager"),
        **VERSION_INFO,
    }


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
        db, login, password = _text(params, "db"), _text(params, "login"), params.get("password")
        app = request.app
        previous = request.session_cookie

        def work(env: Environment) -> tuple[Session, dict[str, Any]]:
            uid = app.credentials.login(env, login, password)
            user_env = env(user=uid, su=False)
            context = user_env["res.users"].context_get()
            if previous is not None and previous[1] == db:  # a new login, a new token
                app.sessions.delete(env.cr, Session(*previous))
            session = app.sessions.create(env.cr, uid, login, context)
            return session, session_info(user_env, session)
        session, info = request.run_in_database(db, work)
        request.new_session = session
        return info

    @route("/web/session/get_session_info", type="json", auth="user")
    def get_session_info(self, request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
        return session_info(request.env, request.session)

    @route("/web/session/check", type="json", auth="user")
    def check(self, request: HttpRequest, params: dict[str, Any]) -> None:
        return None

    @route("/web/session/destroy", type="json", auth="none")
    def destroy(self, request: HttpRequest, params: dict[str, Any]) -> bool:
        cookie = request.session_cookie
        if cookie is not None:
            session = Session(*cookie)
            try:
                request.run_in_database(
                    cookie[1], lambda env: request.app.sessions.delete(env.cr, session))
            except LookupError:
                pass  # the database is gone: so is the session
        request.new_session = False
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
           auth="user")
    def call_kw(self, request: HttpRequest, params: dict[str, Any], path: str = "") -> Any:
        return call_kw(request.env, params.get("model"), params.get("method"),
                       params.get("args") or [], params.get("kwargs") or {}, ids_only=False)

    @route("/web/dataset/call_button", type="json", auth="user")
    def call_button(self, request: HttpRequest, params: dict[str, Any]) -> Any:
        result = call_kw(request.env, params.get("model"), params.get("method"),
                         params.get("args") or [], params.get("kwargs") or {})
        return False if result is None else result
