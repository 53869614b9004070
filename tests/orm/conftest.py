from __future__ import annotations

from collections.abc import Iterator

import pytest

from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.registry import Registry
from agora.testing.database import rolled_back_cursor
from agora.testing.queries import assert_queries as _assert_queries
from tests.orm import (
    models,  # noqa: F401  (defines the test models)
    onchange_models,  # noqa: F401  (the onchange tests' models)
)


@pytest.fixture(scope="session")
def registry(agora_database, make_connection) -> Registry:
    name, _conninfo = agora_database
    registry = Registry.build(name, Registry.definitions_of(["test_orm"]))
    connection = make_connection()
    from agora.db.cursor import Cursor
    with Cursor(connection) as cr:
        registry.sync_schema(cr)
    return registry


@pytest.fixture
def cr(registry, agora_database) -> Iterator:
    # One connection per test, closed after it (not at the end of the session, or a long
    # run exhausts the server's max_connections).
    with rolled_back_cursor(agora_database[1]) as cursor:
        yield cursor


@pytest.fixture
def env(cr, registry) -> Environment:
    return Environment(cr, SUPERUSER_ID, {}, registry=registry)


@pytest.fixture
def assert_queries(cr):
    def check(limit: int):
        return _assert_queries(cr, limit)
    return check
