"""Models of the unity read tests (module ``test_unity``, loaded with ``base``)."""

from __future__ import annotations

from agora import api, fields, models


class UnityPartner(models.Model):
    _name = "test.unity.partner"
    _module = "test_unity"
    _order = "name, id"

    name = fields.Char(required=True)
    email = fields.Char()
    active = fields.Boolean(default=True)
    parent_id = fields.Many2one("test.unity.partner")
    order_ids = fields.One2many("test.unity.order", "partner_id")


class UnityProduct(models.Model):
    _name = "test.unity.product"
    _module = "test_unity"

    name = fields.Char(required=True)
    list_price = fields.Float()


class UnityTag(models.Model):
    _name = "test.unity.tag"
    _module = "test_unity"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)


class UnityOrder(models.Model):
    _name = "test.unity.order"
    _module = "test_unity"
    _order = "name"

    name = fields.Char(required=True)
    date = fields.Date()
    partner_id = fields.Many2one("test.unity.partner", required=True)
    line_ids = fields.One2many("test.unity.order.line", "order_id")
    tag_ids = fields.Many2many("test.unity.tag")
    line_count = fields.Integer(compute="_compute_line_count")
    note = fields.Char(groups="base.group_system")

    @api.depends("line_ids")
    def _compute_line_count(self):
        for order in self:
            order.line_count = len(order.line_ids)


class UnityOrderLine(models.Model):
    _name = "test.unity.order.line"
    _module = "test_unity"
    _order = "sequence, id"

    order_id = fields.Many2one("test.unity.order", required=True, ondelete="cascade")
    sequence = fields.Integer()
    product_id = fields.Many2one("test.unity.product")
    quantity = fields.Float()
    price = fields.Float()
