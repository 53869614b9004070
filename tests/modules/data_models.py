"""Models the data-file tests load records into (module ``test_data``)."""

from __future__ import annotations

from agora import api, fields, models


class DataTag(models.Model):
    _name = "test.data.tag"
    _module = "test_data"
    _order = "name"

    name = fields.Char(required=True)
    color = fields.Integer()


class DataThing(models.Model):
    _name = "test.data.thing"
    _module = "test_data"
    _order = "name"

    name = fields.Char(required=True)
    qty = fields.Integer()
    price = fields.Float()
    active = fields.Boolean(default=True)
    kind = fields.Selection([("a", "A"), ("b", "B")])
    note = fields.Text()
    partner_id = fields.Many2one("res.partner")
    parent_id = fields.Many2one("test.data.thing", ondelete="set null")
    tag_ids = fields.Many2many("test.data.tag")
    line_ids = fields.One2many("test.data.line", "thing_id")

    @api.model
    def _bump(self, name: str, amount: int) -> None:
        for thing in self.search([("name", "=", name)]):
            thing.qty += amount

    def rename(self, suffix: str) -> bool:
        for thing in self:
            thing.name = f"{thing.name}{suffix}"
        return True


class DataLine(models.Model):
    _name = "test.data.line"
    _module = "test_data"

    name = fields.Char(required=True)
    thing_id = fields.Many2one("test.data.thing", ondelete="cascade", required=True)
