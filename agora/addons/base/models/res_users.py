"""Users: a login on top of a partner (``_inherits``), groups and allowed companies.

Password hashing and verification live in ``agora.security.passwords``."""

from __future__ import annotations

from agora import api, fields, models


class ResUsers(models.Model):
    _name = "res.users"
    _description = "User"
    _order = "login"
    _inherits = {"res.partner": "partner_id"}
    _sql_constraints = [("login_key", "unique(login)", "Two users cannot have the same login.")]

    partner_id = fields.Many2one("res.partner", required=True, ondelete="restrict")
    login = fields.Char(required=True, index=True)
    password = fields.Char(copy=False, prefetch=False, groups="base.group_system")
    active = fields.Boolean(default=True)
    share = fields.Boolean(compute="_compute_share", store=True)
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self._default_company())
    company_ids = fields.Many2many("res.company", "res_company_users_rel", "user_id", "cid",
                                   string="Allowed companies")
    groups_id = fields.Many2many("res.groups", "res_groups_users_rel", "uid", "gid",
                                 string="Groups")
    tz = fields.Char(string="Timezone")
    lang = fields.Char(default="en_US")

    def _default_company(self) -> int | bool:
        return self.env["res.company"].search([], limit=1).id

    @api.depends("groups_id")
    def _compute_share(self) -> None:
        for user in self:
            user.share = any(group.share for group in user.groups_id)

    def _group_ids(self) -> set[int]:
        """Every group of the user, implied groups included."""
        self.ensure_one()
        return self.groups_id._implied_closure()

    def has_group(self, xmlid: str) -> bool:
        group = self.env.ref(xmlid, raise_if_not_found=False)
        return bool(group) and group.id in self._group_ids()

    @api.model
    def context_get(self) -> dict:
        user = self.browse(self.env.uid) if not self else self
        return {"lang": user.lang or "en_US", "tz": user.tz or False, "uid": user.id}
