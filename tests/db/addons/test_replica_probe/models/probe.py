"""Methods that tell which server ran them: the replica tests' witnesses."""

from agora import api, models


class Partner(models.Model):
    _inherit = "res.partner"

    @api.model
    @api.readonly
    def replica_probe_server(self):
        """Where this read-only call ran: routed by the decorator, not by its name."""
        return _server(self)

    @api.model
    @api.readonly
    def replica_probe_write(self, name):
        """Marked read-only but writes: must end up on the primary, written once."""
        partner = self.create({"name": name})
        self.env.cr.flush()
        return {"id": partner.id, **_server(self)}


def _server(records):
    records.env.cr.execute(
        "SELECT pg_is_in_recovery(), current_setting('port')::int")
    in_recovery, port = records.env.cr.fetchone()
    return {"in_recovery": in_recovery, "port": port}
