"""``agora serve --workers 2``: gunicorn prefork workers and a cron worker process."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator

import pytest
import requests

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
def prefork(agora_server_url: str, agora_served_db: str) -> Iterator[ServeProcess]:
    with ServeProcess(agora_server_url, agora_served_db, "--workers", "2",
                      "--cron-workers", "1", "--cron-interval", "0.5") as server:
        wait_for(lambda: len(server.children()) == 3, 10, "2 HTTP + 1 cron worker expected")
        yield server


def test_serves_xmlrpc_and_logs_each_request(prefork: ServeProcess) -> None:
    check_serves_xmlrpc(prefork)
    pids = wait_for(lambda: set(REQUEST_LINE.findall(prefork.log())), 5,
                    f"no request log line:\n{prefork.log()}")
    assert {int(pid) for pid in pids} <= prefork.children()  # logged by the workers


def test_cron_worker_runs_due_job(prefork: ServeProcess) -> None:
    check_cron_runs_due_job(prefork)


def test_sighup_replaces_every_worker_without_a_failed_call(prefork: ServeProcess) -> None:
    before = prefork.children()

    def reload() -> set[int]:
        prefork.process.send_signal(signal.SIGHUP)
        return wait_for(lambda: (lambda now: now if len(now) == 3 and not now & before
                                 else None)(prefork.children()),
                        20, f"workers not replaced:\n{prefork.log()}")
    _calls, failures, after = keep_calling_during(prefork, reload)
    assert not failures, failures[:3]
    logged = {int(pid) for pid in REQUEST_LINE.findall(prefork.log())}
    assert logged & after, "the new workers served no request"


def test_sigterm_finishes_request_in_flight_then_exits_0(start_server) -> None:
    server = start_server("--workers", "2", "--cron-workers", "1")
    wait_for(lambda: len(server.children()) == 3, 10, "2 HTTP + 1 cron worker expected")
    children = server.children()
    check_sigterm_finishes_request_in_flight(server)
    for pid in children:  # no worker left behind
        wait_for(lambda pid=pid: not _exists(pid), 2, f"worker {pid} still running")


def _exists(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _xmlrpc_requests(server: ServeProcess) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    text = requests.get(f"{server.url}/metrics", timeout=10).text
    return sum(sample.value for family in text_string_to_metric_families(text)
               for sample in family.samples
               if sample.name == "agora_http_requests_total"
               and sample.labels["route"] == "/xmlrpc/2/<service>")


def test_metrics_sum_every_worker(prefork: ServeProcess) -> None:
    """/metrics is answered by one worker but counts the requests all workers served."""
    before = _xmlrpc_requests(prefork)
    log_start = len(prefork.log())
    calls = 0
    serving: set[str] = set()
    while calls < 60 and (calls < 20 or len(serving) < 2):
        prefork.call("res.partner", "search_count", [])
        calls += 1
        serving = {pid for pid, _line in _xmlrpc_lines(prefork.log()[log_start:])}
    # (workers a SIGHUP replaced may still finish a call: more than two is fine)
    assert len(serving) >= 2, "both workers should have served a call"
    assert _xmlrpc_requests(prefork) - before == calls


def _xmlrpc_lines(log: str) -> list[tuple[str, str]]:
    return [(match.group(1), match.group(0)) for match in
            re.finditer(r"\[(\d+)\] \[INFO\] agora\.http\.requests: POST /xmlrpc/2/object .*",
                        log)]
