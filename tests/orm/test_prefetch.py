"""Per-transaction cache and prefetching: loops over records stay at a fixed number of
queries whatever the number of records (no N+1)."""

from __future__ import annotations

import pytest

from agora import Command


@pytest.fixture
def orders(env):
    products = env["test.product"].create([{"name": f"Prod {i}"} for i in range(7)])
    partners = env["test.partner"].create([{"name": f"Buyer {i}"} for i in range(13)])
    orders = env["test.order"].create([{
        "name": f"SO{i}", "partner_id": partners[i % 13].id,
        "line_ids": [Command.create({"product_id": products[(i + j) % 7].id,
                                     "price": j, "quantity": 1}) for j in range(5)],
    } for i in range(80)])
    env.flush_all()
    env.invalidate_all()
    return orders


def test_loop_over_80_orders(env, orders, assert_queries):
    records = env["test.order"].browse(orders.ids)
    seen = []
    with assert_queries(4):
        for order in records:
            seen.append((order.name, order.partner_id.name,
                         [line.product_id.name for line in order.line_ids]))
    assert len(seen) == 80
    assert all(len(products) == 5 for _n, _p, products in seen)
    assert seen[0][1].startswith("Buyer ") and seen[0][2][0].startswith("Prod ")


def test_loop_after_search_uses_prefetch(env, orders, assert_queries):
    with assert_queries(5):
        found = env["test.order"].search([("name", "like", "SO")])
        names = [(o.partner_id.name, o.line_ids.mapped("product_id.name")) for o in found]
    assert len(names) == 80


def test_query_count_independent_of_size(env, orders, assert_queries):
    few = env["test.order"].browse(orders.ids[:3])
    with assert_queries(4) as small:
        read_few = [(order.partner_id.name, [line.product_id.name for line in order.line_ids])
                    for order in few]
    env.invalidate_all()
    many = env["test.order"].browse(orders.ids)
    with assert_queries(4) as large:
        read_many = [(order.partner_id.name,
                      [line.product_id.name for line in order.line_ids]) for order in many]
    assert len(small) == len(large)
    assert read_many[:3] == read_few


def test_cache_hit_needs_no_query(env, orders, assert_queries):
    records = env["test.order"].browse(orders.ids)
    assert records[0].name  # loads the whole prefetch set
    with assert_queries(0):
        values = [(record.name, record.state) for record in records]
    assert {state for _name, state in values} == {"draft"}


def test_read_many2one_names_batched(env, orders, assert_queries):
    records = env["test.order"].browse(orders.ids)
    with assert_queries(3):
        rows = records.read(["name", "partner_id", "amount"])
    assert len(rows) == 80 and all(row["partner_id"][1].startswith("Buyer") for row in rows)
    assert rows[0]["amount"] == 10.0


def test_search_read_batched(env, orders, assert_queries):
    with assert_queries(2):
        rows = env["test.order"].search_read([("name", "like", "SO")],
                                             ["name", "partner_id", "state"])
    assert len(rows) == 80


def test_stored_compute_recomputed_in_batch(env, orders, assert_queries):
    lines = env["test.order"].browse(orders.ids).mapped("line_ids")
    assert len(lines) == 400
    lines.write({"price": 2})
    # recompute of 400 subtotals and 80 amounts, then batched UPDATEs: not one per record
    with assert_queries(8):
        env.flush_all()
    env.cr.execute("SELECT DISTINCT amount FROM test_order WHERE id = ANY(%s)", (orders.ids,))
    assert env.cr.fetchall() == [(10.0,)]


def test_write_in_loop_is_not_n_plus_one(env, orders, assert_queries):
    partners = env["test.partner"].search([("name", "like", "Buyer")])
    partners.mapped("name")
    with assert_queries(0):
        for partner in partners:
            partner.age = 7
    with assert_queries(2):
        env.flush_all()
