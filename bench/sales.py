"""Issue 6's workload: 1,000 customers, 200 products, then 300 sales orders of 5 lines,
each created, confirmed, invoiced and its invoice posted.

Every operation runs in its own transaction with a cold cache, as four separate requests
would (as the superuser: access checks are measured by the access benches), and its SQL
statements are counted from the call to the end of its flush. Bars: create an order with
5 lines <= 12 SQL, confirm <= 15, create the invoice <= 20, post it <= 20 (the worst
order counts), and the whole workload (setup included) under 30 s.

``from bench import sales; sales.run()`` returns the measurements as a dict.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.modules.registry_manager import registry_for
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.testing.addons import installed_database
from agora.testing.database import server_url

CUSTOMERS = 1000
PRODUCTS = 200
ORDERS = 300
LINES = 5
BARS = {"create_order": 12, "confirm": 15, "create_invoice": 20, "post_invoice": 20}
WALL_BAR_S = 30.0


def run(orders: int = ORDERS) -> dict[str, Any]:
    url = os.environ.get("AGORA_BENCH_DB_URL") or server_url()
    with installed_database(url, ["sale"], demo=False, prefix="agora_bench_sales") as conninfo:
        connection = connect(conninfo)
        try:
            return _measure(connection, orders)
        finally:
            connection.close()


def _measure(connection: Any, orders: int) -> dict[str, Any]:
    started = time.perf_counter()
    customer_ids, products = _in_transaction(connection, _setup)
    setup_s = time.perf_counter() - started
    counts: dict[str, list[int]] = {name: [] for name in BARS}
    timings: dict[str, list[float]] = {name: [] for name in BARS}
    worst_logs: dict[str, list[str]] = {}

    def measured(name: str, work: Callable[[Environment], Any]) -> Any:
        def step(env: Environment) -> Any:
            begin = time.perf_counter()
            with env.cr.capture() as log:
                result = work(env)
                env.flush_all()
            timings[name].append(time.perf_counter() - begin)
            if not counts[name] or len(log) > max(counts[name]):
                worst_logs[name] = [code[:160] for code, _params in log]
            counts[name].append(len(log))
            return result
        return _in_transaction(connection, step)

    workload_started = time.perf_counter()
    for index in range(orders):
        customer = customer_ids[index % len(customer_ids)]
        chosen = [products[(index * LINES + n) % len(products)] for n in range(LINES)]
        order_id = measured("create_order", lambda env, c=customer, p=chosen, i=index: env[
            "sale.order"].create(_order_values(c, p, i)).id)
        measured("confirm", lambda env, o=order_id: env["sale.order"].browse(o).action_confirm())
        invoice_id = measured("create_invoice", lambda env, o=order_id: env[
            "sale.order"].browse(o)._create_invoices().id)
        measured("post_invoice", lambda env, i=invoice_id: env["account.move"].browse(
            i).action_post())
    workload_s = time.perf_counter() - workload_started
    total_s = time.perf_counter() - started
    check = _in_transaction(connection, lambda env: _verify(env, orders))
    per_operation = {
        name: {"max_sql": max(values), "median_sql": statistics.median(values),
               "min_sql": min(values), "bar_sql": BARS[name],
               "median_ms": round(statistics.median(timings[name]) * 1000, 2)}
        for name, values in counts.items()}
    bars = {f"{name}_sql": per_operation[name]["max_sql"] <= BARS[name] for name in BARS}
    bars["whole_workload_under_30s"] = total_s < WALL_BAR_S
    bars["all_invoices_posted_and_balanced"] = check["posted"] == orders and check["balanced"]
    return {"customers": CUSTOMERS, "products": PRODUCTS, "orders": orders,
            "lines_per_order": LINES, "per_operation": per_operation,
            "setup_s": round(setup_s, 2), "workload_s": round(workload_s, 2),
            "total_s": round(total_s, 2), "check": check, "bars": bars,
            "worst_statements": worst_logs}


def _in_transaction(connection: Any, work: Callable[[Environment], Any]) -> Any:
    """``work(env)`` in a committed transaction with an empty cache, as a request runs."""
    cr = Cursor(connection)
    try:
        env = Environment(cr, SUPERUSER_ID, {}, registry=registry_for(cr))
        result = work(env)
        cr.commit()
        return result
    except BaseException:
        cr.rollback()
        raise
    finally:
        cr.close()


def _setup(env: Environment) -> tuple[list[int], list[tuple[int, str, float, int, list[int]]]]:
    quiet = env["res.partner"].with_context(tracking_disable=True)
    customers = quiet.create([{"name": f"Customer {n:04d}", "is_company": True,
                               "email": f"customer{n}@example.com"} for n in range(CUSTOMERS)])
    products = env["product.product"].create([
        {"name": f"Product {n:03d}", "default_code": f"P{n:03d}",
         "list_price": 5.0 + (n % 40) * 2.5} for n in range(PRODUCTS)])
    # what the order form's onchange gives the client for each product
    described = [(p.id, p.display_name, p.lst_price, p.uom_id.id, p.taxes_id.ids)
                 for p in products]
    return customers.ids, described


def _order_values(customer_id: int, products: list, index: int) -> dict[str, Any]:
    """What the order form sends on save."""
    return {"partner_id": customer_id, "order_line": [
        (0, 0, {"product_id": pid, "name": name, "product_uom_qty": 1 + (index + n) % 7,
                "product_uom": uom, "price_unit": price, "discount": 5.0 if n == 0 else 0.0,
                "tax_id": [(6, 0, taxes)]})
        for n, (pid, name, price, uom, taxes) in enumerate(products)]}


def _verify(env: Environment, orders: int) -> dict[str, Any]:
    moves = env["account.move"].search([("move_type", "=", "out_invoice")])
    posted = moves.filtered(lambda m: m.state == "posted")
    env.cr.execute("SELECT move_id FROM account_move_line GROUP BY move_id "
                   "HAVING round(sum(balance), 2) <> 0")
    unbalanced = env.cr.fetchall()
    numbers = sorted(int(m.name.rsplit("/", 1)[1]) for m in posted)
    return {"posted": len(posted), "balanced": not unbalanced,
            "numbering_gapless": numbers == list(range(1, len(numbers) + 1)),
            "invoiced_orders": env["sale.order"].search_count(
                [("invoice_status", "=", "invoiced")])}
