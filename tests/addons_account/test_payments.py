"""Payments: the register-payment wizard, partial and full payments, vendor bills,
several invoices at once, unreconciling, foreign currencies, immutability."""

from datetime import date

import pytest

from agora import exceptions
from tests.addons_account.conftest import make_invoice, sale_tax


def _posted_invoice(env, partner, lines, move_type="out_invoice", **header):
    invoice = make_invoice(env, partner, lines, move_type=move_type, **header)
    invoice.action_post()
    return invoice


def _wizard(env, moves, **values):
    return env["account.payment.register"].with_context(
        active_model="account.move", active_ids=moves.ids).create(values)


def _pay(env, moves, **values):
    action = _wizard(env, moves, **values).action_create_payments()
    return env["account.payment"].browse(action["res_id"])


def _term_lines(move):
    return move.line_ids.filtered(lambda line: line.display_type == "payment_term")


def test_wizard_defaults_come_from_the_active_invoices(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 2, sale_tax(env))])
    wizard = _wizard(env, invoice)
    assert wizard.line_ids == _term_lines(invoice)
    assert wizard.amount == 230.0
    assert wizard.currency_id == invoice.currency_id
    assert wizard.communication == invoice.name
    assert wizard.journal_id.type == "bank"


def test_full_payment_marks_the_invoice_paid(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 2, sale_tax(env))])
    payment = _pay(env, invoice)
    assert payment.state == "posted" and payment.move_id.state == "posted"
    assert payment.payment_type == "inbound" and payment.partner_type == "customer"
    assert payment.amount == 230.0
    assert invoice.payment_state == "paid"
    assert invoice.amount_residual == 0.0 and invoice.amount_residual_signed == 0.0
    term = _term_lines(invoice)
    assert term.reconciled and term.amount_residual == 0.0
    assert term.full_reconcile_id
    counterpart = payment.move_id.line_ids.filtered(lambda line: line.account_id == term.account_id)
    assert counterpart.full_reconcile_id == term.full_reconcile_id
    assert counterpart.reconciled
    bank = payment.move_id.line_ids - counterpart
    assert bank.debit == 230.0 and bank.account_id.code == "1200"
    partial = term.matched_credit_ids
    assert len(partial) == 1 and partial.amount == 230.0
    assert partial.credit_move_id == counterpart


def test_partial_then_final_payment(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 2, sale_tax(env))])
    first = _pay(env, invoice, amount=100.0)
    term = _term_lines(invoice)
    assert invoice.payment_state == "partial"
    assert invoice.amount_residual == 130.0 and invoice.amount_residual_signed == 130.0
    assert term.amount_residual == 130.0 and not term.reconciled
    assert not term.full_reconcile_id
    wizard = _wizard(env, invoice)
    assert wizard.amount == 130.0  # the second payment proposes what is left
    wizard.action_create_payments()
    assert invoice.payment_state == "paid" and invoice.amount_residual == 0.0
    assert term.reconciled and term.full_reconcile_id
    assert len(term.matched_credit_ids) == 2
    # the first payment belongs to the same full reconciliation as the last one
    assert term.full_reconcile_id.partial_reconcile_ids == term.matched_credit_ids
    first_counterpart = first.move_id.line_ids.filtered(
        lambda line: line.account_id == term.account_id)
    assert first_counterpart.full_reconcile_id == term.full_reconcile_id


def test_vendor_bill_is_paid_outbound(env):
    vendor = env["res.partner"].create({"name": "Vendor SA"})
    tax = env["account.tax"].search([("type_tax_use", "=", "purchase")], limit=1)
    bill = _posted_invoice(env, vendor, [(200.0, 1, tax)], move_type="in_invoice")
    assert bill.amount_total == 230.0
    payment = _pay(env, bill)
    assert payment.payment_type == "outbound" and payment.partner_type == "supplier"
    bank = payment.move_id.line_ids.filtered(lambda line: line.account_id.code == "1200")
    assert bank.credit == 230.0
    assert bill.payment_state == "paid" and bill.amount_residual == 0.0
    assert _term_lines(bill).account_id.code == "2100"
    assert _term_lines(bill).reconciled


def test_two_invoices_of_one_customer_paid_at_once(env, customer):
    tax = sale_tax(env)
    first = _posted_invoice(env, customer, [(100.0, 1, tax)])
    second = _posted_invoice(env, customer, [(50.0, 1, tax)])
    both = first | second
    wizard = _wizard(env, both)
    assert wizard.amount == 172.5
    assert set(wizard.communication.split(", ")) == {first.name, second.name}
    payment = env["account.payment"].browse(wizard.action_create_payments()["res_id"])
    assert payment.amount == 172.5
    assert both.mapped("payment_state") == ["paid", "paid"]
    terms = _term_lines(first) | _term_lines(second)
    assert len(terms.mapped("full_reconcile_id")) == 1


def test_partial_payment_of_two_invoices_pays_the_oldest_first(env, customer):
    tax = sale_tax(env)
    older = _posted_invoice(env, customer, [(100.0, 1, tax)], invoice_date=date(2026, 1, 5))
    newer = _posted_invoice(env, customer, [(100.0, 1, tax)], invoice_date=date(2026, 2, 5))
    _pay(env, older | newer, amount=150.0)
    assert older.payment_state == "paid"
    assert newer.payment_state == "partial" and newer.amount_residual == 80.0


def test_invoices_of_different_customers_are_refused(env, customer):
    other = env["res.partner"].create({"name": "Someone Else"})
    tax = sale_tax(env)
    invoices = _posted_invoice(env, customer, [(10.0, 1, tax)]) | \
        _posted_invoice(env, other, [(20.0, 1, tax)])
    wizard = _wizard(env, invoices)
    payments_before = env["account.payment"].search_count([])
    with pytest.raises(exceptions.UserError, match="different partners"):
        wizard.action_create_payments()
    assert env["account.payment"].search_count([]) == payments_before
    assert invoices.mapped("payment_state") == ["not_paid", "not_paid"]


def test_non_positive_amount_is_refused(env, customer):
    invoice = _posted_invoice(env, customer, [(10.0, 1, sale_tax(env))])
    with pytest.raises(exceptions.UserError, match="must be positive"):
        _wizard(env, invoice, amount=0.0).action_create_payments()
    with pytest.raises(exceptions.ValidationError, match="positive"):
        env["account.payment"].create({"partner_id": customer.id, "amount": -5.0})


def test_paying_a_paid_invoice_is_refused(env, customer):
    invoice = _posted_invoice(env, customer, [(10.0, 1, sale_tax(env))])
    _pay(env, invoice)
    wizard = env["account.payment.register"].create(
        {"line_ids": [(6, 0, _term_lines(invoice).ids)], "amount": 1.0})
    with pytest.raises(exceptions.UserError, match="Nothing left to pay"):
        wizard.action_create_payments()


def test_draft_invoice_cannot_be_paid(env, customer):
    invoice = make_invoice(env, customer, [(10.0, 1, sale_tax(env))])
    with pytest.raises(exceptions.UserError, match="posted"):
        invoice.action_register_payment()


def test_remove_move_reconcile_brings_the_invoice_back(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    payment = _pay(env, invoice)
    term = _term_lines(invoice)
    assert invoice.payment_state == "paid"
    term.remove_move_reconcile()
    assert invoice.payment_state == "not_paid"
    assert invoice.amount_residual == 115.0 and invoice.amount_residual_signed == 115.0
    assert not term.reconciled and term.amount_residual == 115.0
    assert not term.full_reconcile_id and not term.matched_credit_ids
    counterpart = payment.move_id.line_ids.filtered(lambda line: line.account_id == term.account_id)
    assert not counterpart.reconciled and counterpart.amount_residual == -115.0
    assert not env["account.partial.reconcile"].search([("debit_move_id", "=", term.id)])
    # ... and it can be paid again by matching the same payment
    (term | counterpart).reconcile()
    assert invoice.payment_state == "paid"


def test_remove_partial_reconcile_after_partial_payment(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    _pay(env, invoice, amount=15.0)
    assert invoice.payment_state == "partial"
    _term_lines(invoice).remove_move_reconcile()
    assert invoice.payment_state == "not_paid" and invoice.amount_residual == 115.0


def test_posted_payment_is_immutable(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    payment = _pay(env, invoice)
    with pytest.raises(exceptions.UserError, match="reversing"):
        payment.action_cancel()
    with pytest.raises(exceptions.UserError, match="only drafts"):
        payment.action_post()
    with pytest.raises(exceptions.UserError, match="cannot be modified"):
        payment.move_id.line_ids[0].write({"balance": 1.0})
    with pytest.raises(exceptions.UserError, match="cannot be deleted"):
        payment.move_id.unlink()
    assert payment.move_id.state == "posted"


def test_payment_without_invoice_posts_its_entry(env, customer):
    payment = env["account.payment"].create({"partner_id": customer.id, "amount": 40.0})
    payment.action_post()
    lines = payment.move_id.line_ids
    assert sorted(lines.mapped("balance")) == [-40.0, 40.0]
    receivable = lines.filtered(lambda line: line.account_id.account_type == "asset_receivable")
    assert receivable.credit == 40.0 and receivable.partner_id == customer
    assert payment.move_id.name.startswith("BNK1/")


def _usd(env, rate=1.25):
    usd = env.ref("base.USD")
    usd.write({"active": True})
    env["res.currency.rate"].create({"currency_id": usd.id, "rate": rate,
                                     "name": date(2026, 1, 1)})
    return usd


def test_usd_payment_of_an_eur_invoice(env, customer):
    usd = _usd(env)
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))],
                              invoice_date=date(2026, 3, 1))
    assert invoice.currency_id != usd and invoice.amount_total == 115.0
    # 143.75 USD is 115.00 EUR at 1.25 USD per EUR
    payment = _pay(env, invoice, amount=143.75, currency_id=usd.id, payment_date=date(2026, 3, 2))
    assert payment.currency_id == usd
    bank = payment.move_id.line_ids.filtered(lambda line: line.account_id.code == "1200")
    assert bank.amount_currency == 143.75 and bank.balance == 115.0
    assert invoice.payment_state == "paid" and invoice.amount_residual == 0.0
    assert _term_lines(invoice).reconciled


def test_partial_usd_payment_of_an_eur_invoice(env, customer):
    usd = _usd(env)
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))],
                              invoice_date=date(2026, 3, 1))
    _pay(env, invoice, amount=62.5, currency_id=usd.id, payment_date=date(2026, 3, 2))
    assert invoice.payment_state == "partial"
    assert invoice.amount_residual == 65.0  # 115 EUR - 50 EUR


def test_usd_invoice_paid_in_usd(env, customer):
    usd = _usd(env)
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))], currency_id=usd.id,
                              invoice_date=date(2026, 3, 1))
    wizard = _wizard(env, invoice, payment_date=date(2026, 3, 2))
    assert wizard.currency_id == usd and wizard.amount == 115.0
    wizard.action_create_payments()
    assert invoice.payment_state == "paid" and invoice.amount_residual == 0.0


def test_usd_invoice_paid_at_a_later_rate_is_paid_in_usd(env, customer):
    usd = _usd(env)
    env["res.currency.rate"].create({"currency_id": usd.id, "rate": 1.15,
                                     "name": date(2026, 4, 1)})
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))], currency_id=usd.id,
                              invoice_date=date(2026, 3, 1))
    assert invoice.amount_total_signed == 92.0
    payment = _pay(env, invoice, payment_date=date(2026, 4, 2))
    bank = payment.move_id.line_ids.filtered(lambda line: line.account_id.code == "1200")
    assert bank.amount_currency == 115.0 and bank.balance == 100.0
    assert invoice.payment_state == "paid" and invoice.amount_residual == 0.0
    assert _term_lines(invoice).reconciled
    # no exchange difference entry is made yet: the 8.00 EUR gain stays open on the
    # payment's receivable line (see the report)


def test_usd_invoice_paid_in_eur(env, customer):
    usd = _usd(env)
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))], currency_id=usd.id,
                              invoice_date=date(2026, 3, 1))
    _pay(env, invoice, amount=92.0, currency_id=env.company.currency_id.id,
         payment_date=date(2026, 3, 2))
    assert invoice.payment_state == "paid" and invoice.amount_residual == 0.0
    assert _term_lines(invoice).amount_residual_currency == 0.0


def test_customer_credit_note_is_paid_outbound(env, customer):
    refund = _posted_invoice(env, customer, [(20.0, 1, sale_tax(env))], move_type="out_refund")
    payment = _pay(env, refund)
    assert payment.payment_type == "outbound" and payment.partner_type == "customer"
    assert payment.amount == 23.0
    bank = payment.move_id.line_ids.filtered(lambda line: line.account_id.code == "1200")
    assert bank.credit == 23.0
    assert refund.payment_state == "paid" and refund.amount_residual == 0.0


def test_invoice_and_credit_note_paid_net(env, customer):
    tax = sale_tax(env)
    invoice = _posted_invoice(env, customer, [(100.0, 1, tax)])
    refund = _posted_invoice(env, customer, [(20.0, 1, tax)], move_type="out_refund")
    wizard = _wizard(env, invoice | refund)
    assert wizard.amount == 92.0  # 115 - 23
    payment = env["account.payment"].browse(wizard.action_create_payments()["res_id"])
    assert payment.payment_type == "inbound" and payment.amount == 92.0
    assert (invoice.payment_state, refund.payment_state) == ("paid", "paid")


def test_overpayment_leaves_the_rest_open_on_the_payment(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    payment = _pay(env, invoice, amount=200.0)
    assert invoice.payment_state == "paid" and invoice.amount_residual == 0.0
    counterpart = payment.move_id.line_ids.filtered(lambda line: line.account_id.reconcile)
    assert counterpart.amount_residual == -85.0 and not counterpart.reconciled
    assert not _term_lines(invoice).full_reconcile_id  # the group is not settled yet
    later = _posted_invoice(env, customer, [(50.0, 1, sale_tax(env))])
    (_term_lines(later) | counterpart).reconcile()
    # the credit left over pays the next invoice
    assert later.payment_state == "paid" and later.amount_residual == 0.0
    assert counterpart.amount_residual == -27.5 and not counterpart.reconciled


def test_installments_are_paid_oldest_first(env, customer):
    term = env["account.payment.term"].create({
        "name": "30/70", "line_ids": [(0, 0, {"value_amount": 30.0}),
                                      (0, 0, {"value_amount": 70.0, "nb_days": 30})]})
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))],
                              invoice_payment_term_id=term.id, invoice_date=date(2026, 1, 10))
    wizard = _wizard(env, invoice)
    assert wizard.amount == 115.0 and len(wizard.line_ids) == 2
    _pay(env, invoice, amount=34.5)
    assert invoice.payment_state == "partial" and invoice.amount_residual == 80.5
    first, second = _term_lines(invoice).sorted(lambda line: line.date_maturity)
    assert first.reconciled and not second.reconciled and second.amount_residual == 80.5
    _pay(env, invoice)
    assert invoice.payment_state == "paid"


def test_reconcile_refuses_mixed_accounts_and_drafts(env, customer):
    tax = sale_tax(env)
    invoice = _posted_invoice(env, customer, [(100.0, 1, tax)])
    with pytest.raises(exceptions.UserError, match="one account"):
        invoice.line_ids.reconcile()
    with pytest.raises(exceptions.UserError, match="does not allow reconciliation"):
        invoice.line_ids.filtered(lambda line: line.display_type == "product").reconcile()
    draft = make_invoice(env, customer, [(10.0, 1, tax)])
    with pytest.raises(exceptions.UserError, match="posted entries"):
        (_term_lines(invoice) | _term_lines(draft)).reconcile()
    assert invoice.payment_state == "not_paid"


def test_invoices_in_two_currencies_are_paid_in_the_company_currency(env, customer):
    usd = _usd(env)
    tax = sale_tax(env)
    in_eur = _posted_invoice(env, customer, [(100.0, 1, tax)], invoice_date=date(2026, 3, 1))
    in_usd = _posted_invoice(env, customer, [(100.0, 1, tax)], currency_id=usd.id,
                             invoice_date=date(2026, 3, 1))
    wizard = _wizard(env, in_eur | in_usd, payment_date=date(2026, 3, 2))
    # 115 EUR + 115 USD (92 EUR): the amounts add up in EUR only
    assert wizard.currency_id == env.company.currency_id and wizard.amount == 207.0
    payment = env["account.payment"].browse(wizard.action_create_payments()["res_id"])
    assert (in_eur.payment_state, in_usd.payment_state) == ("paid", "paid")
    counterpart = payment.move_id.line_ids.filtered(lambda line: line.account_id.reconcile)
    assert counterpart.reconciled and counterpart.amount_residual == 0.0
    assert _term_lines(in_usd).amount_residual_currency == 0.0


def test_invoice_and_bill_of_one_partner_are_paid_separately(env, customer):
    tax = sale_tax(env)
    invoice = _posted_invoice(env, customer, [(100.0, 1, tax)])
    bill = _posted_invoice(env, customer, [(50.0, 1, tax)], move_type="in_invoice")
    wizard = _wizard(env, invoice | bill)
    moves_before = env["account.move"].search_count([])
    with pytest.raises(exceptions.UserError, match="vendor bills separately"):
        wizard.action_create_payments()
    # refused before anything was written
    assert env["account.move"].search_count([]) == moves_before
    assert not env["account.payment"].search([("partner_id", "=", customer.id)])


def test_workflow_fields_cannot_be_written_directly(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    for values in ({"state": "draft"}, {"payment_state": "paid"}, {"amount_residual": 0.0},
                   {"posted_before": False}):
        with pytest.raises(exceptions.UserError, match="cannot be written directly"):
            invoice.write(values)
    draft = make_invoice(env, customer, [(10.0, 1, sale_tax(env))])
    with pytest.raises(exceptions.UserError, match="cannot be written directly"):
        draft.write({"state": "posted"})  # posting skips neither checks nor numbering
    assert (invoice.state, invoice.payment_state, draft.state) == ("posted", "not_paid",
                                                                   "draft")
    assert draft.name == "/"


def test_posted_payment_fields_are_frozen(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    payment = _pay(env, invoice)
    with pytest.raises(exceptions.UserError, match="cannot be modified"):
        payment.write({"amount": 1.0})
    with pytest.raises(exceptions.UserError, match="cannot be written directly"):
        payment.write({"state": "draft"})
    payment.write({"ref": "bank statement 12"})  # the memo stays editable
    assert payment.amount == 115.0 and payment.state == "posted"
    draft = env["account.payment"].create({"partner_id": customer.id, "amount": 5.0})
    with pytest.raises(exceptions.UserError, match="cannot be written directly"):
        draft.write({"state": "posted"})
    draft.write({"amount": 6.0})
    draft.action_post()
    assert draft.move_id.state == "posted"


def test_posted_items_cannot_be_reopened_or_unreconciled_by_hand(env, customer):
    invoice = _posted_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    term = _term_lines(invoice)
    with pytest.raises(exceptions.UserError, match="parent_state cannot be written"):
        term.write({"parent_state": "draft"})
    with pytest.raises(exceptions.UserError, match="cannot be modified"):
        term.write({"amount_residual": 0.0, "reconciled": True})
    assert term.parent_state == "posted" and term.amount_residual == 115.0
    assert not term.reconciled and invoice.payment_state == "not_paid"


def test_billing_user_invoices_pays_and_reverses(env, customer, product):
    """The whole flow as a "Billing" user, not the superuser: access rights and record
    rules cover every model it touches (counters, reconciliations, wizards)."""
    group = env.ref("account.group_account_invoice")
    user = env["res.users"].create({"name": "Billing Clerk", "login": "billing_clerk",
                                    "groups_id": [(6, 0, group.ids)]})
    user_env = env(user=user.id)
    invoice = user_env["account.move"].create({
        "move_type": "out_invoice", "partner_id": customer.id,
        "invoice_line_ids": [(0, 0, {"product_id": product.id, "price_unit": 10.0,
                                     "quantity": 1, "tax_ids": [(6, 0, sale_tax(env).ids)]})]})
    invoice.action_post()
    _pay(user_env, invoice)
    assert invoice.payment_state == "paid"
    _term_lines(invoice).remove_move_reconcile()
    assert invoice.payment_state == "not_paid"
    refund = user_env["account.move.reversal"].with_context(
        active_model="account.move", active_ids=invoice.ids).create(
        {"refund_method": "cancel"}).reverse_moves()
    assert invoice.payment_state == "reversed"
    assert user_env["account.move"].browse(refund["res_id"]).name.startswith("RINV/")
    plain = env["res.users"].create({"name": "No Billing", "login": "no_billing",
                                     "groups_id": [(6, 0, env.ref("base.group_user").ids)]})
    with pytest.raises(exceptions.AccessError):
        env(user=plain.id)["account.move"].create({"move_type": "out_invoice",
                                                   "partner_id": customer.id})


def test_zero_invoice_is_paid_when_posted(env, customer):
    invoice = _posted_invoice(env, customer, [(0.0, 1, sale_tax(env)), (0.001, 1, sale_tax(env))])
    assert invoice.amount_total == 0.0 and invoice.amount_residual == 0.0
    assert invoice.payment_state == "paid"
    with pytest.raises(exceptions.UserError, match="Nothing left to pay|must be positive"):
        _wizard(env, invoice).action_create_payments()


def test_old_wizard_records_are_vacuumed(env, customer):
    from datetime import timedelta

    from agora.orm.fields import Datetime

    invoice = make_invoice(env, customer, [(10.0, 1, sale_tax(env))])
    invoice.action_post()
    wizard_model = env["account.payment.register"].with_context(
        active_model="account.move", active_ids=invoice.ids)
    old, fresh = wizard_model.create({}), wizard_model.create({})
    env.cr.execute("UPDATE account_payment_register SET create_date = %s WHERE id = %s",
                   (Datetime.now() - timedelta(hours=2), old.id))
    env.invalidate_all()
    removed = env["ir.autovacuum"]._run_vacuum_cleaner()
    assert removed.get("account.payment.register") == 1
    assert not old.exists() and fresh.exists()
