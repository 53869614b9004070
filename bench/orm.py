"""ORM bars of the foundation issue:

* reading 80 (and 400) orders with a many2one name and a one2many of 5 lines each with
  their own many2one: SQL queries counted (bar: <= 4, whatever the number of records);
* create of 10,000 simple records in one call: queries (bar <= 120) and records/s
  (bar >= 3,000);
* search_read of 1,000 rows x 10 plain fields against the same SELECT done with psycopg
  directly: time ratio (bar <= 2.5), medians measured in the same run.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from agora.orm.environment import Environment
from bench.harness import bench_database, best_of, environment

PLAIN_FIELDS = ["name", "code", "description", "quantity", "sequence", "price", "weight",
                "active", "flag", "date"]


def _make_orders(env: Environment, count: int) -> list[int]:
    partners = env["bench.partner"].create(
        [{"name": f"Partner {i}", "email": f"p{i}@example.com"} for i in range(count)])
    products = env["bench.product"].create([{"name": f"Product {i}"} for i in range(20)])
    orders = env["bench.order"].create([
        {"name": f"SO{i:05d}", "partner_id": partners.ids[i],
         "line_ids": [(0, 0, {"product_id": products.ids[(i + j) % 20], "quantity": j})
                      for j in range(5)]}
        for i in range(count)])
    return orders.ids


def measure_read(registry: Any, conninfo: str, count: int) -> dict[str, Any]:
    with environment(registry, conninfo, commit=True) as env:
        ids = _make_orders(env, count)
    with environment(registry, conninfo) as env:
        cr = env.cr
        before = cr.query_count
        names = []
        orders = env["bench.order"].browse(ids)
        for order in orders:
            names.append(order.partner_id.name)
            for line in order.line_ids:
                names.append(line.product_id.name)
        loop_queries = cr.query_count - before
        assert len(names) == count * 6
    with environment(registry, conninfo) as env:
        before = env.cr.query_count
        result = env["bench.order"].browse(ids).read(["name", "partner_id", "line_ids"])
        lines = env["bench.order.line"].browse(
            [i for row in result for i in row["line_ids"]]).read(["product_id"])
        read_queries = env.cr.query_count - before
        assert len(lines) == count * 5
    return {"records": count, "lines": count * 5, "queries_record_loop": loop_queries,
            "queries_read_api": read_queries}


def measure_create(registry: Any, conninfo: str, count: int = 10_000) -> dict[str, Any]:
    vals = [{"name": f"Record {i}", "code": f"C{i}", "description": "text", "quantity": i,
             "sequence": i % 100, "price": i * 1.5, "weight": 0.5, "active": True,
             "flag": i % 2 == 0, "date": date(2026, 1, 1) + timedelta(days=i % 365)}
            for i in range(count)]
    with environment(registry, conninfo) as env:
        env["bench.record"].create(vals[:100])  # warm caches of the code paths
        env.flush_all()
        before = env.cr.query_count
        start = time.perf_counter()
        records = env["bench.record"].create(vals)
        env.flush_all()
        elapsed = time.perf_counter() - start
        queries = env.cr.query_count - before
        assert len(records) == count
    return {"records": count, "queries": queries, "seconds": round(elapsed, 4),
            "records_per_second": round(count / elapsed)}


def measure_search_read(registry: Any, conninfo: str, rows: int = 1000,
                        runs: int = 30) -> dict[str, Any]:
    with environment(registry, conninfo, commit=True) as env:
        env["bench.record"].create([
            {"name": f"Row {i}", "code": f"R{i}", "description": "some text", "quantity": i,
             "sequence": i, "price": i * 2.5, "weight": 1.25, "active": True,
             "flag": bool(i % 2), "date": date(2026, 1, 1) + timedelta(days=i % 300)}
            for i in range(rows)])
    columns = ", ".join(f'"{name}"' for name in ["id", *PLAIN_FIELDS])
    raw_sql = (f'SELECT {columns} FROM "bench_record" WHERE "active" = TRUE '
               'ORDER BY "id" LIMIT %s')
    with environment(registry, conninfo) as env:
        cursor = env.cr.connection.cursor()
        model = env["bench.record"]

        def raw() -> None:
            cursor.execute(raw_sql, (rows,))
            names = [column.name for column in cursor.description]
            result = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            assert len(result) == rows

        def orm() -> None:
            env.transaction.invalidate()  # every run starts from an empty cache
            result = model.search_read([("active", "=", True)], PLAIN_FIELDS, limit=rows,
                                       order="id")
            assert len(result) == rows

        for _ in range(3):
            raw()
            orm()
        raw_time, _ = best_of(runs, raw)
        orm_time, _ = best_of(runs, orm)
        before = env.cr.query_count
        orm()
        queries = env.cr.query_count - before
    return {"rows": rows, "fields": len(PLAIN_FIELDS), "psycopg_ms": round(raw_time * 1000, 3),
            "orm_ms": round(orm_time * 1000, 3), "ratio": round(orm_time / raw_time, 3),
            "orm_queries": queries, "runs": runs}


def run() -> dict[str, Any]:
    with bench_database() as (registry, conninfo):
        read80 = measure_read(registry, conninfo, 80)
        read400 = measure_read(registry, conninfo, 400)
        create = measure_create(registry, conninfo)
        search_read = measure_search_read(registry, conninfo)
    return {
        "read_orders": [read80, read400],
        "create_10k": create,
        "search_read_1000x10": search_read,
        "bars": {
            "read_queries_le_4": max(read80["queries_record_loop"], read80["queries_read_api"],
                                     read400["queries_record_loop"],
                                     read400["queries_read_api"]) <= 4,
            "create_queries_le_120": create["queries"] <= 120,
            "create_rate_ge_3000": create["records_per_second"] >= 3000,
            "search_read_ratio_le_2_5": search_read["ratio"] <= 2.5,
        },
    }
