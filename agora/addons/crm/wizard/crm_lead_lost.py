"""The Lost dialog: a reason (and a note) for the opportunities marked lost."""

from __future__ import annotations

from typing import Any

from agora import api, exceptions, fields, models


class CrmLeadLost(models.TransientModel):
    _name = "crm.lead.lost"
    _description = "Get Lost Reason"

    lead_ids = fields.Many2many("crm.lead", "crm_lead_lost_lead_rel", "wizard_id", "lead_id",
                                string="Leads")
    lost_reason_id = fields.Many2one("crm.lost.reason", string="Lost Reason")
    lost_feedback = fields.Text(string="Closing Note")

    @api.model
    def default_get(self, fields_list: list[str]) -> dict[str, Any]:
        values = super().default_get(fields_list)
        context = self.env.context
        if "lead_ids" in fields_list and not values.get("lead_ids") \
                and context.get("active_model", "crm.lead") == "crm.lead":
            ids = context.get("active_ids") or ([context["active_id"]]
                                                if context.get("active_id") else [])
            if ids:
                values["lead_ids"] = [(6, 0, list(ids))]
        return values

    def action_lost_reason_apply(self) -> dict[str, Any]:
        """Mark the leads lost with this reason; closes the dialog."""
        self.ensure_one()
        if not self.lead_ids:
            raise exceptions.UserError("crm.lead.lost: no lead to mark as lost.")
        values: dict[str, Any] = {"lost_reason_id": self.lost_reason_id.id or False}
        if self.lost_feedback:
            values["lost_feedback"] = self.lost_feedback
        self.lead_ids.action_set_lost(**values)
        return {"type": "ir.actions.act_window_close"}
