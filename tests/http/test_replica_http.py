"""Read replicas seen by API clients, against a real asynchronous streaming replica:
RPC reads are answered by the replica, writes and a session's reads after its own write
by the primary (read-your-writes), a method marked ``@api.readonly`` that writes is
re-run on the primary, and reads keep working while the replica is stopped. Which
server answered is proven by data the stale replica lacks, by a probe method reporting
``pg_is_in_recovery()``, and by the ``/metrics`` counters."""

from __future__ import annotations

import xmlrpc.client
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from agora.db.manager import Databases
from agora.http.application import Application
from agora.modules.paths import add_addons_paths
from agora.service.wsgi import load_controllers
from agora.testing.addons import http_session
from agora.testing.database import new_database
from agora.testing.replica import streaming_pair
from agora.testing.server import LiveServer, install_database
from tests.db.replica_helpers import replay_paused, wait_until

ADDONS = Path(__file__).parents[1] / "db" / "addons"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    add_addons_paths([ADDONS])
    with streaming_pair(tmp_path_factory.mktemp("http")) as pair:
        name, _conninfo = new_database(pair.primary_url, prefix="agora_replica_http")
        install_database(pair.primary_url, name, ["base", "test_replica_probe"])
        pair.wait_replayed()
        load_controllers()
        databases = Databases(pair.primary_url, [pair.replica_url], pool_min=0, pool_max=4,
                              replica_max_lag=60, replica_retry_after=0.5)
        server = LiveServer(Application(databases=databases, default_db=name))
        try:
            yield pair, name, server.url
        finally:
            server.stop()
            databases.close()


def call(session: requests.Session, url: str, model: str, method: str, *args, **kwargs):
    answer = session.post(f"{url}/web/dataset/call_kw/{model}/{method}", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs}})
    body = answer.json()
    assert "error" not in body, body
    return body["result"]


def units(url: str) -> dict[tuple[str, str], float]:
    """``agora_db_units_total`` by (kind, server), from the server's /metrics."""
    text = requests.get(f"{url}/metrics", timeout=10).text
    found: dict[tuple[str, str], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "agora_db_units_total":
                found[(sample.labels["kind"], sample.labels["server"])] = sample.value
    return found


def counted(url: str, name: str, **labels: str) -> float:
    text = requests.get(f"{url}/metrics", timeout=10).text
    return sum(sample.value for family in text_string_to_metric_families(text)
               for sample in family.samples
               if sample.name == name and all(sample.labels.get(k) == v
                                              for k, v in labels.items()))


def test_rpc_reads_go_to_the_replica_and_a_session_reads_its_own_writes(served):
    pair, db, url = served
    writer = http_session(url, db, "admin", "admin")
    reader = http_session(url, db, "admin", "admin")
    pair.wait_replayed()  # both sessions exist on the replica
    probe = call(reader, url, "res.partner", "replica_probe_server")
    assert probe["in_recovery"] is True  # routed by @api.readonly, not by name
    with replay_paused(pair):
        partner_id = call(writer, url, "res.partner", "create", {"name": "Mine, fresh"})
        domain = [["id", "=", partner_id]]
        # The stale replica answers the other session: it does not have the partner...
        assert call(reader, url, "res.partner", "search_count", domain) == 0
        # ...the writer's own reads are sent to the primary, which has it.
        before = units(url)
        assert call(writer, url, "res.partner", "search_count", domain) == 1
        assert call(writer, url, "res.partner", "read", [partner_id], ["name"]) == [
            {"id": partner_id, "name": "Mine, fresh"}]
        after = units(url)
        assert after[("read", "primary")] - before.get(("read", "primary"), 0) == 2
        # A uid/password client (no cookie) is followed within the process as well.
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        uid = common.authenticate(db, "admin", "admin", {})
        models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
        assert models.execute_kw(db, uid, "admin", "res.partner", "search_count",
                                 [domain]) == 0  # not its write: the replica's view
        other_id = models.execute_kw(db, uid, "admin", "res.partner", "create",
                                     [{"name": "Mine, by XML-RPC"}])
        assert models.execute_kw(db, uid, "admin", "res.partner", "search_count",
                                 [[["id", "=", other_id]]]) == 1
    # Replay caught up: the writer's reads are the replica's again, and show the write.
    before = units(url)
    assert call(writer, url, "res.partner", "search_count", domain) == 1
    after = units(url)
    assert after[("read", "replica")] - before.get(("read", "replica"), 0) == 1
    assert after.get(("read", "primary"), 0) == before.get(("read", "primary"), 0)


def test_a_readonly_method_that_writes_is_rerun_on_the_primary(served):
    pair, db, url = served
    session = http_session(url, db, "admin", "admin")
    pair.wait_replayed()
    retries = counted(url, "agora_db_retries_total", reason="readonly_write")
    result = call(session, url, "res.partner", "replica_probe_write", "Written once")
    assert result["in_recovery"] is False  # the try that succeeded ran on the primary
    assert counted(url, "agora_db_retries_total", reason="readonly_write") == retries + 1
    assert call(session, url, "res.partner", "search_count",
                [["name", "=", "Written once"]]) == 1


def test_reads_fall_back_to_the_primary_while_the_replica_is_stopped(served):
    pair, db, url = served
    session = http_session(url, db, "admin", "admin")
    pair.wait_replayed()
    assert call(session, url, "res.partner", "replica_probe_server")["in_recovery"] is True
    pair.stop_replica()
    try:
        for _ in range(3):  # no error: each read is answered by the primary
            probe = call(session, url, "res.partner", "replica_probe_server")
            assert probe["in_recovery"] is False
        assert call(session, url, "res.partner", "search_count", []) >= 1
    finally:
        pair.start_replica()
    pair.wait_replayed()
    # retried after replica_retry_after: the replica serves reads again
    assert wait_until(lambda: call(session, url, "res.partner",
                                   "replica_probe_server")["in_recovery"], timeout=15)


def test_metrics_are_prometheus_text(served):
    _pair, _db, url = served
    answer = requests.get(f"{url}/metrics", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    names = {family.name for family in text_string_to_metric_families(answer.text)}
    assert {"agora_http_requests", "agora_http_request_duration_seconds",
            "agora_sql_queries", "agora_db_units", "agora_db_retries",
            "agora_db_pool_connections"} <= names
    assert counted(url, "agora_http_requests_total", route="/metrics") >= 1
