"""Query counts of the invoicing hot paths: creating a 5-line invoice and posting it."""

from __future__ import annotations

import pytest

from agora.testing.queries import assert_queries
from tests.addons_account.conftest import sale_tax

#: measured 17: 14 for the invoice (30 before the products of all lines were read at
#: once, 20 before the line amounts were given at insert) and 3 for its chatter (the
#: creator follows it, the "created" note, the note subtype's id in a cold process);
#: the issue's bar is 20
CREATE_LIMIT = 17
#: measured 19: 15 for posting and 4 for tracking the status change in the chatter
#: (message, tracking value, subtype id, author); the issue's bar is 20
POST_LIMIT = 19
#: measured 40 (wizard, payment, its entry and post, reconcile, payment state, and the
#: chatter of the payment's entry)
PAY_LIMIT = 40


@pytest.fixture
def products(env):
    return env["product.product"].create([{"name": f"Item {n}", "list_price": 10.0 * n}
                                          for n in range(1, 6)])


@pytest.fixture
def more_products(env):
    return env["product.product"].create([{"name": f"Other {n}", "list_price": 1.0 * n}
                                          for n in range(1, 11)])


def _listing(log) -> str:
    return "\n".join(f"  {code}" for code, _params in log)


def _invoice_values(env, customer, products) -> dict:
    tax = sale_tax(env)
    return {"move_type": "out_invoice", "partner_id": customer.id,
            "invoice_line_ids": [(0, 0, {"product_id": product.id, "name": product.name,
                                         "quantity": n + 1, "price_unit": 10.0 * (n + 1),
                                         "tax_ids": [(6, 0, tax.ids)]})
                                 for n, product in enumerate(products)]}


def _warm(env, customer, products):
    """Registry, access and chart caches warmed the way a running server has them."""
    values = _invoice_values(env, customer, products)
    env["account.move"].create(values).action_post()
    env.flush_all()
    env.invalidate_all()
    return values


def test_create_invoice_with_five_lines(env, customer, products):
    values = _warm(env, customer, products)
    with assert_queries(env.cr, CREATE_LIMIT) as log:
        invoice = env["account.move"].create(values)
        env.flush_all()
    print(f"\ncreate 5-line invoice: {len(log)} queries\n{_listing(log)}")
    assert invoice.amount_untaxed == 550.0 and invoice.amount_tax == 82.5


def test_create_and_post_do_not_grow_with_the_lines(env, customer, products, more_products):
    """Ten lines of ten other products cost what five lines do (no query per line)."""
    _warm(env, customer, products)
    counts = []
    for batch in (products, more_products):
        values = _invoice_values(env, customer, batch)
        env.flush_all()
        env.invalidate_all()
        with env.cr.capture() as create_log:
            invoice = env["account.move"].create(values)
            env.flush_all()
        env.invalidate_all()
        with env.cr.capture() as post_log:
            invoice.action_post()
            env.flush_all()
        counts.append((len(create_log), len(post_log)))
    assert counts[0] == counts[1], f"5 lines vs 10 lines (create, post): {counts}"


def test_post_invoice_with_five_lines(env, customer, products):
    values = _warm(env, customer, products)
    invoice = env["account.move"].create(values)
    env.flush_all()
    env.invalidate_all()
    with assert_queries(env.cr, POST_LIMIT) as log:
        invoice.action_post()
        env.flush_all()
    print(f"\npost 5-line invoice: {len(log)} queries\n{_listing(log)}")
    assert invoice.state == "posted" and invoice.name.startswith("INV/")


def test_register_payment_of_an_invoice(env, customer, products):
    values = _warm(env, customer, products)
    invoice = env["account.move"].create(values)
    invoice.action_post()
    env.flush_all()
    env.invalidate_all()
    with assert_queries(env.cr, PAY_LIMIT) as log:
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids).create(
            {}).action_create_payments()
        env.flush_all()
    print(f"\nregister payment: {len(log)} queries\n{_listing(log)}")
    assert invoice.payment_state == "paid"
