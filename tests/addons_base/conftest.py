from __future__ import annotations

from collections.abc import Iterator

import pytest

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.registry import Registry
from agora.testing.database import new_database, remove_database, rolled_back_cursor


@pytest.fixture(scope="session")
def base_registry() -> Registry:
    import agora.addons.base  # noqa: F401
    import tests.addons_base.models  # noqa: F401
    registry = Registry("agora_base_x")
    registry.load(Registry.definitions_of(["base", "test_addons_base"]))
    return registry


@pytest.fixture(scope="session")
def base_db(agora_server_url: str, base_registry: Registry) -> Iterator[str]:
    """Conninfo of a database holding the base models' tables."""
    name, conninfo = new_database(agora_server_url, prefix="agora_base")
    try:
        connection = connect(conninfo)
        with Cursor(connection) as cr:
            base_registry.sync_schema(cr)
        with Cursor(connection) as cr:
            # The superuser (id 1), the main company... as a base install creates them.
            from agora.addons.base.init_data import pre_init_hook
            pre_init_hook(Environment(cr, SUPERUSER_ID, {}, registry=base_registry))
        connection.close()
        yield conninfo
    finally:
        remove_database(agora_server_url, name)


@pytest.fixture
def connection_factory(base_db: str):
    opened = []

    def factory():
        connection = connect(base_db)
        opened.append(connection)
        return connection

    yield factory
    for connection in opened:
        if not connection.closed:
            connection.close()


@pytest.fixture
def cr(base_db: str) -> Iterator[Cursor]:
    with rolled_back_cursor(base_db) as cursor:
        yield cursor


@pytest.fixture
def env(cr: Cursor, base_registry: Registry) -> Environment:
    return Environment(cr, SUPERUSER_ID, {}, registry=base_registry)


@pytest.fixture
def committed(base_db: str, base_registry: Registry):
    """Run ``work(env)`` in its own committed transaction; returns its result."""
    def run(work):
        connection = connect(base_db)
        try:
            with Cursor(connection) as cursor:
                return work(Environment(cursor, SUPERUSER_ID, {}, registry=base_registry))
        finally:
            connection.close()
    return run


@pytest.fixture
def company(env: Environment):
    currency = env["res.currency"].create({"name": "XTS", "symbol": "¤"})
    return env["res.company"].create({"name": "Test Co", "currency_id": currency.id})
