"""Cross-process invalidation signals, kept in the database.

Named counters in the table ``agora_signal``, bumped *inside* the transaction that
changes what they announce:

- ``registry``: every module operation (install, upgrade, uninstall); a process whose
  last seen value differs reloads its registry.
- ``access``: the caches of access rights (groups, access lines, rules, memberships).

Being rows, they obey MVCC: a transaction reads the value that matches its own snapshot,
so what a process loads or caches under value N is exactly the state of every snapshot
that reads N. (A sequence would not do: ``nextval`` is seen by everyone before the module
change commits, and a process loading its registry in that window would remember the new
value with the old module set, and keep the stale registry; a rollback would not undo
it either.)

Both are read by one query at the start of every request (:func:`current_values`).
"""

from __future__ import annotations

from psycopg import errors

from agora.db.cursor import Cursor
from agora.db.sql import SQL

#: The registry signal (the set of installed modules and their code).
REGISTRY = "registry"
#: The cache signal of access rights (groups, access lines, rules, memberships).
ACCESS = "access"
#: The cache signal of external ids changed outside module operations.
XMLID = "xmlid"


_SIGNAL_TABLE = SQL("CREATE TABLE IF NOT EXISTS agora_signal"
                    " (name varchar PRIMARY KEY, value bigint NOT NULL)")
_CURRENT = SQL("SELECT COALESCE(max(value) FILTER (WHERE name = %s), 0),"
               " COALESCE(max(value) FILTER (WHERE name = %s), 0),"
               " COALESCE(max(value) FILTER (WHERE name = %s), 0) FROM agora_signal",
               REGISTRY, ACCESS, XMLID)


def ensure_signal(cr: Cursor) -> None:
    cr.execute(_SIGNAL_TABLE)


def bump(cr: Cursor) -> int:
    """Announce that the module set (hence the registry) changes with this transaction;
    return the new value, seen by other transactions once this one commits."""
    return bump_cache(cr, REGISTRY)


def current(cr: Cursor) -> int:
    """The registry signal as this transaction sees it."""
    cr.execute(_CURRENT)
    return cr.fetchone()[0]


def current_values(cr: Cursor) -> tuple[int, int, int]:
    """``(registry, access, xmlid)`` signals in one query; creates the signal table in a
    database initialised before it existed (this is the first statement of the
    transaction, so rolling back loses nothing)."""
    try:
        cr.execute(_CURRENT)
    except errors.UndefinedTable:
        cr.rollback()
        ensure_signal(cr)
        cr.commit()
        cr.execute(_CURRENT)
    registry_value, access_value, xmlid_value = cr.fetchone()
    return registry_value, access_value, xmlid_value


def bump_cache(cr: Cursor, name: str) -> int:
    """Invalidate the caches of ``name`` in every process once this transaction commits
    (a rollback undoes the bump with the change); the new value. The row stays locked
    until then, so two transactions changing the same thing at once are serialised."""
    cr.execute(_SIGNAL_TABLE)  # changes are seldom: the extra statement is cheap
    cr.execute(SQL("INSERT INTO agora_signal (name, value) VALUES (%s, 1) ON CONFLICT (name)"
                   " DO UPDATE SET value = agora_signal.value + 1 RETURNING value", name))
    return cr.fetchone()[0]
