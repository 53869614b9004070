"""Who may see a message: whoever may read the document it is posted on.

A message (``model``, ``res_id``) tells what happened on its document: the notes, the
discussion and the tracked changes of another company's contact are as hidden as the
contact. For every user but the superuser:

- a message on a document is readable when the user may read that document: its model
  has a chatter (inherits ``mail.thread``), the user has read access on the model, and
  the document passes the model's read restrictions (its record rules, or its own
  ``_apply_access_rules``). Messages naming any other model are the superuser's only.
- a message on no document (no model or no id) is readable by its author and by its
  recipients (``partner_ids``) only.
- users who are not internal users (portal) never read internal notes (``is_internal``).

Writing or deleting a message by id also needs to be able to read it (on top of the
rules of ``security/mail_security.xml``: employees edit only the messages they wrote),
and a user may create a message only where they could read it (``message_post`` asks
read access on the document too). Tracking values (``mail.tracking.value``) follow their
message.

Writing ``model``, ``res_id`` (or the author, the recipients) checks the message as it
becomes like a new one: a message is not moved onto a document one cannot read either.

Cost: searches filter in SQL, in the search's own query (one list of the chatter models
readable without restriction, plus one condition per model that has read rules: an
EXISTS on the document's primary key); ``read``, ``web_read``, ``write`` and ``unlink``
by id check the ids in one query; nothing for the superuser. The checks themselves are
``mail.document.access.mixin``'s, built from :mod:`agora.addons.mail.document_access`
(see its limits).
"""

from __future__ import annotations

from typing import Any

from agora import models
from agora.addons.mail.document_access import any_of, documents, user_partner
from agora.db.sql import SQL
from agora.orm import access
from agora.orm.query import TRUE, make_alias

#: how refusals and security events name the restriction
RULE_NAME = "Messages: readable with their document (mail)"


def readable_messages(messages: Any, alias: str) -> SQL:
    """The SQL condition that the ``mail_message`` row ``alias`` is readable by the user of
    ``messages.env`` (TRUE for the superuser and without an access policy)."""
    env = messages.env
    policy = access.active_policy(env)
    if policy is None:
        return TRUE

    def column(name: str) -> SQL:
        return SQL.identifier(alias, name)

    # no document: the author's and the recipients'
    recipients = messages._fields["partner_ids"]
    rcpt = make_alias(alias, "recipient")
    partner = user_partner(env)
    no_document = SQL(
        "((COALESCE(%s, '') = '' OR COALESCE(%s, 0) = 0) AND (%s = %s OR EXISTS ("
        "SELECT 1 FROM %s AS %s WHERE %s = %s AND %s = %s)))",
        column("model"), column("res_id"), column("author_id"), partner,
        SQL.identifier(recipients.relation), SQL.identifier(rcpt),
        SQL.identifier(rcpt, recipients.column1), column("id"),
        SQL.identifier(rcpt, recipients.column2), partner)
    condition = any_of(documents(env, alias, "model", "res_id", "read"), no_document)
    if not _internal_user(env, policy):
        condition = SQL("(%s AND %s IS NOT TRUE)", condition, column("is_internal"))
    return condition


def readable_tracking_values(values: Any, alias: str) -> SQL:
    """The SQL condition that the ``mail_tracking_value`` row ``alias`` belongs to a
    message the user may read."""
    messages = values.env["mail.message"]
    if access.active_policy(values.env) is None:
        return TRUE
    message_alias = make_alias(alias, "message")
    return SQL("EXISTS (SELECT 1 FROM %s AS %s WHERE %s = %s AND %s)",
               SQL.identifier(messages._table), SQL.identifier(message_alias),
               SQL.identifier(message_alias, "id"), SQL.identifier(alias, "message_id"),
               readable_messages(messages, message_alias))


def _internal_user(env: Any, policy: Any) -> bool:
    in_groups = getattr(policy, "user_in_groups", None)  # memoised by the base policy
    if in_groups is not None:
        return bool(in_groups(env, "base.group_user"))
    return bool(env.user.has_group("base.group_user"))


class MailMessageAccess(models.Model):
    _name = "mail.message"
    _inherit = ["mail.message", "mail.document.access.mixin"]
    _document_fields = ("model", "res_id", "author_id", "partner_ids", "is_internal")
    _document_rule = RULE_NAME

    def _document_condition(self, alias: str, operation: str) -> SQL:
        # writing and deleting also need the rules of security/mail_security.xml
        return readable_messages(self, alias)


class MailTrackingValueAccess(models.Model):
    _name = "mail.tracking.value"
    _inherit = ["mail.tracking.value", "mail.document.access.mixin"]
    _document_fields = ("message_id",)
    _document_rule = RULE_NAME

    def _document_condition(self, alias: str, operation: str) -> SQL:
        return readable_tracking_values(self, alias)
