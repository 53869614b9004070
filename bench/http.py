"""HTTP bar of issue 4: ``agora serve`` answering XML-RPC ``search_read`` of 80 partners
x 5 fields on loopback, with one prefork worker and with two (bar: two workers give at
least 1.6x the throughput of one).

Servers are started as a user would (``agora serve`` subprocesses). The load generator
must not take the CPU the server needs (the box may have only 2 cores), so it is one
thread multiplexing a few connections over raw sockets: the request is built once, the
response is read up to its Content-Length and only checked for status 200 and for not
being an XML-RPC fault; connections are kept alive unless the server closes them.
Correctness is checked once with ``xmlrpc.client``.

The box may be shared, so the one-worker and two-worker servers run side by side and
short trials alternate between them; each trial records where the machine's CPU went
(server processes, their PostgreSQL backends, the client, and everything else), and
only pairs of trials during which other programs stayed quiet are counted.
"""

from __future__ import annotations

import http.client
import os
import selectors
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agora.testing.database import new_database, remove_database, server_url
from agora.testing.server import agora_command, free_port

FIELDS = ["name", "email", "phone", "city", "country_id"]
REF = "bench-http"
DOMAIN = [("ref", "=", REF)]
ROWS = 80
CONNECTIONS = 4
BAR_RATIO = 1.6


# -- the database ------------------------------------------------------------------------
def prepare_database(url: str) -> str:
    """A fresh database with base and 80 partners the benchmark domain selects."""
    from agora.db.cursor import Cursor
    from agora.db.pool import connect
    from agora.db.url import url_for_database
    from agora.modules.loader import install_modules
    from agora.orm.environment import SUPERUSER_ID, Environment

    name, _ = new_database(url, prefix="agora_bench_http")
    connection = connect(url_for_database(url, name))
    try:
        with Cursor(connection) as cr:
            registry = install_modules(cr, ["base"])
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
            countries = env["res.country"].search([], limit=10).ids or [False]
            env["res.partner"].create([
                {"name": f"Partner {i:03d}", "ref": REF, "email": f"partner{i}@example.com",
                 "phone": f"+32 2 555 {i:04d}", "city": f"City {i % 7}",
                 "country_id": countries[i % len(countries)]}
                for i in range(ROWS)])
    finally:
        connection.close()
    return name


# -- the server ----------------------------------------------------------------------------
def _ticks(pid: int, children: bool) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    # utime, stime (and cutime, cstime: children already reaped) in clock ticks
    return sum(int(value) for value in fields[11:15 if children else 13])


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


@dataclass
class Server:
    """``agora serve`` on a free loopback port, stderr (the request log) to a file."""

    db_url: str
    db: str
    workers: int
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def start(self, timeout: float = 60.0) -> Server:
        handle, path = tempfile.mkstemp(prefix="agora-bench-http-", suffix=".log")
        self.log_path = Path(path)
        env = {**os.environ, "AGORA_DB_URL": self.db_url}
        self.process = subprocess.Popen(
            [*agora_command(), "serve", "-d", self.db, "--port", str(self.port),
             "--workers", str(self.workers)],
            env=env, stdout=subprocess.DEVNULL, stderr=handle, start_new_session=True)
        os.close(handle)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"agora serve exited: {self.log_path.read_text()[-2000:]}")
            if self._answers():
                return self
            time.sleep(0.1)
        raise RuntimeError(f"agora serve did not answer in {timeout}s")

    def _answers(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("POST", "/xmlrpc/2/common",
                               xmlrpc.client.dumps((), "version").encode(),
                               {"Content-Type": "text/xml"})
            ok = connection.getresponse().status == 200
            connection.close()
            return ok
        except OSError:
            return False

    def cpu_seconds(self) -> float:
        """CPU used so far by the server's processes (master and workers)."""
        assert self.process is not None
        pid = self.process.pid
        ticks = _ticks(pid, children=True) + sum(_ticks(child, children=True)
                                                 for child in _children(pid))
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> int | None:
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            code = self.process.wait()
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)
        return code

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- the client ----------------------------------------------------------------------------
def check_correctness(port: int, db: str) -> int:
    """Log in and run the call once with a real XML-RPC client; returns the uid."""
    base = f"http://127.0.0.1:{port}/xmlrpc/2"
    uid = xmlrpc.client.ServerProxy(f"{base}/common").login(db, "admin", "admin")
    assert isinstance(uid, int) and uid, f"login failed: {uid!r}"
    rows = xmlrpc.client.ServerProxy(f"{base}/object").execute_kw(
        db, uid, "admin", "res.partner", "search_read", [DOMAIN],
        {"fields": FIELDS, "limit": ROWS})
    assert len(rows) == ROWS, len(rows)
    assert all(set(row) == {"id", *FIELDS} for row in rows), rows[0]
    assert isinstance(rows[0]["country_id"], list), rows[0]
    return uid


def build_request(port: int, db: str, uid: int) -> bytes:
    body = xmlrpc.client.dumps(
        (db, uid, "admin", "res.partner", "search_read", [DOMAIN],
         {"fields": FIELDS, "limit": ROWS}), "execute_kw").encode()
    head = (f"POST /xmlrpc/2/object HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


class _Connection:
    """One keep-alive connection: sends the request, reads one response at a time."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = bytearray()
        self.started = 0.0

    def open(self) -> socket.socket:
        self.sock = socket.create_connection(("127.0.0.1", self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer.clear()
        return self.sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def response(self) -> tuple[bool, bool] | None:
        """``(ok, keep_alive)`` once the buffer holds a whole response, else None."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buffer[:end]).lower()
        length = None
        for line in head.split(b"\r\n")[1:]:
            if line.startswith(b"content-length:"):
                length = int(line[15:])
        if length is None:  # both servers send one; reading to EOF is not worth it here
            raise RuntimeError(f"response without Content-Length: {head!r}")
        if len(self.buffer) < end + 4 + length:
            return None
        body = self.buffer[end + 4:end + 4 + length]
        ok = head.startswith(b"http/1.1 200") and b"<fault>" not in body
        keep_alive = b"connection: close" not in head
        del self.buffer[:end + 4 + length]
        return ok, keep_alive


def drive(port: int, request: bytes, duration: float,
          connections: int = CONNECTIONS) -> dict[str, Any]:
    """Keep ``connections`` requests in flight for ``duration`` seconds; latencies of
    completed requests, errors, and the client's own CPU time."""
    selector = selectors.DefaultSelector()
    latencies: list[float] = []
    errors = 0
    cpu_start = time.process_time()
    start = time.perf_counter()
    deadline = start + duration

    def send(conn: _Connection) -> None:
        conn.started = time.perf_counter()  # a new connection's connect counts too
        sock = conn.sock or conn.open()
        sock.sendall(request)
        selector.register(sock, selectors.EVENT_READ, conn)

    for _ in range(connections):
        send(_Connection(port))
    while selector.get_map():
        events = selector.select(timeout=5)
        if not events and time.perf_counter() > deadline + 30:
            raise RuntimeError("the server stopped answering")
        for key, _ in events:
            conn: _Connection = key.data
            chunk = conn.sock.recv(262144) if conn.sock else b""
            if chunk:
                conn.buffer += chunk
                result = conn.response()
                if result is None:
                    continue
                ok, keep_alive = result
            else:  # closed before a whole response: a failed request
                ok, keep_alive = False, False
            now = time.perf_counter()
            latencies.append(now - conn.started)
            errors += not ok
            selector.unregister(key.fileobj)
            if not keep_alive:
                conn.close()
            if now < deadline:
                send(conn)
            else:
                conn.close()
    elapsed = time.perf_counter() - start
    client_cpu = time.process_time() - cpu_start
    selector.close()
    return {"requests": len(latencies), "errors": errors, "seconds": elapsed,
            "latencies": latencies, "client_cpu": client_cpu}


# -- measurements ----------------------------------------------------------------------------
def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def wait_for_quiet(threshold: float, max_wait: float) -> float:
    """Wait (bounded) until the machine's CPU is less than ``threshold`` busy over one
    second (the box may be shared); returns the last busy share seen."""
    deadline = time.monotonic() + max_wait
    while True:
        busy0, total0 = _machine_ticks()
        time.sleep(1.0)
        busy1, total1 = _machine_ticks()
        share = (busy1 - busy0) / max(1, total1 - total0)
        if share < threshold or time.monotonic() >= deadline:
            return share


def _backend_pids(db_url: str, db: str) -> list[int]:
    """PostgreSQL backends connected to ``db`` (the servers' pooled connections)."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as connection:
        rows = connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                  (db,)).fetchall()
    return [row[0] for row in rows]


def _cpu_of(pids: list[int]) -> float:
    return sum(_ticks(pid, children=False) for pid in pids) / os.sysconf("SC_CLK_TCK")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def trial(server: Server, request: bytes, backends: list[int], duration: float,
          connections: int = CONNECTIONS) -> dict[str, Any]:
    """One timed run against ``server``, with where the machine's CPU went."""
    busy0, total0 = _machine_ticks()
    server_cpu0, database_cpu0 = server.cpu_seconds(), _cpu_of(backends)
    run = drive(server.port, request, duration, connections)
    server_cpu = server.cpu_seconds() - server_cpu0
    database_cpu = _cpu_of(backends) - database_cpu0
    busy1, total1 = _machine_ticks()
    count = run["requests"]
    machine_busy = (busy1 - busy0) / max(1, total1 - total0)
    ours = (server_cpu + database_cpu + run["client_cpu"]) / run["seconds"] / (os.cpu_count() or 1)
    latencies = sorted(run["latencies"])
    return {
        "workers": server.workers, "requests": count, "errors": run["errors"],
        "req_per_s": round(count / run["seconds"], 1),
        "p50_ms": _ms(_percentile(latencies, 0.5)), "p95_ms": _ms(_percentile(latencies, 0.95)),
        # CPU per request: the agora processes, their PostgreSQL backends, the client
        "server_cpu_ms": _ms(server_cpu / count), "postgres_cpu_ms": _ms(database_cpu / count),
        "client_cpu_ms": _ms(run["client_cpu"] / count),
        "machine_busy": round(machine_busy, 3),
        # share of the machine used by other programs meanwhile (the box may be shared)
        "background": round(max(0.0, machine_busy - ours), 3),
        "latencies": latencies,
    }


def _summary(trials: list[dict[str, Any]]) -> dict[str, Any]:
    """Median throughput of ``trials``, latency percentiles over all their requests."""
    latencies = sorted(value for item in trials for value in item["latencies"])
    median = statistics.median(item["req_per_s"] for item in trials)
    return {
        "trials": len(trials), "req_per_s": round(median, 1),
        "req_per_s_spread": [min(t["req_per_s"] for t in trials),
                             max(t["req_per_s"] for t in trials)],
        "p50_ms": _ms(_percentile(latencies, 0.5)), "p95_ms": _ms(_percentile(latencies, 0.95)),
        **{key: round(statistics.median(t[key] for t in trials), 2)
           for key in ("server_cpu_ms", "postgres_cpu_ms", "client_cpu_ms", "background")},
    }


def _public(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != "latencies"}


def run(pairs: int = 5, duration: float = 4.0, warmup: float = 2.0,
        quiet: float = 0.10, max_pairs: int = 20) -> dict[str, Any]:
    """One-worker and two-worker servers run side by side (the idle one costs nothing);
    timed trials alternate between them, so each pair of trials sees the same machine.
    A pair counts when other programs used under ``quiet`` of the machine during both
    of its trials; trials continue until ``pairs`` pairs counted or ``max_pairs`` ran
    (then every pair counts, and the result says it was noisy)."""
    url = os.environ.get("AGORA_BENCH_DB_URL") or server_url()
    db = prepare_database(url)
    servers: dict[int, Server] = {}
    try:
        for workers in (0, 1, 2):
            servers[workers] = Server(url, db, workers).start()
        requests = {}
        for workers, server in servers.items():
            requests[workers] = build_request(server.port, db,
                                              check_correctness(server.port, db))
            drive(server.port, requests[workers], warmup)
        backends = _backend_pids(url, db)
        threaded = trial(servers[0], requests[0], backends, duration)
        # latency without queueing: one connection, so one request at a time
        unloaded = trial(servers[1], requests[1], backends, duration, connections=1)
        all_pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
        while len(all_pairs) < max_pairs:
            wait_for_quiet(quiet, max_wait=30.0)
            pair = (trial(servers[1], requests[1], backends, duration),
                    trial(servers[2], requests[2], backends, duration))
            all_pairs.append(pair)
            if sum(_is_quiet(p, quiet) for p in all_pairs) >= pairs:
                break
        exit_codes = {workers: server.stop() for workers, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
        remove_database(url, db)
    quiet_pairs = [p for p in all_pairs if _is_quiet(p, quiet)]
    counted = quiet_pairs or all_pairs
    ratios = [two["req_per_s"] / one["req_per_s"] for one, two in counted]
    ratio = statistics.median(ratios)
    one, two = _summary([p[0] for p in counted]), _summary([p[1] for p in counted])
    return {
        "call": f"XML-RPC execute_kw res.partner.search_read, {ROWS} rows x "
                f"{len(FIELDS)} fields, {CONNECTIONS} connections, {duration:g} s trials",
        "cpus": os.cpu_count(),
        "one_worker": one,
        "two_workers": two,
        "ratio": round(ratio, 3),
        "ratio_per_pair": [round(value, 3) for value in ratios],
        "quiet_pairs": len(quiet_pairs),
        "noisy": len(quiet_pairs) < pairs,
        "one_worker_one_connection": _public(unloaded),
        "threaded_for_reference": _public(threaded),
        "trials": [[_public(a), _public(b)] for a, b in all_pairs],
        "bars": {
            "no_failed_request": all(t["errors"] == 0 for p in all_pairs for t in p)
            and threaded["errors"] == 0 and unloaded["errors"] == 0,
            "clean_exit": all(code == 0 for code in exit_codes.values()),
            "two_workers_ge_1_6x_one": ratio >= BAR_RATIO,
        },
    }


def _is_quiet(pair: tuple[dict[str, Any], dict[str, Any]], quiet: float) -> bool:
    return all(item["background"] < quiet for item in pair)
