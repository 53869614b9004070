from agora import fields, models


class ResLang(models.Model):
    _name = "res.lang"
    _description = "Language"
    _order = "active desc, name"
    _sql_constraints = [("code_uniq", "unique(code)", "The language code must be unique.")]

    name = fields.Char(required=True)
    code = fields.Char(required=True, string="Locale code")
    iso_code = fields.Char()
    active = fields.Boolean()
    direction = fields.Selection([("ltr", "Left-to-right"), ("rtl", "Right-to-left")],
                                 default="ltr", required=True)
    date_format = fields.Char(default="%m/%d/%Y", required=True)
    time_format = fields.Char(default="%H:%M:%S", required=True)
    decimal_point = fields.Char(default=".", required=True)
    thousands_sep = fields.Char(default=",")
