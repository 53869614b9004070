"""Housekeeping run by a daily scheduled action: wizard records (transient models) older
than an hour are deleted, as their users are long done with them."""

from datetime import timedelta

from agora import api, fields, models

#: how long a wizard's record is kept
TRANSIENT_AGE = timedelta(hours=1)


class IrAutovacuum(models.AbstractModel):
    _name = "ir.autovacuum"
    _description = "Automatic vacuum of internal data"

    @api.model
    def _run_vacuum_cleaner(self) -> dict[str, int]:
        """Delete old transient records; returns how many per model."""
        limit = fields.Datetime.now() - TRANSIENT_AGE
        removed: dict[str, int] = {}
        for name, model in self.env.registry.models.items():
            if not getattr(model, "_transient", False) or not model._log_access:
                continue
            old = self.env[name].sudo().search([("create_date", "<", limit)])
            if old:
                removed[name] = len(old)
                old.unlink()
        return removed
