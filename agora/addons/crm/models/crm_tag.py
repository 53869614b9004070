"""Free tags on leads (products of interest, source, ...)."""

from __future__ import annotations

from agora import fields, models


class CrmTag(models.Model):
    _name = "crm.tag"
    _description = "CRM Tag"
    _order = "name, id"
    _sql_constraints = [("name_uniq", "unique (name)", "A tag with this name already exists.")]

    name = fields.Char(string="Tag Name", required=True)
    color = fields.Integer(string="Color")
