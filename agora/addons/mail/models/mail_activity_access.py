"""Who may see and handle the activities of a record: whoever may read the record.

An activity (``mail.activity``: ``res_model``, ``res_id``) tells what is planned on its
document, so it is as hidden as the document. For every user but the superuser, as in
Odoo, with reading the document always required:

- an activity is readable when the user may read its document: the model has
  activities (inherits ``mail.activity.mixin``), the user has read access on it and the
  record passes its read rules. Activities on any other model are the superuser's only.
- scheduling (creating) an activity needs to read the document and to be allowed to
  change (write) it.
- changing or deleting (marking done) an activity needs to read its document, and the
  activity to be the user's (assigned to them or created by them) or the document to
  be one the user may change.
- moving an activity to another document (writing ``res_model``, ``res_id``) checks it
  there as a new one.

Cost: as for messages (see ``mail.document.access.mixin``): searches ("My Activities",
the activities of a record) filter in their own query, checks by id take one query;
nothing for the superuser.
"""

from __future__ import annotations

from agora import models
from agora.addons.mail.document_access import all_of, any_of, documents
from agora.db.sql import SQL

RULE_NAME = "Activities: with their document (mail)"
#: the models whose records may carry activities
ACTIVITY_MIXIN = "mail.activity.mixin"


class MailActivityAccess(models.Model):
    _name = "mail.activity"
    _inherit = ["mail.activity", "mail.document.access.mixin"]
    _document_fields = ("res_model", "res_id")
    _document_rule = RULE_NAME

    def _document_condition(self, alias: str, operation: str) -> SQL:
        env = self.env

        def on_documents(operation: str) -> SQL:
            return documents(env, alias, "res_model", "res_id", operation, ACTIVITY_MIXIN)

        readable = on_documents("read")
        if operation == "read":
            return readable
        writable = on_documents("write")
        if operation == "create":
            return all_of(readable, writable)
        own = SQL("(%s = %s OR %s = %s)", SQL.identifier(alias, "user_id"), env.uid,
                  SQL.identifier(alias, "create_uid"), env.uid)
        return all_of(readable, any_of(own, writable))

    def _document_refusal(self, operation: str) -> str:
        if operation == "read":
            return super()._document_refusal(operation)
        if operation == "create":
            return "their documents are not ones you may read and change"
        return ("they are on documents you cannot read, or they are neither yours "
                "(assigned to you or created by you) nor on documents you may change")
