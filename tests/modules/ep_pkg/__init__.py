from agora import fields, models


class EntryPointThing(models.Model):
    _name = "ep.thing"
    _description = "Defined by a pip-installed addon"

    name = fields.Char()
