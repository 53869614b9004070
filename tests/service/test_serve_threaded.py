"""``agora serve --workers 0``: one threaded process with a cron thread."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from tests.service.serving import (
    REQUEST_LINE,
    ServeProcess,
    check_cron_runs_due_job,
    check_serves_xmlrpc,
    check_sigterm_finishes_request_in_flight,
    keep_calling_during,
    wait_for,
)


@pytest.fixture(scope="module")
def threaded(agora_server_url: str, agora_served_db: str) -> Iterator[ServeProcess]:
    with ServeProcess(agora_server_url, agora_served_db, "--workers", "0",
                      "--cron-interval", "0.5") as server:
        yield server


def test_serves_xmlrpc_and_logs_each_request(threaded: ServeProcess) -> None:
    check_serves_xmlrpc(threaded)
    lines = wait_for(lambda: REQUEST_LINE.findall(threaded.log()), 5,
                     f"no request log line:\n{threaded.log()}")
    assert set(lines) == {str(threaded.pid)}  # one process serves everything


def test_cron_thread_runs_due_job(threaded: ServeProcess) -> None:
    check_cron_runs_due_job(threaded)


def test_sigterm_finishes_request_in_flight_then_exits_0(start_server) -> None:
    server = start_server("--workers", "0", "--cron-workers", "0")
    check_sigterm_finishes_request_in_flight(server)


def test_sighup_restarts_in_place_without_a_failed_call(start_server) -> None:
    server = start_server("--workers", "0", "--cron-workers", "0")

    def restart() -> None:
        server.process.send_signal(signal.SIGHUP)
        wait_for(lambda: server.log().count("Agora serving on") == 2, 20,
                 f"no restart:\n{server.log()}")
    _calls, failures, _ = keep_calling_during(server, restart)
    assert not failures, failures[:3]
    assert "restarting (SIGHUP)" in server.log()
    assert server.process.poll() is None  # the same process (pid) keeps serving
    check_serves_xmlrpc(server)
