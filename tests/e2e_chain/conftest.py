"""The whole sales chain on a served database: ``sale_crm`` (crm, sale, account and what
they need) installed with demo data, a live HTTP server on it, admin / admin (base's
initial data gives the administrator that password, as on the shared served database)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from agora.testing.addons import served_addons

LOGIN = PASSWORD = "admin"


@dataclass(frozen=True)
class Served:
    """A database served over HTTP: ``url`` of the server, ``db`` its name, ``run(work)``
    runs ``work(env)`` as superuser in a committed transaction on it."""

    url: str
    db: str
    run: Callable[..., Any]

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 80


@contextmanager
def served_database(server_url: str, modules: list[str], *, demo: bool,
                    prefix: str) -> Iterator[Served]:
    with served_addons(server_url, modules, demo=demo, prefix=prefix) as served:
        yield Served(served.url, served.name, served.run)


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
def chain_run(chain: Served) -> Callable[..., Any]:
    """``run(work)``: ``work(env)`` as superuser in its own committed transaction on the
    chain's database (set-up and checks outside the client under test)."""
    return chain.run
