"""Process metrics in the Prometheus text format (``GET /metrics``).

Built on ``prometheus_client``. Under ``agora serve --workers N`` every worker process
writes its values to files in ``$PROMETHEUS_MULTIPROC_DIR`` (set by the prefork master
before it forks) and ``/metrics``, answered by any one worker, sums them all. That mode is
chosen when ``prometheus_client`` is first imported, so this module imports it lazily:
the master must set the variable before anything records a metric.

Any layer may record (this module imports nothing from Agora); the names:

- ``agora_http_requests_total{method, route, status}``,
  ``agora_http_request_duration_seconds{route}`` (histogram),
  ``agora_http_request_queries{route}`` (histogram of SQL statements per request);
- ``agora_sql_queries_total``;
- ``agora_db_units_total{kind="read"|"write", server="primary"|"replica"}``: units of
  work (transactions) by where they ran; the primary's share of reads comes from here;
- ``agora_db_retries_total{reason}``: ``readonly_write`` (a read-only unit wrote: re-run
  on the primary), ``replica_unavailable`` (a replica failed mid-unit), ``conflict``
  (serialization failure or deadlock);
- ``agora_db_replica_skipped_total{reason}``: reads sent to the primary although replicas
  exist (``down``, ``lagging``, ``behind_session``: not yet at the caller's last write,
  ``busy``: every pooled replica connection of the process in use);
- ``agora_db_pool_connections{server, state="in_use"|"waiting"}`` (live processes summed);
- ``agora_db_replica_lag_seconds{replica}`` (max over processes).
"""

from __future__ import annotations

import os
import threading
from typing import Any

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: Request latency buckets (seconds): fine below 300 ms, where the bars are.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
_QUERY_BUCKETS = (0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144)

_lock = threading.Lock()
_metrics: dict[str, Any] | None = None
_registry: Any = None


def _build() -> dict[str, Any]:
    """The metrics, in a registry of their own: nothing shared with other users of
    prometheus_client in the process, and a failed build leaves nothing registered."""
    from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

    global _registry
    registry = CollectorRegistry()
    built = {
        "requests": Counter("agora_http_requests", "HTTP requests answered",
                            ["method", "route", "status"], registry=registry),
        "latency": Histogram("agora_http_request_duration_seconds",
                             "Time to answer an HTTP request", ["route"],
                             buckets=_LATENCY_BUCKETS, registry=registry),
        "request_queries": Histogram("agora_http_request_queries",
                                     "SQL statements run by one HTTP request", ["route"],
                                     buckets=_QUERY_BUCKETS, registry=registry),
        "queries": Counter("agora_sql_queries", "SQL statements executed",
                           registry=registry),
        "units": Counter("agora_db_units", "Units of work (transactions) run",
                         ["kind", "server"], registry=registry),
        "retries": Counter("agora_db_retries", "Units of work run again", ["reason"],
                           registry=registry),
        "skipped": Counter("agora_db_replica_skipped",
                           "Read-only units sent to the primary though replicas exist",
                           ["reason"], registry=registry),
        "pool": Gauge("agora_db_pool_connections", "Pooled connections",
                      ["server", "state"], multiprocess_mode="livesum", registry=registry),
        "lag": Gauge("agora_db_replica_lag_seconds",
                     "Replication lag last measured, per replica", ["replica"],
                     multiprocess_mode="max", registry=registry),
    }
    _registry = registry
    return built


def _get() -> dict[str, Any]:
    global _metrics
    if _metrics is None:
        with _lock:
            if _metrics is None:
                _metrics = _build()
    return _metrics


# -- recording ------------------------------------------------------------------------
def record_request(method: str, route: str, status: int, seconds: float,
                   queries: int) -> None:
    metrics = _get()
    metrics["requests"].labels(method, route, str(status)).inc()
    metrics["latency"].labels(route).observe(seconds)
    metrics["request_queries"].labels(route).observe(queries)
    if queries:
        metrics["queries"].inc(queries)


def record_unit(readonly: bool, server: str) -> None:
    _get()["units"].labels("read" if readonly else "write", server).inc()


def record_retry(reason: str) -> None:
    _get()["retries"].labels(reason).inc()


def record_replica_skipped(reason: str) -> None:
    _get()["skipped"].labels(reason).inc()


def add_pool_usage(server: str, state: str, delta: int) -> None:
    gauge = _get()["pool"].labels(server, state)
    if delta >= 0:
        gauge.inc(delta)
    else:
        gauge.dec(-delta)


def set_replica_lag(replica: str, seconds: float) -> None:
    _get()["lag"].labels(replica).set(seconds)


# -- exposition -------------------------------------------------------------------------
def exposition() -> bytes:
    """Every metric of this process, or of all worker processes in multiprocess mode."""
    from prometheus_client import CollectorRegistry, generate_latest

    _get()  # so an idle process still lists its metric families
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        return generate_latest(_registry)
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)
    return generate_latest(registry)


def process_exited(pid: int) -> None:
    """Forget the live gauges of a worker process that exited (prefork master)."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
