"""The audit trail: security events and data changes, in the ``audit_log`` table.

Any layer may record a security event without importing an addon::

    from agora.security import audit
    audit.log_security_event(cr, audit.LOGIN_FAILED, login="bob", ip="10.0.0.7",
                             details={"reason": "wrong password"})

**A security event survives its transaction.** A failed login or a refused access
usually ends in a rollback, and the event must still be kept. So
:func:`log_security_event` only queues the event on the cursor; it is written the
moment the caller's transaction ends — committed or rolled back — by one INSERT in a
short transaction of its own on the same connection (read-only units included: the
connection is idle then and is switched to read-write for that one statement). Callers
therefore call it before their transaction ends, whatever its outcome; nothing is written
twice, and savepoint rollbacks cannot lose it. (Called after a rollback, the event waits
for the end of the cursor's next transaction: ``with Cursor(...)`` always ends one.) A
unit of work replayed after a serialization failure logs its events once per try. A cursor on a read replica
cannot write: its events go through the primary cursor factory set with
:func:`set_primary_cursor_factory` (the server sets it), else to the ``agora.audit``
logger only. Every event also goes to that logger, so a database that cannot store it
(base not yet upgraded) still leaves a trace.

:func:`write_events` writes events in the caller's transaction right away (they then
share its fate); it is what the queue uses, and what the ORM's audit of data changes
(:mod:`agora.orm.audit`) uses for its rows.

The table belongs to the base module's ``audit.log`` model (its schema is created from
that model); this module only knows its column names.
"""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import psycopg

from agora.db.sql import SQL
from agora.security import throttle

if TYPE_CHECKING:
    from agora.db.cursor import Cursor

_logger = logging.getLogger("agora.audit")

#: the table of the base module's ``audit.log`` model
TABLE = "audit_log"

# -- operations (``audit_log.operation``) ---------------------------------------------------
CREATE = "create"
WRITE = "write"
UNLINK = "unlink"
SECURITY = "security"

# -- security event types (``audit_log.event``); other names are accepted too --------------
LOGIN = "login"                          #: a successful login (password, key, 2FA done)
LOGIN_FAILED = "login_failed"            #: wrong login/password, locked out, ...
LOGOUT = "logout"
TOTP_ENABLED = "totp_enabled"
TOTP_DISABLED = "totp_disabled"          #: by the user or reset by an admin
TOTP_FAILED = "totp_failed"              #: a wrong second-factor code
PASSKEY_ADDED = "passkey_added"
PASSKEY_REMOVED = "passkey_removed"      #: by the user or an administrator
PASSKEY_FAILED = "passkey_failed"        #: an unknown passkey, a bad signature, a clone
PASSWORD_CHANGED = "password_changed"
APIKEY_USED = "apikey_used"              #: a request authenticated with an API key
APIKEY_CREATED = "apikey_created"
APIKEY_REVOKED = "apikey_revoked"
ACCESS_DENIED = "access_denied"          #: an AccessError (model access or record rule)

#: the columns every writer fills, in this order
COLUMNS = ("create_date", "uid", "model", "res_id", "operation", "old_values",
           "new_values", "event", "login", "ip", "details")

#: the value stored instead of a secret (passwords, keys, fields with ``audit=False``)
MASK = "***"


@dataclass
class Entry:
    """One row of the audit trail."""

    operation: str
    uid: int | None = None
    model: str | None = None
    res_id: int | None = None
    old_values: dict[str, Any] | None = None
    new_values: dict[str, Any] | None = None
    event: str | None = None
    login: str | None = None
    ip: str | None = None
    details: dict[str, Any] | None = None
    create_date: datetime = field(default_factory=lambda: now())


def now() -> datetime:
    """The current time as the ORM stores Datetime values (UTC, naive)."""
    return datetime.now(UTC).replace(tzinfo=None)


# -- writing ----------------------------------------------------------------------------------
#: SQL type of each column of :data:`COLUMNS` as sent (JSON goes as text, cast on insert)
_TYPES = ("timestamp", "int4", "varchar", "int4", "varchar", "text", "text", "varchar",
          "varchar", "varchar", "text")
_JSON_COLUMNS = frozenset(("old_values", "new_values", "details"))


def insert_statement(entries: Iterable[Entry]) -> SQL | None:
    """One INSERT of ``entries`` (None when there are none): one array per column,
    unnested by the server, so the statement has 11 parameters whatever the number of
    rows (psycopg parses it once; a VALUES list would cost a parse per batch size)."""
    rows = [_row(entry) for entry in entries]
    if not rows:
        return None
    columns = list(zip(*rows, strict=True))
    arrays = SQL.join(", ", (SQL(f"%s::{sql_type}[]", list(values))
                             for sql_type, values in zip(_TYPES, columns, strict=True)))
    names = SQL.join(", ", (SQL.identifier(name) for name in COLUMNS))
    picked = SQL.join(", ", (SQL.identifier("t", name) if name not in _JSON_COLUMNS
                             else SQL("%s::jsonb", SQL.identifier("t", name))
                             for name in COLUMNS))
    return SQL("INSERT INTO %s (%s) SELECT %s FROM unnest(%s) AS t(%s)",
               SQL.identifier(TABLE), names, picked, arrays, names)


def _row(entry: Entry) -> tuple[Any, ...]:
    def text(value: dict[str, Any] | None) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False)
    return (entry.create_date, entry.uid, entry.model, entry.res_id, entry.operation,
            text(entry.old_values), text(entry.new_values), entry.event, entry.login,
            entry.ip, text(entry.details))


def write_events(cr: Cursor, entries: list[Entry]) -> None:
    """Insert ``entries`` now, in ``cr``'s transaction (one statement)."""
    query = insert_statement(entries)
    if query is not None:
        cr.execute(query)


# -- security events ----------------------------------------------------------------------------
#: cursor -> events waiting for the end of its transaction
_PENDING: weakref.WeakKeyDictionary[Any, list[Entry]] = weakref.WeakKeyDictionary()

#: dbname -> a cursor on the primary (a context manager that commits on exit)
_primary_factory: Callable[[str], AbstractContextManager[Cursor]] | None = None


def set_primary_cursor_factory(
        factory: Callable[[str], AbstractContextManager[Cursor]] | None) -> None:
    """How to reach the primary of a database when an event was logged on a replica
    cursor: ``factory(dbname)`` gives a cursor in a fresh transaction, committed when the
    ``with`` block ends (``lambda db: databases.pools(db).cursor()``)."""
    global _primary_factory
    _primary_factory = factory


def log_security_event(cr: Cursor, event: str, *, uid: int | None = None,
                       login: str | None = None, ip: str | None = None,
                       details: dict[str, Any] | None = None, model: str | None = None,
                       res_id: int | None = None) -> None:
    """Record the security event ``event`` (see the constants above: ``LOGIN_FAILED``...).

    ``uid``: the user concerned (None if unknown, e.g. a wrong login); ``login``: the
    login given; ``ip``: the client address (default: the address of the request being
    served, so events raised deep in the ORM carry it too); ``details``: any JSON-serialisable dict
    (never a password or a key); ``model``/``res_id``: the record concerned, if any.

    The event is written when ``cr``'s transaction ends, whether it commits or rolls back
    (see the module docstring); this call runs no query. Never raises for a storage
    problem: the event then only reaches the ``agora.audit`` logger."""
    if not isinstance(event, str) or not event:
        raise ValueError("a security event needs a name")
    if ip is None:
        ip = throttle.current_client_address()
    entry = Entry(operation=SECURITY, event=event, uid=uid, login=login, ip=ip,
                  details=_json_safe(details) if details else None, model=model,
                  res_id=res_id)
    _logger.info("security event %s uid=%s login=%r ip=%s model=%s details=%s",
                 event, uid, login, ip, model, entry.details)
    pending = _PENDING.get(cr)
    if pending is None:
        pending = _PENDING[cr] = []
        hook = _writer(cr)
        cr.postcommit.append(hook)
        cr.postrollback.append(hook)
    pending.append(entry)


def pending_events(cr: Cursor) -> list[Entry]:
    """The events queued on ``cr`` and not written yet (a copy)."""
    return list(_PENDING.get(cr, ()))


def _writer(cr: Cursor) -> Callable[[], None]:
    # a weak reference: the hook lists belong to the cursor itself
    ref = weakref.ref(cr)

    def write() -> None:
        cursor = ref()
        if cursor is not None:
            _write_pending(cursor)
    return write


def _write_pending(cr: Cursor) -> None:
    """After ``cr``'s transaction ended: store its queued events."""
    entries = _PENDING.pop(cr, None)
    if not entries:
        return
    query = insert_statement(entries)
    assert query is not None
    try:
        if getattr(cr, "on_replica", False):
            if _primary_factory is None:
                _logger.warning("%d security event(s) logged on a replica cursor and no "
                                "primary cursor factory is set: kept in the log only",
                                len(entries))
                return
            with _primary_factory(cr.dbname) as primary:
                primary.execute(query)
            return
        connection = cr.connection
        if connection.closed:
            _logger.warning("%d security event(s) lost: the connection is closed",
                            len(entries))
            return
        if connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            # an earlier hook opened a transaction: it is not ours to end
            _logger.error("%d security event(s) not stored: the connection is busy",
                          len(entries))
            return
        was_read_only = connection.read_only
        try:
            if was_read_only:
                connection.read_only = False  # the transaction ended: allowed now
            connection.execute(query.code, query.params)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            if was_read_only and not connection.closed:
                connection.read_only = True
    except psycopg.Error as exc:
        _logger.error("could not store %d security event(s): %s", len(entries), exc)


def _json_safe(value: Any) -> Any:
    """``value`` with anything JSON cannot hold turned into text."""
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
