"""Logins and links in progress: what the callback needs to check the provider's answer.

Kept server-side, in ``auth_oauth_pending`` (created with ``auth.oauth.provider``'s
table), one row per flow: the SHA-256 of its ``state``, the PKCE verifier, the nonce, the
redirect URI and where to go afterwards, for ``FLOW_LIFETIME`` seconds. A flow is bound
to the browser that started it by a random token in an HttpOnly, SameSite=Lax cookie
limited to ``/auth_oauth/`` (the row keeps only its SHA-256): the callback finds the row
by state *and* cookie, so a code and state sent to another browser (login CSRF, a leaked
callback URL) match nothing. Taking a flow deletes it: a callback works once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from agora.db.sql import SQL
from agora.http.sessions import parse_cookie as parse_session_cookie

TABLE = "auth_oauth_pending"
#: seconds between the start of a flow and its callback
FLOW_LIFETIME = 600
#: the browser-binding cookie: ``<token>.<database>``
COOKIE = "agora_oidc_flow"
COOKIE_PATH = "/auth_oauth/"
LOGIN = "login"
LINK = "link"

DDL = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        state_hash varchar PRIMARY KEY,
        browser_hash varchar NOT NULL,
        provider_id integer NOT NULL REFERENCES auth_oauth_provider (id) ON DELETE CASCADE,
        purpose varchar NOT NULL,
        user_id integer REFERENCES res_users (id) ON DELETE CASCADE,
        session_hash varchar,
        nonce varchar NOT NULL,
        code_verifier varchar NOT NULL,
        redirect_uri varchar NOT NULL,
        target varchar NOT NULL,
        expires_at timestamp NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_expires_idx ON {TABLE} (expires_at)",
)

_NOW = "(now() at time zone 'UTC')"


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class Flow:
    provider_id: int
    purpose: str
    user_id: int | None
    session_hash: str | None
    nonce: str
    code_verifier: str
    redirect_uri: str
    target: str


def new_browser_token() -> str:
    return secrets.token_urlsafe(32)


def cookie_value(token: str, db: str) -> str:
    return f"{token}.{db}"


#: ``(browser token, database)`` of the flow cookie, None when it is not one of ours (the
#: session cookie's format: ``<token>.<database>``)
parse_cookie = parse_session_cookie


def start(cr: Any, *, browser_token: str, state: str, flow: Flow) -> None:
    """Record ``flow`` under ``state`` for the browser holding ``browser_token``; flows
    past their deadline go on the way."""
    cr.execute(SQL(f"DELETE FROM {TABLE} WHERE expires_at < {_NOW}"))
    cr.execute(SQL(
        f"INSERT INTO {TABLE} (state_hash, browser_hash, provider_id, purpose, user_id,"
        " session_hash, nonce, code_verifier, redirect_uri, target, expires_at)"
        f" VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
        f" {_NOW} + make_interval(secs => %s))",
        digest(state), digest(browser_token), flow.provider_id, flow.purpose, flow.user_id,
        flow.session_hash, flow.nonce, flow.code_verifier, flow.redirect_uri, flow.target,
        FLOW_LIFETIME))


def take(cr: Any, *, browser_token: str, state: str) -> Flow | None:
    """The flow of ``state`` started by this browser, deleted (a flow is used once);
    None when there is none, it was used already or its deadline passed."""
    cr.execute(SQL(
        f"DELETE FROM {TABLE} WHERE state_hash = %s AND browser_hash = %s"
        " RETURNING provider_id, purpose, user_id, session_hash, nonce, code_verifier,"
        f" redirect_uri, target, expires_at >= {_NOW}",
        digest(state), digest(browser_token)))
    row = cr.fetchone()
    if row is None or not row[-1]:
        return None
    return Flow(*row[:-1])


def delete_expired(cr: Any) -> int:
    """Remove flows past their deadline (autovacuum); how many."""
    cr.execute(SQL(f"DELETE FROM {TABLE} WHERE expires_at < {_NOW}"))
    return cr.rowcount
