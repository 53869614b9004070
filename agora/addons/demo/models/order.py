from agora import api, exceptions, fields, models


class DemoOrder(models.Model):
    _name = "demo.order"
    _description = "Sales order"
    _order = "date desc, id desc"

    name = fields.Char(required=True)
    contact_id = fields.Many2one("demo.contact", required=True)
    date = fields.Date(required=True, default=fields.Date.today)
    state = fields.Selection([("draft", "Quotation"), ("sale", "Sales order")], default="draft")
    line_ids = fields.One2many("demo.order.line", "order_id")
    amount_total = fields.Monetary(compute="_compute_amount_total", store=True)

    @api.depends("line_ids.subtotal")
    def _compute_amount_total(self):
        for order in self:
            order.amount_total = sum(order.line_ids.mapped("subtotal"))

    def action_confirm(self):
        """Quotation -> sales order (the form's Confirm button)."""
        for order in self:
            if order.state != "draft":
                raise exceptions.UserError(f"Order {order.name} is already confirmed.")
            if not order.line_ids:
                raise exceptions.UserError(f"Order {order.name} has no line: add a product first.")
        self.write({"state": "sale"})
        return True

    def action_draft(self):
        """Back to quotation (the form's "Set to Quotation" button)."""
        self.write({"state": "draft"})
        return True


class DemoOrderLine(models.Model):
    _name = "demo.order.line"
    _description = "Sales order line"

    order_id = fields.Many2one("demo.order", required=True, ondelete="cascade")
    product_id = fields.Many2one("demo.product", required=True)
    quantity = fields.Float(default=1.0)
    price_unit = fields.Monetary()
    subtotal = fields.Monetary(compute="_compute_subtotal", store=True)

    @api.onchange("product_id")
    def _onchange_product_id(self):
        # a new line takes the product's price; the user may change it afterwards
        for line in self:
            if line.product_id:
                line.price_unit = line.product_id.list_price

    @api.depends("quantity", "price_unit")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = line.quantity * line.price_unit
