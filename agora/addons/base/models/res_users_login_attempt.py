"""Failed logins, one row each: the counters of the brute-force protection
(``agora.security.throttle``), shared by every worker because they live in the database.

Rows are written by the throttle with raw SQL after the refused request's transaction
(nobody creates or edits them through the ORM). Administrators (Settings,
``base.group_system``) see them under Settings > Technical > Login Attempts and may
delete them, which lifts a cooldown at once; nobody else may read them. The daily
auto-vacuum deletes rows older than ``base.login_attempt_retention_days`` (30).
"""

from __future__ import annotations

from typing import Any

from agora import api, fields, models
from agora.db.sql import SQL
from agora.orm.schema import missing_tables
from agora.security import throttle


class ResUsersLoginAttempt(models.Model):
    _name = "res.users.login.attempt"
    _description = "Failed Login Attempt"
    _order = "id desc"
    _rec_name = "login"

    login = fields.Char(readonly=True,
                        help="The login as typed (unknown logins are counted too).")
    ip = fields.Char(string="Client Address", readonly=True,
                     help="IPv6 clients are counted per /64 network.")
    user_id = fields.Many2one("res.users", string="User", readonly=True, ondelete="cascade",
                              help="The user of that login, when there is one.")
    source = fields.Selection([(throttle.SOURCE_LOGIN, "Login"),
                               (throttle.SOURCE_RPC, "RPC call (uid and password)"),
                               (throttle.SOURCE_IDENTITY, "Identity check (logged in)")],
                              readonly=True)
    cleared = fields.Boolean(readonly=True,
                             help="A successful login from the same address followed: the "
                                  "failure no longer counts for the login (it still does "
                                  "for the address).")

    @classmethod
    def _init_schema(cls, cr: Any) -> None:
        """The indexes every login check reads through: (login, time) and (address,
        time), so counting the failures of the window never reads older rows, however
        many an attack left (the schema sync calls this after creating the table)."""
        table = SQL.identifier(cls._table)
        names = {f"{cls._table}__{column}_date_index": column for column in ("login", "ip")}
        for name in missing_tables(cr, list(names)):  # no DDL (no lock) once they exist
            cr.execute(SQL("CREATE INDEX IF NOT EXISTS %s ON %s (%s, create_date)",
                           SQL.identifier(name), table, SQL.identifier(names[name])))


class IrAutovacuum(models.AbstractModel):
    _inherit = "ir.autovacuum"

    @api.model
    def _run_vacuum_cleaner(self) -> dict[str, int]:
        removed = super()._run_vacuum_cleaner()
        count = throttle.delete_old_attempts(self.env.cr)
        if count:
            removed[ResUsersLoginAttempt._name] = count
        return removed
