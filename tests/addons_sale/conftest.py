from __future__ import annotations

import pytest

from agora.testing.addons import installed_database_fixture, rolled_back_env

sale_db = installed_database_fixture(["sale"], prefix="agora_sale")


@pytest.fixture
def env(sale_db: str):
    with rolled_back_env(sale_db) as env:
        yield env


@pytest.fixture
def customer(env):
    return env["res.partner"].create({"name": "Buyer Inc", "email": "buyer@example.com",
                                      "is_company": True})


@pytest.fixture
def products(env):
    return env["product.product"].create([
        {"name": f"Item {n}", "default_code": f"IT{n}", "list_price": 10.0 * n}
        for n in range(1, 6)])


def order_values(customer, products, quantity=2.0):
    """What the order form sends on save: its lines with the onchange's values."""
    return {"partner_id": customer.id, "order_line": [
        (0, 0, {"product_id": p.id, "name": p.display_name, "product_uom_qty": quantity,
                "product_uom": p.uom_id.id, "price_unit": p.lst_price,
                "tax_id": [(6, 0, p.taxes_id.ids)]}) for p in products]}
