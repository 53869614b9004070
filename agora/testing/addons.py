"""Databases with business addons installed, for the addons' own tests.

A test package declares which addons it needs once per session::

    @pytest.fixture(scope="session")
    def sale_db(agora_server_url):
        with installed_database(agora_server_url, ["sale"]) as conninfo:
            yield conninfo

    @pytest.fixture
    def env(sale_db):
        with rolled_back_env(sale_db) as env:
            yield env
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from agora.db.url import url_for_database
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.testing.database import new_database, remove_database, rolled_back_cursor


@contextmanager
def installed_database(server_url: str, modules: list[str], *, demo: bool = False,
                       prefix: str = "agora_addons") -> Iterator[str]:
    """A new database with ``modules`` (and what they depend on) installed and committed;
    yields its connection string and drops it afterwards."""
    from agora.testing.server import install_database

    name, _conninfo = new_database(server_url, prefix=prefix)
    try:
        install_database(server_url, name, modules, demo=demo)
        yield url_for_database(server_url, name)
    finally:
        remove_database(server_url, name)


@contextmanager
def rolled_back_env(conninfo: str, uid: int = SUPERUSER_ID,
                    context: dict | None = None) -> Iterator[Environment]:
    """An environment on the database's current registry whose transaction is rolled
    back at the end, so each test starts from what the install committed."""
    from agora.modules.registry_manager import registry_for

    with rolled_back_cursor(conninfo) as cr:
        yield Environment(cr, uid, dict(context or {}), registry=registry_for(cr))
