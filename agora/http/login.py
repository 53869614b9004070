"""Opening and closing sessions: shared by ``/web/session/authenticate`` (JSON clients)
and the web client's login form, so both check credentials and rotate tokens alike."""

from __future__ import annotations

from typing import Any

from agora.http.controllers import VERSION_INFO
from agora.http.request import HttpRequest
from agora.http.sessions import Session
from agora.orm.environment import Environment


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


def open_session(request: HttpRequest, db: str, login: Any,
                 password: Any) -> tuple[Session, dict[str, Any]]:
    """Check ``login``/``password`` on ``db`` and start a new session (a new token even
    when the browser had one: the old one is deleted). Sets the cookie to send. Raises
    AccessDenied on wrong credentials, LookupError for a database not served."""
    app = request.app
    previous = request.session_cookie

    def work(env: Environment) -> tuple[Session, dict[str, Any]]:
        uid = app.credentials.login(env, login, password)
        user_env = env(user=uid, su=False)
        context = user_env["res.users"].context_get()
        if previous is not None and previous[1] == db:
            app.sessions.delete(env.cr, Session(*previous))
        session = app.sessions.create(env.cr, uid, login, context)
        return session, session_info(user_env, session)

    session, info = request.run_in_database(db, work)
    request.new_session = session
    return session, info


def close_session(request: HttpRequest) -> None:
    """Delete the browser's session (if any) and clear its cookie."""
    cookie = request.session_cookie
    if cookie is not None:
        session = Session(*cookie)
        try:
            request.run_in_database(
                cookie[1], lambda env: request.app.sessions.delete(env.cr, session))
        except LookupError:
            pass  # the database is gone: so is the session
    request.new_session = False
