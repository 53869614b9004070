"""Quotation → order → invoice → posted invoice, and what the order knows of it."""

import pytest

from agora import exceptions
from tests.addons_sale.conftest import order_values


def test_order_numbering_and_amounts(env, customer, products):
    order = env["sale.order"].create(order_values(customer, products))
    assert order.name.startswith("S") and order.name != "New"
    # 2 × (10 + 20 + 30 + 40 + 50) = 300 untaxed, 15% tax
    assert (order.amount_untaxed, order.amount_tax, order.amount_total) == (300.0, 45.0, 345.0)
    assert order.partner_invoice_id == customer and order.state == "draft"


def test_api_callers_get_the_product_defaults(env, customer, products):
    order = env["sale.order"].create({"partner_id": customer.id, "order_line": [
        (0, 0, {"product_id": products[2].id, "product_uom_qty": 3})]})
    line = order.order_line
    assert line.price_unit == 30.0 and line.name == products[2].display_name
    assert line.tax_id == products[2].taxes_id and line.price_subtotal == 90.0


def test_pricelist_and_discount(env, customer, products):
    pricelist = env["product.pricelist"].create({"name": "VIP", "item_ids": [
        (0, 0, {"applied_on": "3_global", "compute_price": "percentage",
                "percent_price": 10.0})]})
    order = env["sale.order"].create({"partner_id": customer.id, "pricelist_id": pricelist.id,
                                      "order_line": [(0, 0, {"product_id": products[0].id,
                                                             "product_uom_qty": 1,
                                                             "discount": 50.0})]})
    assert order.order_line.price_unit == 9.0
    assert order.amount_untaxed == 4.5


def test_confirm_invoice_post_chain(env, customer, products):
    order = env["sale.order"].create(order_values(customer, products))
    order.action_confirm()
    assert order.state == "sale" and order.invoice_status == "to invoice"
    invoice = order._create_invoices()
    assert invoice.move_type == "out_invoice" and invoice.invoice_origin == order.name
    assert invoice.amount_total == order.amount_total == 345.0
    assert order.invoice_status == "invoiced"
    assert order.order_line.mapped("qty_invoiced") == [2.0] * 5
    assert order.invoice_ids == invoice and order.invoice_count == 1
    invoice.action_post()
    assert invoice.state == "posted" and invoice.name.startswith("INV/")
    with pytest.raises(exceptions.UserError, match="nothing to invoice"):
        order._create_invoices()


def test_cancelled_invoice_gives_the_quantities_back(env, customer, products):
    order = env["sale.order"].create(order_values(customer, products[:2]))
    order.action_confirm()
    invoice = order._create_invoices()
    invoice.button_cancel()
    assert order.order_line.mapped("qty_invoiced") == [0.0, 0.0]
    assert order.invoice_status == "to invoice"


def test_credit_note_reduces_invoiced_quantities(env, customer, products):
    order = env["sale.order"].create(order_values(customer, products[:1], quantity=4))
    order.action_confirm()
    invoice = order._create_invoices()
    invoice.action_post()
    invoice._reverse_moves(cancel=True)
    assert order.order_line.qty_invoiced == 0.0
    assert order.invoice_status == "to invoice"
    assert invoice.payment_state == "reversed"


def test_delivered_quantities_policy(env, customer, products):
    products[0].product_tmpl_id.write({"invoice_policy": "delivery"})
    order = env["sale.order"].create(order_values(customer, products[:1], quantity=10))
    order.action_confirm()
    assert order.invoice_status == "no"
    with pytest.raises(exceptions.UserError, match="nothing to invoice"):
        order._create_invoices()
    order.order_line.write({"qty_delivered": 4})
    assert order.invoice_status == "to invoice"
    invoice = order._create_invoices()
    assert invoice.invoice_line_ids.quantity == 4
    assert order.order_line.qty_to_invoice == 0 and order.invoice_status == "no"
    order.order_line.write({"qty_delivered": 10})
    assert order.order_line.qty_to_invoice == 6
    assert order._create_invoices().invoice_line_ids.quantity == 6
    assert order.invoice_status == "invoiced"


def test_workflow_guards(env, customer, products):
    empty = env["sale.order"].create({"partner_id": customer.id})
    with pytest.raises(exceptions.UserError, match="no product line"):
        empty.action_confirm()
    order = env["sale.order"].create(order_values(customer, products[:1]))
    with pytest.raises(exceptions.UserError, match="Only confirmed orders"):
        order._create_invoices()
    order.action_confirm()
    with pytest.raises(exceptions.UserError, match="only quotations"):
        order.action_confirm()
    order._create_invoices().action_post()
    with pytest.raises(exceptions.UserError, match="posted invoices"):
        order.action_cancel()


def test_send_quotation_queues_an_email(env, customer, products):
    order = env["sale.order"].create(order_values(customer, products[:1]))
    order.action_quotation_send()
    assert order.state == "sent"
    mails = env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "=", order.id)])
    assert mails and customer.email in mails[0].email_to
    assert order.name in mails[0].subject


def test_sale_views_load(env):
    views = env["sale.order"].get_views([[False, "list"], [False, "form"], [False, "kanban"],
                                        [False, "search"], [False, "pivot"], [False, "graph"]])
    assert set(views["views"]) == {"list", "form", "kanban", "search", "pivot", "graph"}


def test_new_order_lines_are_known_in_order_without_reading_them_back(env, customer, products):
    values = order_values(customer, products[:3])
    for sequence, (_c, _i, line) in zip((30, 10, 20), values["order_line"], strict=True):
        line["sequence"] = sequence
    order = env["sale.order"].create(values)
    with env.cr.capture() as log:
        cached = order.order_line.mapped("sequence")
    assert cached == [10, 20, 30]
    assert not [code for code, _params in log if "sale_order_line" in code]
    env.invalidate_all()
    assert order.order_line.mapped("sequence") == cached


def test_orders_record_who_created_them_and_when(env, customer, products):
    # a mixin's (mail.thread) own "no log columns" setting must not reach its users
    order = env["sale.order"].create(order_values(customer, products[:1]))
    assert order.create_date and order.create_uid.id == env.uid and order.write_date


def test_copying_an_order_copies_its_lines(env, customer, products):
    order = env["sale.order"].create(order_values(customer, products[:2]))
    order.action_confirm()
    duplicate = order.copy()
    assert duplicate.state == "draft" and duplicate.name != order.name
    assert len(duplicate.order_line) == 2 and not (duplicate.order_line & order.order_line)
    assert order.order_line.mapped("order_id") == order  # the originals stay put
    assert duplicate.amount_total == order.amount_total
