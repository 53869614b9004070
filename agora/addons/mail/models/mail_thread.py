"""The ``mail.thread`` mixin: a chatter on any model.

Inherit it (``_inherit = ["my.model", "mail.thread"]``) to get messages, followers and
field tracking. Context keys, as in Odoo:

- ``tracking_disable``: no tracking, no "created" message, no auto-subscription (bulk
  imports, benchmarks);
- ``mail_create_nolog``: no "created" message;
- ``mail_create_nosubscribe``: the creator does not follow the new records;
- ``mail_notrack``: no tracking messages on write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from email.utils import formataddr
from typing import Any

from markupsafe import Markup, escape

from agora import api, fields, models
from agora.addons.mail import tracking
from agora.addons.mail.cache_utils import CHATTER_FIELDS, forget_cached
from agora.orm.exceptions import MissingError, UserError


def _plain_to_html(text: str) -> str:
    """Text given as a message body is shown as typed, not interpreted as HTML."""
    return str(escape(text)).replace("\n", Markup("<br/>"))


def _ids_of(values: Iterable[Any] | None) -> list[int]:
    """Ids from a recordset, a list of ids or ``None``."""
    if not values:
        return []
    if hasattr(values, "_ids"):
        return list(values._ids)
    return [int(value) for value in values]


class MailThread(models.AbstractModel):
    _name = "mail.thread"
    _description = "Email Thread"

    message_ids = fields.One2many("mail.message", string="Messages",
                                  compute="_compute_message_ids", search="_search_message_ids")
    message_follower_ids = fields.One2many("mail.followers", string="Followers",
                                           compute="_compute_message_followers",
                                           search="_search_message_follower_ids")
    message_partner_ids = fields.Many2many("res.partner", string="Followers (Partners)",
                                           compute="_compute_message_followers",
                                           search="_search_message_partner_ids")
    message_is_follower = fields.Boolean(string="Is Follower",
                                         compute="_compute_message_is_follower",
                                         search="_search_message_is_follower")

    # -- computed chatter fields ---------------------------------------------------------
    def _saved_ids(self) -> list[int]:
        return [record_id for record_id in self._ids if isinstance(record_id, int)]

    def _compute_message_ids(self) -> None:
        messages = self.env["mail.message"].sudo().search(
            [("model", "=", self._name), ("res_id", "in", self._saved_ids())])
        by_record: dict[int, list[int]] = defaultdict(list)
        for message in messages:
            by_record[message.res_id].append(message.id)
        for record in self:
            record.message_ids = by_record.get(record.id, []) if record._saved_ids() else []

    def _followers_by_record(self) -> dict[int, list[Any]]:
        followers = self.env["mail.followers"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self._saved_ids())])
        by_record: dict[int, list[Any]] = defaultdict(list)
        for follower in followers:
            by_record[follower.res_id].append(follower)
        return by_record

    def _compute_message_followers(self) -> None:
        by_record = self._followers_by_record()
        for record in self:
            followers = by_record.get(record.id, []) if record._saved_ids() else []
            record.message_follower_ids = [follower.id for follower in followers]
            record.message_partner_ids = [follower.partner_id.id for follower in followers]

    def _compute_message_is_follower(self) -> None:
        partner = self.env.user.partner_id
        followed = set(self.env["mail.followers"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self._saved_ids()),
             ("partner_id", "=", partner.id)]).mapped("res_id"))
        for record in self:
            record.message_is_follower = record.id in followed

    def _followed_ids_domain(self, follower_domain: list[Any], negate: bool) -> list[Any]:
        res_ids = self.env["mail.followers"].sudo().search(
            [("res_model", "=", self._name), *follower_domain]).mapped("res_id")
        return [("id", "not in" if negate else "in", sorted(set(res_ids)))]

    def _search_message_ids(self, operator: str, value: Any) -> list[Any]:
        negate = operator in ("not in", "!=")
        positive = {"not in": "in", "!=": "="}.get(operator, operator)
        res_ids = self.env["mail.message"].sudo().search(
            [("model", "=", self._name), ("id", positive, value)]).mapped("res_id")
        return [("id", "not in" if negate else "in", sorted(set(res_ids)))]

    def _search_message_follower_ids(self, operator: str, value: Any) -> list[Any]:
        negate = operator in ("not in", "!=")
        positive = {"not in": "in", "!=": "="}.get(operator, operator)
        return self._followed_ids_domain([("id", positive, value)], negate)

    def _search_message_partner_ids(self, operator: str, value: Any) -> list[Any]:
        negate = operator in ("not in", "!=")
        positive = {"not in": "in", "!=": "="}.get(operator, operator)
        return self._followed_ids_domain([("partner_id", positive, value)], negate)

    def _search_message_is_follower(self, operator: str, value: Any) -> list[Any]:
        if operator not in ("=", "!="):
            raise UserError(f"{self._name}.message_is_follower: operator {operator!r} is not "
                            "supported (use = or !=)")
        wanted = bool(value) == (operator == "=")
        return self._followed_ids_domain(
            [("partner_id", "=", self.env.user.partner_id.id)], negate=not wanted)

    # -- create / write / unlink ---------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        records = super().create(vals_list)
        context = self.env.context
        if context.get("tracking_disable") or not records:
            return records
        author = self._mail_author()
        if author and not context.get("mail_create_nosubscribe"):
            records._message_subscribe_new(author.ids)
        if not context.get("mail_create_nolog"):
            records._message_log_batch(
                _plain_to_html(f"{self._description} created"), author_id=author.id)
        forget_cached(records, CHATTER_FIELDS)
        return records

    def write(self, vals: dict[str, Any]) -> bool:
        context = self.env.context
        if context.get("tracking_disable") or context.get("mail_notrack") or not self._ids:
            return super().write(vals)
        fields_to_track = tracking.tracked_fields(self, vals)
        saved = self.browse(self._saved_ids())
        if not fields_to_track or not saved:
            return super().write(vals)
        before = tracking.snapshot(saved, fields_to_track)
        result = super().write(vals)
        saved._message_track_changes(fields_to_track, before)
        return result

    def unlink(self) -> bool:
        ids = self._saved_ids()
        if ids:
            for model in ("mail.message", "mail.followers"):
                key = "model" if model == "mail.message" else "res_model"
                self.env[model].sudo().search(
                    [(key, "=", self._name), ("res_id", "in", ids)]).unlink()
        return super().unlink()

    def _message_track_changes(self, fields_to_track: list[Any],
                               before: dict[int, dict[str, Any]]) -> Any:
        """One notification message per changed record, with its tracking values; all
        messages in one ``create``, all tracking values in another."""
        changed = tracking.changes(self, fields_to_track, before)
        if not changed:
            return self.env["mail.message"]
        record_ids = [record_id for record_id in self._ids if record_id in changed]
        messages = self.browse(record_ids)._message_log_batch("", author_id=None)
        if not messages:
            return messages
        tracking_vals = [
            {**line, "message_id": message.id}
            for record_id, message in zip(record_ids, messages, strict=True)
            for line in changed[record_id]]
        self.env["mail.tracking.value"].sudo().create(tracking_vals)
        forget_cached(self, ("message_ids",))
        return messages

    def _message_log_batch(self, body: str, author_id: int | None = None,
                           subtype_xmlid: str = "mail.mt_note",
                           message_type: str = "notification") -> Any:
        """Log the same internal notification on every record in one ``create``; no
        e-mail is sent. Returns the messages in the order of ``self``."""
        if author_id is None:
            author_id = self._mail_author().id
        # the id alone (remembered per registry): no existence check per message
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id(subtype_xmlid,
                                                                 raise_if_not_found=False)
        if not subtype_id:
            # mail's own data is not loaded yet: records created while it installs
            return self.env["mail.message"]
        names = {record.id: record.display_name for record in self}
        return self.env["mail.message"].sudo().create([{
            "model": self._name, "res_id": record_id, "record_name": names[record_id],
            "body": body, "message_type": message_type, "subtype_id": subtype_id,
            "is_internal": True, "author_id": author_id or False,
        } for record_id in self._ids])

    def _mail_author(self) -> Any:
        """The current user's partner; empty while base installs (no user yet)."""
        user = self.env["res.users"].sudo().browse(self.env.uid)
        try:
            # the environment's user is read already (its company) in most requests
            return user.partner_id
        except MissingError:
            return self.env["res.partner"]

    def _message_log(self, body: str = "", **kwargs: Any) -> Any:
        """Log an internal note without notifying anybody (one record)."""
        self.ensure_one()
        return self._message_log_batch(body, **kwargs)

    # -- followers -------------------------------------------------------------------------
    def _check_followers_change(self, partner_ids: list[int]) -> None:
        """As in Odoo: following a record (or no longer) oneself needs to read it; doing
        it for other partners needs to change (write) it."""
        if self.env.su:
            return
        own = len(set(partner_ids)) == 1 and partner_ids[0] == self.env.user.partner_id.id
        self.check_access("read" if own else "write")

    def _message_subscribe_new(self, partner_ids: list[int]) -> None:
        """Followers for records that have none of ``partner_ids`` yet (just created)."""
        self.env["mail.followers"].sudo().create([
            {"res_model": self._name, "res_id": record_id, "partner_id": partner_id}
            for record_id in self._ids for partner_id in dict.fromkeys(partner_ids)])

    def message_subscribe(self, partner_ids: Iterable[int] | None = None) -> bool:
        """Make ``partner_ids`` follow every record of ``self`` (existing followers are
        kept as they are). Needs read access on the records to follow them oneself,
        write access to make others follow them."""
        wanted = list(dict.fromkeys(_ids_of(partner_ids)))
        ids = self._saved_ids()
        if not wanted or not ids:
            return True
        self._check_followers_change(wanted)
        existing = self.env["mail.followers"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", ids),
             ("partner_id", "in", wanted)])
        have = {(follower.res_id, follower.partner_id.id) for follower in existing}
        self.env["mail.followers"].sudo().create([
            {"res_model": self._name, "res_id": record_id, "partner_id": partner_id}
            for record_id in ids for partner_id in wanted
            if (record_id, partner_id) not in have])
        forget_cached(self, CHATTER_FIELDS)
        return True

    def message_unsubscribe(self, partner_ids: Iterable[int] | None = None) -> bool:
        """Stop ``partner_ids`` following the records of ``self`` (read access for
        oneself, write access for others, as ``message_subscribe``)."""
        unwanted = _ids_of(partner_ids)
        ids = self._saved_ids()
        if not unwanted or not ids:
            return True
        self._check_followers_change(unwanted)
        self.env["mail.followers"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", ids),
             ("partner_id", "in", unwanted)]).unlink()
        forget_cached(self, CHATTER_FIELDS)
        return True

    # -- posting ---------------------------------------------------------------------------
    def message_post(self, *, body: str = "", subject: str | None = None,
                     message_type: str = "comment", subtype_xmlid: str | None = None,
                     partner_ids: Iterable[int] | None = None,
                     attachment_ids: Iterable[int] | None = None,
                     author_id: int | None = None, email_from: str | None = None,
                     body_is_html: bool = False, **kwargs: Any) -> Any:
        """Post a message on one record and return it (``mail.message``).

        ``subtype_xmlid`` defaults to ``mail.mt_note`` (internal note): only the partners
        given in ``partner_ids`` are e-mailed. A discussion (``mail.mt_comment``, or any
        subtype not marked internal) is e-mailed to the followers too. The author is
        never e-mailed. A ``str`` body is text (escaped); pass a ``markupsafe.Markup`` or
        ``body_is_html=True`` for HTML (it is sanitised either way). E-mails are queued
        (``mail.mail``) and go out after the transaction commits.
        """
        self.ensure_one()
        if not self._saved_ids():
            raise UserError(f"{self._name}: save the record before posting a message on it")
        self.check_access("read")
        if message_type not in ("comment", "notification", "email"):
            raise UserError(f"{self._name}.message_post: unknown message_type {message_type!r}")
        unknown = set(kwargs) - {"parent_id", "mail_activity_type_id", "record_name"}
        if unknown:
            raise UserError(f"{self._name}.message_post: unknown arguments {sorted(unknown)}")
        subtype = self.env.ref(subtype_xmlid or "mail.mt_note")
        if not isinstance(body, Markup) and not body_is_html:
            body = _plain_to_html(body or "")
        author = (self.env["res.partner"].browse(author_id) if author_id
                  else self._mail_author())
        recipient_ids = _ids_of(partner_ids)
        attachments = _ids_of(attachment_ids)
        if attachments:
            # a message may only carry files its author may read (the message is then
            # shown to its followers, who would see them)
            self.env["ir.attachment"].browse(attachments).check_access("read")
        values = {
            "model": self._name, "res_id": self.id, "record_name": self.display_name,
            "body": str(body), "subject": subject or False, "message_type": message_type,
            "subtype_id": subtype.id, "is_internal": bool(subtype.internal),
            "author_id": author.id or False,
            "email_from": email_from or (formataddr((author.name or "", author.email))
                                         if author.email else False),
            "partner_ids": [(6, 0, recipient_ids)], "attachment_ids": [(6, 0, attachments)],
        }
        if kwargs.get("mail_activity_type_id"):
            values["mail_activity_type_id"] = kwargs["mail_activity_type_id"]
        message = self.env["mail.message"].sudo().create(values)
        if attachments:
            self.env["ir.attachment"].sudo().browse(attachments).filtered(
                lambda attachment: not attachment.res_model).write(
                {"res_model": self._name, "res_id": self.id})
        recipients = self.env["res.partner"].sudo().browse(recipient_ids)
        if not subtype.internal:
            recipients |= self.sudo().message_partner_ids
        recipients -= author
        self._notify_by_email(message, recipients)
        forget_cached(self, ("message_ids",))
        return message

    def _notify_by_email(self, message: Any, recipients: Any) -> Any:
        """Queue one ``mail.mail`` per recipient that has an e-mail address."""
        recipients = recipients.filtered("email")
        if not recipients:
            return self.env["mail.mail"]
        subject = message.subject or message.record_name or self.display_name
        return self.env["mail.mail"].sudo().create([{
            "mail_message_id": message.id, "model": self._name, "res_id": self.id,
            "subject": subject, "body_html": message.body or "",
            "email_from": message.email_from or False,
            "email_to": formataddr((partner.name or "", partner.email)),
            "recipient_ids": [(6, 0, partner.ids)],
            "attachment_ids": [(6, 0, message.attachment_ids.ids)],
        } for partner in recipients])

    def message_post_with_template(self, template_id: int, **kwargs: Any) -> Any:
        """Render ``mail.template`` ``template_id`` on this record and post the result as
        a discussion message (e-mailed to the followers and to the template's
        ``partner_to``). Odoo 17 calls this ``message_post_with_source``."""
        self.ensure_one()
        template = self.env["mail.template"].browse(template_id).exists()
        if not template:
            raise UserError(f"{self._name}.message_post_with_template: mail.template "
                            f"{template_id!r} does not exist")
        rendered = template._render_values(self.id)
        partner_ids = [*rendered.get("partner_ids", []), *_ids_of(kwargs.pop("partner_ids", None))]
        kwargs.setdefault("subtype_xmlid", "mail.mt_comment")
        return self.message_post(body=Markup(rendered.get("body_html") or ""),
                                 subject=rendered.get("subject") or None,
                                 partner_ids=partner_ids, **kwargs)

    message_post_with_source = message_post_with_template
