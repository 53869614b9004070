from agora import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    invoice_policy = fields.Selection(
        [("order", "Ordered quantities"), ("delivery", "Delivered quantities")],
        string="Invoicing Policy", default="order",
        help="Ordered: invoice what the customer ordered once the order is confirmed. "
             "Delivered: invoice what was delivered so far.")
