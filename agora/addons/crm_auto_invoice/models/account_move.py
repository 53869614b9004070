from agora import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_post(self):
        result = super().action_post()
        if self.env.context.get("crm_auto_invoice"):
            for move in self:
                leads = move.mapped("invoice_line_ids.sale_line_ids.order_id.opportunity_id")
                leads.write({"auto_invoice_id": move.id})
        return result
