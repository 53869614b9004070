"""Models the benchmarks run on (module ``bench``)."""

from __future__ import annotations

from agora import fields, models


class BenchPartner(models.Model):
    _name = "bench.partner"
    _module = "bench"

    name = fields.Char(required=True)
    email = fields.Char()


class BenchProduct(models.Model):
    _name = "bench.product"
    _module = "bench"

    name = fields.Char(required=True)


class BenchOrder(models.Model):
    _name = "bench.order"
    _module = "bench"

    name = fields.Char(required=True)
    partner_id = fields.Many2one("bench.partner", required=True)
    line_ids = fields.One2many("bench.order.line", "order_id")


class BenchOrderLine(models.Model):
    _name = "bench.order.line"
    _module = "bench"

    order_id = fields.Many2one("bench.order", required=True, ondelete="cascade")
    product_id = fields.Many2one("bench.product", required=True)
    quantity = fields.Float()


class BenchRecord(models.Model):
    """Ten plain columns, for create and search_read throughput."""

    _name = "bench.record"
    _module = "bench"
    _log_access = False

    name = fields.Char()
    code = fields.Char()
    description = fields.Text()
    quantity = fields.Integer()
    sequence = fields.Integer()
    price = fields.Float()
    weight = fields.Float()
    active = fields.Boolean()
    flag = fields.Boolean()
    date = fields.Date()
