"""Outgoing e-mails: a queue sent after commit and by the cron job "Mail: send queued
e-mails", through ``ir.mail_server`` with ``smtplib``.

States: ``outgoing`` (queued) -> ``sent``, or ``exception`` with ``failure_reason``. SMTP
errors (server down, temporary refusals) are retried by the cron job until
``failure_count`` reaches ``mail.send_max_attempts`` (system parameter, default 5);
refused recipients and malformed messages are not retried.
"""

from __future__ import annotations

import html
import logging
import re
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from typing import Any

import psycopg

from agora import api, fields, models
from agora.addons.mail import mail_queue
from agora.db.sql import SQL

_logger = logging.getLogger(__name__)

STATES = [("outgoing", "Outgoing"), ("sent", "Sent"), ("exception", "Delivery Failed"),
          ("cancel", "Cancelled")]
FAILURE_TYPES = [("mail_smtp", "SMTP error (retried)"),
                 ("mail_email_missing", "No recipient"),
                 ("mail_email_invalid", "Refused or malformed (not retried)")]
DEFAULT_MAX_ATTEMPTS = 5


def html_to_text(body: str) -> str:
    """A readable plain-text alternative of an HTML body."""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</h\d>", "\n", body or "")
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip() + "\n"


class MailMail(models.Model):
    _name = "mail.mail"
    _description = "Outgoing Mail"
    _order = "id desc"
    _rec_name = "subject"

    mail_message_id = fields.Many2one("mail.message", string="Message", ondelete="cascade",
                                      index=True)
    model = fields.Char(string="Related Document Model")
    res_id = fields.Integer(string="Related Document ID")
    subject = fields.Char()
    body_html = fields.Text(string="Rich-text Contents")
    email_from = fields.Char(string="From")
    email_to = fields.Text(string="To", help="Comma-separated addresses.")
    email_cc = fields.Char(string="Cc")
    recipient_ids = fields.Many2many("res.partner", "mail_mail_res_partner_rel", "mail_mail_id",
                                     "partner_id", string="To (Partners)")
    attachment_ids = fields.Many2many("ir.attachment", "mail_mail_attachment_rel",
                                      "mail_id", "attachment_id", string="Attachments")
    mail_server_id = fields.Many2one("ir.mail_server", string="Outgoing mail server",
                                     ondelete="set null")
    message_id = fields.Char(string="Message-Id", readonly=True, copy=False)
    state = fields.Selection(STATES, string="Status", required=True, default="outgoing",
                             index=True, copy=False, readonly=True)
    failure_type = fields.Selection(FAILURE_TYPES, copy=False, readonly=True)
    failure_reason = fields.Text(copy=False, readonly=True)
    failure_count = fields.Integer(string="Failed attempts", default=0, copy=False,
                                   readonly=True)
    scheduled_date = fields.Datetime(string="Scheduled Send Date",
                                     help="Not sent before this moment (UTC); empty: now.")
    auto_delete = fields.Boolean(help="Delete the mail once it is sent.")

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        mails = super().create(vals_list)
        # Odoo's context key: False leaves the mails to the cron job
        if self.env.context.get("mail_notify_force_send", True):
            mail_queue.send_after_commit(self.env, list(mails.ids))
        return mails

    # -- user actions --------------------------------------------------------------------------
    def mark_outgoing(self) -> bool:
        """Queue (again) failed or cancelled mails; they go out after commit."""
        self.write({"state": "outgoing", "failure_count": 0, "failure_type": False,
                    "failure_reason": False})
        mail_queue.send_after_commit(self.env, list(self.ids))
        return True

    def send(self) -> bool:
        """Odoo's name for "send these now": here they are sent right after the current
        transaction commits, never inside it."""
        return self.mark_outgoing()

    def cancel(self) -> bool:
        self.write({"state": "cancel"})
        return True

    # -- the queue -------------------------------------------------------------------------------
    @api.model
    def process_email_queue(self, limit: int = 100) -> int:
        """Send queued mails and retry failed ones (the cron job); returns how many were
        sent. Mails another worker is sending are skipped."""
        self.check_access("write")
        try:
            with self.env.cr.savepoint():
                return self._process_queue(limit=limit, retry_failed=True)
        except psycopg.errors.SerializationFailure:
            _logger.info("mail queue: another worker sent these mails meanwhile")
            return 0

    def _max_attempts(self) -> int:
        value = self.env["ir.config_parameter"].sudo().get_param(
            "mail.send_max_attempts", DEFAULT_MAX_ATTEMPTS)
        try:
            return max(1, int(value))
        except (TypeError, ValueError):
            return DEFAULT_MAX_ATTEMPTS

    def _claim(self, ids: list[int] | None, limit: int, retry_failed: bool) -> Any:
        """Lock the mails to send now (skipping the ones another transaction holds)."""
        self.env.flush_all()
        conditions = [SQL("(scheduled_date IS NULL OR scheduled_date <= %s)",
                          fields.Datetime.now())]
        if retry_failed:
            conditions.append(SQL("(state = 'outgoing' OR (state = 'exception' AND "
                                  "failure_type = 'mail_smtp' AND failure_count < %s))",
                                  self._max_attempts()))
        else:
            conditions.append(SQL("state = 'outgoing'"))
        if ids is not None:
            conditions.append(SQL("id = ANY(%s)", list(ids)))
        self.env.cr.execute(SQL("SELECT id FROM mail_mail WHERE %s ORDER BY id LIMIT %s "
                                "FOR UPDATE SKIP LOCKED",
                                SQL.join(" AND ", conditions), limit))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _process_queue(self, ids: list[int] | None = None, limit: int = 100,
                       retry_failed: bool = True) -> int:
        mails = self.sudo()._claim(ids, limit, retry_failed)
        if not mails:
            return 0
        return mails._send_claimed()

    def _default_from(self) -> str:
        return self.env["ir.config_parameter"].sudo().get_param(
            "mail.default_from", "agora@localhost")

    def _recipients(self) -> list[str]:
        addresses = [address for _name, address in getaddresses([self.email_to or ""])
                     if address]
        if not addresses:
            addresses = [partner.email for partner in self.recipient_ids if partner.email]
        return addresses

    def _build_email(self, default_from: str) -> EmailMessage:
        """The RFC 5322 message (headers with line breaks raise ValueError)."""
        self.ensure_one()
        message = EmailMessage()
        message["Subject"] = self.subject or ""
        message["From"] = self.email_from or default_from
        message["To"] = self.email_to or ", ".join(self._recipients())
        if self.email_cc:
            message["Cc"] = self.email_cc
        message["Date"] = formatdate(usegmt=True)
        message["Message-Id"] = self.message_id or make_msgid(domain="agora.local")
        body = self.body_html or ""
        message.set_content(html_to_text(body))
        message.add_alternative(body or "<p></p>", subtype="html")
        for attachment in self.attachment_ids:
            maintype, _, subtype = (attachment.mimetype or "application/octet-stream").partition("/")
            message.add_attachment(attachment.raw or b"", maintype=maintype,
                                   subtype=subtype or "octet-stream", filename=attachment.name)
        return message

    def _send_claimed(self) -> int:
        """Send the (locked) mails of ``self`` and record each outcome."""
        default_from = self._default_from()
        max_attempts = self._max_attempts()
        by_server: dict[Any, list[tuple[Any, EmailMessage]]] = {}
        fallback = self.env["ir.mail_server"].sudo().search([], limit=1)
        sent = self.browse()
        for mail in self:
            if not mail._recipients():
                mail._record_failure("mail_email_missing", "no recipient address", max_attempts)
                continue
            try:
                email = mail._build_email(default_from)
            except (ValueError, TypeError) as exc:
                mail._record_failure("mail_email_invalid", f"malformed message: {exc}",
                                     max_attempts)
                continue
            server = mail.mail_server_id or fallback
            by_server.setdefault(server, []).append((mail, email))
        for server, batch in by_server.items():
            if not server:
                for mail, _email in batch:
                    mail._record_failure("mail_smtp", "no outgoing mail server is configured "
                                         "(Settings > Technical > Outgoing Mail Servers)",
                                         max_attempts)
                continue
            results = server._send_messages([email for _mail, email in batch])
            for (mail, email), error in zip(batch, results, strict=True):
                if error is None:
                    mail.write({"state": "sent", "message_id": email["Message-Id"],
                                "failure_type": False, "failure_reason": False})
                    sent |= mail
                elif isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
                    mail._record_failure("mail_email_invalid", f"{type(error).__name__}: {error}",
                                         max_attempts)
                else:
                    mail._record_failure("mail_smtp", f"{type(error).__name__}: {error}",
                                         max_attempts)
        sent.filtered("auto_delete").unlink()
        return len(sent)

    def _record_failure(self, failure_type: str, reason: str, max_attempts: int) -> None:
        self.ensure_one()
        count = self.failure_count + 1
        if failure_type == "mail_smtp" and count < max_attempts:
            reason = f"{reason} (attempt {count} of {max_attempts}; will be retried)"
        _logger.info("mail.mail %d not sent: %s", self.id, reason)
        self.write({"state": "exception", "failure_type": failure_type,
                    "failure_reason": reason, "failure_count": count})
