"""Model access rights: which groups may read, write, create or delete a model's records.

Semantics (as in Odoo): a user may perform an operation on a model when some *active*
line for the model grants it, either without group (everyone) or for one of the user's
groups (implied groups included). A model without any line is refused to everyone but
the superuser. Enforcement lives in :mod:`agora.addons.base.access_policy`."""

from __future__ import annotations

from typing import Any

from agora import api, fields, models
from agora.modules import signal


def clear_access_cache(env: Any) -> None:
    """Rights changed: forget the access policy's memo of this transaction, stop using
    the memo shared across transactions, and (once per transaction) bump the access
    signal so every process drops its shared memo when this transaction commits."""
    transaction = env.transaction
    transaction.access_cache.clear()
    if not transaction.access_dirty:
        transaction.access_dirty = True
        signal.bump_cache(env.cr, signal.ACCESS)


class AccessCacheInvalidation(models.AbstractModel):
    """Any change to these records alters someone's rights: forget the memo."""

    _name = "access.cache.invalidation"
    _description = "Access memo invalidation"

    @api.model_create_multi
    def create(self, vals_list):
        clear_access_cache(self.env)
        return super().create(vals_list)

    def write(self, vals):
        clear_access_cache(self.env)
        return super().write(vals)

    def unlink(self):
        clear_access_cache(self.env)
        return super().unlink()


class IrModelAccess(models.Model):
    _name = "ir.model.access"
    _inherit = ["access.cache.invalidation"]
    _description = "Model Access"
    _order = "model_id, group_id, name, id"

    name = fields.Char(required=True, index=True)
    active = fields.Boolean(default=True)
    model_id = fields.Many2one("ir.model", string="Model", required=True, index=True,
                               ondelete="cascade")
    group_id = fields.Many2one("res.groups", string="Group", index=True, ondelete="restrict",
                               help="Empty: the line applies to every user.")
    perm_read = fields.Boolean(string="Read Access")
    perm_write = fields.Boolean(string="Write Access")
    perm_create = fields.Boolean(string="Create Access")
    perm_unlink = fields.Boolean(string="Delete Access")


    @api.model
    def check(self, model: str, mode: str = "read", raise_exception: bool = True) -> bool:
        """Odoo's ``ir.model.access.check``: whether the current user may ``mode`` records
        of ``model`` (AccessError unless ``raise_exception`` is false)."""
        from agora.orm.access import active_policy, check_model, probing
        from agora.orm.exceptions import AccessError
        policy = active_policy(self.env)
        if policy is None:
            return True
        if raise_exception:
            if model in self.env:
                check_model(self.env[model], mode, policy)  # a refusal is a security event
            else:
                policy.check_model(self.env, model, mode)
            return True
        with probing():
            try:
                policy.check_model(self.env, model, mode)
            except AccessError:
                return False
        return True


class ResGroupsAccessCache(models.Model):
    """Membership and implication changes alter everyone's rights."""

    _name = "res.groups"
    _inherit = ["res.groups", "access.cache.invalidation"]


class ResUsersAccessCache(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        if any("groups_id" in vals for vals in
               ([vals_list] if isinstance(vals_list, dict) else vals_list)):
            clear_access_cache(self.env)
        return super().create(vals_list)

    def write(self, vals):
        # what the access policy reads of a user: groups, companies, and what record
        # rules commonly refer to (``user.partner_id``); deactivation ends everything
        if _ACCESS_USER_FIELDS.intersection(vals):
            clear_access_cache(self.env)
        return super().write(vals)


_ACCESS_USER_FIELDS = frozenset({"groups_id", "company_id", "company_ids", "partner_id",
                                 "active"})
