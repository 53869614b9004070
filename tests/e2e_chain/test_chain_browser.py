"""The sales chain in the real client (headless Chromium) on the served ``sale_crm`` demo
database: CRM app → opportunity from the pipeline → New Quotation → a product line →
Confirm → Create Invoice → Confirm the invoice → Register Payment → Paid. Every major
step leaves a screenshot under ``<test output>/e2e_chain/``; the final state is checked
through the ORM as well."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from agora.testing.browser import click_for_new_view, output_directory, wait_idle, web_login
from tests.e2e_chain.conftest import LOGIN, PASSWORD


@pytest.fixture
def web(agora_page, chain):
    web_login(agora_page, chain.url, LOGIN, PASSWORD)
    agora_page.base_url = chain.url
    return agora_page


@pytest.fixture
def shots() -> Path:
    directory = output_directory() / "e2e_chain"
    directory.mkdir(parents=True, exist_ok=True)
    return directory



def wait_for_model(page, model: str) -> None:
    page.wait_for_function("(model) => window.location.hash.includes(`model=${model}`)",
                           arg=model)
    wait_idle(page)


def hash_id(page) -> int:
    return int(page.evaluate(
        "() => new URLSearchParams(window.location.hash.slice(1)).get('id')"))


def field_text(page, name: str) -> str:
    """What a form field shows: its input's value when editable, else its text."""
    field = page.locator(f".ag-form .ag-field[data-name={name}]").first
    inputs = field.locator("input")
    return (inputs.first.input_value() if inputs.count() else field.inner_text()).strip()


def test_opportunity_to_paid_invoice_in_the_browser(web, chain_run, shots):
    token = secrets.token_hex(3)
    name = f"Browser chain {token}"
    opportunity_id, customer, product, price = chain_run(lambda env: (
        env["crm.lead"].create({
            "name": name, "type": "opportunity", "expected_revenue": 900.0,
            "user_id": env.ref("base.user_admin").id,
            "partner_id": env["res.partner"].create({
                "name": f"Browser Buyer {token}", "is_company": True,
                "email": f"buyer-{token}@chain.example"}).id}).id,
        f"Browser Buyer {token}",
        *next((p.name, p.list_price) for p in env["product.product"].search(
            [("sale_ok", "=", True), ("list_price", ">", 0)], order="id")
            if "," not in p.name)))

    # -- the CRM app opens on the pipeline; the opportunity is a card in it --
    web.click(".ag-navbar-home")
    click_for_new_view(web, ".ag-app-tile:has-text('CRM')")
    card = f".ag-kanban-record[data-id='{opportunity_id}']"
    web.wait_for_selector(card)
    web.screenshot(path=str(shots / "01_pipeline.png"))
    click_for_new_view(web, card)
    web.wait_for_selector(f".ag-breadcrumb-current:has-text('{name}')")
    assert customer in field_text(web, "partner_id")
    web.screenshot(path=str(shots / "02_opportunity.png"))

    # -- New Quotation: the quotation's form, for the opportunity's customer --
    click_for_new_view(web, "button[name=action_new_quotation]")
    wait_for_model(web, "sale.order")
    order_id = hash_id(web)
    assert customer in field_text(web, "partner_id")
    web.screenshot(path=str(shots / "03_quotation.png"))

    # -- a product line: the product by its autocomplete, then the quantity --
    web.click(".ag-field[data-name=order_line] .ag-add-line")
    line = web.locator(".ag-field[data-name=order_line] tbody tr").last
    line.locator("[data-name=product_id] input").fill(product[:6])
    web.click(f".ag-m2o-dropdown:visible >> text={product}")
    wait_idle(web)
    quantity = line.locator("[data-name=product_uom_qty] input")
    quantity.fill("3")
    quantity.press("Tab")
    wait_idle(web)
    web.wait_for_function(
        "() => document.querySelector('.ag-field[data-name=amount_untaxed]')"
        ".textContent.match(/[1-9]/)")
    web.click(".ag-save")
    web.wait_for_selector(".ag-save", state="hidden")
    wait_idle(web)
    lines = chain_run(lambda env: env["sale.order"].browse(order_id).order_line.read(
        ["product_id", "product_uom_qty", "price_unit"]))
    assert len(lines) == 1 and product in lines[0]["product_id"][1], lines
    assert lines[0]["product_uom_qty"] == 3.0
    assert lines[0]["price_unit"] == pytest.approx(price)
    web.screenshot(path=str(shots / "04_quotation_with_line.png"))

    # -- Confirm: the order, "Create Invoice" offered --
    web.click("button[name=action_confirm]")
    web.wait_for_selector("button[name=action_create_invoice]", state="visible")
    wait_idle(web)
    assert chain_run(lambda env: env["sale.order"].browse(order_id).state) == "sale"
    web.screenshot(path=str(shots / "05_order_confirmed.png"))

    # -- Create Invoice: the draft invoice's form --
    click_for_new_view(web, "button[name=action_create_invoice]")
    wait_for_model(web, "account.move")
    invoice_id = hash_id(web)
    web.wait_for_selector("button[name=action_post]", state="visible")
    assert chain_run(lambda env: env["sale.order"].browse(order_id).invoice_ids.ids) \
        == [invoice_id]
    web.screenshot(path=str(shots / "06_invoice_draft.png"))

    # -- Confirm the invoice: posted, numbered --
    web.click("button[name=action_post]")
    web.wait_for_selector("button[name=action_register_payment]", state="visible")
    wait_idle(web)
    invoice_name = chain_run(lambda env: env["account.move"].browse(invoice_id).name)
    assert invoice_name.startswith("INV/")
    web.wait_for_selector(f".ag-form :text('{invoice_name}')")
    web.screenshot(path=str(shots / "07_invoice_posted.png"))

    # -- Register Payment: the wizard's dialog, Create Payment --
    web.click("button[name=action_register_payment]")
    web.wait_for_selector(".ag-dialog button[name=action_create_payments]")
    wait_idle(web)
    web.screenshot(path=str(shots / "08_register_payment.png"))
    web.click(".ag-dialog button[name=action_create_payments]")
    # the answer opens the payment's form
    wait_for_model(web, "account.payment")
    web.wait_for_selector(".ag-form .ag-statusbar")
    payment_id = hash_id(web)
    web.screenshot(path=str(shots / "09_payment.png"))
    # the wizard's dialog closed itself when its button opened the payment
    assert web.locator(".ag-dialog").count() == 0
    assert chain_run(lambda env: env["account.payment"].browse(payment_id).read(
        ["state", "amount"])[0]) == {"id": payment_id, "state": "posted",
                                     "amount": pytest.approx(chain_run(
                                         lambda env: env["account.move"].browse(
                                             invoice_id).amount_total))}

    # -- the invoice shows Paid --
    web.goto(f"{web.base_url}/web#model=account.move&view_type=form&id={invoice_id}")
    web.wait_for_selector(f".ag-breadcrumb-current:has-text('{invoice_name}')")
    wait_idle(web)
    web.wait_for_function(
        "() => (document.querySelector('.ag-form .ag-field[data-name=payment_state]')"
        " || {}).textContent?.includes('Paid')")
    assert not web.locator("button[name=action_register_payment]").is_visible()
    web.screenshot(path=str(shots / "10_invoice_paid.png"))

    state = chain_run(lambda env: (
        env["account.move"].browse(invoice_id).read(["state", "payment_state"])[0],
        env["sale.order"].browse(order_id).read(["state", "invoice_status"])[0]))
    assert (state[0]["state"], state[0]["payment_state"]) == ("posted", "paid")
    assert (state[1]["state"], state[1]["invoice_status"]) == ("sale", "invoiced")


def test_register_payment_dialog_closes(web, chain_run):
    def posted_invoice(env):
        partner = env["res.partner"].create({"name": f"Dialog Buyer {secrets.token_hex(3)}"})
        product = env["product.product"].search([("sale_ok", "=", True),
                                                 ("list_price", ">", 0)], limit=1)
        order = env["sale.order"].create({"partner_id": partner.id, "order_line": [
            (0, 0, {"product_id": product.id, "product_uom_qty": 1})]})
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice.id, invoice.name

    invoice_id, invoice_name = chain_run(posted_invoice)
    web.goto(f"{web.base_url}/web#model=account.move&view_type=form&id={invoice_id}")
    web.wait_for_selector(f".ag-breadcrumb-current:has-text('{invoice_name}')")
    wait_idle(web)
    web.click("button[name=action_register_payment]")
    web.wait_for_selector(".ag-dialog button[name=action_create_payments]")
    wait_idle(web)
    web.click(".ag-dialog button[name=action_create_payments]")
    wait_for_model(web, "account.payment")
    assert chain_run(lambda env: env["account.move"].browse(invoice_id).payment_state) \
        == "paid"
    # what a user expects: the wizard gone, the invoice in the breadcrumbs under the payment
    web.wait_for_selector(".ag-dialog", state="detached", timeout=5_000)
    crumbs = " / ".join(web.locator(".ag-breadcrumb").all_inner_texts())
    assert invoice_name in crumbs and "payment register" not in crumbs, crumbs
