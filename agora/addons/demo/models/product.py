from agora import fields, models


class DemoProduct(models.Model):
    _name = "demo.product"
    _description = "Product"
    _order = "name"

    name = fields.Char(required=True)
    list_price = fields.Monetary()
    kind = fields.Selection([("goods", "Goods"), ("service", "Service")], default="goods")
