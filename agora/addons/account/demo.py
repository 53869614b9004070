"""Demo vendor bills: the purchase side of the demo company (customer invoices come from
the sales demo)."""

from __future__ import annotations

from datetime import date, timedelta

from agora.orm.environment import Environment

VENDORS = ["Office Supplies Co", "Fast Freight Ltd", "Cloud Hosting SA"]


def load_demo_bills(env: Environment) -> None:
    partners = env["res.partner"].with_context(tracking_disable=True)
    vendors = partners.search([("name", "in", VENDORS)])
    vendors |= partners.create([{"name": name, "is_company": True,
                                 "email": f"billing@{name.split()[0].lower()}.example"}
                                for name in VENDORS if name not in vendors.mapped("name")])
    products = env["product.product"].search([("purchase_ok", "=", True)], limit=6)
    if not products:
        return
    today = date.today()
    bills = env["account.move"].create([{
        "move_type": "in_invoice", "partner_id": vendor.id, "ref": f"VB-{index + 1:04d}",
        "invoice_date": today - timedelta(days=10 * (index + 1)),
        "invoice_line_ids": [(0, 0, {
            "product_id": product.id, "name": product.display_name, "quantity": 2 + index,
            "price_unit": product.standard_price or 10.0,
            "tax_ids": [(6, 0, product.supplier_taxes_id.ids)]})
            for product in products[index:index + 2]],
    } for index, vendor in enumerate(vendors)])
    bills[:2].action_post()
    wizard = env["account.payment.register"].with_context(
        active_model="account.move", active_ids=bills[:1].ids).create({})
    wizard.action_create_payments()
