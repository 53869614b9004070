from __future__ import annotations

from agora import fields, models


class UomCategory(models.Model):
    _name = "uom.category"
    _description = "Unit of measure category"
    _order = "name"

    name = fields.Char(required=True)
    uom_ids = fields.One2many("uom.uom", "category_id", string="Units")
