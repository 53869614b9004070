"""Models used by the ORM tests (module ``test_orm``)."""

from __future__ import annotations

from agora import api, fields, models
from agora.orm.exceptions import ValidationError


class Country(models.Model):
    _name = "test.country"
    _module = "test_orm"
    _order = "name"

    name = fields.Char(required=True)
    code = fields.Char(size=2)


class Category(models.Model):
    _name = "test.category"
    _module = "test_orm"
    _parent_store = True
    _order = "name"

    name = fields.Char(required=True)
    parent_id = fields.Many2one("test.category", ondelete="cascade")
    child_ids = fields.One2many("test.category", "parent_id")


class Tag(models.Model):
    _name = "test.tag"
    _module = "test_orm"

    name = fields.Char(required=True)
    color = fields.Integer()


class Partner(models.Model):
    _name = "test.partner"
    _module = "test_orm"
    _order = "name, id"
    _sql_constraints = [("email_uniq", "unique(email)", "The email must be unique.")]

    name = fields.Char(required=True, index=True)
    email = fields.Char()
    active = fields.Boolean(default=True)
    is_company = fields.Boolean()
    age = fields.Integer()
    score = fields.Float(digits=(10, 2))
    notes = fields.Text()
    bio = fields.Html()
    kind = fields.Selection([("person", "Person"), ("company", "Company")], default="person")
    birthday = fields.Date()
    last_seen = fields.Datetime()
    data = fields.Json()
    avatar = fields.Binary()
    country_id = fields.Many2one("test.country", ondelete="restrict")
    category_id = fields.Many2one("test.category")
    parent_id = fields.Many2one("test.partner")
    child_ids = fields.One2many("test.partner", "parent_id")
    tag_ids = fields.Many2many("test.tag")
    country_code = fields.Char(related="country_id.code")
    order_count = fields.Integer(compute="_compute_order_count")
    order_ids = fields.One2many("test.order", "partner_id")

    @api.depends("order_ids")
    def _compute_order_count(self):
        for partner in self:
            partner.order_count = len(partner.order_ids)

    @api.constrains("age")
    def _check_age(self):
        for partner in self:
            if partner.age < 0:
                raise ValidationError("test.partner: age must be positive",
                                      model="test.partner", field="age")


class Product(models.Model):
    _name = "test.product"
    _module = "test_orm"

    name = fields.Char(required=True)
    price = fields.Float()


class Order(models.Model):
    _name = "test.order"
    _module = "test_orm"
    _order = "id desc"

    name = fields.Char(required=True, default="New")
    partner_id = fields.Many2one("test.partner", required=True)
    date = fields.Date()
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    line_ids = fields.One2many("test.order.line", "order_id")
    amount = fields.Float(compute="_compute_amount", store=True)
    line_count = fields.Integer(compute="_compute_amount", store=True)
    partner_name = fields.Char(related="partner_id.name")

    @api.depends("line_ids.subtotal")
    def _compute_amount(self):
        for order in self:
            order.amount = sum(order.line_ids.mapped("subtotal"))
            order.line_count = len(order.line_ids)


class OrderLine(models.Model):
    _name = "test.order.line"
    _module = "test_orm"

    order_id = fields.Many2one("test.order", required=True, ondelete="cascade")
    product_id = fields.Many2one("test.product")
    quantity = fields.Float(default=1.0)
    price = fields.Float()
    subtotal = fields.Float(compute="_compute_subtotal", store=True)

    @api.depends("quantity", "price")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = line.quantity * line.price


class Mixin(models.AbstractModel):
    _name = "test.mixin"
    _module = "test_orm"

    note = fields.Char()

    def describe(self):
        return f"mixin:{self.note}"


class Document(models.Model):
    _name = "test.document"
    _inherit = ["test.mixin"]
    _module = "test_orm"

    title = fields.Char()

    def describe(self):
        return "document+" + super().describe()


class DocumentExtension(models.Model):
    _inherit = "test.document"
    _module = "test_orm"

    pages = fields.Integer()
    title = fields.Char(required=True, default="Untitled")

    def describe(self):
        return "ext+" + super().describe()


class DocumentCopy(models.Model):
    _name = "test.document.copy"
    _inherit = "test.document"
    _module = "test_orm"


class Employee(models.Model):
    _name = "test.employee"
    _module = "test_orm"
    _inherits = {"test.partner": "partner_id"}

    partner_id = fields.Many2one("test.partner", required=True, ondelete="cascade")
    badge = fields.Char()


# -- models added for the behaviour tests (test_fields, test_compute, test_relations) --------

class Currency(models.Model):
    _name = "test.currency"
    _module = "test_orm"

    name = fields.Char(required=True)


def _default_label(model):
    return f"label-{model._name}"


class Misc(models.Model):
    """Field types and features the core test models do not cover."""

    _name = "test.misc"
    _module = "test_orm"

    name = fields.Char()
    label = fields.Char(default=_default_label)
    code = fields.Char(size=5)
    currency_id = fields.Many2one("test.currency")
    amount = fields.Monetary(currency_field="currency_id")
    ref = fields.Reference([("test.partner", "Partner"), ("test.tag", "Tag")])
    tag_id = fields.Many2one("test.tag", ondelete="cascade")
    partner_id = fields.Many2one("test.partner", ondelete="set null")
    stamp = fields.Datetime()
    value = fields.Integer()
    double = fields.Integer(compute="_compute_double", inverse="_inverse_double")
    partner_email = fields.Char(related="partner_id.email")
    tag_ids = fields.Many2many("test.tag", "test_misc_tag_rel", "misc_id", "tag_id")

    @api.depends("value")
    def _compute_double(self):
        for record in self:
            record.double = record.value * 2

    def _inverse_double(self):
        for record in self:
            record.value = record.double // 2


# -- models for the domain property tests (tests/orm/test_domain_property.py) ----------------

class DomCountry(models.Model):
    _name = "test.dom.country"
    _module = "test_orm"
    _order = "id"

    name = fields.Char()
    code = fields.Char()


class DomTag(models.Model):
    _name = "test.dom.tag"
    _module = "test_orm"
    _order = "id"

    name = fields.Char()
    color = fields.Integer()


class DomCategory(models.Model):
    _name = "test.dom.category"
    _module = "test_orm"
    _parent_store = True
    _order = "id"

    name = fields.Char()
    parent_id = fields.Many2one("test.dom.category")
    child_ids = fields.One2many("test.dom.category", "parent_id")


class DomPartner(models.Model):
    _name = "test.dom.partner"
    _module = "test_orm"
    _order = "id"

    name = fields.Char()
    email = fields.Char()
    notes = fields.Text()
    active = fields.Boolean(default=True)
    is_company = fields.Boolean()
    age = fields.Integer()
    score = fields.Float()
    kind = fields.Selection([("person", "Person"), ("company", "Company")])
    birthday = fields.Date()
    country_id = fields.Many2one("test.dom.country")
    category_id = fields.Many2one("test.dom.category")
    parent_id = fields.Many2one("test.dom.partner")
    child_ids = fields.One2many("test.dom.partner", "parent_id")
    tag_ids = fields.Many2many("test.dom.tag")
    order_ids = fields.One2many("test.dom.order", "partner_id")


class DomOrder(models.Model):
    _name = "test.dom.order"
    _module = "test_orm"
    _order = "id"

    name = fields.Char()
    partner_id = fields.Many2one("test.dom.partner", required=True)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")])
    amount = fields.Float()
    line_ids = fields.One2many("test.dom.order.line", "order_id")


class DomOrderLine(models.Model):
    _name = "test.dom.order.line"
    _module = "test_orm"
    _order = "id"

    order_id = fields.Many2one("test.dom.order", required=True)
    product = fields.Char()
    quantity = fields.Integer()


class TagWithPartners(models.Model):
    """The other side of test.partner.tag_ids, with a count computed from it."""

    _inherit = "test.tag"
    _module = "test_orm"

    partner_ids = fields.Many2many("test.partner", "test_partner_test_tag_rel", "test_tag_id",
                                   "test_partner_id")
    partner_count = fields.Integer(compute="_compute_partner_count", store=True)

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        for tag in self:
            tag.partner_count = len(tag.partner_ids)
