"""Two ``agora serve --workers 2`` processes on one database stay coherent.

Each prefork worker holds its own registry and access memo; the database signals (the
registry signal and the access cache signal, read at the start of every request) are
all that tells one process what another changed. Server A installs a module, server B
serves it on every worker at once; rights changed through A are enforced by every
worker of B on the next request; B uninstalls, A stops serving the model. A module
change committed by a third process is picked up only once it is committed, never
while it is in flight.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

import pytest

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.db.url import url_for_database
from agora.testing.addons import conninfo_dbname, installed_database
from tests.service.serving import REQUEST_LINE, ServeProcess, wait_for

#: the whole test is bounded: a hung server fails it instead of hanging the run
DEADLINE = 120.0
#: one XML-RPC call (a module install included) answers within this many seconds
CALL_TIMEOUT = 30.0
#: calls made at most to see every worker of a server answer one check
MAX_ROUNDS = 40
USER_LOGIN = "multi_server_user"
USER_PASSWORD = "Vq7-tarn-Lopez-92!"  # the password policy refuses weak ones


class Server(ServeProcess):
    """``agora serve``, whose XML-RPC calls time out and are counted, so that each log
    line of a call tells which worker answered it."""

    def __init__(self, server_url: str, db: str, *args: str) -> None:
        self.server_url = server_url
        self.object_calls = 0
        self.count_lock = threading.Lock()
        super().__init__(server_url, db, *args)

    def proxy(self, service: str) -> Any:
        return xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/{service}", allow_none=True,
                                         transport=_Transport(self))

    def request_pids(self) -> list[int]:
        """The worker pid of each ``/xmlrpc/2/object`` call made so far, in order (once
        every call made has its log line)."""
        deadline = time.monotonic() + 10
        while len(found := REQUEST_LINE.findall(self.log())) < self.object_calls:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.object_calls} calls, {len(found)} request log"
                                     f" lines:\n{self.log()}")
            time.sleep(0.02)
        return [int(pid) for pid in found]


class _Transport(xmlrpc.client.Transport):
    def __init__(self, server: Server) -> None:
        super().__init__()
        self.server = server

    def make_connection(self, host: Any) -> Any:
        connection = super().make_connection(host)
        connection.timeout = CALL_TIMEOUT
        return connection

    def request(self, host: Any, handler: str, request_body: Any, verbose: bool = False) -> Any:
        if handler.endswith("/object"):
            with self.server.count_lock:
                self.server.object_calls += 1
        try:
            return super().request(host, handler, request_body, verbose)
        except TimeoutError:
            raise AssertionError(f"no answer within {CALL_TIMEOUT}s; waiting for locks:"
                                 f" {_lock_waits(self.server)}\n{self.server.log()}") from None


def _lock_waits(server: Server, holder: Cursor | None = None) -> Any:
    """The queries on the server's database that wait for a lock, and who holds it; with
    ``holder`` (a cursor whose transaction holds locks), how many of them it blocks."""
    import psycopg

    with psycopg.connect(server.server_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid, pg_blocking_pids(pid), left(query, 200) FROM pg_stat_activity"
            " WHERE datname = %s AND wait_event_type = 'Lock'", (server.db,)).fetchall()
    if holder is None:
        return rows
    holder_pid = holder.connection.info.backend_pid
    return sum(holder_pid in blockers for _pid, blockers, _query in rows)


@pytest.fixture(scope="module")
def base_db(agora_server_url: str) -> Iterator[str]:
    """A database with only base installed (no demo data)."""
    with installed_database(agora_server_url, ["base"], prefix="agora_multi") as conninfo:
        yield conninfo_dbname(conninfo)


@pytest.fixture
def servers(agora_server_url: str, base_db: str) -> Iterator[tuple[Server, Server]]:
    """Servers A and B, each with 2 HTTP workers and no cron worker, on ``base_db``;
    both stopped with SIGTERM afterwards and required to exit 0."""
    with ExitStack() as stack:
        pair = []
        for _ in range(2):
            server = stack.enter_context(Server(
                agora_server_url, base_db, "--workers", "2", "--cron-workers", "0"))
            wait_for(lambda server=server: len(server.children()) == 2, 15,
                     f"2 HTTP workers expected:\n{server.log()}")
            pair.append(server)
        a, b = pair
        assert a.port != b.port
        yield a, b
        for server in (a, b):
            code = server.stop()
            assert code == 0, f"agora serve exited {code}:\n{server.log()}"


def test_two_servers_stay_coherent(servers: tuple[Server, Server],
                                   agora_server_url: str) -> None:
    a, b = servers
    started = time.monotonic()
    timer = _watchdog(a, b)
    try:
        _check_module_install_and_uninstall(a, b)
        _check_access_changes(a, b)
        _check_uncommitted_install_is_not_seen(a, b, agora_server_url)
    finally:
        timer.cancel()
    assert time.monotonic() - started < DEADLINE


def _check_module_install_and_uninstall(a: Server, b: Server) -> None:
    # every worker of both servers holds a registry without uom before the change
    for server in (a, b):
        on_every_worker(server, lambda server=server: assert_no_model(server, "uom.uom"))
    module = a.call("ir.module.module", "search_read", [("name", "=", "uom")],
                    fields=["state"])
    assert [m["state"] for m in module] == ["uninstalled"]

    action = a.call("ir.module.module", "button_immediate_install", [module[0]["id"]])
    assert action["tag"] == "reload"

    created: list[int] = []

    def serves_uom() -> None:
        units = b.call("uom.uom", "search_read", [], fields=["name", "factor", "category_id"])
        assert {"Units", "Dozens"} <= {unit["name"] for unit in units}, units
        fields = b.call("uom.uom", "fields_get", attributes=["type", "relation"])
        assert fields["category_id"] == {"type": "many2one", "relation": "uom.category"}
        assert fields["factor"]["type"] == "float"
        category = next(u["category_id"][0] for u in units if u["name"] == "Units")
        created.append(b.call("uom.uom", "create", {
            "name": f"Multi-server unit {len(created)}", "category_id": category,
            "factor": 0.5, "uom_type": "bigger"}))
        actions = b.call("ir.actions.act_window", "search_read",
                         [("res_model", "=", "uom.uom")], fields=["res_model"])
        assert actions, "the module's window action is missing"
        views = b.call("uom.uom", "get_views", [[False, "list"], [False, "form"]])
        assert "factor" in views["views"]["form"]["arch"]

    on_every_worker(b, serves_uom)
    on_every_worker(a, lambda: assert_model_rows(a, "uom.uom", created))
    assert a.call("ir.module.module", "search_read", [("name", "=", "uom")],
                  fields=["state"])[0]["state"] == "installed"

    # B uninstalls: every worker of A stops serving the model
    b.call("ir.module.module", "button_immediate_uninstall", [module[0]["id"]])
    for server in (a, b):
        on_every_worker(server, lambda server=server: assert_no_model(server, "uom.uom"))
    assert not a.call("ir.model", "search", [("model", "=", "uom.uom")])


def _check_access_changes(a: Server, b: Server) -> None:
    """Rights changed through A hold on B's next request, on each of its workers."""
    group_user = a.call("ir.model.data", "search_read",
                        [("module", "=", "base"), ("name", "=", "group_user")],
                        fields=["res_id"])[0]["res_id"]
    uid = a.call("res.users", "create", {
        "name": "Multi-server user", "login": USER_LOGIN, "password": USER_PASSWORD,
        "groups_id": [(6, 0, [group_user])]})
    partners = a.call("res.partner", "create", [
        {"name": "Multi-server partner one"}, {"name": "Multi-server partner two"}])
    (line,) = a.call("ir.model.access", "search_read",
                     [("model_id.model", "=", "res.partner"), ("group_id", "=", group_user),
                      ("perm_read", "=", True)], fields=["id"])

    def user_reads() -> list[int]:
        return sorted(as_user(b, uid, "res.partner", "search",
                              [("name", "like", "Multi-server partner")]))

    # allowed, and remembered by every worker's access memo
    on_every_worker(b, lambda: _expect(user_reads(), sorted(partners)))

    a.call("ir.model.access", "write", [line["id"]], {"active": False})  # allowed → refused
    on_every_worker(b, lambda: assert_refused(user_reads))

    a.call("ir.model.access", "write", [line["id"]], {"active": True})  # refused → allowed
    on_every_worker(b, lambda: _expect(user_reads(), sorted(partners)))

    # a record rule of the user's group: the workers narrow the user's searches at once
    rule = a.call("ir.rule", "create", {
        "name": "multi-server: first partner only",
        "model_id": a.call("ir.model", "search", [("model", "=", "res.partner")])[0],
        "groups": [(6, 0, [group_user])],
        "domain_force": repr([("id", "in", [partners[0], *_other_partners(a, partners)])])})
    on_every_worker(b, lambda: _expect(user_reads(), [partners[0]]))

    # the membership itself: without group_user the user reads no partner at all
    a.call("res.users", "write", [uid], {"groups_id": [(3, group_user)]})
    on_every_worker(b, lambda: assert_refused(user_reads))
    a.call("ir.rule", "unlink", [rule])
    a.call("res.users", "write", [uid], {"groups_id": [(4, group_user)]})
    on_every_worker(b, lambda: _expect(user_reads(), sorted(partners)))


def _other_partners(server: Server, mine: list[int]) -> list[int]:
    """Partners that are not the test's own (the admin's, the company's...): the rule
    lets the user see them, so only the test's own partners tell the rule apart."""
    return [pid for pid in server.call("res.partner", "search", []) if pid not in mine]


def _check_uncommitted_install_is_not_seen(a: Server, b: Server, server_url: str) -> None:
    """This process installs uom (as ``agora module install`` would) and holds its
    transaction open while every worker of both servers begins a request: none may take
    the change for done before it commits (such a request reads the old state, no uom),
    and every request after the commit serves uom."""
    from concurrent.futures import ThreadPoolExecutor

    from agora.modules.loader import install_modules

    servers = (a, b)
    starts = {server: len(server.request_pids()) for server in servers}
    calls_per_server = {server: len(server.children()) for server in servers}
    connection = connect(url_for_database(server_url, a.db))
    try:
        with Cursor(connection) as cr, ThreadPoolExecutor(sum(calls_per_server.values())) as pool:
            install_modules(cr, ["uom"])
            # as many calls at once as a server has workers: a sync worker busy with one
            # call takes no other, so each worker begins one
            calls = [pool.submit(assert_no_model, server, "uom.uom")
                     for server, count in calls_per_server.items() for _ in range(count)]
            # the install's schema sync may hold locks that keep them waiting *after*
            # they chose their registry: wait until each is done or waits for a lock
            wait_for(lambda: sum(not call.done() for call in calls) == _lock_waits(a, cr),
                     CALL_TIMEOUT, "the calls neither finished nor waited for a lock")
            if all(call.done() for call in calls):  # nothing blocks them: every worker too
                for server in servers:
                    on_every_worker(server,
                                    lambda server=server: assert_no_model(server, "uom.uom"))
            cr.commit()
            for call in calls:  # they began before the commit: no uom
                call.result(CALL_TIMEOUT)
        for server in servers:
            began = set(server.request_pids()[starts[server]:])
            assert server.children() <= began, (server.children(), began)
            on_every_worker(server, lambda server=server: assert_model_rows(server, "uom.uom"))
    finally:
        connection.close()


# -- helpers -------------------------------------------------------------------------------
def on_every_worker(server: Server, check: Callable[[], Any]) -> None:
    """Run ``check()`` (its RPC calls assert what they get) until each HTTP worker of
    ``server`` has answered at least one of its calls: a worker that kept a stale
    registry or memo fails the check instead of going unnoticed."""
    workers = server.children()
    served: set[int] = set()
    # As many calls at once as there are workers: an idle worker must take the next
    # connection while the others are busy (one after the other, a loaded machine may
    # let the same worker answer every call).
    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        for _ in range(MAX_ROUNDS):
            done = len(server.request_pids())
            for future in [pool.submit(check) for _worker in workers]:
                future.result(CALL_TIMEOUT)
            served.update(server.request_pids()[done:])
            if workers <= served:
                return
    raise AssertionError(f"workers {workers} did not all answer in {MAX_ROUNDS} rounds "
                         f"(served by {served})")


def assert_no_model(server: Server, model: str) -> None:
    with pytest.raises(xmlrpc.client.Fault, match=model):
        server.call(model, "search", [])


def assert_model_rows(server: Server, model: str, ids: list[int] = ()) -> None:
    found = server.call(model, "search", [])
    assert found and set(ids) <= set(found), (ids, found)


def assert_refused(call: Callable[[], Any]) -> None:
    with pytest.raises(xmlrpc.client.Fault, match="(?i)access|not allowed"):
        call()


def as_user(server: Server, uid: int, model: str, method: str, *args: Any) -> Any:
    return server.proxy("object").execute_kw(server.db, uid, USER_PASSWORD, model, method,
                                             list(args), {})


def _expect(got: Any, wanted: Any) -> None:
    assert got == wanted, (got, wanted)


def _watchdog(*servers: Server) -> threading.Timer:
    """Kill the servers if the test runs past its deadline: the blocked call then fails
    and the fixture's teardown reports it, instead of the run hanging."""
    def expire() -> None:
        for server in servers:
            if server.process.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
    timer = threading.Timer(DEADLINE, expire)
    timer.daemon = True
    timer.start()
    return timer
