"""An addon switching the audit trail on for models it extends (as a deployment would)."""

from agora import fields, models


class Partner(models.Model):
    _inherit = "res.partner"
    _audit = True

    #: a secret: changes are recorded, never its value
    secret_note = fields.Char(audit=False)


class Users(models.Model):
    _inherit = "res.users"
    _audit = True
