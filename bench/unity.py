"""Unity read bar of issue 4 (part 5): ``web_search_read`` of 80 orders, each with a
partner (many2one) and 5 lines (one2many) each with a product (many2one), with the spec
``{name, date, partner_id {display_name}, line_ids {quantity, price, product_id
{display_name}}}``: SQL queries counted on a cold cache (bar: <= 6, one per relation
level whatever the number of records) and wall time (median, cold and warm cache).

``from bench import unity; unity.run()`` returns the measurements as a dict.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from agora import fields, models
from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.orm.environment import Environment
from agora.orm.registry import Registry
from agora.testing.database import new_database, remove_database, server_url
from bench.harness import best_of, environment

MODULE = "bench_unity"
SPEC = {
    "name": {}, "date": {},
    "partner_id": {"fields": {"display_name": {}}},
    "line_ids": {"fields": {"quantity": {}, "price": {},
                            "product_id": {"fields": {"display_name": {}}}}},
}
QUERY_BAR = 6


class UnityPartner(models.Model):
    _name = "bench.unity.partner"
    _module = MODULE

    name = fields.Char(required=True)


class UnityProduct(models.Model):
    _name = "bench.unity.product"
    _module = MODULE

    name = fields.Char(required=True)


class UnityOrder(models.Model):
    _name = "bench.unity.order"
    _module = MODULE

    name = fields.Char(required=True)
    date = fields.Date()
    partner_id = fields.Many2one("bench.unity.partner", required=True)
    line_ids = fields.One2many("bench.unity.order.line", "order_id")


class UnityOrderLine(models.Model):
    _name = "bench.unity.order.line"
    _module = MODULE

    order_id = fields.Many2one("bench.unity.order", required=True, ondelete="cascade")
    product_id = fields.Many2one("bench.unity.product", required=True)
    quantity = fields.Float()
    price = fields.Float()


@contextmanager
def _database() -> Iterator[tuple[Registry, str]]:
    """A fresh database with this workload's models only, dropped afterwards."""
    url = os.environ.get("AGORA_BENCH_DB_URL") or server_url()
    name, conninfo = new_database(url, prefix="agora_bench_unity")
    try:
        registry = Registry.build(name, Registry.definitions_of([MODULE]))
        connection = connect(conninfo)
        try:
            with Cursor(connection) as cr:
                registry.sync_schema(cr)
        finally:
            connection.close()
        yield registry, conninfo
    finally:
        Registry.registries.pop(name, None)
        remove_database(url, name)


def _make_orders(env: Environment, count: int, lines: int) -> None:
    partners = env["bench.unity.partner"].create(
        [{"name": f"Partner {i}"} for i in range(count)])
    products = env["bench.unity.product"].create([{"name": f"Product {i}"} for i in range(20)])
    env["bench.unity.order"].create([
        {"name": f"SO{i:05d}", "date": date(2026, 1, 1 + i % 28),
         "partner_id": partners.ids[i],
         "line_ids": [(0, 0, {"product_id": products.ids[(i + j) % 20], "quantity": j,
                              "price": 1.5 * j}) for j in range(lines)]}
        for i in range(count)])


def run(count: int = 80, lines: int = 5, runs: int = 20) -> dict[str, Any]:
    with _database() as (registry, conninfo):
        with environment(registry, conninfo, commit=True) as env:
            _make_orders(env, count, lines)
        with environment(registry, conninfo) as env:
            orders = env["bench.unity.order"]
            before = env.cr.query_count
            result = orders.web_search_read([], SPEC)
            queries = env.cr.query_count - before
            assert result["length"] == count
            assert sum(len(row["line_ids"]) for row in result["records"]) == count * lines

            def cold() -> None:
                env.invalidate_all()
                orders.web_search_read([], SPEC)

            cold_median, _ = best_of(runs, cold)
            warm_median, _ = best_of(runs, lambda: orders.web_search_read([], SPEC))
    return {
        "records": count, "lines": count * lines, "spec": SPEC,
        "web_search_read_queries": queries,
        "cold_cache_seconds": round(cold_median, 5),
        "warm_cache_seconds": round(warm_median, 5),
        "bars": {"web_search_read_80x5_queries_le_6": queries <= QUERY_BAR},
    }
