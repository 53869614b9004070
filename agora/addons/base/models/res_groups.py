from agora import api, fields, models
from agora.orm.exceptions import ValidationError


class ResGroups(models.Model):
    _name = "res.groups"
    _description = "Access group"
    _order = "name"

    name = fields.Char(required=True)
    comment = fields.Text()
    implied_ids = fields.Many2many("res.groups", "res_groups_implied_rel", "gid", "hid",
                                   string="Inherits")
    users = fields.Many2many("res.users", "res_groups_users_rel", "gid", "uid")
    share = fields.Boolean(string="Share group")

    def _implied_closure(self) -> set[int]:
        """These groups and every group they imply, transitively."""
        result: set[int] = set()
        todo = list(self.ids)
        while todo:
            group_id = todo.pop()
            if group_id in result:
                continue
            result.add(group_id)
            todo.extend(self.browse(group_id).implied_ids.ids)
        return result

    @api.constrains("implied_ids")
    def _check_implied_cycle(self) -> None:
        for group in self:
            if group.id in group.implied_ids.browse(group.implied_ids.ids)._implied_closure():
                raise ValidationError("res.groups: a group cannot imply itself",
                                      model=self._name, field="implied_ids")
