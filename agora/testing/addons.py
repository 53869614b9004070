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
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from agora.db.url import url_for_database
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.testing.database import new_database, remove_database, rolled_back_cursor

if TYPE_CHECKING:
    import requests


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


@contextmanager
def served_addons(server_url: str, modules: list[str], *, demo: bool = True,
                  prefix: str = "agora_served_addons") -> Iterator[SimpleNamespace]:
    """A new database with ``modules`` installed, served over HTTP by a live server of its
    own (threads, loopback). Yields ``name``, ``conninfo``, ``url`` and ``run(work,
    uid=SUPERUSER_ID)`` (``work(env)`` in a committed transaction); everything is stopped
    and dropped afterwards. Admin's password is ``admin``.

    Browser and RPC tests of an addon use this rather than overriding the session-wide
    ``agora_served_db``, which the shared live server of other tests is built on."""
    from agora.db.manager import Databases
    from agora.http.application import Application
    from agora.service.wsgi import load_controllers
    from agora.testing.database import run_committed
    from agora.testing.server import LiveServer

    with installed_database(server_url, modules, demo=demo, prefix=prefix) as conninfo:
        name = conninfo_dbname(conninfo)
        load_controllers()
        databases = Databases(server_url, pool_min=0, pool_max=4)
        server = LiveServer(Application(databases=databases, default_db=name))
        try:
            yield SimpleNamespace(
                name=name, conninfo=conninfo, url=server.url,
                run=lambda work, uid=SUPERUSER_ID: run_committed(conninfo, work, uid))
        finally:
            server.stop()
            databases.close()


def conninfo_dbname(conninfo: str) -> str:
    """The database name of a connection string (URL or key=value form)."""
    import psycopg.conninfo

    return psycopg.conninfo.conninfo_to_dict(conninfo)["dbname"]


@contextmanager
def changed_modules(server_url: str, modules: list[str], *, upgrade: list[str] | None = None,
                    uninstall: list[str] | None = None, demo: bool = False,
                    prefix: str = "agora_lifecycle") -> Iterator[Environment]:
    """A new database with ``modules`` installed, then ``upgrade`` upgraded or ``uninstall``
    uninstalled; yields a superuser environment on the registry that results, in the same
    transaction (committed if the block passes). The database is dropped afterwards."""
    from agora.db.cursor import Cursor
    from agora.db.pool import connect
    from agora.modules.loader import uninstall_modules, upgrade_modules

    if (upgrade is None) == (uninstall is None):
        raise ValueError("changed_modules() needs exactly one of upgrade= or uninstall=")
    with installed_database(server_url, modules, demo=demo, prefix=prefix) as conninfo:
        connection = connect(conninfo)
        try:
            with Cursor(connection) as cr:
                registry = (upgrade_modules(cr, upgrade) if upgrade is not None
                            else uninstall_modules(cr, uninstall or []))
                yield Environment(cr, SUPERUSER_ID, {}, registry=registry)
        finally:
            connection.close()


def http_session(url: str, db: str, login: str, password: str) -> requests.Session:
    """A ``requests.Session`` logged in to ``db`` on the server at ``url`` through
    ``/web/session/authenticate`` (its cookie is the session's); fails the test if the
    login is refused."""
    import requests

    session = requests.Session()
    answer = session.post(f"{url}/web/session/authenticate", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"db": db, "login": login, "password": password}})
    assert answer.status_code == 200 and "error" not in answer.json(), (login, answer.text)
    assert session.cookies, f"no session cookie after logging in as {login}"
    return session


def pdf_text(pdf: bytes) -> bytes:
    """The PDF's bytes with any compressed stream inflated, so a test finds a text
    whether the renderer compresses its streams or not."""
    import zlib

    chunks = [pdf]
    for part in pdf.split(b"stream")[1:]:
        body = part.split(b"endstream")[0].strip(b"\r\n")
        try:
            chunks.append(zlib.decompress(body))
        except zlib.error:
            pass
    return b"\n".join(chunks)


def installed_database_fixture(modules: list[str], *, demo: bool = False,
                               prefix: str = "agora_addons", scope: str = "session") -> Any:
    """A pytest fixture yielding the connection string of ``installed_database(...)``;
    assign it to the name the tests ask for::

        sale_db = installed_database_fixture(["sale"], prefix="agora_sale")
    """
    import pytest

    @pytest.fixture(scope=scope)
    def database(agora_server_url: str) -> Iterator[str]:
        with installed_database(agora_server_url, modules, demo=demo, prefix=prefix) as conninfo:
            yield conninfo

    return database


def served_addons_fixture(modules: list[str], *, demo: bool = True,
                          prefix: str = "agora_served_addons", scope: str = "module") -> Any:
    """A pytest fixture yielding ``served_addons(...)`` (``name``, ``conninfo``, ``url``,
    ``run``); assign it to the name the tests ask for::

        contacts_served = served_addons_fixture(["contacts"], prefix="agora_contacts_web")
    """
    import pytest

    @pytest.fixture(scope=scope)
    def served(agora_server_url: str) -> Iterator[SimpleNamespace]:
        with served_addons(agora_server_url, modules, demo=demo, prefix=prefix) as served:
            yield served

    return served
