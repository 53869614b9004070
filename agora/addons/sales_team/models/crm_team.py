"""Sales teams: a leader, members, and the team a salesperson works in by default."""

from __future__ import annotations

from agora import api, fields, models


class CrmTeam(models.Model):
    _name = "crm.team"
    _description = "Sales Team"
    _order = "sequence, name, id"

    name = fields.Char(string="Sales Team", required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", string="Company", index=True,
                                 default=lambda self: self.env.company.id)
    user_id = fields.Many2one("res.users", string="Team Leader")
    member_ids = fields.Many2many("res.users", "crm_team_member_rel", "team_id", "user_id",
                                  string="Salespersons")
    color = fields.Integer(string="Color Index")

    @api.model
    def _get_default_team_id(self, user_id: int | None = None) -> CrmTeam:
        """The team a user works in: one they lead or belong to (of the current
        companies), else the Sales department, else the first team."""
        uid = user_id or self.env.uid
        companies = [False, *self.env.companies.ids]
        team = self.search(["&", ("company_id", "in", companies),
                            "|", ("user_id", "=", uid), ("member_ids", "in", [uid])], limit=1)
        if not team:
            team = self.env.ref("sales_team.team_sales_department", raise_if_not_found=False)
        if not team:
            team = self.search([("company_id", "in", companies)], limit=1)
        return team or self.browse()
