"""The audit trail: data changes of the models that opt in (``_audit = True``) and
security events (logins, failures, 2FA changes, API key use, access refusals).

Rows are written by raw SQL only — :mod:`agora.orm.audit` for data changes (one
multi-row INSERT per create/unlink call and per flush of writes) and
:mod:`agora.security.audit` for security events (stored even when the transaction that
logged them rolls back). Through the ORM the trail is append-only for everyone:
``create``, ``write`` and ``unlink`` are refused, even to the superuser; only
:meth:`AuditLog.vacuum`, called as superuser, deletes old rows. Members of Settings
(``base.group_system``) may read it (``ir.model.access.csv``); nobody else may.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from agora import api, fields, models
from agora.db.sql import SQL
from agora.orm.exceptions import AccessError
from agora.security import audit

OPERATIONS = [(audit.CREATE, "Create"), (audit.WRITE, "Write"), (audit.UNLINK, "Delete"),
              (audit.SECURITY, "Security event")]


class AuditLog(models.Model):
    _name = "audit.log"
    _description = "Audit Log"
    _table = audit.TABLE
    _order = "id desc"
    _rec_name = "model"
    # the row's own time is ``create_date``; nobody ever updates a row
    _log_access = False

    create_date = fields.Datetime(string="Date", readonly=True, index=True)
    uid = fields.Integer(string="User ID", readonly=True, index=True,
                         help="The user who acted (kept even if the user is deleted).")
    model = fields.Char(readonly=True, index=True)
    res_id = fields.Integer(string="Record ID", readonly=True, index=True)
    operation = fields.Selection(OPERATIONS, readonly=True, required=True, index=True)
    old_values = fields.Json(string="Old Values", readonly=True)
    new_values = fields.Json(string="New Values", readonly=True)
    event = fields.Char(string="Security Event", readonly=True, index=True)
    login = fields.Char(readonly=True, index=True)
    ip = fields.Char(string="IP Address", readonly=True)
    details = fields.Json(readonly=True)
    # the JSON columns as indented text, for the form view
    old_values_text = fields.Text(string="Old Values (text)", compute="_compute_texts")
    new_values_text = fields.Text(string="New Values (text)", compute="_compute_texts")
    details_text = fields.Text(string="Details (text)", compute="_compute_texts")

    @api.depends("old_values", "new_values", "details")
    def _compute_texts(self) -> None:
        for entry in self:
            for name in ("old_values", "new_values", "details"):
                value = entry[name]
                entry[f"{name}_text"] = (json.dumps(value, indent=2, sort_keys=True,
                                                    ensure_ascii=False)
                                         if value is not None and value is not False else False)

    def _search(self, domain: Any, offset: int = 0, limit: int | None = None,
                order: str | None = None) -> Any:
        # rows of this transaction's changes wait for the next flush: search after it
        if self.env.transaction.audit_rows:
            self.env.flush_all()
        return super()._search(domain, offset=offset, limit=limit, order=order)

    # -- append-only -------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        raise AccessError("The audit log is written by the system only.", model=self._name)

    def write(self, vals: dict[str, Any]) -> bool:
        raise AccessError("Audit log entries cannot be modified.", model=self._name)

    def unlink(self) -> bool:
        raise AccessError("Audit log entries cannot be deleted (see audit.log.vacuum).",
                          model=self._name)

    def copy(self, default: dict[str, Any] | None = None) -> Any:
        raise AccessError("Audit log entries cannot be copied.", model=self._name)

    @api.model
    def vacuum(self, before: datetime | str) -> int:
        """Delete the entries older than ``before`` (UTC); superuser only (``sudo()``):
        for retention jobs. Returns how many were deleted."""
        if not self.env.su:
            raise AccessError("Only the superuser may vacuum the audit log.", model=self._name)
        moment = self._fields["create_date"].convert_to_cache(before, self)
        if moment is None:
            raise AccessError("audit.log.vacuum needs a date.", model=self._name)
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM %s WHERE create_date < %s",
                                SQL.identifier(self._table), moment))
        count = self.env.cr.rowcount
        self.env.transaction.invalidate()
        return count


# -- audited out of the box: who may do what ---------------------------------------------------
# Changes to users (groups, companies, activation, password — masked), groups, access
# lines and record rules are written rarely and matter in any security review.
class ResUsersAudit(models.Model):
    _inherit = "res.users"
    _audit = True


class ResGroupsAudit(models.Model):
    _inherit = "res.groups"
    _audit = True


class IrModelAccessAudit(models.Model):
    _inherit = "ir.model.access"
    _audit = True


class IrRuleAudit(models.Model):
    _inherit = "ir.rule"
    _audit = True
