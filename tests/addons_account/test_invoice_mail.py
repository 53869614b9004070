"""Invoices e-mailed with their PDF, overdue ones reminded, status changes in the chatter."""

from datetime import date, timedelta

import pytest

from agora import exceptions
from tests.addons_account.conftest import make_invoice, sale_tax


def _mails(env, invoice):
    return env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", invoice.id)])


def test_send_invoice_queues_an_email_with_the_pdf(env, customer):
    invoice = make_invoice(env, customer, [(100.0, 1, sale_tax(env))])
    with pytest.raises(exceptions.UserError, match="only posted"):
        invoice.action_invoice_sent()
    invoice.action_post()
    invoice.action_invoice_sent()
    mail = _mails(env, invoice)
    assert len(mail) == 1 and customer.email in mail.email_to
    assert invoice.name in mail.subject and "115.00" in mail.body_html
    attachment = mail.attachment_ids
    assert attachment.name == invoice.name.replace("/", "_") + ".pdf"
    assert attachment.raw.startswith(b"%PDF")
    assert invoice.is_move_sent


def test_customer_without_email_is_named(env):
    silent = env["res.partner"].create({"name": "No Mail Ltd"})
    invoice = make_invoice(env, silent, [(10.0, 1, sale_tax(env))])
    invoice.action_post()
    with pytest.raises(exceptions.UserError, match="No Mail Ltd has no e-mail"):
        invoice.action_invoice_sent()


def test_overdue_invoices_are_reminded_once_a_week(env, customer):
    tax = sale_tax(env)
    overdue = make_invoice(env, customer, [(50.0, 1, tax)],
                           invoice_date=date.today() - timedelta(days=40))
    current = make_invoice(env, customer, [(60.0, 1, tax)], invoice_date=date.today())
    (overdue | current).action_post()
    moves = env["account.move"]
    assert moves._cron_payment_reminders() == 1
    assert len(_mails(env, overdue)) == 1 and not _mails(env, current)
    assert "Payment reminder" in _mails(env, overdue).subject
    assert overdue.last_reminder_date == date.today()
    assert moves._cron_payment_reminders() == 0  # not again within a week
    wizard = env["account.payment.register"].with_context(
        active_model="account.move", active_ids=overdue.ids).create({})
    wizard.action_create_payments()
    overdue.with_context(account_posting=True).write(
        {"last_reminder_date": date.today() - timedelta(days=8)})
    assert moves._cron_payment_reminders() == 0  # paid: never reminded


def test_posting_is_tracked_in_the_chatter(env, customer):
    invoice = make_invoice(env, customer, [(10.0, 1, sale_tax(env))])
    invoice.action_post()
    tracked = env["mail.tracking.value"].search([
        ("message_id.model", "=", "account.move"), ("message_id.res_id", "=", invoice.id),
        ("field_name", "=", "state")])
    assert tracked and tracked[0].new_value_char == "Posted"
