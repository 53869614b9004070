from agora import fields, models


class ResCountry(models.Model):
    _name = "res.country"
    _description = "Country"
    _order = "name"
    _sql_constraints = [("code_uniq", "unique(code)", "The country code must be unique.")]

    name = fields.Char(required=True)
    code = fields.Char(size=2, required=True)
    phone_code = fields.Integer()
    currency_id = fields.Many2one("res.currency")
    state_ids = fields.One2many("res.country.state", "country_id", string="States")


class ResCountryState(models.Model):
    _name = "res.country.state"
    _description = "Country state"
    _order = "code"

    name = fields.Char(required=True)
    code = fields.Char(required=True)
    country_id = fields.Many2one("res.country", required=True, ondelete="cascade")
