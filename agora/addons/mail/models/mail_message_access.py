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

Cost: searches filter in SQL, in the search's own query (one list of the chatter models
readable without restriction, plus one condition per model that has read rules: an
EXISTS on the document's primary key); ``read``, ``web_read``, ``write`` and ``unlink``
by id check the ids in one query; nothing for the superuser.

Limits: a chatter model that restricts reads only in Python (an override of
``check_access`` or of ``search``) is not seen by the SQL filter; give it a record rule
or an ``_apply_access_rules`` override instead.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from agora import api, models
from agora.db.sql import SQL
from agora.orm import access
from agora.orm.exceptions import AccessError, MissingError
from agora.orm.query import TRUE, Query, make_alias

#: how refusals and security events name the restriction
RULE_NAME = "Messages: readable with their document (mail)"


#: id(registry) -> (the registry, id of its models, their chatter models): worked out
#: once per set of models, not at every search
_THREADS: dict[int, tuple[weakref.ref[Any], int, tuple[str, ...]]] = {}


def thread_models(registry: Any) -> tuple[str, ...]:
    """The models of ``registry`` that carry a chatter (concrete ``mail.thread``s)."""
    known = _THREADS.get(id(registry))
    if known is not None and known[0]() is registry and known[1] == id(registry.models):
        return known[2]
    base = registry.models.get("mail.thread")
    names = tuple(name for name, cls in registry.items()
                  if base is not None and not cls._abstract and issubclass(cls, base))
    for key in [key for key, entry in _THREADS.items() if entry[0]() is None]:
        del _THREADS[key]  # registries gone
    _THREADS[id(registry)] = (weakref.ref(registry), id(registry.models), names)
    return names


def readable_messages(messages: Any, alias: str) -> SQL:
    """The SQL condition that the ``mail_message`` row ``alias`` is readable by the user of
    ``messages.env`` (TRUE for the superuser and without an access policy)."""
    env = messages.env
    policy = access.active_policy(env)
    if policy is None:
        return TRUE

    def column(name: str) -> SQL:
        return SQL.identifier(alias, name)

    free: list[str] = []
    parts: list[SQL] = []
    for name in thread_models(env.registry):
        try:
            # the policy itself, not access.check_model: a filter, not a refused attempt
            policy.check_model(env, name, "read")
        except AccessError:
            continue
        document = env[name]
        sub = Query(document._table, make_alias(alias, "document"))
        document._apply_access_rules(sub, "read")
        if sub.is_empty:
            continue
        if sub.where_clause == TRUE:
            free.append(name)
            continue
        # correlated on the primary key: the chatter of one record looks up one row
        sub.add_where(SQL("%s = %s", SQL.identifier(sub.alias, "id"), column("res_id")))
        parts.append(SQL("(%s = %s AND EXISTS (%s))", column("model"), name,
                         sub.select(SQL("1"))))
    if free:
        parts.insert(0, SQL("(%s = ANY(%s) AND %s > 0)", column("model"), free,
                            column("res_id")))
    # no document: the author's and the recipients' (the user's partner, looked up in
    # the query itself rather than with a query of its own)
    recipients = messages._fields["partner_ids"]
    rcpt = make_alias(alias, "recipient")
    partner = SQL("(SELECT partner_id FROM %s WHERE id = %s)",
                  SQL.identifier(env["res.users"]._table), env.uid)
    parts.append(SQL(
        "((COALESCE(%s, '') = '' OR COALESCE(%s, 0) = 0) AND (%s = %s OR EXISTS ("
        "SELECT 1 FROM %s AS %s WHERE %s = %s AND %s = %s)))",
        column("model"), column("res_id"), column("author_id"), partner,
        SQL.identifier(recipients.relation), SQL.identifier(rcpt),
        SQL.identifier(rcpt, recipients.column1), column("id"),
        SQL.identifier(rcpt, recipients.column2), partner))
    condition = SQL("(%s)", SQL.join(" OR ", parts))
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


def check_readable(records: Any, operation: str,
                   condition: Callable[[Any, str], SQL]) -> None:
    """Raise AccessError unless the user may read every record of ``records`` (one
    query; none for the superuser), MissingError for ids that do not exist."""
    env = records.env
    ids = [id_ for id_ in dict.fromkeys(records._ids) if isinstance(id_, int)]
    if not ids or access.active_policy(env) is None:
        return
    transaction = env.transaction
    if transaction.towrite or transaction.tocompute:
        transaction.flush()  # the query must see the pending values
    query = Query(records._table)
    query.add_where(SQL("%s = ANY(%s)", SQL.identifier(query.alias, "id"), ids))
    query.add_where(condition(records, query.alias))
    env.cr.execute(query.select())
    found = {row[0] for row in env.cr.fetchall()}
    refused = [id_ for id_ in ids if id_ not in found]
    if not refused:
        return
    env.cr.execute(SQL("SELECT id FROM %s WHERE id = ANY(%s) ORDER BY id",
                       SQL.identifier(records._table), refused))
    existing = [row[0] for row in env.cr.fetchall()]
    if not existing:
        raise MissingError(f"Record does not exist or has been deleted: "
                           f"{records._name}{tuple(refused)}", model=records._name)
    shown = ", ".join(map(str, existing[:10])) + (", ..." if len(existing) > 10 else "")
    error = AccessError(
        f"You are not allowed to {access.VERBS.get(operation, operation)} "
        f"{access.describe_model(records)} records [{shown}]: they belong to documents you "
        f"cannot read ('{RULE_NAME}', operation: {operation}).", model=records._name)
    access.note_refusal(records, operation, error, "rule", existing, [RULE_NAME])
    raise error


class MailMessageAccess(models.Model):
    _inherit = "mail.message"

    def _apply_access_rules(self, query: Query, operation: str) -> None:
        super()._apply_access_rules(query, operation)
        query.add_where(readable_messages(self, query.alias))

    def check_access(self, operation: str) -> None:
        super().check_access(operation)
        if operation != "create":
            check_readable(self, operation, readable_messages)

    @api.model_create_multi
    def create(self, vals_list: list[dict[str, Any]]) -> Any:
        messages = super().create(vals_list)
        # no planting messages on documents one cannot read (another company's)
        check_readable(messages, "create", readable_messages)
        return messages

    def _web_read_nodes(self, nodes: Any) -> list[dict[str, Any]]:
        # web_read only checks rules on ids the cache does not hold: check them all
        check_readable(self, "read", readable_messages)
        return super()._web_read_nodes(nodes)


class MailTrackingValueAccess(models.Model):
    _inherit = "mail.tracking.value"

    def _apply_access_rules(self, query: Query, operation: str) -> None:
        super()._apply_access_rules(query, operation)
        query.add_where(readable_tracking_values(self, query.alias))

    def check_access(self, operation: str) -> None:
        super().check_access(operation)
        if operation != "create":
            check_readable(self, operation, readable_tracking_values)

    @api.model_create_multi
    def create(self, vals_list: list[dict[str, Any]]) -> Any:
        values = super().create(vals_list)
        check_readable(values, "create", readable_tracking_values)
        return values

    def _web_read_nodes(self, nodes: Any) -> list[dict[str, Any]]:
        check_readable(self, "read", readable_tracking_values)
        return super()._web_read_nodes(nodes)
