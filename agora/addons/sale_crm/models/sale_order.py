from agora import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    opportunity_id = fields.Many2one("crm.lead", string="Opportunity", index=True,
                                     domain=[("type", "=", "opportunity")])
