from agora import exceptions, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    auto_invoice_id = fields.Many2one("account.move", string="Invoice", readonly=True,
                                      copy=False, help="Posted when the opportunity was won.")

    def action_set_won(self):
        result = super().action_set_won()
        product = self.env.ref("crm_auto_invoice.product_won_opportunity")
        for lead in self.filtered(lambda opp: opp.type == "opportunity"
                                  and opp.expected_revenue > 0 and not opp.order_ids):
            values = lead._prepare_quotation_values()
            values["order_line"] = [(0, 0, {
                "product_id": product.id, "name": lead.name, "product_uom_qty": 1.0,
                "price_unit": lead.expected_revenue})]
            order = self.env["sale.order"].create(values)
            order.with_context(crm_auto_invoice=True).action_confirm()
            if not lead.auto_invoice_id:
                raise exceptions.UserError(
                    f"Opportunity {lead.name}: the order {order.name} was confirmed but not "
                    "invoiced.")
        return result
