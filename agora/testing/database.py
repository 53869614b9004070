"""Test databases on a real PostgreSQL: ``AGORA_TEST_DB_URL`` or the embedded cluster."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.db.url import create_database, drop_database, url_for_database
from agora.orm.environment import SUPERUSER_ID, Environment

T = TypeVar("T")


def server_url() -> str:
    """The server tests run on: AGORA_TEST_DB_URL, else a private embedded cluster."""
    url = os.environ.get("AGORA_TEST_DB_URL")
    if url:
        return url
    from agora.db.embedded import EmbeddedPostgres
    data_dir = Path(os.environ.get("AGORA_TEST_DATA_DIR", f"/tmp/agora-test-{os.getuid()}"))
    return EmbeddedPostgres(data_dir).start()


def new_database(url: str, prefix: str = "agora_test") -> tuple[str, str]:
    """Create a uniquely named database; return (name, its connection string)."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    create_database(url, name)
    return name, url_for_database(url, name)


def remove_database(url: str, name: str) -> None:
    drop_database(url, name, force=True)


@contextmanager
def rolled_back_cursor(conninfo: str) -> Iterator[Cursor]:
    """A cursor on its own connection whose transaction is rolled back at the end."""
    connection = connect(conninfo)
    cursor = Cursor(connection)
    try:
        yield cursor
    finally:
        connection.rollback()
        cursor.close()
        connection.close()


def run_committed(conninfo: str, work: Callable[[Environment], T],
                  uid: int = SUPERUSER_ID) -> T:
    """``work(env)`` as ``uid`` in its own transaction, committed if it returns; it
    starts as requests do (registry and cache signals read first)."""
    from agora.modules.registry_manager import registry_for

    connection = connect(conninfo)
    try:
        with Cursor(connection) as cr:
            return work(Environment(cr, uid, {}, registry=registry_for(cr)))
    finally:
        connection.close()


@contextmanager
def populated_database(server_url: str, registry: Any, prefix: str,
                       populate: Callable[[Environment], dict[str, Any]]
                       ) -> Iterator[SimpleNamespace]:
    """A new database with ``registry``'s schema and what ``populate(env)`` creates
    (committed); yields ``SimpleNamespace(registry, conninfo, **populate's result)`` and
    drops the database afterwards."""
    name, conninfo = new_database(server_url, prefix=prefix)
    connection = connect(conninfo)
    try:
        with Cursor(connection) as cr:
            registry.sync_schema(cr)
            values = populate(Environment(cr, SUPERUSER_ID, {}, registry=registry))
            cr.commit()
        yield SimpleNamespace(registry=registry, conninfo=conninfo, **values)
    finally:
        connection.close()
        remove_database(server_url, name)
