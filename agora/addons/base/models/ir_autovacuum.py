"""Housekeeping run by a daily scheduled action: wizard records (transient models) older
than an hour are deleted, as their users are long done with them; audit log entries
older than the retention period (``ir.config_parameter`` ``base.audit_log_retention_days``,
default 365 days, 0: keep everything) are deleted."""

from datetime import timedelta

from agora import api, fields, models

#: how long a wizard's record is kept
TRANSIENT_AGE = timedelta(hours=1)
#: ir.config_parameter: days audit entries are kept (0 or less: forever)
AUDIT_RETENTION_PARAM = "base.audit_log_retention_days"
DEFAULT_AUDIT_RETENTION_DAYS = 365


class IrAutovacuum(models.AbstractModel):
    _name = "ir.autovacuum"
    _description = "Automatic vacuum of internal data"

    @api.model
    def _run_vacuum_cleaner(self) -> dict[str, int]:
        """Delete old transient records and audit entries; returns how many per model."""
        limit = fields.Datetime.now() - TRANSIENT_AGE
        removed: dict[str, int] = {}
        for name, model in self.env.registry.models.items():
            if not getattr(model, "_transient", False) or not model._log_access:
                continue
            old = self.env[name].sudo().search([("create_date", "<", limit)])
            if old:
                removed[name] = len(old)
                old.unlink()
        days = self._audit_retention_days()
        if days > 0 and "audit.log" in self.env:
            count = self.env["audit.log"].sudo().vacuum(
                fields.Datetime.now() - timedelta(days=days))
            if count:
                removed["audit.log"] = count
        return removed

    @api.model
    def _audit_retention_days(self) -> int:
        value = self.env["ir.config_parameter"].sudo().get_param(
            AUDIT_RETENTION_PARAM, DEFAULT_AUDIT_RETENTION_DAYS)
        try:
            return int(value)
        except (TypeError, ValueError):
            return DEFAULT_AUDIT_RETENTION_DAYS
