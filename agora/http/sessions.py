"""HTTP sessions stored in PostgreSQL, so any worker on any machine can serve any request.

The cookie carries ``<token>.<database>``; the table ``http_session`` of that database
keeps only the SHA-256 of the token, so a leaked table opens no session. Each session
remembers a fingerprint of its user's password hash and security stamp
(``res_users.session_epoch``, moved by ``res.users._invalidate_sessions()``, e.g. when
two-factor authentication is turned on or off): changing either (or deactivating the
user) invalidates every session of that user at their next request, with no extra query
(the lookup joins ``res_users``).

A session ends ``lifetime`` seconds after its last use (idle expiry) and, however much it
is used, ``max_age`` seconds after it was created (absolute expiry): a stolen cookie
cannot be kept alive forever by replaying it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from agora.db.cursor import Cursor
from agora.db.sql import SQL

#: Sessions live this long after their last use (Odoo's default is a week too).
DEFAULT_LIFETIME = 7 * 24 * 3600
#: ... and never longer than this after their creation, used or not.
DEFAULT_MAX_AGE = 30 * 24 * 3600
#: A session's expiry is pushed forward at most this often (and at most every eighth of
#: the lifetime, so short lifetimes are extended too), to keep most lookups read-only.
_TOUCH_INTERVAL = 3600
#: CSRF tokens stay valid this long.
CSRF_LIFETIME = 48 * 3600

_DDL = """
CREATE TABLE IF NOT EXISTS http_session (
    token_hash text PRIMARY KEY,
    uid integer,
    login text,
    context jsonb NOT NULL DEFAULT '{}',
    fingerprint text,
    created_at timestamp NOT NULL DEFAULT (now() at time zone 'UTC'),
    expires_at timestamp NOT NULL
);
CREATE INDEX IF NOT EXISTS http_session_expires_at_idx ON http_session (expires_at);
CREATE INDEX IF NOT EXISTS http_session_uid_idx ON http_session (uid)
"""

# The fingerprint of a user's stored password hash and security stamp, computed by
# PostgreSQL both when the session is created and at every lookup. A stamp of 0 (never
# bumped) adds nothing, so sessions made before the stamp existed stay valid.
_FINGERPRINT = SQL("encode(sha256(convert_to(coalesce(u.password, '')"
                   " || coalesce(':' || nullif(u.session_epoch, 0), ''), 'UTF8')), 'hex')")


def store_rehashed_password(cr: Cursor, uid: int, new_hash: str) -> None:
    """Store ``new_hash`` for ``uid``: the same password re-hashed with current parameters
    (at login). The user's live sessions fingerprinted the old hash; they are carried
    over to the new one, since nothing about the user changed (a real password change
    goes through ``write`` and ends them)."""
    cr.execute(SQL("SELECT %s FROM res_users u WHERE u.id = %s", _FINGERPRINT, uid))
    row = cr.fetchone()
    cr.execute(SQL("UPDATE res_users SET password = %s WHERE id = %s", new_hash, uid))
    if row is None:
        return
    cr.execute(SQL("SELECT to_regclass('http_session') IS NOT NULL"))
    if cr.fetchone()[0]:
        cr.execute(SQL("UPDATE http_session s SET fingerprint = %s FROM res_users u"
                       " WHERE u.id = s.uid AND s.uid = %s AND s.fingerprint = %s",
                       _FINGERPRINT, uid, row[0]))


@dataclass
class Session:
    """One browser's or client's session on one database; ``uid`` None: not logged in."""

    token: str
    db: str
    uid: int | None = None
    login: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    #: found by a read-only transaction when its idle expiry was due to move: the
    #: application touches it in a write of its own (``SessionStore.touch``)
    touch_pending: bool = field(default=False, compare=False)

    @property
    def cookie_value(self) -> str:
        return f"{self.token}.{self.db}"

    def csrf_token(self, now: float | None = None) -> str:
        """A token for forms of this session: an HMAC keyed by the session's secret token,
        which a third-party site cannot read, with its expiry in clear."""
        expiry = int((now or time.time()) + CSRF_LIFETIME)
        return f"{_csrf_mac(self.token, expiry)}o{expiry}"

    def check_csrf(self, candidate: Any, now: float | None = None) -> bool:
        if not isinstance(candidate, str) or "o" not in candidate:
            return False
        mac, _, expiry = candidate.rpartition("o")
        if not expiry.isdigit() or int(expiry) < (now or time.time()):
            return False
        return hmac.compare_digest(mac, _csrf_mac(self.token, int(expiry)))


def _csrf_mac(token: str, expiry: int) -> str:
    return hmac.new(token.encode(), f"csrf:{expiry}".encode(), hashlib.sha256).hexdigest()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_cookie(value: str | None) -> tuple[str, str] | None:
    """``(token, db)`` of a cookie value, None when it is not one of ours."""
    if not value or "." not in value:
        return None
    token, _, db = value.partition(".")
    if len(token) < 32 or not db:
        return None
    return token, db


class SessionStore:
    """Creates, finds and deletes sessions; the table is created on first use per
    database and process (``CREATE TABLE IF NOT EXISTS``)."""

    def __init__(self, lifetime: int = DEFAULT_LIFETIME,
                 max_age: int = DEFAULT_MAX_AGE) -> None:
        self.lifetime = lifetime
        self.max_age = max_age
        self._ready: set[str] = set()
        self._lock = threading.Lock()

    @property
    def touch_interval(self) -> int:
        """How often a used session's idle expiry is pushed forward (seconds)."""
        return max(1, min(_TOUCH_INTERVAL, self.lifetime // 8))

    @property
    def cookie_max_age(self) -> int:
        """The cookie's lifetime: the longest a session can live (the server ends idle
        ones sooner), so a browser in use never drops a live session's cookie."""
        return self.max_age

    def ensure_table(self, cr: Cursor) -> None:
        if cr.dbname in self._ready:
            return
        if cr.readonly:  # a replica cannot run DDL: look first (once per process)
            cr.execute(SQL("SELECT to_regclass('http_session') IS NOT NULL"))
            if cr.fetchone()[0]:
                self._ready.add(cr.dbname)
                return
        with self._lock:
            for statement in _DDL.split(";"):
                cr.execute(SQL(statement.strip()))
            self._ready.add(cr.dbname)

    def create(self, cr: Cursor, uid: int | None, login: str | None = None,
               context: dict[str, Any] | None = None) -> Session:
        """A new session (a new token: never reuse one across a login)."""
        self.ensure_table(cr)
        token = secrets.token_urlsafe(32)
        cr.execute(SQL(
            "INSERT INTO http_session (token_hash, uid, login, context, fingerprint, expires_at)"
            " SELECT %s, %s, %s, %s, (SELECT %s FROM res_users u WHERE u.id = %s),"
            " (now() at time zone 'UTC') + make_interval(secs => %s)",
            _hash(token), uid, login, json.dumps(context or {}), _FINGERPRINT, uid,
            min(self.lifetime, self.max_age)))
        return Session(token, cr.dbname, uid, login, dict(context or {}))

    def get(self, cr: Cursor, token: str) -> Session | None:
        """The live session of ``token``, or None (unknown, idle too long, older than
        ``max_age``, or its user's password or security stamp changed, or the user was
        deactivated). One query, plus a touch at most every ``touch_interval``."""
        self.ensure_table(cr)
        # max_age is checked against created_at too, not only folded into expires_at:
        # lowering the setting then also ends sessions made under the old one. The last
        # column, "stale": a touch would move the expiry by more than touch_interval (not
        # once max_age caps it, or every request of a session's last days would write).
        cr.execute(SQL(
            "SELECT s.uid, s.login, s.context, s.expires_at < LEAST("
            "(now() at time zone 'UTC') + make_interval(secs => %s),"
            " s.created_at + make_interval(secs => %s)) FROM http_session s"
            " LEFT JOIN res_users u ON u.id = s.uid"
            " WHERE s.token_hash = %s AND s.expires_at > (now() at time zone 'UTC')"
            " AND s.created_at > (now() at time zone 'UTC') - make_interval(secs => %s)"
            " AND (s.uid IS NULL OR (u.active AND s.fingerprint = %s))",
            self.lifetime - self.touch_interval, self.max_age, _hash(token), self.max_age,
            _FINGERPRINT))
        row = cr.fetchone()
        if row is None:
            return None
        uid, login, context, stale = row
        session = Session(token, cr.dbname, uid, login, context or {})
        if stale and cr.readonly:
            # most of a client's requests are reads (on a replica, or READ ONLY on the
            # primary): left untouched, a session used only to read would end one
            # lifetime after its login
            session.touch_pending = True
        elif stale:
            self.touch(cr, token)
        return session

    def touch(self, cr: Cursor, token: str) -> None:
        """Push the idle expiry of ``token``'s session to ``lifetime`` from now, never
        past ``max_age`` from its creation."""
        cr.execute(SQL("UPDATE http_session SET expires_at = LEAST("
                       "(now() at time zone 'UTC') + make_interval(secs => %s),"
                       " created_at + make_interval(secs => %s)) WHERE token_hash = %s",
                       self.lifetime, self.max_age, _hash(token)))

    def refresh_fingerprint(self, cr: Cursor, session: Session) -> None:
        """Keep ``session`` valid after its own user changed their password or security
        stamp (the other sessions of the user stay ended)."""
        cr.flush()
        cr.execute(SQL("UPDATE http_session s SET fingerprint = %s"
                       " FROM res_users u WHERE u.id = s.uid AND s.token_hash = %s",
                       _FINGERPRINT, _hash(session.token)))

    def delete(self, cr: Cursor, session: Session) -> None:
        self.ensure_table(cr)
        cr.execute(SQL("DELETE FROM http_session WHERE token_hash = %s", _hash(session.token)))

    def delete_user_sessions(self, cr: Cursor, uid: int) -> int:
        """Log a user out everywhere; returns how many sessions ended."""
        self.ensure_table(cr)
        cr.execute(SQL("DELETE FROM http_session WHERE uid = %s", uid))
        return cr.rowcount

    def gc(self, cr: Cursor) -> int:
        """Delete expired sessions (run by the cron workers); returns how many."""
        self.ensure_table(cr)
        cr.execute(SQL("DELETE FROM http_session WHERE expires_at <= (now() at time zone 'UTC')"))
        return cr.rowcount
