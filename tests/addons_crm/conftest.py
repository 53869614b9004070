from __future__ import annotations

from collections.abc import Iterator

import pytest

from agora.db.url import url_for_database
from agora.orm.environment import Environment
from agora.testing.addons import rolled_back_env
from agora.testing.database import new_database, remove_database


@pytest.fixture(scope="session")
def agora_served_db(agora_server_url: str) -> Iterator[str]:
    """The database name of crm (with sales_team) installed with its demo data, once per
    session; the live server of the browser tests serves it too."""
    from agora.testing.server import install_database

    name, _conninfo = new_database(agora_server_url, prefix="agora_crm")
    try:
        install_database(agora_server_url, name, ["crm"], demo=True)
        yield name
    finally:
        remove_database(agora_server_url, name)


@pytest.fixture(scope="session")
def crm_db(agora_server_url: str, agora_served_db: str) -> str:
    return url_for_database(agora_server_url, agora_served_db)


@pytest.fixture
def env(crm_db: str) -> Iterator[Environment]:
    with rolled_back_env(crm_db) as environment:
        yield environment


@pytest.fixture
def stages(env: Environment) -> dict[str, object]:
    return {name: env.ref(f"crm.stage_lead{index}")
            for index, name in enumerate(("new", "qualified", "proposition", "won"), start=1)}


@pytest.fixture
def salesmen(env: Environment):
    """Two salespeople who only see their own (and unassigned) leads."""
    group = env.ref("sales_team.group_sale_salesman")
    return env["res.users"].create([
        {"name": name, "login": f"test_{name.lower()}", "groups_id": [(6, 0, [group.id])]}
        for name in ("Ann", "Ben")])
