"""The seeds' chain through RPC-level model calls: a won opportunity ends as a posted
invoice, through crm, sale and account extended by crm_auto_invoice."""

from collections.abc import Iterator

import pytest

from agora.testing.addons import installed_database, rolled_back_env


@pytest.fixture(scope="module")
def chain_db(agora_server_url: str) -> Iterator[str]:
    with installed_database(agora_server_url, ["crm_auto_invoice"],
                            prefix="agora_chain") as conninfo:
        yield conninfo


@pytest.fixture
def env(chain_db):
    with rolled_back_env(chain_db) as env:
        yield env


def _opportunity(env, **values):
    return env["crm.lead"].create({"name": "Office fit-out", "type": "opportunity",
                                   "expected_revenue": 1000.0, **values})


def test_new_quotation_from_opportunity_creates_the_customer(env):
    lead = _opportunity(env, partner_name="Fresh Corp", contact_name="Ann",
                        email_from="ann@fresh.example")
    action = lead.action_new_quotation()
    order = env["sale.order"].browse(action["res_id"])
    assert order.opportunity_id == lead and order.state == "draft"
    assert lead.partner_id and order.partner_id == lead.partner_id
    assert lead.quotation_count == 1


def test_won_opportunity_is_quoted_confirmed_invoiced_and_posted(env):
    customer = env["res.partner"].create({"name": "Won Customer", "is_company": True})
    lead = _opportunity(env, partner_id=customer.id)
    lead.action_set_won()
    assert lead.probability == 100
    order = lead.order_ids
    assert len(order) == 1 and order.state == "sale" and order.invoice_status == "invoiced"
    invoice = lead.auto_invoice_id
    assert invoice.state == "posted" and invoice.name.startswith("INV/")
    assert invoice.partner_id == customer and invoice.amount_untaxed == 1000.0
    assert invoice.invoice_origin == order.name
    assert lead.sale_order_count == 1 and lead.sale_amount_total == 1000.0


def test_won_lead_without_customer_gets_one_from_its_company_name(env):
    lead = _opportunity(env, partner_name="New Buyer Ltd")
    lead.action_set_won()
    assert lead.partner_id.name == "New Buyer Ltd"
    assert lead.auto_invoice_id.partner_id == lead.partner_id
    assert lead.auto_invoice_id.state == "posted"
