"""Demo orders: quotations, confirmed orders, invoiced and paid ones, so the apps show a
living company."""

from __future__ import annotations

import random

from agora.orm.environment import Environment


def load_demo_orders(env: Environment, count: int = 24) -> None:
    rng = random.Random(7)
    customers = env["res.partner"].search([("is_company", "=", True),
                                           ("id", "!=", env.company.partner_id.id)], limit=12)
    products = env["product.product"].search([("sale_ok", "=", True)], limit=20)
    if not customers or not products:
        return
    orders = env["sale.order"].with_context(tracking_disable=True).create([{
        "partner_id": rng.choice(customers).id,
        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": rng.randint(1, 10)})
                       for product in rng.sample(list(products), rng.randint(1, 4))],
    } for _index in range(count)])
    confirmed = orders[: count * 2 // 3]
    confirmed.action_confirm()
    invoiced = confirmed[: len(confirmed) // 2]
    invoices = invoiced._create_invoices()
    invoices.action_post()
    paid = invoices[: len(invoices) // 2]
    for invoice in paid:
        wizard = env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({})
        wizard.action_create_payments()
