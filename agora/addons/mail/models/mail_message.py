"""Messages posted on records (the chatter): notes, discussions, tracking notifications
and e-mails. ``model``/``res_id`` name the record; there is no foreign key since any
model can carry messages."""

from __future__ import annotations

from typing import Any

from agora import fields, models

MESSAGE_TYPES = [("comment", "Comment"), ("notification", "System notification"),
                 ("email", "Email")]


class MailMessage(models.Model):
    _name = "mail.message"
    _description = "Message"
    _order = "id desc"
    _rec_name = "record_name"

    subject = fields.Char()
    date = fields.Datetime(default=fields.Datetime.now, index=True)
    body = fields.Html(default="")
    model = fields.Char(string="Related Document Model", index=True)
    res_id = fields.Integer(string="Related Document ID", index=True)
    record_name = fields.Char(string="Message Record Name")
    message_type = fields.Selection(MESSAGE_TYPES, string="Type", required=True,
                                    default="comment")
    subtype_id = fields.Many2one("mail.message.subtype", string="Subtype", ondelete="set null",
                                 index=True)
    is_internal = fields.Boolean(string="Employee Only",
                                 help="Internal note: not sent to the record's followers.")
    author_id = fields.Many2one("res.partner", string="Author", ondelete="set null", index=True)
    email_from = fields.Char(string="From")
    partner_ids = fields.Many2many("res.partner", "mail_message_res_partner_rel",
                                   "mail_message_id", "res_partner_id", string="Recipients")
    attachment_ids = fields.Many2many("ir.attachment", "message_attachment_rel",
                                      "message_id", "attachment_id", string="Attachments")
    tracking_value_ids = fields.One2many("mail.tracking.value", "message_id",
                                         string="Tracking values")
    mail_activity_type_id = fields.Many2one("mail.activity.type", string="Activity Type",
                                            ondelete="set null")

    @classmethod
    def _init_schema(cls, cr: Any) -> None:
        # the chatter of a record: WHERE model = %s AND res_id = ANY(%s) ORDER BY id DESC
        cr.execute("CREATE INDEX IF NOT EXISTS mail_message_model_res_id_idx "
                   "ON mail_message (model, res_id, id)")
