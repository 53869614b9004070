from agora import api, fields, models


class DemoOrder(models.Model):
    _name = "demo.order"
    _description = "Sales order"
    _order = "date desc, id desc"

    name = fields.Char(required=True)
    contact_id = fields.Many2one("demo.contact", required=True)
    date = fields.Date(required=True)
    state = fields.Selection([("draft", "Quotation"), ("sale", "Sales order")], default="draft")
    line_ids = fields.One2many("demo.order.line", "order_id")
    amount_total = fields.Monetary(compute="_compute_amount_total", store=True)

    @api.depends("line_ids.subtotal")
    def _compute_amount_total(self):
        for order in self:
            order.amount_total = sum(order.line_ids.mapped("subtotal"))


class DemoOrderLine(models.Model):
    _name = "demo.order.line"
    _description = "Sales order line"

    order_id = fields.Many2one("demo.order", required=True, ondelete="cascade")
    product_id = fields.Many2one("demo.product", required=True)
    quantity = fields.Float(default=1.0)
    price_unit = fields.Monetary()
    subtotal = fields.Monetary(compute="_compute_subtotal", store=True)

    @api.depends("quantity", "price_unit")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = line.quantity * line.price_unit
