from agora import fields, models


class DemoContact(models.Model):
    _name = "demo.contact"
    _description = "Contact"
    _order = "name"

    name = fields.Char(required=True, index=True)
    email = fields.Char()
    phone = fields.Char()
    is_company = fields.Boolean()
    active = fields.Boolean(default=True)
    parent_id = fields.Many2one("demo.contact", string="Company")
    child_ids = fields.One2many("demo.contact", "parent_id", string="Contacts")
    order_ids = fields.One2many("demo.order", "contact_id")
