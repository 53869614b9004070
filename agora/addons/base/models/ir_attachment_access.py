"""Who may see an attachment: whoever may see the record it is attached to.

``ir.attachment`` holds the files of every model (invoice PDFs, chatter uploads), so its
own access rights cannot decide: an employee may read attachments in general, but only
those whose record (``res_model``, ``res_id``) they may read themselves, and change or
delete only those whose record they may write. Attachments of no record are their
creator's; public ones are everybody's; Settings administrators see all. Reads by id,
``read``/``web_read`` and searches (the results are filtered) all apply it.
"""

from collections import defaultdict

from agora import api, models
from agora.orm.access import probing
from agora.orm.exceptions import AccessError


class IrAttachmentAccess(models.Model):
    _inherit = "ir.attachment"

    def check_access(self, operation: str) -> None:
        super().check_access(operation)
        if self._ids and operation != "create" and not self.env.su:
            refused = set(self._ids) - self._allowed_ids(operation)
            if refused:
                raise AccessError(
                    f"ir.attachment: you may not {operation} attachments {sorted(refused)}: "
                    "they belong to records you cannot "
                    f"{'read' if operation == 'read' else 'change'}", model=self._name)

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        records = super().search_fetch(domain, field_names, offset, limit, order)
        if self.env.su or not records:
            return records
        allowed = records._allowed_ids("read")
        return records.browse([id_ for id_ in records._ids if id_ in allowed])

    @api.model
    def search(self, domain=None, offset=0, limit=None, order=None):
        records = super().search(domain, offset, limit, order)
        if self.env.su or not records:
            return records
        allowed = records._allowed_ids("read")
        return records.browse([id_ for id_ in records._ids if id_ in allowed])

    def _web_read_nodes(self, nodes):
        self.check_access("read")
        return super()._web_read_nodes(nodes)

    def _allowed_ids(self, operation: str) -> set[int]:
        """The ids of ``self`` the user may ``operation`` (a few queries per model linked,
        not per attachment)."""
        env = self.env
        if env.user.has_group("base.group_system"):
            return set(self._ids)
        rows = self.sudo().read(["res_model", "res_id", "public", "create_uid"], load=None)
        allowed: set[int] = set()
        linked: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            model, res_id = row["res_model"], row["res_id"]
            if row["public"] and operation == "read":
                allowed.add(row["id"])
            elif model and res_id and model in env:
                linked[model][res_id].append(row["id"])
            elif not model and row["create_uid"] == env.uid:
                allowed.add(row["id"])
        mode = "read" if operation == "read" else "write"
        for model, by_record in linked.items():
            records = env[model].with_context(active_test=False)
            if not records.check_access_rights(mode, raise_exception=False):
                continue
            visible = records.browse(list(by_record)).exists()
            if mode == "read":
                # the record rules of the linked model decide, in one query
                visible = records.search([("id", "in", visible.ids)])
            else:
                try:
                    visible.check_access("write")
                except AccessError:
                    visible = records.browse([r.id for r in visible
                                              if _may_write(r)])
            for res_id in visible.ids:
                allowed.update(by_record[res_id])
        return allowed


def _may_write(record) -> bool:
    try:
        with probing():  # asking, not a refused attempt: no security event
            record.check_access("write")
    except AccessError:
        return False
    return True
