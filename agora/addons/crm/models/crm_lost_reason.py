"""Why opportunities are lost (kept on the lead, reported on)."""

from __future__ import annotations

from agora import fields, models


class CrmLostReason(models.Model):
    _name = "crm.lost.reason"
    _description = "Opp. Lost Reason"
    _order = "name, id"

    name = fields.Char(string="Description", required=True)
    active = fields.Boolean(default=True)
