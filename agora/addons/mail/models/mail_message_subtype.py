"""Message subtypes: what kind of message a post is (internal note, discussion...)."""

from __future__ import annotations

from agora import fields, models


class MailMessageSubtype(models.Model):
    _name = "mail.message.subtype"
    _description = "Message subtype"
    _order = "sequence, id"

    name = fields.Char(required=True)
    description = fields.Text(help="Text used in the message when it is only a notification.")
    internal = fields.Boolean(
        help="Internal subtypes (notes) are not e-mailed to the record's followers.")
    res_model = fields.Char(string="Model", help="Empty: the subtype applies to every model.")
    default = fields.Boolean(default=True, help="Followers get it by default.")
    sequence = fields.Integer(default=1)
    hidden = fields.Boolean()
