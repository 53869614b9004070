"""Customer invoices: derived lines, totals, posting and numbering, immutability."""

from datetime import date

import pytest

from agora import exceptions
from tests.addons_account.conftest import make_invoice, sale_tax


def _balanced(move):
    return round(sum(move.line_ids.mapped("balance")), 2) == 0


def test_invoice_derives_tax_and_receivable_lines(env, customer):
    tax = sale_tax(env)
    invoice = make_invoice(env, customer, [(100.0, 2, tax), (50.0, 1, tax)])
    assert (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total) == (250.0, 37.5,
                                                                                 287.5)
    kinds = sorted(invoice.line_ids.mapped("display_type"))
    assert kinds == ["payment_term", "product", "product", "tax"]
    term = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
    assert term.debit == 287.5 and term.account_id.account_type == "asset_receivable"
    tax_line = invoice.line_ids.filtered(lambda line: line.display_type == "tax")
    assert tax_line.credit == 37.5 and tax_line.tax_line_id == tax
    assert _balanced(invoice)
    assert invoice.amount_total_signed == 287.5 and invoice.state == "draft"


def test_editing_a_line_resyncs_the_document(env, customer):
    tax = sale_tax(env)
    invoice = make_invoice(env, customer, [(100.0, 1, tax)])
    line = invoice.invoice_line_ids
    line.write({"quantity": 3})
    assert invoice.amount_total == 345.0 and _balanced(invoice)
    invoice.write({"invoice_line_ids": [(0, 0, {"name": "more", "price_unit": 10.0,
                                                "quantity": 1})]})
    assert invoice.amount_untaxed == 310.0 and invoice.amount_tax == 45.0
    line.write({"tax_ids": [(5, 0, 0)]})
    assert invoice.amount_tax == 0.0
    assert not invoice.line_ids.filtered(lambda line: line.display_type == "tax")
    assert _balanced(invoice)


def test_post_numbers_without_gaps_per_journal_and_year(env, customer):
    tax = sale_tax(env)
    invoices = [make_invoice(env, customer, [(10.0 * n, 1, tax)]) for n in range(1, 4)]
    for invoice in invoices:
        invoice.action_post()
    year = date.today().year
    names = [invoice.name for invoice in invoices]
    numbers = [int(name.rsplit("/", 1)[1]) for name in names]
    assert all(name.startswith(f"INV/{year}/") for name in names)
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    assert invoices[0].invoice_date == date.today()
    assert set(invoices[0].line_ids.mapped("parent_state")) == {"posted"}


def test_posted_invoice_is_immutable(env, customer):
    invoice = make_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    invoice.action_post()
    with pytest.raises(exceptions.UserError, match="cannot be modified"):
        invoice.write({"partner_id": env["res.partner"].create({"name": "Other"}).id})
    with pytest.raises(exceptions.UserError, match="cannot be modified"):
        invoice.invoice_line_ids.write({"price_unit": 1.0})
    with pytest.raises(exceptions.UserError, match="cannot be deleted"):
        invoice.unlink()
    with pytest.raises(exceptions.UserError, match="reverse"):
        invoice.button_cancel()
    invoice.write({"ref": "PO-42"})  # free text stays editable
    assert invoice.ref == "PO-42"


def test_unbalanced_entry_is_refused_at_post(env):
    accounts = env["account.account"].search([("code", "in", ("1200", "3000"))])
    entry = env["account.move"].create({"move_type": "entry", "line_ids": [
        (0, 0, {"account_id": accounts[0].id, "debit": 100.0}),
        (0, 0, {"account_id": accounts[1].id, "credit": 90.0})]})
    with pytest.raises(exceptions.UserError, match="not balanced"):
        entry.action_post()
    assert entry.state == "draft" and entry.name == "/"


def test_posting_requirements_are_named(env, customer):
    empty = env["account.move"].create({"move_type": "out_invoice", "partner_id": customer.id})
    with pytest.raises(exceptions.UserError, match="no line"):
        empty.action_post()
    no_partner = make_invoice(env, env["res.partner"], [(1.0, 1, sale_tax(env))])
    with pytest.raises(exceptions.UserError, match="needs a customer"):
        no_partner.action_post()


def test_included_tax_gives_back_the_typed_price(env, customer):
    included = sale_tax(env, "15% (included)")
    invoice = make_invoice(env, customer, [(115.0, 1, included), (10.0, 3, included)])
    assert invoice.amount_total == 145.0
    assert invoice.amount_untaxed + invoice.amount_tax == 145.0
    assert invoice.amount_untaxed == 126.09


def test_fixed_tax_and_discount(env, customer, product):
    eco = sale_tax(env, "Eco fee 1.00")
    invoice = env["account.move"].create({
        "move_type": "out_invoice", "partner_id": customer.id,
        "invoice_line_ids": [(0, 0, {"product_id": product.id, "price_unit": 200.0,
                                     "quantity": 2, "discount": 10.0,
                                     "tax_ids": [(6, 0, eco.ids)]})]})
    assert invoice.amount_untaxed == 360.0 and invoice.amount_tax == 2.0
    assert invoice.invoice_line_ids.account_id.code == "4000"


def test_rounding_per_line_versus_globally(env, customer):
    tax = sale_tax(env)
    lines = [(0.33, 1, tax)] * 3  # 0.0495 of tax per line
    per_line = make_invoice(env, customer, lines)
    assert per_line.amount_tax == 0.15  # 0.05 × 3
    env.company.write({"tax_calculation_rounding_method": "round_globally"})
    globally = make_invoice(env, customer, lines)
    assert globally.amount_tax == 0.15  # round(0.1485)
    lines = [(0.1, 1, tax)] * 10  # 0.015 per line
    assert make_invoice(env, customer, lines).amount_tax == 0.15
    env.company.write({"tax_calculation_rounding_method": "round_per_line"})
    assert make_invoice(env, customer, lines).amount_tax == 0.2  # 0.02 × 10


def test_payment_terms_split_the_receivable(env, customer):
    term = env["account.payment.term"].create({"name": "30% now, rest in 30 days",
                                               "line_ids": [(0, 0, {"value_amount": 30.0}),
                                                            (0, 0, {"value_amount": 70.0,
                                                                    "nb_days": 30})]})
    invoice = make_invoice(env, customer, [(100.0, 1, sale_tax(env))],
                           invoice_payment_term_id=term.id, invoice_date=date(2026, 1, 10))
    terms = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
    assert sorted(terms.mapped("debit")) == [34.5, 80.5]
    assert invoice.invoice_date_due == date(2026, 2, 9)
    assert _balanced(invoice)


def test_foreign_currency_invoice_balances_in_both_currencies(env, customer):
    usd = env.ref("base.USD")
    usd.write({"active": True})
    env["res.currency.rate"].create({"currency_id": usd.id, "rate": 1.25,
                                     "name": date(2026, 1, 1)})
    invoice = make_invoice(env, customer, [(100.0, 1, sale_tax(env))], currency_id=usd.id,
                           invoice_date=date(2026, 3, 1))
    assert invoice.amount_total == 115.0
    assert invoice.amount_total_signed == 92.0  # in EUR at 1.25 USD per EUR
    assert _balanced(invoice)
    assert round(sum(invoice.line_ids.mapped("amount_currency")), 2) == 0
    invoice.action_post()
    assert invoice.state == "posted"


def test_copying_a_posted_invoice_gives_a_fresh_draft(env, customer):
    invoice = make_invoice(env, customer, [(100.0, 2, sale_tax(env))])
    invoice.action_post()
    duplicate = invoice.copy()
    assert duplicate.state == "draft" and duplicate.name == "/"
    assert set(duplicate.line_ids.mapped("parent_state")) == {"draft"}
    assert duplicate.amount_total == invoice.amount_total == 230.0
    assert not any(duplicate.line_ids.mapped("reconciled"))
    duplicate.action_post()
    assert duplicate.name != invoice.name
