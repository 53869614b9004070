"""Load bar of issue 7: locust (headless, loopback, bounded in time) drives 1,500 simulated
web-client users with think time (about 60 requests/s, 90% reads) against
``agora serve --workers 3``. Bars: p95 under 300 ms and no errors; with a read replica,
the primary serves under 10% of the reads (``agora_db_units_total`` from ``/metrics``).

Both runs use one database on a real primary + hot standby pair
(``agora.testing.replica.streaming_pair``), so the comparison is on the same PostgreSQL
and the users stay connected from one run to the next:

- run A, no replica (the standby is stopped): each of the 1,500 users logs in once, then
  browses. A login is about 0.2 s of argon2 CPU, so logging 1,500 users in takes at
  least 2.5 minutes of this whole 2-core box: users arrive at 10/s and wait their turn
  for one of two logins in flight (the server's pace), and those still waiting after
  ``RAMP_CAP_S`` give up (reported; the p95 bar then fails). The run ends a fixed time
  after the last user got connected. Latencies are reported for the whole run, for the
  ramp-up (logins) and for the steady state (all users connected); the p95 bar is on
  the steady state.
- run B, the server restarted with ``AGORA_REPLICA_URLS``: the same 1,500 users keep
  their sessions (they live in PostgreSQL) and browse again; ``/metrics`` is read before
  and after to get the primary's share of the read units.

Each run also records where the machine's CPU went (the agora processes, each
PostgreSQL server, locust, everything else) and the server's own request log (time
spent in the server and SQL statements per route), so a high p95 can be explained:
client latency minus server time is time spent waiting for a worker.

``from bench import load; load.run()`` returns the measurements as a dict.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil

from agora.testing.replica import StreamingPair, streaming_pair
from agora.testing.server import agora_command, free_port

USERS = 1500
LOAD_LOGINS = 20  # demo users the simulated users log in as (one login per simulated user)
PASSWORD = "load-bench-pass"
WAIT_S = (22.0, 33.0)  # think time; 1,500 users x 1.1 requests / 27.5 s = 60 requests/s
WORKERS = 3
LOGIN_SPAWN_RATE = 10.0  # users/s arriving in run A (faster than the server logs them in)
LOGIN_CONCURRENCY = 2  # logins in flight: the CPU is full with two, a worker stays free for reads
RAMP_CAP_S = 240.0  # run A: users not logged in by then give up (a quiet box needs ~170 s)
ADOPT_SPAWN_RATE = 50.0  # users/s in run B: no login, the session cookie is reused
STEADY_S = (60.0, 45.0)  # steady state of run A and of run B, after all users connected
P95_BAR_MS = 300.0
SHARE_BAR = 0.10
NOISY_CORES = 0.25  # other programs using more than this during a steady state: noisy
WRITES = ("res.partner.create", "res.partner.write")
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
_LOG_LINE = re.compile(r"^\[(?P<ts>[^\]]+)\] \[\d+\] \[INFO\] agora\.http\.requests: "
                       r"(?P<method>\S+) (?P<path>\S+) (?P<status>\d+) (?P<ms>[\d.]+)ms "
                       r"(?P<queries>\d+)q")


# -- setup ---------------------------------------------------------------------------------
def prepare_database(server: str, name: str, logins: int) -> list[str]:
    """The demo database (business apps and their demo data) and ``logins`` internal users
    with Sales rights; returns their logins."""
    from agora.cli.demo import DEMO_APPS
    from agora.db.cursor import Cursor
    from agora.db.pool import connect
    from agora.db.url import create_database, url_for_database
    from agora.modules.registry_manager import registry_for
    from agora.orm.environment import SUPERUSER_ID, Environment
    from agora.testing.server import install_database

    create_database(server, name)
    install_database(server, name, list(DEMO_APPS), demo=True)
    names = [f"load_user_{n}" for n in range(logins)]
    connection = connect(url_for_database(server, name))
    try:
        with Cursor(connection) as cr:
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry_for(cr))
            groups = [env.ref("base.group_user").id,
                      env.ref("sales_team.group_sale_salesman_all_leads").id]
            env["res.users"].create([
                {"name": f"Load User {n}", "login": login, "password": PASSWORD,
                 "groups_id": [(6, 0, groups)]} for n, login in enumerate(names)])
            cr.commit()
    finally:
        connection.close()
    return names


# -- processes -----------------------------------------------------------------------------
def _stop_group(process: subprocess.Popen[bytes], grace: float) -> int:
    """SIGTERM the process, SIGKILL its whole group if it is not gone after ``grace``."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait()


@dataclass
class Server:
    """``agora serve --workers N`` on a free loopback port, its log in ``log_path``."""

    db_url: str
    db: str
    log_path: Path
    replica_urls: list[str] = field(default_factory=list)
    workers: int = WORKERS
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> Server:
        env = {**os.environ, "AGORA_DB_URL": self.db_url,
               "AGORA_REPLICA_URLS": ",".join(self.replica_urls)}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [*agora_command(), "serve", "-d", self.db, "--port", str(self.port),
                 "--interface", "127.0.0.1", "--workers", str(self.workers)],
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"agora serve exited: {self.log_tail()}")
            if _post_json(f"{self.url}/web/webclient/version_info", {}) is not None:
                return self
            time.sleep(0.2)
        raise RuntimeError(f"agora serve did not answer in {timeout}s: {self.log_tail()}")

    def stop(self) -> int | None:
        """SIGTERM (graceful); the exit code, or None if it was never started."""
        if self.process is None:
            return None
        return _stop_group(self.process, grace=40)

    def log_tail(self, size: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-size:]


def _post_json(url: str, params: dict[str, Any]) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
    request = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read()).get("result")
    except (OSError, ValueError):
        return None


# -- /metrics ------------------------------------------------------------------------------
_COUNTERS = ("agora_db_units_total", "agora_db_retries_total",
             "agora_db_replica_skipped_total")


def scrape_metrics(base_url: str) -> dict[str, float] | None:
    """The database counters of ``GET /metrics`` as ``{"name{label=value,...}": value}``,
    None when the server has no such endpoint (404)."""
    from prometheus_client.parser import text_string_to_metric_families

    try:
        with urllib.request.urlopen(f"{base_url}/metrics", timeout=30) as answer:
            text = answer.read().decode()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise
    values: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name in _COUNTERS:
                labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
                key = f"{sample.name}{{{labels}}}"
                values[key] = values.get(key, 0.0) + sample.value
    return values


def _scrape(base_url: str, failures: list[str]) -> dict[str, float] | None:
    try:
        return scrape_metrics(base_url)
    except OSError as exc:  # a timeout included: noted, the run's other results stand
        failures.append(f"GET /metrics failed: {exc!r}")
        return None


def _metrics_delta(before: dict[str, float] | None, after: dict[str, float] | None,
                   failures: list[str]) -> dict[str, Any]:
    if failures:
        return {"note": "; ".join(failures)}
    if before is None or after is None:
        return {"note": "metrics endpoint missing: GET /metrics answered 404"}
    delta = {key: round(value - before.get(key, 0.0), 1) for key, value in after.items()
             if value - before.get(key, 0.0)}
    primary = delta.get("agora_db_units_total{kind=read,server=primary}", 0.0)
    replica = delta.get("agora_db_units_total{kind=read,server=replica}", 0.0)
    result: dict[str, Any] = {"counters": delta}
    if primary + replica:
        result["primary_read_share"] = round(primary / (primary + replica), 4)
    else:
        result["note"] = "no read units counted by agora_db_units_total"
    return result


# -- CPU -----------------------------------------------------------------------------------
def _tree_cpu(pid: int) -> float:
    """CPU seconds used by a process and its descendants (reaped ones included)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


class CpuSampler:
    """Samples, once a second, the CPU used by named process trees and by the machine."""

    def __init__(self, trees: dict[str, int]) -> None:
        self.trees = trees
        self.samples: list[tuple[float, dict[str, float], tuple[int, int]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="cpu-sampler")

    def _loop(self) -> None:
        last = {name: 0.0 for name in self.trees}
        while True:
            # a tree that exited (locust at the end) reads 0: keep what it had used
            last = {name: max(last[name], _tree_cpu(pid)) for name, pid in self.trees.items()}
            self.samples.append((time.time(), last, _machine_ticks()))
            if self._stop.wait(1.0):
                return

    def __enter__(self) -> CpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def cores(self, start: float, end: float) -> dict[str, float] | None:
        """Cores used on average between two wall-clock times, per tree and in total
        (``other``: the rest of the machine, e.g. other programs on a shared box)."""
        inside = [s for s in self.samples if start - 0.5 <= s[0] <= end + 0.5]
        if len(inside) < 2:
            return None
        (t0, cpu0, (busy0, total0)), (t1, cpu1, (busy1, total1)) = inside[0], inside[-1]
        span = t1 - t0
        ncpu = os.cpu_count() or 1
        used = {name: round((cpu1[name] - cpu0[name]) / span, 2) for name in cpu1}
        machine = (busy1 - busy0) / max(1, total1 - total0) * ncpu
        used["machine"] = round(machine, 2)
        used["other"] = round(max(0.0, machine - sum(v for k, v in used.items()
                                                      if k != "machine")), 2)
        return used


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


# -- statistics ----------------------------------------------------------------------------
def _percentile(ordered: list[float], share: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _latency_summary(samples: list[list[Any]], seconds: float | None) -> dict[str, Any]:
    times = sorted(s[2] for s in samples)
    summary: dict[str, Any] = {
        "requests": len(samples), "failures": sum(not s[3] for s in samples),
        "req_per_s": round(len(samples) / seconds, 1) if seconds else None}
    for label, share in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        value = _percentile(times, share)
        summary[label] = round(value, 1) if value is not None else None
    summary["max_ms"] = round(times[-1], 1) if times else None
    return summary


def _by_name(samples: list[list[Any]]) -> dict[str, dict[str, Any]]:
    names: dict[str, list[list[Any]]] = {}
    for sample in samples:
        names.setdefault(sample[0], []).append(sample)
    result = {}
    for name, group in sorted(names.items()):
        times = sorted(s[2] for s in group)
        result[name] = {"n": len(group), "failures": sum(not s[3] for s in group),
                        "p50_ms": round(_percentile(times, 0.5) or 0, 1),
                        "p95_ms": round(_percentile(times, 0.95) or 0, 1)}
    return result


def _locust_aggregated(csv_prefix: Path) -> dict[str, Any] | None:
    """Locust's own 'Aggregated' line (whole run), as a cross-check of our samples."""
    path = csv_prefix.with_name(csv_prefix.name + "_stats.csv")
    if not path.exists():
        return None
    with path.open() as handle:
        for row in csv.DictReader(handle):
            if row.get("Name") == "Aggregated":
                return {"requests": int(row["Request Count"]),
                        "failures": int(row["Failure Count"]),
                        "p50_ms": float(row["50%"]), "p95_ms": float(row["95%"]),
                        "p99_ms": float(row["99%"]),
                        "req_per_s": round(float(row["Requests/s"]), 1)}
    return None


def server_log_summary(text: str, steady_from: float | None) -> dict[str, Any]:
    """Time spent inside the server and SQL statements per route, from its request log,
    for the ramp-up and the steady state (log times have one-second resolution)."""
    phases: dict[str, dict[str, list[tuple[float, int]]]] = {"ramp": {}, "steady": {}}
    statuses: dict[str, int] = {}
    for line in text.splitlines():
        match = _LOG_LINE.match(line)
        if not match:
            continue
        when = datetime.strptime(match["ts"], "%Y-%m-%d %H:%M:%S %z").timestamp()
        phase = "steady" if steady_from is not None and when >= steady_from else "ramp"
        route = re.sub(r"^/web/dataset/call_kw/", "", match["path"])
        phases[phase].setdefault(route, []).append((float(match["ms"]), int(match["queries"])))
        statuses[match["status"]] = statuses.get(match["status"], 0) + 1
    result: dict[str, Any] = {"statuses": statuses}
    for phase, routes in phases.items():
        every = sorted(ms for rows in routes.values() for ms, _q in rows)
        result[phase] = {
            "requests": len(every),
            "server_p50_ms": _percentile(every, 0.5), "server_p95_ms": _percentile(every, 0.95),
            "routes": {route: {"n": len(rows),
                               "server_p50_ms": _percentile(sorted(r[0] for r in rows), 0.5),
                               "server_p95_ms": _percentile(sorted(r[0] for r in rows), 0.95),
                               "queries": round(sum(r[1] for r in rows) / len(rows), 1)}
                       for route, rows in sorted(routes.items())}}
    errors = [line for line in text.splitlines() if "[ERROR]" in line or "Traceback" in line]
    result["error_lines"] = len(errors)
    result["first_error_lines"] = errors[:5]
    return result


# -- one run -------------------------------------------------------------------------------
def load_run(label: str, pair: StreamingPair, db: str, logins: list[str], workdir: Path, *,
             users: int, spawn_rate: float, steady_s: float, replica: bool,
             sessions_in: Path | None, sessions_out: Path | None) -> dict[str, Any]:
    """Serve ``db`` with ``agora serve --workers 3`` (and the replica if ``replica``), run
    locust against it until ``steady_s`` after the last user got connected, and measure."""
    server = Server(pair.primary_url, db, workdir / f"server-{label}.log",
                    replica_urls=[pair.replica_url] if replica else [])
    samples_path = workdir / f"samples-{label}.json"
    csv_prefix = workdir / f"locust-{label}"
    locust: subprocess.Popen[bytes] | None = None
    exit_code: int | None = None
    scrape_failures: list[str] = []
    wall_start = time.time()
    try:
        server.start()
        metrics_before = _scrape(server.url, scrape_failures)
        ramp_s = users / spawn_rate if sessions_in else RAMP_CAP_S
        # hard bounds: locust's own run time, then this process's timeout on it
        run_time = int(ramp_s + steady_s + 30)
        env = {**os.environ, "AGORA_LOAD_DB": db, "AGORA_LOAD_LOGINS": ",".join(logins),
               "AGORA_LOAD_PASSWORD": PASSWORD, "AGORA_LOAD_WAIT": ",".join(map(str, WAIT_S)),
               "AGORA_LOAD_STEADY_S": str(steady_s), "AGORA_LOAD_SAMPLES": str(samples_path),
               "AGORA_LOAD_SESSIONS_IN": str(sessions_in or ""),
               "AGORA_LOAD_SESSIONS_OUT": str(sessions_out or ""),
               "AGORA_LOAD_LOGIN_CONCURRENCY": str(LOGIN_CONCURRENCY),
               "AGORA_LOAD_RAMP_CAP_S": "0" if sessions_in else str(RAMP_CAP_S)}
        with (workdir / f"locust-{label}.log").open("wb") as log:
            locust = subprocess.Popen(
                [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
                 "-u", str(users), "-r", str(spawn_rate), "-t", f"{run_time}s",
                 "--host", server.url, "--csv", str(csv_prefix), "--only-summary",
                 "--stop-timeout", "0", "--loglevel", "WARNING"],
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True)
        trees = {"agora": server.process.pid if server.process else 0, "locust": locust.pid}
        for name, data_dir in (("postgres_primary", pair.primary_dir),
                               ("postgres_replica", pair.replica_dir)):
            pid = _postmaster_pid(data_dir)
            if pid and (name == "postgres_primary" or replica):
                trees[name] = pid
        with CpuSampler(trees) as sampler:
            try:
                locust_code = locust.wait(run_time + 60)
            except subprocess.TimeoutExpired:
                locust_code = _stop_group(locust, grace=20)
        metrics_after = _scrape(server.url, scrape_failures)
    finally:
        if locust is not None and locust.poll() is None:
            _stop_group(locust, grace=20)
        exit_code = server.stop()
    if not samples_path.exists():
        raise RuntimeError(f"locust wrote no samples (exit {locust_code}): "
                           f"{(workdir / f'locust-{label}.log').read_text()[-3000:]}")
    data = json.loads(samples_path.read_text())
    samples, connected = data["samples"], data["connected_after_s"]
    ended = data["ended_after_s"]
    steady = [s for s in samples if connected is not None and s[1] >= connected]
    ramp = [s for s in samples if connected is None or s[1] < connected]
    started = data["started"]
    steady_from = started + connected if connected is not None else None
    return {
        "users": users, "spawn_rate": spawn_rate, "replica": replica,
        "logins": (f"none: {len(json.loads(sessions_in.read_text()))} sessions of run A "
                   "reused" if sessions_in else "one per user"),
        "duration_s": round(ended, 1),
        "all_connected_after_s": round(connected, 1) if connected is not None else None,
        "connected_users": data["connected_users"], "failed_logins": data["failed_logins"],
        "gave_up_logging_in": data["gave_up"],
        "whole_run": _latency_summary(samples, ended),
        "ramp_up": _latency_summary(ramp, connected or ended),
        "steady_state": _latency_summary(steady, ended - connected if connected else None),
        "steady_by_request": _by_name(steady),
        "ramp_by_request": _by_name(ramp),
        "writes_share": round(sum(s[0] in WRITES for s in samples) / max(1, len(samples)), 3),
        "errors": data["errors"],
        "locust_aggregated": _locust_aggregated(csv_prefix),
        "locust_exit_code": locust_code,
        "cpu_cores_ramp": sampler.cores(started, steady_from or started + ended),
        "cpu_cores_steady": sampler.cores(steady_from, started + ended) if steady_from else None,
        "server_log": server_log_summary(server.log_path.read_text(errors="replace"),
                                         steady_from),
        "metrics": _metrics_delta(metrics_before, metrics_after, scrape_failures),
        "server_exit_code": exit_code,
        "wall_s": round(time.time() - wall_start, 1),
    }


# -- the bench -----------------------------------------------------------------------------
def run(users: int = USERS, steady_s: tuple[float, float] = STEADY_S,
        login_spawn_rate: float = LOGIN_SPAWN_RATE) -> dict[str, Any]:
    started = time.monotonic()
    # server and locust logs; kept when the run fails or AGORA_BENCH_LOAD_KEEP is set
    workdir = Path(tempfile.mkdtemp(prefix="agora-bench-load-"))
    keep = bool(os.environ.get("AGORA_BENCH_LOAD_KEEP"))
    try:
        run_a, run_b, setup_s = _both_runs(workdir, users, steady_s, login_spawn_rate)
    except BaseException:
        keep = True
        print(f"bench load: logs kept in {workdir}", file=sys.stderr)
        raise
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    share = run_b["metrics"].get("primary_read_share")
    steady_a = run_a["steady_state"]
    # other programs' CPU during the steady states (the box may be shared)
    background = [(r["cpu_cores_steady"] or {}).get("other") for r in (run_a, run_b)]
    return {
        "scenario": (f"{users} users, think time {WAIT_S[0]:g}-{WAIT_S[1]:g} s, "
                     f"agora serve --workers {WORKERS}, {os.cpu_count()} cores, loopback"),
        "setup_s": round(setup_s, 1),
        "run_a_no_replica": run_a,
        "run_b_replica": run_b,
        "primary_read_share": share,
        "background_cores_steady": background,
        "noisy": any(value is None or value > NOISY_CORES for value in background),
        "logs": str(workdir) if keep else None,
        "wall_s": round(time.monotonic() - started, 1),
        "bars": {
            # with all users connected: a p95 measured with fewer users does not count
            "all_users_connected": run_a["connected_users"] == users,
            "p95_under_300ms": steady_a["p95_ms"] is not None
            and steady_a["p95_ms"] < P95_BAR_MS and run_a["connected_users"] == users,
            "no_errors": all(r["whole_run"]["failures"] == 0 and r["failed_logins"] == 0
                             for r in (run_a, run_b)),
            "primary_read_share_under_10pct": share is not None and share < SHARE_BAR,
            "servers_exit_0": run_a["server_exit_code"] == 0 and run_b["server_exit_code"] == 0,
        },
    }


def _both_runs(workdir: Path, users: int, steady_s: tuple[float, float],
               login_spawn_rate: float) -> tuple[dict[str, Any], dict[str, Any], float]:
    """Run A (no replica, every user logs in) then run B (replica, same sessions)."""
    with streaming_pair() as pair:
        db = "agora_bench_load"
        setup_start = time.monotonic()
        logins = prepare_database(pair.primary_url, db, LOAD_LOGINS)
        pair.wait_replayed(timeout=60)
        setup_s = time.monotonic() - setup_start
        sessions = workdir / "sessions.json"
        pair.stop_replica()  # run A: no replica at all
        run_a = load_run("a", pair, db, logins, workdir, users=users,
                         spawn_rate=login_spawn_rate, steady_s=steady_s[0], replica=False,
                         sessions_in=None, sessions_out=sessions)
        pair.start_replica()
        pair.wait_replayed(timeout=60)
        run_b = load_run("b", pair, db, logins, workdir, users=users,
                         spawn_rate=ADOPT_SPAWN_RATE, steady_s=steady_s[1], replica=True,
                         sessions_in=sessions if sessions.exists() else None,
                         sessions_out=None)
    return run_a, run_b, setup_s
