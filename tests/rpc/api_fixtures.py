"""Fixtures of the JSON-2, REST and OpenAPI tests (``from tests.rpc.api_fixtures import *``).

``api_setup`` makes the callers, each with an API key: admin, an employee
(``base.group_user``: the demo app, partners without delete) and a user in no group."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any, TypeVar

import pytest
from werkzeug.test import Client

from agora.db.manager import Databases
from agora.modules.registry_manager import registry_for
from agora.orm.environment import SUPERUSER_ID, Environment

__all__ = ["ApiCaller", "admin", "api_client", "api_setup", "assert_error", "employee",
           "fuzz_server", "nobody"]

T = TypeVar("T")
DEMO_MODELS = ("demo.contact", "demo.product", "demo.order", "demo.order.line")


def run_as_superuser(databases: Databases, db: str, work: Callable[[Environment], T]) -> T:
    """``work(env)`` as superuser in one committed transaction on ``db``."""
    return databases.run(db, lambda cr: work(
        Environment(cr, SUPERUSER_ID, {}, registry=registry_for(cr))))


def make_user(env: Environment, login: str, groups: list[str]) -> tuple[int, str]:
    """A user in ``groups`` and an API key of theirs (made as superuser: a user in no
    group may not create keys, and these tests need one)."""
    users = env["res.users"].with_context(active_test=False)
    user = users.search([("login", "=", login)])
    if not user:
        user = users.create({"name": login.title(), "login": login,
                             "groups_id": [(6, 0, [env.ref(g).id for g in groups])]})
    key = env(user=user.id, su=True)["res.users.apikeys"].generate(f"{login} tests", "rpc")
    return user.id, key


def setup_api_callers(databases: Databases, db: str) -> SimpleNamespace:
    def work(env: Environment) -> SimpleNamespace:
        admin_key = env(user=2, su=True)["res.users.apikeys"].generate("api tests", "rpc")
        employee, employee_key = make_user(env, "api_employee", ["base.group_user"])
        nobody, nobody_key = make_user(env, "api_nobody", [])
        return SimpleNamespace(db=db, admin=2, admin_key=admin_key, employee=employee,
                               employee_key=employee_key, nobody=nobody, nobody_key=nobody_key)
    return run_as_superuser(databases, db, work)


@pytest.fixture(scope="session")
def api_setup(agora_app: Any, agora_served_db: str) -> SimpleNamespace:
    setup = setup_api_callers(agora_app.databases, agora_served_db)
    setup.run = lambda work: run_as_superuser(agora_app.databases, agora_served_db, work)
    return setup


@pytest.fixture(scope="session")
def api_client(agora_app: Any) -> Client:
    return Client(agora_app)


class ApiCaller:
    """Requests with one caller's key: ``caller.post(path, json=...)`` -> response."""

    def __init__(self, client: Client, key: str | None) -> None:
        self.client = client
        self.key = key

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return {**headers, **(extra or {})}

    def request(self, method: str, path: str, *, json_body: Any = None, data: Any = None,
                headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        if json_body is not None:
            data = json.dumps(json_body)
        return self.client.open(path, method=method, data=data,
                                content_type="application/json",
                                headers=self.headers(headers), **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json_body: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, json_body=json_body, **kwargs)

    def patch(self, path: str, json_body: Any = None, **kwargs: Any) -> Any:
        return self.request("PATCH", path, json_body=json_body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)


@pytest.fixture(scope="session")
def admin(api_client: Client, api_setup: SimpleNamespace) -> ApiCaller:
    return ApiCaller(api_client, api_setup.admin_key)


@pytest.fixture(scope="session")
def employee(api_client: Client, api_setup: SimpleNamespace) -> ApiCaller:
    return ApiCaller(api_client, api_setup.employee_key)


@pytest.fixture(scope="session")
def nobody(api_client: Client, api_setup: SimpleNamespace) -> ApiCaller:
    return ApiCaller(api_client, api_setup.nobody_key)


def assert_error(response: Any, status: int, name: str | None = None,
                 message: str | None = None) -> dict[str, Any]:
    """The response is a JSON error of ``status`` (``name``, ``message`` part)."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"name", "message", "arguments", "context", "debug"}, body
    if name is not None:
        assert body["name"] == name, body
    if message is not None:
        assert message in body["message"], body
    return body


@pytest.fixture(scope="module")
def fuzz_server(agora_server_url: str) -> Iterator[SimpleNamespace]:
    """A live server on a database of its own (base, demo app and demo data): fuzzers
    create, change and delete records at random, which other tests must not see."""
    from agora.http.application import Application
    from agora.service.wsgi import load_controllers
    from agora.testing.database import new_database, remove_database
    from agora.testing.server import LiveServer, install_database

    name, _conninfo = new_database(agora_server_url, prefix="agora_fuzz")
    databases = Databases(agora_server_url, pool_min=0, pool_max=8)
    server = None
    try:
        install_database(agora_server_url, name, ["demo"])
        callers = setup_api_callers(databases, name)
        load_controllers()
        server = LiveServer(Application(databases=databases, default_db=name))
        yield SimpleNamespace(url=server.url, db=name, callers=callers)
    finally:
        if server is not None:
            server.stop()
        databases.close()
        remove_database(agora_server_url, name)
