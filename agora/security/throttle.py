"""Brute-force protection for password logins, kept in PostgreSQL so that every worker
process and every machine serving a database counts the same failures.

Policy (the behaviour Odoo and ERPNext users know: a fixed cooldown, no lock-out that
an administrator has to lift):

- every wrong password is a row of ``res_users_login_attempt`` (login, client address,
  time);
- a **login** with ``base.login_cooldown_after`` (5) or more failures within
  ``base.login_failure_window`` (3600 s) is refused for ``base.login_cooldown_duration``
  (60 s) after its last failure — *even with the right password*, so guessing during a
  cooldown is pointless. Once the cooldown is over one more attempt is allowed; if it
  fails too, a new cooldown starts at once. The attacker gets N guesses, then one per
  cooldown; the cooldown does not grow, so a legitimate user is never locked out for
  long;
- a **client address** with ``base.login_cooldown_after_ip`` (50) or more failures in
  the window, over any logins, is refused the same way (password spraying). IPv6
  addresses count per /64 network: one machine usually owns a whole /64;
- a successful login marks that login's failures *from the same address* as cleared:
  the user who mistyped starts afresh, an attacker's failures from elsewhere still count;
  the address counter is not cleared (an attacker with one valid account could reset it);
- attempts refused during a cooldown are not recorded, so an attacker cannot stretch the
  cooldown forever, and cost no password hashing;
- API keys (160 random bits, unguessable) are accepted during a cooldown: a script is not
  locked out by someone guessing its user's password.

The settings are ``ir.config_parameter`` keys of the database (the first and the third
are Odoo's own), so an administrator tunes them at run time, per database, and every
worker sees the change at once; 0 disables a limit. Unknown logins count exactly like
known ones, so the answers never tell whether a login exists.

Recording a failure must survive the refusal: the request's transaction is rolled back
when AccessDenied propagates. :func:`record_failure` therefore writes the row *after*
that transaction ends, on the same connection, in a transaction of its own (a post-
rollback hook, or post-commit if a caller caught the error and committed); a read-only
unit's connection is switched to read-write for that statement, its transaction being
over. A unit on a read replica cannot write at all: there :func:`record_failure` raises
the error PostgreSQL gives a read-only transaction that writes, and the transaction
runner replays the unit on the primary, where the failure is recorded.

The client address comes from :data:`client_address_var`, which the HTTP layer binds for
each request (:class:`ClientAddressMiddleware` or :func:`bound_client_address` with
:func:`client_address`); when nothing is bound only the per-login limit applies.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import errors

from agora.db.cursor import Cursor
from agora.db.sql import SQL
from agora.orm.exceptions import AccessDenied

_logger = logging.getLogger(__name__)

# -- settings (ir.config_parameter keys and their defaults) -----------------------------------
LOGIN_LIMIT_PARAM = "base.login_cooldown_after"
ADDRESS_LIMIT_PARAM = "base.login_cooldown_after_ip"
COOLDOWN_PARAM = "base.login_cooldown_duration"
WINDOW_PARAM = "base.login_failure_window"
#: days a recorded attempt is kept (the daily auto-vacuum deletes older ones)
RETENTION_PARAM = "base.login_attempt_retention_days"

DEFAULTS: dict[str, float] = {
    LOGIN_LIMIT_PARAM: 5,
    ADDRESS_LIMIT_PARAM: 50,
    COOLDOWN_PARAM: 60,
    WINDOW_PARAM: 3600,
    RETENTION_PARAM: 30,
}

#: where attempts are stored (the ``res.users.login.attempt`` model's table)
TABLE = "res_users_login_attempt"
#: longest login kept in a row: an attacker's megabyte "login" is not stored whole
LOGIN_SIZE = 128

#: what was being checked when a password was wrong
SOURCE_LOGIN = "login"  # res.users._login: web form, /web/session/authenticate, XML-RPC
SOURCE_RPC = "rpc"  # (uid, password) of an XML-RPC / JSON-RPC object call
#: a logged-in user confirming who they are (turning 2FA off with a code or password)
SOURCE_IDENTITY = "identity"


class LoginThrottled(AccessDenied):
    """A login refused because of too many recent failures (for its login or its client
    address), whatever the password. An AccessDenied: every client sees a refused login."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        unit = "second" if retry_after == 1 else "seconds"
        super().__init__(f"Too many failed logins; try again in {retry_after} {unit}.")


@dataclass(frozen=True)
class ThrottleState:
    """Recent failures of one login and one client address, read in one query."""

    login_limit: int
    address_limit: int
    cooldown: float
    login_failures: int = 0
    #: seconds since the login's last counted failure (None: no failure)
    login_idle: float | None = None
    address_failures: int = 0
    address_idle: float | None = None

    @property
    def retry_after(self) -> int:
        """Whole seconds until a login may be tried again; 0 when it may be now."""
        wait = max(_wait(self.login_limit, self.login_failures, self.login_idle, self.cooldown),
                   _wait(self.address_limit, self.address_failures, self.address_idle,
                         self.cooldown))
        return math.ceil(wait) if wait > 0 else 0

    def check(self) -> None:
        """Raise LoginThrottled during a cooldown."""
        wait = self.retry_after
        if wait:
            raise LoginThrottled(wait)


def _wait(limit: int, failures: int, idle: float | None, cooldown: float) -> float:
    if limit <= 0 or failures < limit or idle is None:
        return 0.0
    return cooldown - idle


# -- the client address ------------------------------------------------------------------------
#: the address the current request comes from (bound by the HTTP layer)
client_address_var: ContextVar[str | None] = ContextVar("agora_client_address", default=None)


def current_client_address() -> str | None:
    return client_address_var.get()


def client_address(environ: Mapping[str, Any], proxy_mode: bool = False) -> str | None:
    """The address a WSGI request comes from, as counted: ``REMOTE_ADDR``, or behind a
    trusted proxy (``proxy_mode``) the first hop of ``X-Forwarded-For``; an IPv6 address
    stands for its /64 network. None when there is no valid address."""
    candidates = []
    if proxy_mode:
        forwarded = str(environ.get("HTTP_X_FORWARDED_FOR") or "")
        candidates.append(forwarded.split(",")[0].strip())
    candidates.append(str(environ.get("REMOTE_ADDR") or ""))
    for candidate in candidates:
        address = normalise_address(candidate)
        if address is not None:
            return address
    return None


def normalise_address(text: str) -> str | None:
    """``"203.0.113.7"`` as is, ``"2001:db8::1"`` as ``"2001:db8::/64"``; None if invalid."""
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


@contextmanager
def bound_client_address(address: str | None) -> Iterator[None]:
    """Count the logins checked inside the block as coming from ``address``."""
    token = client_address_var.set(address)
    try:
        yield
    finally:
        client_address_var.reset(token)


class ClientAddressMiddleware:
    """WSGI middleware binding each request's client address around ``app`` (which may
    carry a ``proxy_mode`` attribute, as ``agora.http.Application`` does)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], proxy_mode: bool | None = None
                 ) -> None:
        self.app = app
        self.proxy_mode = proxy_mode

    def __getattr__(self, name: str) -> Any:  # the wrapped application's attributes
        return getattr(self.app, name)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        proxy_mode = self.proxy_mode if self.proxy_mode is not None else bool(
            getattr(self.app, "proxy_mode", False))
        with bound_client_address(client_address(environ, proxy_mode)):
            return self.app(environ, start_response)


# -- reading the state -----------------------------------------------------------------------
# Settings and counters come in the query that reads the user anyway, so an XML-RPC call
# whose password the process has verified before still costs one query.
_NUMBER = r"^\s*[0-9]+(\.[0-9]+)?\s*$"


def _state_query(subject: SQL, address: str | None) -> SQL:
    """``subject`` (a SELECT of one row whose first column is the ``login``, plus others)
    followed by the limits, the cooldown and the counters of that login and of
    ``address``. Each counter is one range scan of a (login|ip, create_date) index over
    the window: rows older than the window (kept for the retention) are never read."""
    keys = [LOGIN_LIMIT_PARAM, ADDRESS_LIMIT_PARAM, COOLDOWN_PARAM, WINDOW_PARAM]
    login_limit, address_limit, cooldown, window = (
        SQL("coalesce((SELECT number FROM params WHERE key = %s), %s)", key,
            float(DEFAULTS[key])) for key in keys)
    return SQL(
        "WITH subject AS (%s),"
        " params AS (SELECT key, CASE WHEN value ~ %s THEN btrim(value)::float8 END AS number"
        "  FROM ir_config_parameter WHERE key = ANY(%s)),"
        " policy AS (SELECT %s AS login_limit, %s AS address_limit, %s AS cooldown,"
        "  now() AT TIME ZONE 'UTC' - make_interval(secs => %s) AS since)"
        " SELECT s.*, p.login_limit, p.address_limit, p.cooldown, l.failures, l.idle,"
        "  a.failures, a.idle"
        " FROM subject s CROSS JOIN policy p"
        " CROSS JOIN LATERAL (SELECT count(*) AS failures, extract(epoch FROM"
        "   now() AT TIME ZONE 'UTC' - max(create_date))::float8 AS idle"
        "  FROM res_users_login_attempt"
        "  WHERE login = s.login AND create_date > p.since AND NOT cleared) l"
        " CROSS JOIN LATERAL (SELECT count(*) AS failures, extract(epoch FROM"
        "   now() AT TIME ZONE 'UTC' - max(create_date))::float8 AS idle"
        "  FROM res_users_login_attempt WHERE ip = %s AND create_date > p.since) a",
        subject, _NUMBER, keys, login_limit, address_limit, cooldown, window, address)


def _state(row: tuple[Any, ...]) -> ThrottleState:
    login_limit, address_limit, cooldown, login_failures, login_idle, address_failures, \
        address_idle = row
    return ThrottleState(int(login_limit), int(address_limit), float(cooldown),
                         int(login_failures), login_idle, int(address_failures), address_idle)


def stored_login(login: str | None) -> str | None:
    """The form a login is counted and stored under."""
    return login[:LOGIN_SIZE] if login else None


def read_state(cr: Cursor, subject: SQL, address: str | None
               ) -> tuple[tuple[Any, ...], ThrottleState]:
    """One query: the row of ``subject`` (a SELECT of exactly one row whose first column
    is the ``login`` to count, e.g. the user's row with its password) and the throttle
    state of that login and of ``address``."""
    cr.execute(_state_query(subject, address))
    row = cr.fetchone()
    assert row is not None, "the subject of a throttle query must give one row"
    return row[:-_STATE_COLUMNS], _state(row[-_STATE_COLUMNS:])


#: columns of the state after the subject's
_STATE_COLUMNS = 7


def login_subject(login: str) -> SQL:
    """The subject of :func:`read_state` for a login as typed: ``(login, id of the
    active user with that login or None)``."""
    return SQL("SELECT %s::varchar AS login, (SELECT id FROM res_users WHERE login = %s"
               " AND active ORDER BY id LIMIT 1) AS user_id", stored_login(login), login)


# -- writing -----------------------------------------------------------------------------------
def record_failure(cr: Cursor, login: str | None, address: str | None,
                   user_id: int | None, source: str) -> None:
    """Record a wrong password once the current transaction is over, committed or rolled
    back (see the module docstring). On a read replica nothing can be written: the unit
    is made to run again on the primary (the error a read-only transaction gets when it
    writes, which the transaction runner answers so)."""
    if cr.on_replica:
        raise errors.ReadOnlySqlTransaction(
            "a failed login is recorded on the primary: the unit is run again there")
    query = SQL(
        f"INSERT INTO {TABLE} (login, ip, user_id, source, cleared, create_date, write_date)"
        " VALUES (%s, %s, (SELECT id FROM res_users WHERE id = %s), %s, false,"
        " now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')",
        stored_login(login), address, user_id, source)
    done: list[bool] = []

    def write() -> None:
        connection = cr.connection
        if done or connection.closed:
            return
        done.append(True)
        was_read_only = bool(connection.read_only)
        try:
            if was_read_only:  # a read-only unit on the primary: its transaction is over
                connection.read_only = False
            connection.execute(query.code, query.params)
            connection.commit()
        except psycopg.Error as exc:  # never hide the refusal behind another error
            _logger.warning("could not record a failed login for %r: %s", login, exc)
            try:
                connection.rollback()
            except psycopg.Error:
                pass
        finally:
            if was_read_only and not connection.closed:
                try:
                    connection.read_only = True
                except psycopg.Error:
                    pass
    cr.postcommit.append(write)
    cr.postrollback.append(write)


def clear_failures(cr: Cursor, login: str, address: str | None) -> None:
    """After a successful login: its failures from the same address no longer count for
    the login (in the current transaction; a read-only one skips it, the failures then
    expire with the window)."""
    if cr.readonly:
        return
    cr.execute(SQL(f"UPDATE {TABLE} SET cleared = true, write_date = now() AT TIME ZONE 'UTC'"
                   " WHERE login = %s AND NOT cleared AND ip IS NOT DISTINCT FROM %s",
                   stored_login(login), address))


def delete_old_attempts(cr: Cursor) -> int:
    """Delete attempts older than the retention (``base.login_attempt_retention_days``);
    how many rows went."""
    cr.execute(SQL(
        f"DELETE FROM {TABLE} WHERE create_date < now() AT TIME ZONE 'UTC' - make_interval("
        " days => coalesce((SELECT CASE WHEN value ~ '^\\s*[0-9]+\\s*$'"
        " THEN btrim(value)::int END FROM ir_config_parameter WHERE key = %s), %s))",
        RETENTION_PARAM, int(DEFAULTS[RETENTION_PARAM])))
    return max(cr.rowcount, 0)
