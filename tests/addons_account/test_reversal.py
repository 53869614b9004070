"""Reversals: credit notes from the wizard (draft refund, or posted and matched),
mirrored journal entries, and what cannot be reversed."""

from datetime import date

import pytest

from agora import exceptions
from tests.addons_account.conftest import make_invoice, sale_tax


def _posted_invoice(env, partner, lines, **header):
    invoice = make_invoice(env, partner, lines, **header)
    invoice.action_post()
    return invoice


def _reverse(env, moves, **values):
    wizard = env["account.move.reversal"].with_context(
        active_model="account.move", active_ids=moves.ids).create(values)
    action = wizard.reverse_moves()
    if "res_id" in action:
        return env["account.move"].browse(action["res_id"])
    return env["account.move"].search(action["domain"])


def _product_lines(move):
    return move.line_ids.filtered(lambda line: line.display_type == "product")


def _term_lines(move):
    return move.line_ids.filtered(lambda line: line.display_type == "payment_term")


def test_refund_method_refund_makes_a_draft_credit_note(env, customer):
    tax = sale_tax(env)
    invoice = _posted_invoice(env, customer, [(100.0, 2, tax), (30.0, 1, tax)])
    refund = _reverse(env, invoice, refund_method="refund", reason="damaged")
    assert refund.move_type == "out_refund" and refund.state == "draft"
    assert refund.reversed_entry_id == invoice and invoice.reversal_move_ids == refund
    assert refund.partner_id == customer and refund.journal_id == invoice.journal_id
    assert refund.reversal_reason == "damaged" and "damaged" in refund.ref
    assert invoice.name in refund.ref
    original = [(line.price_unit, line.quantity, line.tax_ids, line.account_id)
                for line in _product_lines(invoice)]
    copied = [(line.price_unit, line.quantity, line.tax_ids, line.account_id)
              for line in _product_lines(refund)]
    assert sorted(copied, key=str) == sorted(original, key=str)
    assert (refund.amount_untaxed, refund.amount_tax, refund.amount_total) == (
        invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total)
    assert refund.amount_total_signed == -invoice.amount_total_signed
    # every line mirrors the invoice: income debited, receivable credited
    assert sum(_product_lines(refund).mapped("debit")) == 230.0
    assert _term_lines(refund).credit == 264.5
    assert invoice.payment_state == "not_paid"  # a draft refund pays nothing
    refund.action_post()
    year = refund.invoice_date.year
    assert refund.name.startswith(f"RINV/{year}/")


def test_credit_notes_have_their_own_gapless_numbers(env, customer):
    tax = sale_tax(env)
    refunds = []
    for price in (10.0, 20.0):
        invoice = _posted_invoice(env, customer, [(price, 1, tax)])
        refund = _reverse(env, invoice, refund_method="refund")
        refund.action_post()
        refunds.append(refund)
    numbers = [int(refund.name.rsplit("/", 1)[1]) for refund in refunds]
    assert numbers[1] == numbers[0] + 1
    assert all(refund.name.startswith("RINV/") for refund in refunds)


def test_refund_method_cancel_posts_and_matches(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    refund = _reverse(env, invoice, refund_method="cancel")
    assert refund.state == "posted" and refund.move_type == "out_refund"
    assert refund.name.startswith("RINV/")
    assert invoice.payment_state == "reversed" and invoice.amount_residual == 0.0
    assert refund.payment_state == "paid" and refund.amount_residual == 0.0
    terms = _term_lines(invoice) | _term_lines(refund)
    assert all(terms.mapped("reconciled"))
    assert len(terms.mapped("full_reconcile_id")) == 1


def test_journal_entry_reversal_mirrors_the_balances(env):
    accounts = {a.code: a for a in env["account.account"].search(
        [("code", "in", ("1200", "3000", "6000"))])}
    entry = env["account.move"].create({"move_type": "entry", "date": date(2026, 4, 1),
                                        "line_ids": [
        (0, 0, {"account_id": accounts["6000"].id, "debit": 70.0, "name": "rent"}),
        (0, 0, {"account_id": accounts["3000"].id, "debit": 30.0, "name": "draw"}),
        (0, 0, {"account_id": accounts["1200"].id, "credit": 100.0, "name": "bank"})]})
    entry.action_post()
    reversal = _reverse(env, entry, date=date(2026, 4, 30))
    assert reversal.move_type == "entry" and reversal.state == "draft"
    assert reversal.date == date(2026, 4, 30) and reversal.reversed_entry_id == entry
    mirrored = sorted((line.account_id.code, line.balance) for line in reversal.line_ids)
    assert mirrored == sorted((line.account_id.code, -line.balance) for line in entry.line_ids)
    assert mirrored == [("1200", 100.0), ("3000", -30.0), ("6000", -70.0)]
    reversal.action_post()
    assert reversal.name.startswith("MISC/2026/")
    per_account: dict = {}
    for line in entry.line_ids | reversal.line_ids:
        per_account[line.account_id.code] = per_account.get(line.account_id.code, 0) + \
            line.balance
    assert all(round(total, 2) == 0 for total in per_account.values())


def test_cancel_reversal_of_an_entry_posts_it(env):
    accounts = env["account.account"].search([("code", "in", ("1200", "3000"))])
    entry = env["account.move"].create({"move_type": "entry", "line_ids": [
        (0, 0, {"account_id": accounts[0].id, "debit": 10.0}),
        (0, 0, {"account_id": accounts[1].id, "credit": 10.0})]})
    entry.action_post()
    reversal = _reverse(env, entry, refund_method="cancel")
    assert reversal.state == "posted"
    assert sum(reversal.line_ids.mapped("debit")) == 10.0


def test_reversing_a_draft_is_refused(env, customer):
    invoice = make_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    count = env["account.move"].search_count([])
    with pytest.raises(exceptions.UserError, match="Only posted entries can be reversed"):
        _reverse(env, invoice, refund_method="refund")
    assert env["account.move"].search_count([]) == count


def test_reversing_without_entries_is_refused(env):
    wizard = env["account.move.reversal"].create({})
    with pytest.raises(exceptions.UserError, match="Choose the entries"):
        wizard.reverse_moves()


def test_reverse_several_invoices_at_once(env, customer):
    tax = sale_tax(env)
    invoices = _posted_invoice(env, customer, [(10.0, 1, tax)]) | \
        _posted_invoice(env, customer, [(20.0, 1, tax)])
    refunds = _reverse(env, invoices, refund_method="cancel")
    assert len(refunds) == 2
    assert invoices.mapped("payment_state") == ["reversed", "reversed"]
    assert sorted(refunds.mapped("amount_total")) == [11.5, 23.0]


def _pay(env, invoice):
    action = env["account.payment.register"].with_context(
        active_model="account.move", active_ids=invoice.ids).create({}).action_create_payments()
    return env["account.payment"].browse(action["res_id"])


def test_cancelling_a_paid_invoice_releases_its_payment(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    payment = _pay(env, invoice)
    assert invoice.payment_state == "paid"
    refund = _reverse(env, invoice, refund_method="cancel")
    assert invoice.payment_state == "reversed" and refund.payment_state == "paid"
    assert _term_lines(invoice).matched_credit_ids.credit_move_id == _term_lines(refund)
    # the payment is open credit again, to be used elsewhere or refunded
    counterpart = payment.move_id.line_ids.filtered(lambda line: line.account_id.reconcile)
    assert not counterpart.reconciled and counterpart.amount_residual == -115.0


def test_reversing_a_payment_reopens_the_invoice(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    payment = _pay(env, invoice)
    reversal = payment.move_id._reverse_moves(cancel=True)
    assert reversal.state == "posted"
    assert invoice.payment_state == "not_paid" and invoice.amount_residual == 115.0
    receivables = (payment.move_id | reversal).mapped("line_ids").filtered(
        lambda line: line.account_id.reconcile)
    assert all(receivables.mapped("reconciled"))
    assert len(receivables.mapped("full_reconcile_id")) == 1


def test_negative_documents_point_to_the_opposite_type(env, customer):
    tax = sale_tax(env)
    refund = make_invoice(env, customer, [(-100.0, 1, tax)], move_type="out_refund")
    with pytest.raises(exceptions.UserError, match="negative total: make an invoice instead"):
        refund.action_post()
    invoice = make_invoice(env, customer, [(-100.0, 1, tax)])
    with pytest.raises(exceptions.UserError, match="negative total: make a credit note"):
        invoice.action_post()
    assert (refund.state, invoice.state) == ("draft", "draft")
