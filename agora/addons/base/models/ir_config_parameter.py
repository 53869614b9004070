"""System parameters: a key/value store shared by the whole database."""

from __future__ import annotations

from typing import Any

from agora import api, fields, models
from agora.orm.exceptions import ValidationError


class IrConfigParameter(models.Model):
    _name = "ir.config_parameter"
    _description = "System Parameter"
    _rec_name = "key"
    _order = "key"
    _sql_constraints = [("key_uniq", "unique(key)", "Key must be unique.")]

    key = fields.Char(required=True, index=True)
    value = fields.Text(required=True)

    @api.constrains("key")
    def _check_key(self) -> None:
        for record in self:
            if not (record.key or "").strip():
                raise ValidationError("ir.config_parameter: the key cannot be empty",
                                      model=self._name, field="key")

    @api.model
    def get_param(self, key: str, default: Any = False) -> Any:
        """The value of ``key`` (a string), or ``default`` when it is not set."""
        record = self.sudo().search([("key", "=", key)], limit=1)
        return record.value if record else default

    @api.model
    def set_param(self, key: str, value: Any) -> Any:
        """Set ``key`` to ``str(value)``; None or False deletes it. Returns the previous
        value (False if there was none)."""
        record = self.sudo().search([("key", "=", key)], limit=1)
        old = record.value if record else False
        if value is None or value is False:
            if record:
                record.unlink()
        elif record:
            if old != str(value):
                record.write({"value": str(value)})
        else:
            self.sudo().create({"key": key, "value": str(value)})
        return old
