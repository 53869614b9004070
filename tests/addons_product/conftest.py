from __future__ import annotations

from collections.abc import Iterator

import pytest

from agora.orm.environment import Environment
from agora.testing.addons import installed_database, rolled_back_env


@pytest.fixture(scope="session")
def product_db(agora_server_url: str) -> Iterator[str]:
    """A database with uom and product installed, with their demo data."""
    with installed_database(agora_server_url, ["product"], demo=True,
                            prefix="agora_product") as conninfo:
        yield conninfo


@pytest.fixture
def env(product_db: str) -> Iterator[Environment]:
    with rolled_back_env(product_db) as env:
        yield env
