"""What the web client's chatter shows of one record, in one call: ``chatter_read``.

The chatter needs the newest messages (with their tracking values and attachments), the
followers and the activities. Asked separately that is three round trips, and the client
cannot tell from a form's fields whether the model has activities (``get_views`` describes
only the fields the arch uses), so the server answers all of it at once, reading each
part with the unity read (one query per relation level, whatever the number of messages).
"""

from __future__ import annotations

from typing import Any

from agora import api, exceptions, models

#: messages read by default, and at most, per call ("load older" asks for more)
CHATTER_MESSAGE_LIMIT = 30
CHATTER_MAX_MESSAGES = 1000

_TRACKING_COLUMNS = ("integer", "float", "char", "text", "datetime")

MESSAGE_SPEC: dict[str, Any] = {
    "body": {}, "date": {}, "subject": {}, "message_type": {}, "is_internal": {},
    "email_from": {},  # the author shown for mail from outside (no author_id)
    "author_id": {"fields": {"display_name": {}}},
    "subtype_id": {"fields": {"display_name": {}}},
    "tracking_value_ids": {"fields": {
        "field_name": {}, "field_desc": {}, "field_type": {},
        **{f"{side}_value_{column}": {} for side in ("old", "new")
           for column in _TRACKING_COLUMNS},
    }},
    # the client links each to /web/content/<id>; the bytes are never sent here
    "attachment_ids": {"fields": {"name": {}, "mimetype": {}, "file_size": {}}},
}

FOLLOWER_SPEC: dict[str, Any] = {"partner_id": {"fields": {"display_name": {}}}}

ACTIVITY_SPEC: dict[str, Any] = {
    "summary": {}, "note": {}, "date_deadline": {}, "state": {},
    "activity_type_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
}


class MailThreadWeb(models.AbstractModel):
    _inherit = "mail.thread"

    @api.readonly
    def chatter_read(self, message_limit: int = CHATTER_MESSAGE_LIMIT) -> dict[str, Any]:
        """The chatter of one saved record::

            {"messages": [newest first, MESSAGE_SPEC fields (attachment_ids: [{"id",
                          "name", "mimetype", "file_size"}])], "message_count": int,
             "followers": [{"id", "partner_id": {"id", "display_name"}}],
             "is_follower": bool, "activities": [ACTIVITY_SPEC fields] | None}

        ``activities`` is None for a model without ``mail.activity.mixin``.
        """
        if isinstance(message_limit, bool) or not isinstance(message_limit, int) \
                or not 0 < message_limit <= CHATTER_MAX_MESSAGES:
            raise exceptions.UserError(f"{self._name}.chatter_read: message_limit must be an integer "
                            f"from 1 to {CHATTER_MAX_MESSAGES}, got {message_limit!r}")
        if len(self) != 1 or not self._saved_ids():
            raise exceptions.UserError(f"{self._name}.chatter_read: expects one saved record, "
                            f"got {list(self._ids)!r}")
        self.check_access("read")
        messages = self.env["mail.message"].web_search_read(
            [("model", "=", self._name), ("res_id", "=", self.id)], MESSAGE_SPEC,
            limit=message_limit, order="date desc, id desc")
        thread_spec: dict[str, Any] = {"message_follower_ids": {"fields": FOLLOWER_SPEC},
                                       "message_is_follower": {}}
        has_activities = "activity_ids" in self._fields
        if has_activities:
            # in mail.activity's order (date_deadline, id): asking it again costs a query
            thread_spec["activity_ids"] = {"fields": ACTIVITY_SPEC}
        [thread] = self.web_read(thread_spec)
        return {
            "messages": messages["records"],
            "message_count": messages["length"],
            "followers": thread["message_follower_ids"],
            "is_follower": thread["message_is_follower"],
            "activities": thread["activity_ids"] if has_activities else None,
        }

