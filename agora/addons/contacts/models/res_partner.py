"""Contacts get a chatter (messages, followers, tracked fields) and activities."""

from __future__ import annotations

from agora import fields, models


class ResPartner(models.Model):
    # the ORM wants _name spelled out when _inherit lists several models
    _name = "res.partner"
    _inherit = ["res.partner", "mail.thread", "mail.activity.mixin"]

    # the fields whose changes matter to whoever follows a contact
    email = fields.Char(tracking=True)
    phone = fields.Char(tracking=True)
    mobile = fields.Char(tracking=True)
    function = fields.Char(tracking=True)
    parent_id = fields.Many2one(tracking=True)
    country_id = fields.Many2one(tracking=True)
    type = fields.Selection(tracking=True)
    is_company = fields.Boolean(tracking=True)
