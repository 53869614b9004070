"""Cross-process registry invalidation: a sequence in the database that every module
operation bumps; a process whose last seen value differs reloads its registry."""

from __future__ import annotations

from agora.db.cursor import Cursor
from agora.db.sql import SQL

SEQUENCE = "agora_registry_signal"


def ensure_signal(cr: Cursor) -> None:
    cr.execute(SQL(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}"))


def bump(cr: Cursor) -> int:
    """Announce that the module set (hence the registry) changed; return the new value."""
    ensure_signal(cr)
    cr.execute(SQL(f"SELECT nextval('{SEQUENCE}')"))
    return cr.fetchone()[0]


def current(cr: Cursor) -> int:
    cr.execute(SQL(f"SELECT last_value FROM {SEQUENCE}"))
    return cr.fetchone()[0]
