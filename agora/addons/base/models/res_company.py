from agora import fields, models


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

    def _default_currency(self) -> int | bool:
        currency = self.env["res.currency"].search([("name", "=", "EUR")], limit=1) or \
            self.env["res.currency"].search([], limit=1)
        return currency.id
