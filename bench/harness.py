"""A scratch database with the bench models, and timing helpers."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.registry import Registry
from agora.testing.database import new_database, remove_database, server_url
from bench import models  # noqa: F401  (defines the bench models)


@contextmanager
def bench_database() -> Iterator[tuple[Registry, str]]:
    """A fresh database with the bench schema, dropped afterwards."""
    url = os.environ.get("AGORA_BENCH_DB_URL") or server_url()
    name, conninfo = new_database(url, prefix="agora_bench")
    try:
        registry = Registry.build(name, Registry.definitions_of(["bench"]))
        with Cursor(connect(conninfo)) as cr:
            registry.sync_schema(cr)
        yield registry, conninfo
    finally:
        Registry.registries.pop(name, None)
        remove_database(url, name)


@contextmanager
def environment(registry: Registry, conninfo: str, commit: bool = False
                ) -> Iterator[Environment]:
    connection = connect(conninfo)
    cr = Cursor(connection)
    try:
        yield Environment(cr, SUPERUSER_ID, {}, registry=registry)
        if commit:
            cr.commit()
        else:
            cr.rollback()
    finally:
        cr.close()
        connection.close()


def best_of(runs: int, func: Callable[[], Any]) -> tuple[float, list[float]]:
    """Median wall time of ``runs`` calls (seconds) and all timings."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), timings
