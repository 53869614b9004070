"""The web client's JSON routes that API clients use too (odooly, odoorpc):
``/web/session/*``, ``/web/dataset/call_kw[/<model>/<method>]``, ``/web/dataset/call_button``
and ``/web/database/list``."""

from __future__ import annotations

from typing import Any

from agora.http.login import (
    SECOND_FACTOR_URL,
    close_session,
    finish_second_factor,
    open_session,
    session_info,
)
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
        """Session info; for a user with 2FA ``{"uid": null, "second_factor": "totp",
        "second_factor_url": "/web/session/totp", ...}`` and a session that awaits the
        code. ``trusted_device_token`` (optional): a token ``/web/session/totp`` gave,
        which skips the code while it lasts (browsers send the cookie instead)."""
        db, login = _text(params, "db"), _text(params, "login")
        token = params.get("trusted_device_token")
        return open_session(request, db, login, params.get("password"),
                            device_token=token if isinstance(token, str) else None)[1]

    @route(SECOND_FACTOR_URL, type="json", auth="none")
    def second_factor(self, request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
        """The second step of a 2FA login: ``code`` (a TOTP or recovery code) and
        ``trust_device`` (bool) -> session info of a new session, plus
        ``trusted_device_token`` and ``trusted_device_days`` when a trust was asked.
        ``passkey`` in place of ``code``: the browser's answer to
        ``/web/session/passkey/second_factor/options``."""
        passkey = params.get("passkey")
        _session, info, device = finish_second_factor(
            request, passkey if isinstance(passkey, dict) else params.get("code"),
            trust_device=params.get("trust_device") is True)
        if device is not None:
            info = {**info, "trusted_device_token": device[0], "trusted_device_days": device[1]}
        return info

    @route("/web/session/totp/confirm", type="json", auth="user")
    def totp_confirm(self, request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
        """``res.users.totp_confirm(code)`` for oneself, keeping this session alive (a 2FA
        change ends every other session of the user)."""
        env = request.env
        result = env["res.users"].browse(env.uid).totp_confirm(params.get("code"))
        request.app.sessions.refresh_fingerprint(env.cr, request.session)
        return result

    @route("/web/session/totp/disable", type="json", auth="user")
    def totp_disable(self, request: HttpRequest, params: dict[str, Any]) -> bool:
        """``res.users.totp_disable(credential)`` for oneself, keeping this session."""
        env = request.env
        result = env["res.users"].browse(env.uid).totp_disable(params.get("credential"))
        request.app.sessions.refresh_fingerprint(env.cr, request.session)
        return result

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
