from agora import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        result = super().action_confirm()
        if self.env.context.get("crm_auto_invoice"):
            invoices = self._create_invoices()
            invoices.with_context(crm_auto_invoice=True).action_post()
        return result
