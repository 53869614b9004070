"""Who may see and change the followers of a record: whoever may read the record.

Who follows a record (``mail.followers``: ``res_model``, ``res_id``, ``partner_id``) is as
hidden as the record. For every user but the superuser:

- a follower is readable when the user may read its document: the model has a chatter
  (inherits ``mail.thread``), the user has read access on it and the record passes its
  read rules. Followers of any other model are the superuser's only.
- creating, changing or deleting a follower needs to read the document too and, as in
  Odoo, to be allowed to change (write) the document unless the follower is the user's
  own partner: anyone who may read a record may follow it or stop following it, making
  others follow it (or not) takes the right to change it. ``message_subscribe`` and
  ``message_unsubscribe`` ask the same.
- a follower does not move to another document: ``res_model`` and ``res_id`` are written
  by the superuser only (unsubscribe, then subscribe).

New followers are checked before they are inserted: a refused one must not run into the
unique constraint (one follower per partner and record), whose error would tell who
follows a record the user may not see.

Cost: as for messages (see ``mail.document.access.mixin``): searches filter in their own
query, checks by id take one query, creating takes one query before the INSERT; nothing
for the superuser.
"""

from __future__ import annotations

from typing import Any

from agora import models
from agora.addons.mail.document_access import (
    all_of,
    any_of,
    check_values,
    documents,
    user_partner,
)
from agora.db.sql import SQL
from agora.orm import access
from agora.orm.exceptions import AccessError

RULE_NAME = "Followers: with their document (mail)"
#: the columns of a new follower checked before the INSERT, with their types
_CHECKED = {"res_model": "varchar", "res_id": "integer", "partner_id": "integer"}


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class MailFollowersAccess(models.Model):
    _name = "mail.followers"
    _inherit = ["mail.followers", "mail.document.access.mixin"]
    _document_fields = ("partner_id",)
    _document_rule = RULE_NAME

    def _document_condition(self, alias: str, operation: str) -> SQL:
        readable = documents(self.env, alias, "res_model", "res_id", "read")
        if operation == "read":
            return readable
        own = SQL("%s = %s", SQL.identifier(alias, "partner_id"), user_partner(self.env))
        return all_of(readable, any_of(
            own, documents(self.env, alias, "res_model", "res_id", "write")))

    def _document_refusal(self, operation: str) -> str:
        if operation == "read":
            return super()._document_refusal(operation)
        return ("they are on documents you cannot read, or they are not yours (your own "
                "partner's) and you cannot change their documents")

    def _check_document_values(self, vals_list: list[dict[str, Any]]) -> bool:
        rows = [tuple(vals.get(name) for name in _CHECKED) for vals in vals_list]
        if not all(isinstance(model, str) and _is_id(res_id) and _is_id(partner)
                   for model, res_id, partner in rows):
            return False  # refused by the ORM, or checked once inserted
        check_values(self, "create", _CHECKED, rows,
                     lambda model, alias: model._document_condition(alias, "create"),
                     self._document_rule, self._document_refusal("create"))
        return True

    def write(self, vals: dict[str, Any]) -> bool:
        if isinstance(vals, dict) and {"res_model", "res_id"} & set(vals) \
                and access.active_policy(self.env) is not None:
            error = AccessError(
                f"You are not allowed to modify {access.describe_model(self)} records "
                f"{list(self._ids)[:10]}: a follower does not move to another document "
                "(unsubscribe, then subscribe instead).", model=self._name,
                field="res_model" if "res_model" in vals else "res_id")
            access.note_refusal(self, "write", error, "rule", self._ids, [RULE_NAME])
            raise error
        return super().write(vals)
