from agora import api, exceptions, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    order_ids = fields.One2many("sale.order", "opportunity_id", string="Orders")
    quotation_count = fields.Integer(compute="_compute_sale_data", string="Quotations")
    sale_order_count = fields.Integer(compute="_compute_sale_data", string="Orders")
    sale_amount_total = fields.Monetary(compute="_compute_sale_data", string="Orders Total",
                                        currency_field="company_currency")

    @api.depends("order_ids.state", "order_ids.amount_untaxed")
    def _compute_sale_data(self):
        for lead in self:
            orders = lead.order_ids
            lead.quotation_count = len(orders.filtered(lambda o: o.state in ("draft", "sent")))
            confirmed = orders.filtered(lambda o: o.state == "sale")
            lead.sale_order_count = len(confirmed)
            lead.sale_amount_total = sum(confirmed.mapped("amount_untaxed"))

    def _prepare_quotation_values(self) -> dict:
        """The new quotation's header from the opportunity (customer created first when
        the lead only names one)."""
        self.ensure_one()
        if not self.partner_id:
            self._handle_partner_assignment(create_missing=True)
        if not self.partner_id:
            raise exceptions.UserError(
                f"Opportunity {self.name} has no customer: set one before quoting.")
        return {"partner_id": self.partner_id.id, "opportunity_id": self.id,
                "user_id": self.user_id.id or self.env.uid,
                "team_id": self.team_id.id or False, "origin": self.name,
                "company_id": (self.company_id or self.env.company).id}

    def action_new_quotation(self):
        """The opportunity's "New Quotation" button: a draft quotation, opened."""
        order = self.env["sale.order"].create(self._prepare_quotation_values())
        return {"type": "ir.actions.act_window", "res_model": "sale.order",
                "res_id": order.id, "view_mode": "form", "views": [[False, "form"]],
                "name": "Quotation"}

    def action_view_sale_quotation(self):
        return {"type": "ir.actions.act_window", "res_model": "sale.order",
                "name": "Quotations", "view_mode": "list,form",
                "views": [[False, "list"], [False, "form"]],
                "domain": [("opportunity_id", "=", self.id)],
                "context": {"default_opportunity_id": self.id}}
