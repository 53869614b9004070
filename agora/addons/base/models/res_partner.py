"""Contacts: companies and people, with addresses."""

from __future__ import annotations

from agora import api, fields, models
from agora.orm.exceptions import ValidationError


class ResPartnerCategory(models.Model):
    _name = "res.partner.category"
    _description = "Partner tag"
    _order = "name"
    _parent_store = True

    name = fields.Char(required=True)
    color = fields.Integer()
    parent_id = fields.Many2one("res.partner.category", ondelete="cascade")
    active = fields.Boolean(default=True)


class ResPartner(models.Model):
    _name = "res.partner"
    _description = "Contact"
    _order = "complete_name, id"
    _rec_name = "complete_name"

    name = fields.Char(index=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, index=True)
    is_company = fields.Boolean(string="Is a company")
    type = fields.Selection([("contact", "Contact"), ("invoice", "Invoice address"),
                             ("delivery", "Delivery address"), ("other", "Other address")],
                            default="contact")
    parent_id = fields.Many2one("res.partner", string="Related company", index=True)
    child_ids = fields.One2many("res.partner", "parent_id", string="Contacts")
    commercial_partner_id = fields.Many2one("res.partner", compute="_compute_commercial",
                                            store=True, index=True)
    company_id = fields.Many2one("res.company", index=True)
    ref = fields.Char(string="Reference")
    email = fields.Char()
    phone = fields.Char()
    mobile = fields.Char()
    website = fields.Char()
    function = fields.Char(string="Job position")
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    state_id = fields.Many2one("res.country.state", ondelete="restrict")
    country_id = fields.Many2one("res.country", ondelete="restrict")
    category_id = fields.Many2many("res.partner.category", string="Tags")
    lang = fields.Char(default="en_US")
    tz = fields.Char(string="Timezone")
    comment = fields.Html(string="Notes")
    active = fields.Boolean(default=True)

    @api.depends("name", "parent_id.complete_name", "is_company")
    def _compute_complete_name(self) -> None:
        for partner in self:
            name = partner.name or ""
            if partner.parent_id and not partner.is_company and not partner._parent_loops():
                name = f"{partner.parent_id.complete_name}, {name}"
            partner.complete_name = name

    def _parent_loops(self) -> bool:
        """Whether the chain of parent contacts (up to a company) comes back on itself.
        Such a write is refused by ``_check_parent``, but the names are recomputed before
        the constraint runs and must not recurse forever."""
        seen = {self.id}
        parent = self.parent_id
        while parent and not parent.is_company:
            if parent.id in seen:
                return True
            seen.add(parent.id)
            parent = parent.parent_id
        return False

    @api.depends("is_company", "parent_id.commercial_partner_id")
    def _compute_commercial(self) -> None:
        for partner in self:
            if partner.is_company or not partner.parent_id or partner._parent_loops():
                partner.commercial_partner_id = partner
            else:
                partner.commercial_partner_id = partner.parent_id.commercial_partner_id

    @api.constrains("parent_id")
    def _check_parent(self) -> None:
        if self._has_cycle():
            raise ValidationError("res.partner: a contact cannot be its own parent company",
                                  model=self._name, field="parent_id")

    def _compute_display_name(self) -> None:
        display = self._fields["display_name"]
        for partner in self:
            self.env.transaction.set_computed(display, partner._ids,
                                              partner.complete_name or "")
