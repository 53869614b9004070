"""HTTP layer: ``from agora import http`` then ``@http.route(...)`` on ``http.Controller``
methods; handlers receive the :class:`HttpRequest` (``request.env`` inside a transaction)."""

from agora.http.login import close_session, open_session, open_verified_session, session_info
from agora.http.request import HttpRequest, SessionExpired
from agora.http.routing import Controller, route

__all__ = ["Controller", "HttpRequest", "SessionExpired", "close_session", "open_session",
           "open_verified_session", "route", "session_info"]
