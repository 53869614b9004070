"""Passkey routes (WebAuthn) of the web session, JSON like ``/web/session/*``.

Each ceremony takes two calls: ``.../options`` answers the options for
``navigator.credentials.create/get`` (and remembers the challenge), the second call
takes the browser's answer (``credential.toJSON()``):

- register (logged in, the password confirmed): ``/web/session/passkey/register/options``
  with ``password``, then
  ``/web/session/passkey/register`` with ``credential`` and ``name``;
- passwordless login: ``/web/session/passkey/login/options`` (``db``), then
  ``/web/session/passkey/login`` (``db``, ``credential``) -> session info;
- second step of a password login of a 2FA user:
  ``/web/session/passkey/second_factor/options``, then ``/web/session/totp`` with
  ``passkey`` (the pending login is the session in the cookie).

Renaming and removing are plain ORM calls on ``res.users.passkey`` (``write`` of
``name``, ``unlink``).
"""

from __future__ import annotations

import json
from typing import Any

from agora.http.login import open_verified_session
from agora.http.request import HttpRequest
from agora.http.routing import Controller, route
from agora.orm.environment import Environment
from agora.orm.exceptions import AccessDenied
from agora.security import totp
from agora.security.passkeys import PasskeyError, RelyingParty

PREFIX = "/web/session/passkey"


def relying_party(request: HttpRequest) -> RelyingParty:
    """The site as the browser sees it: behind a proxy (``proxy_mode``) its forwarded
    host and scheme."""
    host = request.host
    if request.app.proxy_mode:
        host = (request.headers.get("X-Forwarded-Host") or host).split(",")[0].strip()
    scheme = "https" if request.is_secure_transport else "http"
    if host.startswith("["):  # an IPv6 address: browsers refuse it as an id anyway
        name = host[: host.find("]") + 1]
    else:
        name = host.rsplit(":", 1)[0]  # without the port, if any
    return RelyingParty(id=name.lower(), origin=f"{scheme}://{host.lower()}")


def _database(request: HttpRequest, params: dict[str, Any]) -> str:
    db = params.get("db")
    served = request.app.served_databases()
    if db is None:
        db = request.app.default_db or (served[0] if len(served) == 1 else None)
    if not isinstance(db, str) or db not in served:
        raise PasskeyError("Choose a database served here.")
    return db


class PasskeyRoutes(Controller):
    @route(f"{PREFIX}/register/options", type="json", auth="user")
    def register_options(self, request: HttpRequest, params: dict[str, Any]
                         ) -> dict[str, Any]:
        """``password``: the user's password. A passkey logs in on its own, for good: a
        stolen session must not be able to add one."""
        env = request.env
        env["res.users"].sudo().browse(env.uid)._check_identity(params.get("password"))
        options = env["res.users.passkey"].sudo()._passkey_challenge(
            "register", relying_party(request), env.uid)
        return json.loads(options)

    @route(f"{PREFIX}/register", type="json", auth="user")
    def register(self, request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
        env = request.env
        key = env["res.users.passkey"].sudo()._passkey_register(
            env.uid, params.get("credential"), params.get("name"))
        return {"id": key.id, "name": key.name}

    @route(f"{PREFIX}/login/options", type="json", auth="none")
    def login_options(self, request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
        rp = relying_party(request)
        options = request.run_in_database(
            _database(request, params),
            lambda env: env["res.users.passkey"]._passkey_challenge("login", rp, None))
        return json.loads(options)

    @route(f"{PREFIX}/login", type="json", auth="none")
    def login(self, request: HttpRequest, params: dict[str, Any]) -> dict[str, Any]:
        """Passwordless: the passkey (user-verified) is both factors."""
        db = _database(request, params)
        credential = params.get("credential")
        uid = request.run_in_database(
            db, lambda env: env["res.users.passkey"]._passkey_authenticate(credential,
                                                                           "login"))
        return open_verified_session(request, db, uid, method="passkey",
                                     second_factor_done=True)[1]

    @route(f"{PREFIX}/second_factor/options", type="json", auth="none")
    def second_factor_options(self, request: HttpRequest, params: dict[str, Any]
                              ) -> dict[str, Any]:
        cookie = request.session_cookie
        if cookie is None:
            raise AccessDenied("No login is waiting for a second factor: log in with your "
                               "password.")
        token, db = cookie
        rp = relying_party(request)

        def work(env: Environment) -> str:
            uid = env["res.users"]._totp_pending_user(totp.digest(token))
            if uid is None:
                raise AccessDenied("Your login expired: log in with your password again.")
            return env["res.users.passkey"]._passkey_challenge("second_factor", rp, uid)
        try:
            options = request.run_in_database(db, work)
        except LookupError:
            raise AccessDenied("No login is waiting for a second factor: log in with your "
                               "password.") from None
        return json.loads(options)
