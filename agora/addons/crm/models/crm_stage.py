"""Pipeline stages: the columns of the pipeline, one of them (or more) meaning "won"."""

from __future__ import annotations

from agora import fields, models


class CrmStage(models.Model):
    _name = "crm.stage"
    _description = "CRM Stages"
    _order = "sequence, name, id"

    name = fields.Char(string="Stage Name", required=True)
    sequence = fields.Integer(default=1)
    is_won = fields.Boolean(string="Is Won Stage?")
    fold = fields.Boolean(string="Folded in Pipeline",
                          help="Shown folded in the pipeline when it holds no record.")
    team_id = fields.Many2one("crm.team", string="Sales Team", ondelete="set null",
                              help="Only this team's pipeline shows the stage; empty: every team's.")
    requirements = fields.Text(help="What a salesperson must have done to reach this stage.")
