from __future__ import annotations

from collections.abc import Iterator

import pytest

from agora.orm.environment import Environment
from agora.testing.addons import rolled_back_env


@pytest.fixture(scope="session")
def crm_served(agora_server_url: str) -> Iterator[object]:
    """crm (with sales_team) installed with its demo data, once per session, served by a
    live server of its own (``.url``, ``.name``, ``.run(work)``)."""
    from agora.testing.addons import served_addons

    with served_addons(agora_server_url, ["crm"], prefix="agora_crm") as served:
        yield served


@pytest.fixture(scope="session")
def crm_db(crm_served) -> str:
    return crm_served.conninfo


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


@pytest.fixture
def crm_run(crm_served):
    """``run(work, uid=SUPERUSER_ID)``: ``work(env)`` committed on the served crm database."""
    return crm_served.run
