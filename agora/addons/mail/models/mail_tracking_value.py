"""One tracked field change (old value -> new value) of a tracking message."""

from __future__ import annotations

from typing import Any

from agora import fields, models


class MailTrackingValue(models.Model):
    _name = "mail.tracking.value"
    _description = "Mail tracking value"
    _order = "id"
    _rec_name = "field_name"

    field_name = fields.Char(string="Field", required=True)
    field_desc = fields.Char(string="Field Description", required=True)
    field_type = fields.Char(string="Field Type")
    old_value_integer = fields.Integer()
    old_value_float = fields.Float()
    old_value_char = fields.Char()
    old_value_text = fields.Text()
    old_value_datetime = fields.Datetime()
    new_value_integer = fields.Integer()
    new_value_float = fields.Float()
    new_value_char = fields.Char()
    new_value_text = fields.Text()
    new_value_datetime = fields.Datetime()
    message_id = fields.Many2one("mail.message", required=True, ondelete="cascade", index=True)

    def _value(self, side: str) -> Any:
        """The old (``side='old'``) or new value in the column its type uses."""
        self.ensure_one()
        kind = self.field_type
        if kind in ("integer",):
            return self[f"{side}_value_integer"]
        if kind in ("float", "monetary"):
            return self[f"{side}_value_float"]
        if kind in ("date", "datetime"):
            return self[f"{side}_value_datetime"]
        if kind in ("text", "html"):
            return self[f"{side}_value_text"]
        return self[f"{side}_value_char"]

    def old_value(self) -> Any:
        return self._value("old")

    def new_value(self) -> Any:
        return self._value("new")
