from __future__ import annotations

import pytest

from agora.testing.addons import installed_database_fixture, rolled_back_env

account_db = installed_database_fixture(["account"], prefix="agora_account")


@pytest.fixture
def env(account_db: str):
    with rolled_back_env(account_db) as env:
        yield env


@pytest.fixture
def customer(env):
    return env["res.partner"].create({"name": "Customer Ltd", "email": "c@example.com"})


@pytest.fixture
def product(env):
    return env["product.product"].create({"name": "Widget", "list_price": 100.0,
                                          "default_code": "W1"})


def make_invoice(env, partner, lines, move_type="out_invoice", **header):
    """``lines``: (price_unit, quantity, taxes recordset) triples."""
    return env["account.move"].create({
        "move_type": move_type, "partner_id": partner.id, **header,
        "invoice_line_ids": [(0, 0, {"name": f"line {i}", "price_unit": price, "quantity": qty,
                                     "tax_ids": [(6, 0, taxes.ids)]})
                             for i, (price, qty, taxes) in enumerate(lines)]})


def sale_tax(env, name="15%"):
    return env["account.tax"].search([("name", "=", name), ("type_tax_use", "=", "sale")],
                                     limit=1)
