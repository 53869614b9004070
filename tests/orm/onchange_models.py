"""Models of the onchange tests (module ``test_orm``): an order with lines whose
subtotals and total are computed, and ``@api.onchange`` handlers."""

from __future__ import annotations

from agora import api, fields, models


class OcPartner(models.Model):
    _name = "test.oc.partner"
    _module = "test_orm"

    name = fields.Char(required=True)
    discount = fields.Float()


class OcProduct(models.Model):
    _name = "test.oc.product"
    _module = "test_orm"

    name = fields.Char(required=True)
    list_price = fields.Float()


class OcOrder(models.Model):
    _name = "test.oc.order"
    _module = "test_orm"

    name = fields.Char(default="New")
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    partner_id = fields.Many2one("test.oc.partner")
    discount = fields.Float()
    note = fields.Char()
    line_ids = fields.One2many("test.oc.line", "order_id")
    amount_total = fields.Float(compute="_compute_amount_total", store=True)
    line_count = fields.Integer(compute="_compute_line_count")

    @api.depends("line_ids.subtotal")
    def _compute_amount_total(self):
        for order in self:
            order.amount_total = sum(order.line_ids.mapped("subtotal"))

    @api.depends("line_ids")
    def _compute_line_count(self):
        for order in self:
            order.line_count = len(order.line_ids)

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        self.discount = self.partner_id.discount
        if self.partner_id.name and self.partner_id.name.startswith("Bad"):
            return {"warning": {"title": "Careful",
                                "message": f"{self.partner_id.name} pays late"}}
        return None


class OcLine(models.Model):
    _name = "test.oc.line"
    _module = "test_orm"
    _order = "id"

    order_id = fields.Many2one("test.oc.order", required=True, ondelete="cascade")
    product_id = fields.Many2one("test.oc.product")
    quantity = fields.Float(default=1.0)
    price_unit = fields.Float()
    subtotal = fields.Float(compute="_compute_subtotal", store=True)

    @api.depends("quantity", "price_unit", "order_id.discount")
    def _compute_subtotal(self):
        for line in self:
            discount = line.order_id.discount or 0.0
            line.subtotal = line.quantity * line.price_unit * (1 - discount / 100)

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id:
            self.price_unit = self.product_id.list_price
