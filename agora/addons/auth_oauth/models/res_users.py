"""Users linked to an OpenID Connect account: the provider and its subject (``sub``).

Users cannot write their own user record; linking goes through the flow (which proves
they own the account at the provider) and writes as superuser. Unlinking is
:meth:`oauth_unlink`, allowed on one's own user or with write access on users.
"""

from __future__ import annotations

from typing import Any

from agora import api, fields, models
from agora.db.sql import SQL
from agora.orm.exceptions import UserError, ValidationError
from agora.security import audit

#: audit_log events (security)
OAUTH_LINKED = "oauth_linked"
OAUTH_UNLINKED = "oauth_unlinked"


class ResUsers(models.Model):
    _inherit = "res.users"
    _sql_constraints = [
        ("uniq_users_oauth_provider_oauth_uid", "unique(oauth_provider_id, oauth_uid)",
         "This account of the provider is already linked to another user."),
    ]

    oauth_provider_id = fields.Many2one("auth.oauth.provider", string="OAuth Provider",
                                        ondelete="set null", copy=False)
    oauth_uid = fields.Char(string="OAuth User ID", copy=False, index=True,
                            help="The user's subject (sub) at the provider.")

    @api.constrains("oauth_provider_id", "oauth_uid")
    def _check_oauth_link(self) -> None:
        for user in self:
            if bool(user.oauth_provider_id) != bool(user.oauth_uid):
                raise ValidationError(
                    f"res.users {user.login!r}: an OAuth link needs both the provider and "
                    "the user id at the provider", model=self._name,
                    field="oauth_uid" if user.oauth_provider_id else "oauth_provider_id")

    @api.model
    def _oauth_user_of(self, provider_id: int, sub: str) -> Any:
        """The user (active or not) linked to ``sub`` at the provider, or an empty set."""
        return self.sudo().with_context(active_test=False).search(
            [("oauth_provider_id", "=", provider_id), ("oauth_uid", "=", sub)], limit=1)

    def _oauth_link(self, provider_id: int, sub: str, *, how: str) -> None:
        """Link this user to ``sub`` at the provider (as superuser; the caller proved the
        account is theirs). UserError when another user holds that account."""
        self.ensure_one()
        owner = self._oauth_user_of(provider_id, sub)
        if owner and owner.id != self.id:
            raise UserError("This account of the provider is already linked to another "
                            "user.")
        if owner:
            return  # linked already
        self.sudo().write({"oauth_provider_id": provider_id, "oauth_uid": sub})
        self.env.flush_all()  # the unique constraint speaks now, not at commit
        audit.log_security_event(self.env.cr, OAUTH_LINKED, uid=self.id, login=self.login,
                                 details={"provider_id": provider_id, "by": how})

    def oauth_unlink(self) -> bool:
        """Remove the OpenID Connect link of these users: one's own, or anyone's with
        write access on users. A user without a password keeps their link (unlinking
        would lock them out): set a password first."""
        for user in self:
            if user.id != self.env.uid:
                self.check_access("write")
        users = self.sudo().filtered("oauth_provider_id")
        if not users:
            return True
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT id FROM res_users WHERE id = ANY(%s)"
                                " AND (password IS NULL OR password = '')", list(users.ids)))
        no_password = {row[0] for row in self.env.cr.fetchall()}
        if self.env.uid in no_password:
            raise UserError("You have no password: set one before unlinking your account, "
                            "or you could not log in any more.")
        for user in users:
            audit.log_security_event(self.env.cr, OAUTH_UNLINKED, uid=user.id,
                                     login=user.login,
                                     details={"provider_id": user.oauth_provider_id.id,
                                              "by": self.env.uid})
        users.write({"oauth_provider_id": False, "oauth_uid": False})
        return True

    @api.model
    def _oauth_users_by_email(self, email: str) -> Any:
        """Active users whose login or email is ``email``, case ignored (an exact
        comparison: ``=ilike`` would read ``_`` and ``%`` in an address as wildcards)."""
        if not isinstance(email, str) or "@" not in email:
            return self.browse()
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "SELECT u.id FROM res_users u JOIN res_partner p ON p.id = u.partner_id"
            " WHERE u.active AND (lower(u.login) = lower(%s) OR lower(p.email) = lower(%s))",
            email, email))
        return self.browse([row[0] for row in self.env.cr.fetchall()])
