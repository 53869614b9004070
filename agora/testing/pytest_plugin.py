"""pytest plugin (entry point ``agora``): a real PostgreSQL database for the session.

Fixtures: ``agora_server_url`` (the server), ``agora_database`` (name and conninfo of a
fresh database dropped after the session), ``make_connection`` (configured psycopg
connections to it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import psycopg
import pytest

from agora.db.pool import connect
from agora.testing.database import new_database, remove_database, server_url


@pytest.fixture(scope="session")
def agora_server_url() -> str:
    return server_url()


@pytest.fixture(scope="session")
def agora_database(agora_server_url: str) -> Iterator[tuple[str, str]]:
    name, conninfo = new_database(agora_server_url)
    try:
        yield name, conninfo
    finally:
        remove_database(agora_server_url, name)


@pytest.fixture(scope="session")
def make_connection(agora_database: tuple[str, str]
                    ) -> Iterator[Callable[..., psycopg.Connection]]:
    opened: list[psycopg.Connection] = []

    def factory(autocommit: bool = False) -> psycopg.Connection:
        connection = connect(agora_database[1], autocommit=autocommit)
        opened.append(connection)
        return connection

    yield factory
    for connection in opened:
        connection.close()
