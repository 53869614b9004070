from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from agora.orm.environment import Environment
from agora.testing.addons import installed_database, rolled_back_env
from agora.testing.database import run_committed
from tests.addons_mail.smtp_sink import SmtpSink


@pytest.fixture(scope="session")
def contacts_db(agora_server_url: str) -> Iterator[str]:
    """A database with contacts (hence mail, web, base) installed, with demo data."""
    with installed_database(agora_server_url, ["contacts"], demo=True,
                            prefix="agora_mail") as conninfo:
        yield conninfo


@pytest.fixture
def env(contacts_db: str) -> Iterator[Environment]:
    with rolled_back_env(contacts_db, context={"tz": "UTC"}) as env:
        yield env


@pytest.fixture
def committed(contacts_db: str) -> Callable[[Callable[[Environment], Any]], Any]:
    """Run ``work(env)`` in its own committed transaction (post-commit hooks run)."""
    def run(work: Callable[[Environment], Any]) -> Any:
        return run_committed(contacts_db, work)
    return run


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def mail_server(committed, sink: SmtpSink) -> Iterator[SmtpSink]:
    """The SMTP sink configured as the only outgoing mail server; queue emptied after."""
    def configure(env: Environment) -> None:
        env["ir.mail_server"].search([]).unlink()
        env["ir.mail_server"].create({"name": "sink", "smtp_host": "127.0.0.1",
                                      "smtp_port": sink.port})
    committed(configure)
    yield sink

    def wipe(env: Environment) -> None:
        env.cr.execute("DELETE FROM mail_mail")
        env.cr.execute("DELETE FROM ir_mail_server")
    committed(wipe)
