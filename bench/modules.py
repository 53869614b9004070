"""Module bars: installing ``base`` into an empty database (bar: under 5 s)."""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.modules.loader import install_modules
from agora.testing.database import new_database, remove_database, server_url


def measure_install_base(runs: int = 3) -> dict[str, Any]:
    url = os.environ.get("AGORA_BENCH_DB_URL") or server_url()
    timings, queries = [], []
    for _ in range(runs):
        name, conninfo = new_database(url, prefix="agora_bench_mod")
        try:
            connection = connect(conninfo)
            cr = Cursor(connection)
            start = time.perf_counter()
            install_modules(cr, ["base"])
            cr.commit()
            timings.append(time.perf_counter() - start)
            queries.append(cr.query_count)
            cr.close()
            connection.close()
        finally:
            remove_database(url, name)
    return {"runs": runs, "seconds_median": round(statistics.median(timings), 3),
            "seconds_max": round(max(timings), 3), "queries": max(queries)}


def run() -> dict[str, Any]:
    install = measure_install_base()
    return {"install_base": install, "bars": {"install_base_lt_5s": install["seconds_max"] < 5}}
