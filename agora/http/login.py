"""Opening and closing sessions: shared by ``/web/session/authenticate`` (JSON clients)
and the web client's login form, so both check credentials and rotate tokens alike.

Two-factor (TOTP) logins take two steps. When the password is right but the user has 2FA
on (and the password was not one of their API keys, and the browser is not one of their
trusted devices), :func:`open_session` starts a session that is *not logged in* (uid
None) and answers ``{"uid": None, "second_factor": "totp", ...}``; the user is known only
to ``res_users_totp_login``, keyed by that session's token, for five minutes and five
wrong codes. :func:`finish_second_factor` takes the code (or a recovery code), deletes
that session and opens the real one (a new token).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agora.http.controllers import VERSION_INFO
from agora.http.request import HttpRequest
from agora.http.sessions import Session
from agora.orm.environment import Environment
from agora.orm.exceptions import AccessDenied
from agora.security import audit

if TYPE_CHECKING:
    from agora.http.application import Application


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


#: the cookie of a browser a 2FA user chose to trust (value: a random token whose
#: SHA-256 is in ``res_users_totp_device``)
TRUSTED_DEVICE_COOKIE = "agora_trusted_device"
#: where JSON clients send the code
SECOND_FACTOR_URL = "/web/session/totp"


def open_session(request: HttpRequest, db: str, login: Any, password: Any, *,
                 device_token: str | None = None) -> tuple[Session, dict[str, Any]]:
    """Check ``login``/``password`` on ``db`` and start a new session (a new token even
    when the browser had one: the old one is deleted). Sets the cookie to send. Raises
    AccessDenied on wrong credentials, LookupError for a database not served.

    For a user whose second factor is still needed the session is not logged in and the
    answer is :func:`pending_info` (``uid`` None, ``second_factor``: ``"totp"``).
    ``device_token``: a trusted-device token (default: the browser's cookie)."""
    app = request.app
    previous = request.session_cookie
    if device_token is None:
        device_token = request.cookies.get(TRUSTED_DEVICE_COOKIE)

    def work(env: Environment) -> tuple[Session, dict[str, Any]]:
        uid = app.credentials.login(env, login, password, second_factor=True)
        if previous is not None and previous[1] == db:
            app.sessions.delete(env.cr, Session(*previous))
        user = env["res.users"].browse(uid)
        if user._totp_login_required(password, device_token):
            return _start_pending(env, app, db, user)
        return _start_logged_in(env, app, uid, login)

    session, info = request.run_in_database(db, work)
    request.new_session = session
    return session, info


def open_verified_session(request: HttpRequest, db: str, uid: int, *, method: str,
                          second_factor_done: bool = False,
                          ) -> tuple[Session, dict[str, Any]]:
    """Start a session for ``uid``, whose identity something other than a password
    proved (a passkey, an OpenID Connect provider...): the browser's old session is
    deleted, the login is audited with ``method``. A user with 2FA still gets the second
    step (a pending session, as :func:`open_session`) unless ``second_factor_done`` (a
    passkey with user verification is two factors in one). Raises AccessDenied for a
    user that does not exist or is archived."""
    app = request.app
    previous = request.session_cookie
    device_token = request.cookies.get(TRUSTED_DEVICE_COOKIE)

    def work(env: Environment) -> tuple[Session, dict[str, Any]]:
        user = env["res.users"].sudo().with_context(active_test=False).browse(uid)
        if not user.exists() or not user.active:
            raise AccessDenied()
        if previous is not None and previous[1] == db:
            app.sessions.delete(env.cr, Session(*previous))
        if not second_factor_done and user._totp_enabled_ids([uid]) \
                and not user._totp_device_trusted(device_token):
            return _start_pending(env, app, db, user)
        audit.log_security_event(env.cr, audit.LOGIN, uid=uid, login=user.login,
                                 details={"method": method})
        return _start_logged_in(env, app, uid, user.login)

    session, info = request.run_in_database(db, work)
    request.new_session = session
    return session, info


def _start_pending(env: Environment, app: Application, db: str, user: Any
                   ) -> tuple[Session, dict[str, Any]]:
    """A session not logged in, awaiting ``user``'s second factor, and its answer."""
    session = app.sessions.create(env.cr, None, None, {})
    user._totp_login_begin(session.token)
    return session, pending_info(db, user.login, user._totp_trusted_device_days(),
                                 passkey=_has_passkey(env, user.id))


def _start_logged_in(env: Environment, app: Application, uid: int, login: str
                     ) -> tuple[Session, dict[str, Any]]:
    """The session of ``uid`` (with their context) and its session info."""
    user_env = env(user=uid, su=False)
    session = app.sessions.create(env.cr, uid, login, user_env["res.users"].context_get())
    return session, session_info(user_env, session)


def pending_info(db: str, login: str, trusted_device_days: int, *, passkey: bool = False
                 ) -> dict[str, Any]:
    """The answer to a right password when a code is still needed (``uid`` None, as
    Odoo answers a login that awaits its second factor). ``second_factor_methods``:
    ``"totp"`` (a code or a recovery code), and ``"passkey"`` when the user has one
    (its options: ``PASSKEY_SECOND_FACTOR_URL``; the answer goes to
    ``second_factor_url`` as ``passkey``)."""
    return {"uid": None, "db": db, "username": login, "second_factor": "totp",
            "second_factor_url": SECOND_FACTOR_URL,
            "second_factor_methods": ["totp", "passkey"] if passkey else ["totp"],
            "trusted_device_days": trusted_device_days}


def _has_passkey(env: Environment, uid: int) -> bool:
    return "res.users.passkey" in env and bool(env["res.users.passkey"]._passkey_count(uid))


def finish_second_factor(request: HttpRequest, code: Any, *, trust_device: bool = False
                         ) -> tuple[Session, dict[str, Any], tuple[str, int] | None]:
    """Complete the login pending on the browser's session with ``code`` (a TOTP code
    or a recovery code): ``(session, session_info, trusted device)``, the last being
    ``(token, days)`` when ``trust_device`` was asked (and the setting allows it).

    A wrong code raises AccessDenied saying how many attempts are left (the count is
    kept: the unit commits before the error); with none left, past the deadline or
    without a pending login it raises AccessDenied asking for the password again and
    clears the session cookie."""
    app = request.app
    cookie = request.session_cookie
    if cookie is None:
        raise AccessDenied("No login is waiting for a code: log in with your password.")
    token, db = cookie

    def work(env: Environment) -> tuple[Any, ...]:
        pending = app.sessions.get(env.cr, token)
        if pending is None or pending.uid is not None:
            return ("none",)
        status, uid, left = env["res.users"]._totp_login_finish(token, code)
        if status != "ok":
            return status, left
        app.sessions.delete(env.cr, pending)
        user = env["res.users"].browse(uid)
        device = user._totp_trust_device(request.user_agent.string) if trust_device else None
        return ("ok", *_start_logged_in(env, app, uid, user.login), device)

    try:
        outcome = request.run_in_database(db, work)
    except LookupError:
        outcome = ("none",)
    if outcome[0] == "ok":
        request.new_session = outcome[1]
        return outcome[1], outcome[2], outcome[3]
    if outcome[0] == "wrong":
        raise AccessDenied(f"Invalid authentication code ({outcome[1]} attempt"
                           f"{'s' if outcome[1] != 1 else ''} left).")
    if outcome[0] == "locked":
        raise AccessDenied("Too many wrong codes for this account: wait a few minutes, then "
                           "try again.")
    request.new_session = False
    raise AccessDenied("Your login expired or had too many wrong codes: log in with your "
                       "password again.")


def close_session(request: HttpRequest) -> None:
    """Delete the browser's session (if any) and clear its cookie."""
    cookie = request.session_cookie
    if cookie is not None:
        session = Session(*cookie)

        def end(env: Environment) -> None:
            live = request.app.sessions.get(env.cr, session.token)
            if live is not None and live.uid is not None:
                audit.log_security_event(env.cr, audit.LOGOUT, uid=live.uid,
                                         login=live.login)
            request.app.sessions.delete(env.cr, session)
        try:
            request.run_in_database(cookie[1], end)
        except LookupError:
            pass  # the database is gone: so is the session
        # Cleared only when the request brought it: a cross-site post (which SameSite
        # strips of the cookie) must not make the browser drop it and log the user out.
        request.new_session = False
