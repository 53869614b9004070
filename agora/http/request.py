"""The request object handlers receive: Werkzeug's request plus Agora's state for it
(application, database, session, environment)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from werkzeug.wrappers import Request

from agora.http.sessions import Session, parse_cookie
from agora.orm.environment import Environment

if TYPE_CHECKING:
    from agora.http.application import Application

T = TypeVar("T")

SESSION_COOKIE = "session_id"


class SessionExpired(Exception):
    """A route that needs a logged-in user was called without a live session."""

    def __init__(self, message: str = "Session expired") -> None:
        super().__init__(message)


class HttpRequest(Request):
    """One request. ``env`` is set while a route with ``auth`` user/public/bearer runs
    (inside its transaction); ``session`` is the live session, if any."""

    app: Application
    env: Environment | None = None
    session: Session | None = None
    db: str | None = None
    #: set by handlers: the session to send as cookie, or False to clear the cookie
    new_session: Session | bool | None = None
    #: the addon whose controller serves this request (None: the framework's own)
    addon: str | None = None
    #: the matched URL rule (a metrics label: bounded, unlike paths) and its arguments
    route_label: str = "unmatched"
    route_arguments: dict[str, Any] | None = None
    #: a JSON route's parameters (for ``readonly`` callables)
    params: dict[str, Any] | None = None
    #: the primary's WAL position after this request's write (read-your-writes cookie)
    wal_lsn: int | None = None

    @property
    def session_cookie(self) -> tuple[str, str] | None:
        """``(token, db)`` from the session cookie, not yet checked."""
        return parse_cookie(self.cookies.get(SESSION_COOKIE))

    @property
    def is_secure_transport(self) -> bool:
        if self.app.proxy_mode:
            return self.headers.get("X-Forwarded-Proto", self.scheme) == "https"
        return self.scheme == "https"

    def run_in_database(self, db: str, work: Callable[[Environment], T], *,
                        readonly: bool = False) -> T:
        """``work(env)`` as superuser on ``db`` (see ``Application.run_as_superuser``)."""
        return self.app.run_as_superuser(db, work, readonly=readonly)

    def csrf_token(self) -> str:
        """A token to put in forms this request renders (needs a session)."""
        session = self.session or (self.new_session if isinstance(self.new_session, Session)
                                   else None)
        if session is None:
            raise SessionExpired("a CSRF token needs a session")
        return session.csrf_token()
