from agora import exceptions, fields, models


class AccountMoveReversal(models.TransientModel):
    _name = "account.move.reversal"
    _description = "Reverse a posted entry"

    move_ids = fields.Many2many("account.move", "account_move_reversal_move_rel", "wizard_id",
                                "move_id")
    date = fields.Date(string="Reversal Date", required=True, default=fields.Date.today)
    reason = fields.Char()
    refund_method = fields.Selection(
        [("refund", "Partial refund: a draft credit note to adjust"),
         ("cancel", "Full refund: the credit note is posted and matched with the invoice")],
        required=True, default="refund")

    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "account.move" and context.get("active_ids"):
            values["move_ids"] = [(6, 0, list(context["active_ids"]))]
        return values

    def reverse_moves(self):
        self.ensure_one()
        if not self.move_ids:
            raise exceptions.UserError("Choose the entries to reverse.")
        defaults = [{"date": self.date, "reversal_reason": self.reason or False,
                     "ref": f"Reversal of: {move.name}" + (f", {self.reason}" if self.reason
                                                           else "")}
                    for move in self.move_ids]
        reversals = self.move_ids._reverse_moves(defaults, cancel=self.refund_method == "cancel")
        return reversals._view_action("Reversals")


class AccountMoveReverseAction(models.Model):
    _inherit = "account.move"

    def _view_action(self, name: str, context: dict | None = None) -> dict:
        """The window action showing these entries: their form when there is one, else a
        list of them."""
        action = {"type": "ir.actions.act_window", "res_model": self._name, "name": name,
                  "context": dict(context or {})}
        if len(self) == 1:
            return {**action, "res_id": self.id, "view_mode": "form",
                    "views": [[False, "form"]]}
        return {**action, "view_mode": "list,form", "views": [[False, "list"], [False, "form"]],
                "domain": [("id", "in", self.ids)]}

    def action_reverse(self):
        return {"name": "Reverse", "type": "ir.actions.act_window",
                "res_model": "account.move.reversal", "view_mode": "form",
                "views": [[False, "form"]], "target": "new",
                "context": {"active_model": "account.move", "active_ids": self.ids}}
