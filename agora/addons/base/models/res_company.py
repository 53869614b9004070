from typing import Any

from agora import api, fields, models


class ResCompany(models.Model):
    _name = "res.company"
    _description = "Company"
    _order = "sequence, name"
    _inherits = {"res.partner": "partner_id"}
    _sql_constraints = [("name_uniq", "unique(name)", "The company name must be unique.")]

    name = fields.Char(required=True)
    partner_id = fields.Many2one("res.partner", required=True, ondelete="restrict")
    currency_id = fields.Many2one("res.currency", required=True,
                                  default=lambda self: self._default_currency())
    parent_id = fields.Many2one("res.company", string="Parent company", index=True)
    child_ids = fields.One2many("res.company", "parent_id", string="Branches")
    sequence = fields.Integer(default=10)
    user_ids = fields.Many2many("res.users", "res_company_users_rel", "cid", "user_id",
                                string="Accepted users")

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        companies = super().create(vals_list)
        # the company's partner carries its name: clients read companies as partners
        for company in companies:
            company.partner_id.write({"name": company.name, "is_company": True})
        return companies

    def write(self, vals: dict[str, Any]) -> bool:
        result = super().write(vals)
        if "name" in vals:
            self.partner_id.write({"name": vals["name"]})
        return result

    def _default_currency(self) -> int | bool:
        currency = self.env["res.currency"].search([("name", "=", "EUR")], limit=1) or \
            self.env["res.currency"].search([], limit=1)
        return currency.id
