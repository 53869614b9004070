from __future__ import annotations

from collections.abc import Iterator

import pytest

from agora.orm.environment import Environment
from agora.testing.addons import installed_database, rolled_back_env


@pytest.fixture(scope="session")
def crm_db(agora_server_url: str) -> Iterator[str]:
    """crm (with sales_team) installed with its demo data, committed once per session."""
    with installed_database(agora_server_url, ["crm"], demo=True, prefix="agora_crm") as conninfo:
        yield conninfo


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
