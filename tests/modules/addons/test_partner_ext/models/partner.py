from agora import fields, models


class Partner(models.Model):
    _inherit = "res.partner"

    loyalty_points = fields.Integer(default=10)

    def create(self, vals_list):
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        vals_list = [{"ref": "EXT", **vals} for vals in vals_list]
        return super().create(vals_list)
