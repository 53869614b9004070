"""Invoices talk to customers: a chatter on every entry, "Send & Print" e-mails the PDF
with a template, and a daily job reminds customers of overdue invoices."""

from datetime import timedelta

from agora import api, exceptions, fields, models

#: days between two reminders of the same invoice
REMINDER_INTERVAL_DAYS = 7


class AccountMoveMail(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "mail.thread", "mail.activity.mixin"]

    is_move_sent = fields.Boolean(string="Sent", readonly=True, copy=False,
                                  help="The invoice was e-mailed to the customer.")
    last_reminder_date = fields.Date(readonly=True, copy=False,
                                     help="When the customer was last reminded to pay.")

    def action_invoice_sent(self):
        """E-mail each posted customer document to its customer, the PDF attached."""
        template = self.env.ref("account.email_template_edi_invoice")
        for move in self:
            if move.state != "posted" or not move.is_sale_document():
                raise exceptions.UserError(
                    f"{move.display_name}: only posted customer invoices and credit notes "
                    "are sent.")
            partner = move.partner_id
            if not partner.email:
                raise exceptions.UserError(
                    f"Customer {partner.display_name} has no e-mail address.")
            attachment = move._invoice_pdf_attachment()
            move.message_post_with_template(template.id, partner_ids=[partner.id],
                                            attachment_ids=[attachment.id])
        self.with_context(account_posting=True).write({"is_move_sent": True})
        return True

    def _invoice_pdf_attachment(self):
        self.ensure_one()
        name = (self.name or "invoice").replace("/", "_") + ".pdf"
        return self.env["ir.attachment"].create({
            "name": name, "res_model": self._name, "res_id": self.id,
            "mimetype": "application/pdf", "raw": self._render_invoice_pdf()})

    @api.model
    def _cron_payment_reminders(self) -> int:
        """Remind customers of their overdue invoices, at most once a week per invoice;
        returns how many invoices were reminded."""
        today = fields.Date.today()
        overdue = self.search([
            ("move_type", "=", "out_invoice"), ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", today),
            "|", ("last_reminder_date", "=", False),
            ("last_reminder_date", "<=", today - timedelta(days=REMINDER_INTERVAL_DAYS)),
        ])
        template = self.env.ref("account.email_template_payment_reminder")
        reminded = self.browse()
        for move in overdue:
            if not move.partner_id.email:
                continue
            move.message_post_with_template(template.id, partner_ids=[move.partner_id.id])
            reminded |= move
        reminded.with_context(account_posting=True).write({"last_reminder_date": today})
        return len(reminded)
