"""Outgoing SMTP servers. ``mail.mail`` uses the active server with the lowest sequence."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from agora import api, fields, models
from agora.orm.exceptions import UserError, ValidationError

ENCRYPTIONS = [("none", "None"), ("starttls", "TLS (STARTTLS)"), ("ssl", "SSL/TLS")]

#: seconds to wait for the SMTP server before giving up (the mail is retried later)
SMTP_TIMEOUT = 30


class IrMailServer(models.Model):
    _name = "ir.mail_server"
    _description = "Mail Server"
    _order = "sequence, id"

    name = fields.Char(string="Name", required=True)
    smtp_host = fields.Char(string="SMTP Server", required=True)
    smtp_port = fields.Integer(string="SMTP Port", required=True, default=25)
    smtp_encryption = fields.Selection(ENCRYPTIONS, string="Connection Encryption",
                                       required=True, default="none")
    smtp_user = fields.Char(string="Username")
    smtp_pass = fields.Char(string="Password", groups="base.group_system")
    smtp_debug = fields.Boolean(string="Debugging")
    from_filter = fields.Char(help="Default sender address for mails sent through this server.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    @api.constrains("smtp_port")
    def _check_port(self) -> None:
        for server in self:
            if not 0 < server.smtp_port < 65536:
                raise ValidationError(f"ir.mail_server {server.name!r}: SMTP port "
                                      f"{server.smtp_port} is not between 1 and 65535",
                                      model=self._name, field="smtp_port")

    def _connect(self) -> smtplib.SMTP:
        """An open, authenticated SMTP session (the caller quits it)."""
        self.ensure_one()
        host, port = self.smtp_host, self.smtp_port
        if self.smtp_encryption == "ssl":
            session: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT,
                                                     context=ssl.create_default_context())
        else:
            session = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
        try:
            session.set_debuglevel(1 if self.smtp_debug else 0)
            if self.smtp_encryption == "starttls":
                session.starttls(context=ssl.create_default_context())
            if self.smtp_user:
                session.login(self.smtp_user, self.sudo().smtp_pass or "")
        except BaseException:
            session.close()
            raise
        return session

    def _send_messages(self, messages: list[EmailMessage]) -> list[Exception | None]:
        """Send ``messages`` over one session; per message the error, or None when sent.
        A failure to connect is the error of every message."""
        try:
            session = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            return [exc for _message in messages]
        results: list[Exception | None] = []
        try:
            for message in messages:
                try:
                    session.send_message(message)
                    results.append(None)
                except (OSError, smtplib.SMTPException) as exc:
                    results.append(exc)
        finally:
            try:
                session.quit()
            except (OSError, smtplib.SMTPException):
                session.close()
        return results

    def test_smtp_connection(self) -> dict:
        """The "Test Connection" button: connect, authenticate, disconnect."""
        for server in self:
            try:
                session = server._connect()
                session.quit()
            except (OSError, smtplib.SMTPException) as exc:
                raise UserError(f"ir.mail_server {server.name!r}: cannot connect to "
                                f"{server.smtp_host}:{server.smtp_port}: {exc}") from None
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"message": "Connection Test Successful!", "type": "success"}}
