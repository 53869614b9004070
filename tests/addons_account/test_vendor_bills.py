"""Vendor bills: purchase taxes, payable side, expense accounts, BILL numbering."""

from datetime import date

import pytest

from agora import exceptions
from tests.addons_account.conftest import make_invoice


@pytest.fixture
def vendor(env):
    return env["res.partner"].create({"name": "Supplier GmbH"})


def _purchase_tax(env):
    return env["account.tax"].search([("name", "=", "15%"), ("type_tax_use", "=", "purchase")],
                                     limit=1)


def _by_type(move, display_type):
    return move.line_ids.filtered(lambda line: line.display_type == display_type)


def test_vendor_bill_lines_and_accounts(env, vendor):
    tax = _purchase_tax(env)
    bill = make_invoice(env, vendor, [(80.0, 2, tax), (40.0, 1, tax)], move_type="in_invoice",
                        invoice_date=date(2026, 5, 3))
    assert bill.journal_id.code == "BILL"
    assert (bill.amount_untaxed, bill.amount_tax, bill.amount_total) == (200.0, 30.0, 230.0)
    products = _by_type(bill, "product")
    assert [line.account_id.code for line in products] == ["6000", "6000"]
    assert sorted(products.mapped("debit")) == [40.0, 160.0]
    assert sum(products.mapped("credit")) == 0.0
    tax_line = _by_type(bill, "tax")
    assert tax_line.debit == 30.0 and tax_line.account_id.code == "1400"
    assert tax_line.tax_line_id == tax and tax_line.tax_base_amount == 200.0
    payable = _by_type(bill, "payment_term")
    assert payable.credit == 230.0 and payable.debit == 0.0
    assert payable.account_id.code == "2100" and payable.partner_id == vendor
    assert payable.account_id.account_type == "liability_payable"
    assert round(sum(bill.line_ids.mapped("balance")), 2) == 0
    # signed totals follow the payable side: negative for a bill
    assert bill.amount_total_signed == -230.0 and bill.amount_untaxed_signed == -200.0


def test_vendor_bill_numbering(env, vendor):
    tax = _purchase_tax(env)
    bills = [make_invoice(env, vendor, [(10.0 * n, 1, tax)], move_type="in_invoice",
                          invoice_date=date(2026, 5, n)) for n in (1, 2)]
    for bill in bills:
        bill.action_post()
    assert [bill.name[:10] for bill in bills] == ["BILL/2026/"] * 2
    numbers = [int(bill.name.rsplit("/", 1)[1]) for bill in bills]
    assert numbers[1] == numbers[0] + 1
    assert bills[0].payment_state == "not_paid" and bills[0].amount_residual == 11.5


def test_vendor_bill_year_comes_from_the_bill_date(env, vendor):
    bill = make_invoice(env, vendor, [(10.0, 1, _purchase_tax(env))], move_type="in_invoice",
                        invoice_date=date(2025, 12, 30))
    assert bill.date == date(2025, 12, 30)  # booked in the year it belongs to
    assert set(bill.line_ids.mapped("date")) == {date(2025, 12, 30)}
    bill.action_post()
    assert bill.name.startswith("BILL/2025/")
    assert bill.date == date(2025, 12, 30)


def test_setting_the_bill_date_later_moves_the_accounting_date(env, vendor):
    bill = make_invoice(env, vendor, [(10.0, 1, _purchase_tax(env))], move_type="in_invoice")
    bill.write({"invoice_date": date(2026, 2, 27)})
    assert bill.date == date(2026, 2, 27)
    assert set(bill.line_ids.mapped("date")) == {date(2026, 2, 27)}
    bill.write({"invoice_date": "2026-02-26"})  # as RPC clients send it
    assert bill.date == date(2026, 2, 26)
    # an explicit accounting date wins
    bill.write({"invoice_date": date(2026, 2, 28), "date": date(2026, 3, 1)})
    assert (bill.invoice_date, bill.date) == (date(2026, 2, 28), date(2026, 3, 1))


def test_vendor_credit_note_mirrors_a_bill(env, vendor):
    tax = _purchase_tax(env)
    refund = make_invoice(env, vendor, [(100.0, 1, tax)], move_type="in_refund",
                          invoice_date=date(2026, 5, 3))
    assert refund.amount_total == 115.0
    assert _by_type(refund, "product").credit == 100.0
    assert _by_type(refund, "tax").credit == 15.0
    assert _by_type(refund, "payment_term").debit == 115.0
    assert refund.amount_total_signed == 115.0
    refund.action_post()
    assert refund.name.startswith("RBILL/2026/")


def test_vendor_bill_with_product_uses_its_expense_account(env, vendor):
    expense = env["account.account"].search([("code", "=", "5000")])
    product = env["product.product"].create({"name": "Raw material", "standard_price": 12.0})
    product.product_tmpl_id.write({"property_account_expense_id": expense.id})
    bill = env["account.move"].create({
        "move_type": "in_invoice", "partner_id": vendor.id,
        "invoice_line_ids": [(0, 0, {"product_id": product.id, "quantity": 3,
                                     "price_unit": 12.0})]})
    assert _by_type(bill, "product").account_id == expense
    assert bill.amount_total == 36.0


def test_vendor_bill_needs_a_vendor(env):
    bill = make_invoice(env, env["res.partner"], [(10.0, 1, _purchase_tax(env))],
                        move_type="in_invoice")
    with pytest.raises(exceptions.UserError, match="needs a customer or vendor"):
        bill.action_post()
    assert bill.state == "draft" and bill.name == "/"


def test_changing_the_journal_of_a_draft_moves_its_items(env, vendor):
    bill = make_invoice(env, vendor, [(10.0, 1, _purchase_tax(env))], move_type="in_invoice",
                        invoice_date=date(2026, 5, 3))
    other = env["account.journal"].create({
        "name": "Imported Bills", "code": "IMP", "type": "purchase",
        "default_account_id": bill.journal_id.default_account_id.id})
    bill.write({"journal_id": other.id})
    # reports group items by their own journal: they follow the entry's
    assert set(bill.line_ids.mapped("journal_id.code")) == {"IMP"}
    assert len(bill.line_ids) == 3
    bill.action_post()
    assert bill.name.startswith("IMP/2026/")
