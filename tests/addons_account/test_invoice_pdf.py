"""Invoice PDF: what the document shows, its query budget, the Print button's action, and
the ``/report/pdf/account.report_invoice/<ids>`` route on a live server (a database of
its own with account installed: the route needs committed invoices)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import pytest
import requests

from agora import exceptions
from agora.testing.addons import http_session, pdf_text, served_addons
from tests.addons_account.conftest import make_invoice, sale_tax

ROUTE = "/report/pdf/account.report_invoice"


def posted_invoice(env, partner, lines=None, **header):
    invoice = make_invoice(env, partner, lines or [(100.0, 2, sale_tax(env))],
                           date=date(2026, 3, 1), invoice_date=date(2026, 3, 1), **header)
    invoice.action_post()
    return invoice


# -- the document ----------------------------------------------------------------------------
def test_invoice_pdf_shows_number_parties_lines_and_totals(env, customer):
    env.company.partner_id.write({"street": "1 Ledger Lane", "city": "Numberton"})
    customer.write({"street": "9 Client Road", "zip": "4242", "city": "Buyville"})
    invoice = posted_invoice(
        env, customer, [(100.0, 2, sale_tax(env)), (49.5, 1, env["account.tax"])],
        narration="<p>Payable within 30 days.</p><p>Thank <b>you</b>!</p>")
    pdf = invoice._render_invoice_pdf()
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in (invoice.name.encode(), b"Customer Ltd", b"9 Client Road", b"4242 Buyville",
                     env.company.name.encode(), b"1 Ledger Lane", b"line 0", b"line 1",
                     b"Invoice Date", b"2026-03-01", b"Untaxed Amount", b"249.50",
                     b"Total", b"279.50", b"Amount Due", b"30.00",
                     b"Payable within 30 days.", b"Thank you!"):
        assert expected in text, expected
    assert b"DRAFT" not in text


def test_draft_invoice_is_marked_draft(env, customer):
    draft = make_invoice(env, customer, [(10.0, 1, sale_tax(env))])
    text = pdf_text(draft._render_invoice_pdf())
    assert b"DRAFT" in text and b"Draft Invoice" in text
    assert draft._invoice_report_filename() == f"Draft_Invoice_{draft.id}.pdf"


def test_several_invoices_in_one_pdf_and_file_names(env, customer):
    first, second = posted_invoice(env, customer), posted_invoice(env, customer)
    both = first | second
    text = pdf_text(both._render_invoice_pdf())
    assert first.name.encode() in text and second.name.encode() in text
    assert first._invoice_report_filename() == first.name.replace("/", "_") + ".pdf"
    assert first._invoice_report_filename().startswith("INV_2026_")
    assert both._invoice_report_filename() == "Invoices.pdf"


def test_only_invoices_are_printed(env, customer):
    invoice = posted_invoice(env, customer)
    entry = env["account.move"].create({"move_type": "entry", "date": date(2026, 3, 1),
                                        "line_ids": []})
    with pytest.raises(exceptions.UserError, match="Only invoices"):
        (invoice | entry)._render_invoice_pdf()
    with pytest.raises(exceptions.UserError, match="no invoice to print"):
        env["account.move"]._render_invoice_pdf()


def test_text_outside_latin1_does_not_break_the_pdf(env):
    partner = env["res.partner"].create({"name": "Ωmega Ελλάς €"})
    pdf = posted_invoice(env, partner)._render_invoice_pdf()
    assert pdf.startswith(b"%PDF-") and b"?mega" in pdf_text(pdf)


def test_query_budget_does_not_depend_on_the_number_of_lines(env, customer):
    small = posted_invoice(env, customer, [(10.0, 1, sale_tax(env))])
    large = posted_invoice(env, customer, [(10.0 + i, 1, sale_tax(env)) for i in range(50)])

    def count(move):
        env.invalidate_all()
        with env.cr.capture() as log:
            move._render_invoice_pdf()
        return len(log)
    assert count(small) == count(large) <= 10


def test_print_action_opens_the_pdf_url(env, customer):
    invoice = posted_invoice(env, customer)
    assert invoice.action_invoice_print() == {
        "type": "ir.actions.act_url", "url": f"{ROUTE}/{invoice.id}", "target": "new"}
    arch = env["account.move"].get_views([[False, "form"]])["views"]["form"]["arch"]
    assert 'name="action_invoice_print"' in arch


# -- the route, on a live server -------------------------------------------------------------
@pytest.fixture(scope="session")
def pdf_server(agora_server_url: str) -> Iterator[dict[str, Any]]:
    """A live server on a database of its own with account installed, a posted invoice,
    and users: a biller (may read invoices) and a plain employee (may not)."""
    def populate(env):
        customer = env["res.partner"].create({"name": "Route Customer"})
        invoice = posted_invoice(env, customer)
        group_user = env.ref("base.group_user").id
        billing = env.ref("account.group_account_invoice").id
        for login, group in (("pdf-biller", billing), ("pdf-plain", group_user)):
            env["res.users"].create({"name": login, "login": login, "password": "pw-" + login,
                                     "groups_id": [(6, 0, [group])]})
        return {"invoice_id": invoice.id, "invoice_name": invoice.name}

    with served_addons(agora_server_url, ["account"], demo=False,
                       prefix="agora_account_pdf") as served:
        yield {"url": served.url, "db": served.name, **served.run(populate)}


def login(server: dict[str, Any], user: str, password: str) -> requests.Session:
    return http_session(server["url"], server["db"], user, password)


def get(session: requests.Session, url: str) -> tuple[int, Mapping[str, str], bytes]:
    response = session.get(url, timeout=60)
    return response.status_code, response.headers, response.content


def test_route_serves_the_pdf_to_admin_and_billers(pdf_server):
    url = f"{pdf_server['url']}{ROUTE}/{pdf_server['invoice_id']}"
    for user, password in (("admin", "admin"), ("pdf-biller", "pw-pdf-biller")):
        started = time.perf_counter()
        status, headers, body = get(login(pdf_server, user, password), url)
        assert status == 200, (user, body[:200])
        assert headers["Content-Type"] == "application/pdf"
        expected = pdf_server["invoice_name"].replace("/", "_") + ".pdf"
        assert f'filename="{expected}"' in headers["Content-Disposition"]
        assert body.startswith(b"%PDF-") and pdf_server["invoice_name"].encode() in pdf_text(body)
        assert time.perf_counter() - started < 10


def test_route_refuses_users_without_invoice_access(pdf_server):
    session = login(pdf_server, "pdf-plain", "pw-pdf-plain")
    status, headers, body = get(session, f"{pdf_server['url']}{ROUTE}/{pdf_server['invoice_id']}")
    assert status == 403 and not body.startswith(b"%PDF")
    # nor does it learn which ids exist
    status, _headers, _body = get(session, f"{pdf_server['url']}{ROUTE}/987654")
    assert status == 403


def test_route_answers_404_for_unknown_or_malformed_ids(pdf_server):
    session = login(pdf_server, "admin", "admin")
    base = f"{pdf_server['url']}{ROUTE}"
    assert get(session, f"{base}/987654")[0] == 404
    assert get(session, f"{base}/{pdf_server['invoice_id']},987654")[0] == 404
    assert get(session, f"{base}/abc")[0] == 404
    assert get(session, f"{base}/1;2")[0] == 404


def test_route_needs_a_session(pdf_server):
    status, _headers, body = get(requests.Session(), f"{pdf_server['url']}{ROUTE}/{pdf_server['invoice_id']}")
    assert status == 401 and not body.startswith(b"%PDF")


def test_invoices_of_another_company_are_refused(env, customer):
    company = env["res.company"].create({"name": "Elsewhere Ltd",
                                         "currency_id": env.company.currency_id.id})
    elsewhere = env(context={**env.context, "allowed_company_ids": [company.id]})
    invoice = posted_invoice(elsewhere, elsewhere["res.partner"].create({"name": "Far Away"}),
                             [(100.0, 1, elsewhere["account.tax"])])
    home = env.ref("base.main_company")
    biller = env["res.users"].create({
        "name": "Home Biller", "login": "home-biller-pdf", "company_id": home.id,
        "company_ids": [(6, 0, home.ids)],
        "groups_id": [(6, 0, [env.ref("account.group_account_invoice").id])]})
    with pytest.raises(exceptions.AccessError):
        # the multi-company rule, not only the company switch, keeps the invoice out
        invoice.with_user(biller).with_context(allowed_company_ids=None)._render_invoice_pdf()
    at_home = posted_invoice(env(context={"allowed_company_ids": home.ids}), customer)
    assert at_home.with_user(biller).with_context(allowed_company_ids=None) \
        ._render_invoice_pdf().startswith(b"%PDF-")


def test_sections_notes_and_long_descriptions_are_printed(env, customer):
    tax = sale_tax(env)
    long_text = "Installation and configuration of the warehouse scanners " * 4
    invoice = env["account.move"].create({
        "move_type": "out_invoice", "partner_id": customer.id, "invoice_line_ids": [
            (0, 0, {"display_type": "line_section", "name": "On-site services", "sequence": 1}),
            (0, 0, {"name": long_text, "price_unit": 5.0, "quantity": 2, "sequence": 2,
                    "tax_ids": [(6, 0, tax.ids)]}),
            (0, 0, {"display_type": "line_note", "name": "Delivered on site", "sequence": 3}),
            *[(0, 0, {"name": f"item {i}", "price_unit": 1.0, "quantity": 1, "sequence": 10 + i})
              for i in range(60)]]})
    pdf = invoice._render_invoice_pdf()
    text = pdf_text(pdf)
    assert b"On-site services" in text and b"Delivered on site" in text
    assert b"item 59" in text and b"/Count 2" in pdf  # the lines run onto a second page
    assert text.count(b"(Unit Price)") == 2  # the table's titles are repeated there


def test_reports_answer_over_json_rpc(pdf_server):
    """The accounting reports of test_reports.py, as a web client calls them."""
    session = login(pdf_server, "pdf-biller", "pw-pdf-biller")
    response = session.post(f"{pdf_server['url']}/web/dataset/call_kw", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 2, "params": {
            "model": "account.report.trial_balance", "method": "get_lines",
            "args": ["2026-01-01", "2026-12-31"], "kwargs": {}}})
    result = response.json()["result"]
    assert result["date_from"] == "2026-01-01"
    assert result["totals"]["debit"] == result["totals"]["credit"] == 230.0
    assert {line["code"] for line in result["lines"]} == {"1100", "2200", "4000"}
