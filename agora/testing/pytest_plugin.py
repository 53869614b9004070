"""pytest plugin (entry point ``agora``): a real PostgreSQL database for the session.

Fixtures: ``agora_server_url`` (the server), ``agora_database`` (name and conninfo of a
fresh database dropped after the session), ``make_connection`` (configured psycopg
connections to it), ``agora_served_db`` (a database with base and the demo app),
``agora_app`` (the WSGI application serving it) and ``agora_live_server`` (that
application on a real loopback HTTP server).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest

from agora.db.pool import connect
from agora.db.url import url_for_database
from agora.testing.browser import agora_browser, agora_page  # noqa: F401 (fixtures)
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


@pytest.fixture(scope="session")
def agora_served_db(agora_server_url: str) -> Iterator[str]:
    """Name of a database with base, the demo app and demo data installed (committed);
    admin's password is ``admin``. Shared by the session: tests that change data must
    clean up or use names of their own."""
    from agora.testing.server import install_database

    name, _conninfo = new_database(agora_server_url, prefix="agora_served")
    try:
        install_database(agora_server_url, name, ["demo"])
        yield name
    finally:
        remove_database(agora_server_url, name)


@pytest.fixture(scope="session")
def agora_app(agora_server_url: str, agora_served_db: str) -> Iterator[Any]:
    """The full WSGI application (every built-in controller) serving ``agora_served_db``."""
    from agora.db.manager import Databases
    from agora.http.application import Application
    from agora.service.wsgi import load_controllers

    load_controllers()
    databases = Databases(agora_server_url, pool_min=0, pool_max=8)
    app = Application(databases=databases, default_db=agora_served_db)
    yield app
    databases.close()


@pytest.fixture(scope="session")
def agora_live_server(agora_app: Any) -> Iterator[Any]:
    """A real HTTP server (threads, loopback) running ``agora_app``; ``.url``."""
    from agora.testing.server import LiveServer

    server = LiveServer(agora_app)
    yield server
    server.stop()


@pytest.fixture
def agora_served_run(agora_server_url: str, agora_served_db: str) -> Callable[..., Any]:
    """``run(work, uid=SUPERUSER_ID)``: ``work(env)`` as ``uid`` in its own committed
    transaction on ``agora_served_db``, started the way requests start theirs."""
    from agora.orm.environment import SUPERUSER_ID
    from agora.testing.database import run_committed

    conninfo = url_for_database(agora_server_url, agora_served_db)
    return lambda work, uid=SUPERUSER_ID: run_committed(conninfo, work, uid)


#: the password of ``agora_served_user``
SERVED_USER_PASSWORD = "pw-one"


@pytest.fixture
def agora_served_user(agora_served_run: Callable[..., Any]) -> Iterator[tuple[int, str]]:
    """``(uid, login)`` of a new internal user (group_user, password
    ``SERVED_USER_PASSWORD``) on ``agora_served_db``; deactivated, its sessions ended,
    after the test."""
    import time

    login = f"served-user-{time.monotonic_ns()}"
    uid = agora_served_run(lambda env: env["res.users"].create({
        "name": "Served User", "login": login, "password": SERVED_USER_PASSWORD,
        "groups_id": [(6, 0, [env.ref("base.group_user").id])]}).id)
    yield uid, login

    def retire(env: Any) -> None:
        from agora.http.sessions import SessionStore

        env["res.users"].browse(uid).write({"active": False})
        SessionStore().delete_user_sessions(env.cr, uid)
    agora_served_run(retire)
