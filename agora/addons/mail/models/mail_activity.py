"""Activities: things to do on a record by a deadline (call, meeting, to-do...).

``state`` is computed from the deadline and today's date in the user's time zone
(``overdue``, ``today``, ``planned``) and can be searched. Marking an activity done posts
a message on its record and deletes the activity.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup, escape

from agora import api, fields, models
from agora.addons.mail.cache_utils import ACTIVITY_FIELDS, forget_for_documents
from agora.orm.exceptions import UserError

STATES = [("overdue", "Overdue"), ("today", "Today"), ("planned", "Planned")]


def user_today(env: Any) -> date:
    """Today in the time zone of the context (``tz``), else UTC."""
    tz_name = env.context.get("tz") or "UTC"
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def state_of(deadline: date | None, today: date) -> str | bool:
    if not deadline:
        return False
    if deadline < today:
        return "overdue"
    return "today" if deadline == today else "planned"


class MailActivity(models.Model):
    _name = "mail.activity"
    _description = "Activity"
    _order = "date_deadline, id"
    _rec_name = "summary"

    res_model = fields.Char(string="Related Document Model", required=True, index=True)
    res_id = fields.Integer(string="Related Document ID", required=True, index=True)
    res_name = fields.Char(string="Document Name", readonly=True)
    activity_type_id = fields.Many2one("mail.activity.type", string="Activity Type",
                                       ondelete="restrict")
    icon = fields.Char(related="activity_type_id.icon")
    summary = fields.Char()
    note = fields.Html()
    date_deadline = fields.Date(string="Due Date", required=True, index=True,
                                default=fields.Date.today)
    user_id = fields.Many2one("res.users", string="Assigned to", index=True,
                              default=lambda self: self.env.uid)
    state = fields.Selection(STATES, compute="_compute_state", search="_search_state")

    @classmethod
    def _init_schema(cls, cr: Any) -> None:
        cr.execute("CREATE INDEX IF NOT EXISTS mail_activity_res_model_res_id_index "
                   "ON mail_activity (res_model, res_id)")

    @api.depends("date_deadline")
    @api.depends_context("tz")
    def _compute_state(self) -> None:
        today = user_today(self.env)
        for activity in self:
            activity.state = state_of(activity.date_deadline, today)

    def _search_state(self, operator: str, value: Any) -> list[Any]:
        today = user_today(self.env)
        by_state = {"overdue": [("date_deadline", "<", today)],
                    "today": [("date_deadline", "=", today)],
                    "planned": [("date_deadline", ">", today)]}
        if operator in ("=", "!="):
            values = [value]
        elif operator in ("in", "not in"):
            values = list(value)
        else:
            raise UserError(f"mail.activity.state: operator {operator!r} is not supported "
                            "(use =, !=, in or not in)")
        unknown = [v for v in values if v not in by_state]
        if unknown:
            raise UserError(f"mail.activity.state: unknown state(s) {unknown}; expected "
                            f"{', '.join(by_state)}")
        domain: list[Any] = ["|"] * (len(values) - 1) if values else [("id", "in", [])]
        for state in values:
            domain += by_state[state]
        if operator in ("!=", "not in"):
            return ["!", *domain]
        return domain

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        for vals in vals_list:
            model, res_id = vals.get("res_model"), vals.get("res_id")
            if model and model not in self.env:
                raise UserError(f"mail.activity: unknown model {model!r}")
            if model and res_id and not vals.get("res_name"):
                # whether the user may have an activity there is checked on the new rows
                # (mail_activity_access): the name is looked up as is, not refused here
                record = self.env[model].sudo().browse(res_id).exists()
                if not record:
                    raise UserError(f"mail.activity: no {model} record with id {res_id}")
                vals["res_name"] = record.display_name
        activities = super().create(vals_list)
        for vals in vals_list:
            if vals.get("res_model") and vals.get("res_id"):
                forget_for_documents(self.env, vals["res_model"], [vals["res_id"]],
                                     ACTIVITY_FIELDS)
        return activities

    def unlink(self) -> bool:
        documents: dict[str, set[int]] = {}
        for activity in self.sudo():  # what to forget; the access is checked by unlink
            documents.setdefault(activity.res_model, set()).add(activity.res_id)
        result = super().unlink()
        for model_name, res_ids in documents.items():
            forget_for_documents(self.env, model_name, res_ids, ACTIVITY_FIELDS)
        return result

    def action_feedback(self, feedback: str = "") -> int | bool:
        """Mark done: post "<type> done" (with the feedback) on each record, then delete
        the activities. Returns the id of the last message posted."""
        # before posting anything: the user may delete these activities (their own, or on
        # documents they may change; see mail_activity_access)
        self.check_access("unlink")
        message_id: int | bool = False
        for activity in self:
            record = self.env[activity.res_model].browse(activity.res_id).exists()
            if record and hasattr(record, "message_post"):
                title = activity.activity_type_id.name or "Activity"
                body = Markup("<p><b>{}</b> done{}</p>").format(
                    title, Markup(": ") + escape(activity.summary) if activity.summary else "")
                if feedback:
                    body += Markup("<p>{}</p>").format(feedback)
                if activity.note:
                    body += Markup("<div>{}</div>").format(Markup(activity.note))
                message = record.message_post(
                    body=body, message_type="notification", subtype_xmlid="mail.mt_activities",
                    mail_activity_type_id=activity.activity_type_id.id or False)
                message_id = message.id
        self.sudo().unlink()  # checked above
        return message_id

    def action_done(self) -> bool:
        self.action_feedback()
        return True
