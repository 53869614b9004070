"""The Convert to Opportunity dialog: which customer (new, existing or none), which
salesperson and team."""

from __future__ import annotations

from typing import Any

from agora import api, exceptions, fields, models


class CrmLead2OpportunityPartner(models.TransientModel):
    _name = "crm.lead2opportunity.partner"
    _description = "Convert Lead to Opportunity"

    name = fields.Selection([("convert", "Convert to opportunity")], string="Conversion Action",
                            required=True, default="convert")
    action = fields.Selection([("create", "Create a new customer"),
                               ("exist", "Link to an existing customer"),
                               ("nothing", "Do not link to a customer")],
                              string="Related Customer", required=True, default="create")
    lead_id = fields.Many2one("crm.lead", string="Associated Lead", required=True,
                              ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer")
    user_id = fields.Many2one("res.users", string="Salesperson")
    team_id = fields.Many2one("crm.team", string="Sales Team")

    @api.model
    def default_get(self, fields_list: list[str]) -> dict[str, Any]:
        """Filled from the lead in context (``active_id``): a customer found by its email
        or names is proposed, else a new one."""
        values = super().default_get(fields_list)
        context = self.env.context
        lead_id = values.get("lead_id") or (
            context.get("active_id") if context.get("active_model", "crm.lead") == "crm.lead"
            else False)
        if not lead_id:
            return values
        lead = self.env["crm.lead"].browse(lead_id)
        partner = lead._find_matching_partner()
        proposed = {"lead_id": lead.id, "action": "exist" if partner else "create",
                    "partner_id": partner.id or False, "user_id": lead.user_id.id or False,
                    "team_id": lead.team_id.id or False}
        return {**values, **{name: value for name, value in proposed.items()
                             if name in fields_list}}

    @api.onchange("action")
    def _onchange_action(self) -> None:
        for wizard in self:
            if wizard.action == "exist":
                wizard.partner_id = wizard.lead_id._find_matching_partner() if wizard.lead_id \
                    else wizard.partner_id
            else:
                wizard.partner_id = False

    @api.onchange("user_id")
    def _onchange_user_id(self) -> None:
        for wizard in self:
            if wizard.user_id:
                team = self.env["crm.team"]._get_default_team_id(user_id=wizard.user_id.id)
                wizard.team_id = team.id or False

    def action_apply(self) -> dict[str, Any]:
        """Convert the lead; answers the action opening the opportunity."""
        self.ensure_one()
        lead = self.lead_id
        if not lead.active:
            raise exceptions.UserError(f"crm.lead {lead.name!r} is lost: restore it before "
                                       "converting it.")
        if self.action == "exist":
            if not self.partner_id:
                raise exceptions.UserError("Choose the existing customer to link the "
                                           "opportunity to (partner_id is empty).")
            lead._handle_partner_assignment(force_partner_id=self.partner_id.id,
                                            create_missing=False)
        elif self.action == "create":
            lead._handle_partner_assignment(create_missing=True)
        lead.convert_opportunity(lead.partner_id if self.action != "nothing" else False,
                                 user_ids=self.user_id.ids, team_id=self.team_id.id or False)
        return lead.redirect_lead_opportunity_view()
