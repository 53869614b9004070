"""The sales chain through a real Odoo client library (odoorpc over JSON-RPC) against a
live server: lead → opportunity → won → quotation (e-mailed) → order → invoice → posted →
paid, then the invoice's PDF over HTTP with a web session's cookie. A second database
with ``crm_auto_invoice`` checks that winning an opportunity over RPC posts its invoice."""

from __future__ import annotations

import re
import secrets
from datetime import date

import odoorpc
import pytest
import requests

from agora.testing.addons import http_session, pdf_text
from tests.e2e_chain.conftest import LOGIN, PASSWORD, Served

TIMEOUT = 60


def connect(served: Served) -> odoorpc.ODOO:
    client = odoorpc.ODOO(served.host, port=served.port, timeout=TIMEOUT)
    client.login(served.db, LOGIN, PASSWORD)
    return client


def call(client: odoorpc.ODOO, model: str, method: str, *args, context: dict | None = None):
    """``model.method(*args)`` with an explicit context (odoorpc's ``execute_kw``)."""
    return client.execute_kw(model, method, list(args),
                             {"context": {**client.env.context, **(context or {})}})


def read_one(client: odoorpc.ODOO, model: str, record_id: int, fields: list[str]) -> dict:
    rows = client.execute_kw(model, "read", [[record_id]], {"fields": fields})
    assert len(rows) == 1, f"{model} {record_id} not readable"
    return rows[0]


@pytest.fixture
def odoo(chain: Served) -> odoorpc.ODOO:
    return connect(chain)


def test_lead_to_paid_invoice_over_rpc(odoo, chain):
    token = secrets.token_hex(4)
    email = f"buyer-{token}@chain.example"

    # -- a lead, converted to an opportunity with a new customer through the wizard --
    lead_id = odoo.env["crm.lead"].create({
        "name": f"Chain deal {token}", "type": "lead", "partner_name": f"Chain Corp {token}",
        "contact_name": f"Cleo Chain {token}", "email_from": email})
    lead = read_one(odoo, "crm.lead", lead_id, ["type", "partner_id"])
    assert lead["type"] == "lead" and not lead["partner_id"]
    convert_context = {"active_model": "crm.lead", "active_id": lead_id,
                       "active_ids": [lead_id]}
    wizard_id = call(odoo, "crm.lead2opportunity.partner", "create", {},
                     context=convert_context)
    wizard = read_one(odoo, "crm.lead2opportunity.partner", wizard_id, ["lead_id", "action"])
    assert wizard["lead_id"][0] == lead_id and wizard["action"] == "create"
    action = call(odoo, "crm.lead2opportunity.partner", "action_apply", [wizard_id],
                  context=convert_context)
    assert action["res_model"] == "crm.lead" and action.get("res_id") == lead_id
    lead = read_one(odoo, "crm.lead", lead_id, ["type", "partner_id"])
    assert lead["type"] == "opportunity" and lead["partner_id"], lead
    partner_id = lead["partner_id"][0]
    customer = read_one(odoo, "res.partner", partner_id, ["email", "commercial_partner_id"])
    assert customer["email"] == email
    # the lead named a company and a contact: the contact is the customer, the company
    # the commercial partner (who pays)
    commercial_id = customer["commercial_partner_id"][0]

    # -- won --
    call(odoo, "crm.lead", "action_set_won", [lead_id])
    lead = read_one(odoo, "crm.lead", lead_id, ["stage_id", "probability", "won_status"])
    assert lead["probability"] == 100 and lead["won_status"] == "won"
    assert read_one(odoo, "crm.stage", lead["stage_id"][0], ["is_won"])["is_won"] is True

    # -- the quotation, two demo products --
    action = call(odoo, "crm.lead", "action_new_quotation", [lead_id])
    assert action["res_model"] == "sale.order" and action["view_mode"] == "form"
    order_id = action["res_id"]
    order = read_one(odoo, "sale.order", order_id,
                     ["state", "partner_id", "opportunity_id", "order_line"])
    assert order["state"] == "draft" and order["partner_id"][0] == partner_id
    assert order["opportunity_id"][0] == lead_id and order["order_line"] == []
    products = odoo.env["product.product"].search_read(
        [("sale_ok", "=", True), ("list_price", ">", 0)], ["name", "list_price"],
        order="id", limit=2)
    assert len(products) == 2, "the demo data has no two sellable products with a price"
    odoo.env["sale.order"].write([order_id], {"order_line": [
        (0, 0, {"product_id": products[0]["id"], "product_uom_qty": 2}),
        (0, 0, {"product_id": products[1]["id"], "product_uom_qty": 3})]})
    order = read_one(odoo, "sale.order", order_id, ["order_line", "amount_untaxed"])
    assert len(order["order_line"]) == 2
    assert order["amount_untaxed"] == pytest.approx(
        2 * products[0]["list_price"] + 3 * products[1]["list_price"])

    # -- e-mailed: a mail.mail is queued (or recorded as failed: no SMTP server here) --
    call(odoo, "sale.order", "action_quotation_send", [order_id])
    assert read_one(odoo, "sale.order", order_id, ["state"])["state"] == "sent"
    mails = odoo.env["mail.mail"].search_read(
        [("model", "=", "sale.order"), ("res_id", "=", order_id)],
        ["state", "email_to", "subject"])
    assert mails, "action_quotation_send left no mail.mail for the order"
    assert any(email in (mail["email_to"] or "") for mail in mails), mails
    assert {mail["state"] for mail in mails} <= {"outgoing", "sent", "exception"}

    # -- confirmed, invoiced --
    call(odoo, "sale.order", "action_confirm", [order_id])
    order = read_one(odoo, "sale.order", order_id, ["state", "invoice_status", "name"])
    assert order["state"] == "sale" and order["invoice_status"] == "to invoice"
    order_name = order["name"]
    action = call(odoo, "sale.order", "action_create_invoice", [order_id])
    assert action["res_model"] == "account.move" and action["view_mode"] == "form"
    invoice_id = action["res_id"]
    order = read_one(odoo, "sale.order", order_id, ["invoice_status", "invoice_ids"])
    assert order["invoice_status"] == "invoiced" and order["invoice_ids"] == [invoice_id]
    invoice = read_one(odoo, "account.move", invoice_id,
                       ["state", "move_type", "partner_id", "invoice_origin", "amount_untaxed"])
    assert invoice["state"] == "draft" and invoice["move_type"] == "out_invoice"
    assert invoice["invoice_origin"] == order_name
    assert invoice["amount_untaxed"] == pytest.approx(
        2 * products[0]["list_price"] + 3 * products[1]["list_price"])

    # -- posted --
    call(odoo, "account.move", "action_post", [invoice_id])
    invoice = read_one(odoo, "account.move", invoice_id,
                       ["state", "name", "invoice_date", "payment_state", "amount_residual",
                        "amount_total"])
    assert invoice["state"] == "posted" and invoice["payment_state"] == "not_paid"
    year = date.fromisoformat(invoice["invoice_date"]).year
    assert year == date.today().year
    assert re.fullmatch(rf"INV/{year}/\d+", invoice["name"]), invoice["name"]
    assert invoice["amount_residual"] == pytest.approx(invoice["amount_total"])

    # -- paid through the Register Payment wizard --
    pay_context = {"active_model": "account.move", "active_ids": [invoice_id]}
    register_id = call(odoo, "account.payment.register", "create", {}, context=pay_context)
    register = read_one(odoo, "account.payment.register", register_id, ["amount"])
    assert register["amount"] == pytest.approx(invoice["amount_total"])
    action = call(odoo, "account.payment.register", "action_create_payments", [register_id],
                  context=pay_context)
    assert action["res_model"] == "account.payment"
    payment = read_one(odoo, "account.payment", action["res_id"],
                       ["state", "amount", "partner_id"])
    assert payment["state"] == "posted" and payment["partner_id"][0] == commercial_id
    assert payment["amount"] == pytest.approx(invoice["amount_total"])
    paid = read_one(odoo, "account.move", invoice_id, ["payment_state", "amount_residual"])
    assert paid["payment_state"] == "paid" and paid["amount_residual"] == 0
    order = read_one(odoo, "sale.order", order_id, ["state", "invoice_status"])
    assert order == {"id": order_id, "state": "sale", "invoice_status": "invoiced"}

    # -- the PDF over HTTP, with a web session's cookie --
    http = http_session(chain.url, chain.db, LOGIN, PASSWORD)
    response = http.get(f"{chain.url}/report/pdf/account.report_invoice/{invoice_id}",
                        timeout=TIMEOUT)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/pdf")
    assert response.content.startswith(b"%PDF")
    assert invoice["name"].encode() in pdf_text(response.content)
    anonymous = requests.get(f"{chain.url}/report/pdf/account.report_invoice/{invoice_id}",
                             timeout=TIMEOUT, allow_redirects=False)
    assert not anonymous.content.startswith(b"%PDF")


def test_winning_over_rpc_posts_the_invoice_with_crm_auto_invoice(auto_invoice):
    odoo = connect(auto_invoice)
    token = secrets.token_hex(4)
    partner_id = odoo.env["res.partner"].create({"name": f"Auto Buyer {token}",
                                                 "is_company": True})
    lead_id = odoo.env["crm.lead"].create({
        "name": f"Auto deal {token}", "type": "opportunity", "partner_id": partner_id,
        "expected_revenue": 1234.5})
    call(odoo, "crm.lead", "action_set_won", [lead_id])
    lead = read_one(odoo, "crm.lead", lead_id,
                    ["probability", "won_status", "auto_invoice_id", "order_ids"])
    assert lead["probability"] == 100 and lead["won_status"] == "won"
    assert lead["auto_invoice_id"], "winning did not record an invoice"
    assert len(lead["order_ids"]) == 1
    invoice = read_one(odoo, "account.move", lead["auto_invoice_id"][0],
                       ["state", "name", "partner_id", "amount_untaxed", "move_type"])
    assert invoice["state"] == "posted" and invoice["move_type"] == "out_invoice"
    assert re.fullmatch(r"INV/\d{4}/\d+", invoice["name"]), invoice["name"]
    assert invoice["partner_id"][0] == partner_id
    assert invoice["amount_untaxed"] == pytest.approx(1234.5)
    order = read_one(odoo, "sale.order", lead["order_ids"][0], ["state", "invoice_status"])
    assert order["state"] == "sale" and order["invoice_status"] == "invoiced"
