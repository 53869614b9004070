"""Cross-process invalidation signals, kept in the database.

- The registry signal: a sequence every module operation bumps; a process whose last
  seen value differs reloads its registry.
- Cache signals: named counters in the table ``agora_signal``, bumped *inside* the
  transaction that changes what a cache holds (access rights...). Being rows, they obey
  MVCC: a transaction reads the counter value that matches its own snapshot, so data a
  process caches under value N is exactly the data of every snapshot that reads N.

Both are read by one query at the start of every request (:func:`current_values`).
"""

from __future__ import annotations

from psycopg import errors

from agora.db.cursor import Cursor
from agora.db.sql import SQL

SEQUENCE = "agora_registry_signal"
#: The cache signal of access rights (groups, access lines, rules, memberships).
ACCESS = "access"


_SIGNAL_TABLE = SQL("CREATE TABLE IF NOT EXISTS agora_signal"
                    " (name varchar PRIMARY KEY, value bigint NOT NULL)")


def ensure_signal(cr: Cursor) -> None:
    cr.execute(SQL(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}"))
    cr.execute(_SIGNAL_TABLE)


def bump(cr: Cursor) -> int:
    """Announce that the module set (hence the registry) changed; return the new value."""
    ensure_signal(cr)
    cr.execute(SQL(f"SELECT nextval('{SEQUENCE}')"))
    return cr.fetchone()[0]


def current(cr: Cursor) -> int:
    cr.execute(SQL(f"SELECT last_value FROM {SEQUENCE}"))
    return cr.fetchone()[0]


def current_values(cr: Cursor) -> tuple[int, int]:
    """``(registry signal, access signal)`` in one query; creates the signal table in a
    database initialised before it existed (this is the first statement of the
    transaction, so rolling back loses nothing)."""
    query = SQL(f"SELECT s.last_value, COALESCE((SELECT value FROM agora_signal"
                f" WHERE name = %s), 0) FROM {SEQUENCE} AS s", ACCESS)
    try:
        cr.execute(query)
    except errors.UndefinedTable:
        cr.rollback()
        ensure_signal(cr)
        cr.commit()
        cr.execute(query)
    registry_value, access_value = cr.fetchone()
    return registry_value, access_value


def bump_cache(cr: Cursor, name: str) -> None:
    """Invalidate the caches of ``name`` in every process once this transaction commits
    (a rollback undoes the bump with the change)."""
    cr.execute(_SIGNAL_TABLE)  # rights change seldom: the extra statement is cheap
    cr.execute(SQL("INSERT INTO agora_signal (name, value) VALUES (%s, 1) ON CONFLICT (name)"
                   " DO UPDATE SET value = agora_signal.value + 1", name))
