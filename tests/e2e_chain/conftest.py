"""The whole sales chain on a served database: ``sale_crm`` (crm, sale, account and what
they need) installed with demo data, a live HTTP server on it, admin / admin (base's
initial data gives the administrator that password, as on the shared served database)."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from agora.db.url import url_for_database
from agora.testing.database import new_database, remove_database, run_committed

LOGIN = PASSWORD = "admin"


@dataclass(frozen=True)
class Served:
    """A database served over HTTP: ``url`` of the server, ``db`` its name."""

    url: str
    db: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 80

    def uid(self) -> int:
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common", allow_none=True)
        uid = common.authenticate(self.db, LOGIN, PASSWORD, {})
        assert uid, f"admin / admin cannot log in to {self.db}"
        return uid

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """``model.method(*args, **kwargs)`` as admin over /xmlrpc/2/object."""
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        return proxy.execute_kw(self.db, self.uid(), PASSWORD, model, method, list(args),
                                kwargs)


@contextmanager
def served_database(server_url: str, modules: list[str], *, demo: bool,
                    prefix: str) -> Iterator[Served]:
    """A new database with ``modules`` installed, served by its own live server."""
    from agora.db.manager import Databases
    from agora.http.application import Application
    from agora.service.wsgi import load_controllers
    from agora.testing.server import LiveServer, install_database

    name, _conninfo = new_database(server_url, prefix=prefix)
    try:
        install_database(server_url, name, modules, demo=demo)
        load_controllers()
        databases = Databases(server_url, pool_min=0, pool_max=8)
        server = LiveServer(Application(databases=databases, default_db=name))
        try:
            yield Served(server.url, name)
        finally:
            server.stop()
            databases.close()
    finally:
        remove_database(server_url, name)


@pytest.fixture(scope="session")
def chain(agora_server_url: str) -> Iterator[Served]:
    """``sale_crm`` with demo data (crm_auto_invoice NOT installed: the chain is manual)."""
    with served_database(agora_server_url, ["sale_crm"], demo=True,
                         prefix="agora_e2e_chain") as served:
        yield served


@pytest.fixture(scope="session")
def auto_invoice(agora_server_url: str) -> Iterator[Served]:
    """A separate database with ``crm_auto_invoice`` (winning invoices by itself)."""
    with served_database(agora_server_url, ["crm_auto_invoice"], demo=False,
                         prefix="agora_e2e_auto") as served:
        yield served


@pytest.fixture
def chain_run(agora_server_url: str, chain: Served) -> Callable[..., Any]:
    """``run(work)``: ``work(env)`` as superuser in its own committed transaction on the
    chain's database (set-up and checks outside the client under test)."""
    conninfo = url_for_database(agora_server_url, chain.db)
    return lambda work: run_committed(conninfo, work)
