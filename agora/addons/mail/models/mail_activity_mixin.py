"""The ``mail.activity.mixin``: activities on a model, their summary state and
``activity_schedule``."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from agora import fields, models
from agora.addons.mail.cache_utils import ACTIVITY_FIELDS, forget_cached
from agora.addons.mail.models.mail_activity import STATES, user_today
from agora.orm.exceptions import UserError


class MailActivityMixin(models.AbstractModel):
    _name = "mail.activity.mixin"
    _description = "Activity Mixin"

    activity_ids = fields.One2many("mail.activity", string="Activities",
                                   compute="_compute_activity_fields",
                                   search="_search_activity_ids")
    activity_state = fields.Selection(STATES, string="Activity State",
                                      compute="_compute_activity_fields",
                                      search="_search_activity_state")
    activity_date_deadline = fields.Date(string="Next Activity Deadline",
                                         compute="_compute_activity_fields")
    activity_user_id = fields.Many2one("res.users", string="Responsible User",
                                       compute="_compute_activity_fields",
                                       search="_search_activity_user_id")
    activity_type_id = fields.Many2one("mail.activity.type", string="Next Activity Type",
                                       compute="_compute_activity_fields")
    activity_summary = fields.Char(string="Next Activity Summary",
                                   compute="_compute_activity_fields")

    def _compute_activity_fields(self) -> None:
        saved = [record_id for record_id in self._ids if isinstance(record_id, int)]
        activities = self.env["mail.activity"].search(
            [("res_model", "=", self._name), ("res_id", "in", saved)])
        by_record: dict[int, list[Any]] = defaultdict(list)
        for activity in activities:  # ordered by deadline
            by_record[activity.res_id].append(activity)
        for record in self:
            mine = by_record.get(record.id, []) if isinstance(record.id, int) else []
            first = mine[0] if mine else None
            states = {activity.state for activity in mine}
            record.activity_ids = [activity.id for activity in mine]
            record.activity_state = next((s for s in ("overdue", "today", "planned")
                                          if s in states), False)
            record.activity_date_deadline = first.date_deadline if first else False
            record.activity_user_id = first.user_id.id if first else False
            record.activity_type_id = first.activity_type_id.id if first else False
            record.activity_summary = first.summary if first else False

    def _records_with_activities(self, activity_domain: list[Any]) -> list[int]:
        return sorted(set(self.env["mail.activity"].sudo().search(
            [("res_model", "=", self._name), *activity_domain]).mapped("res_id")))

    def _search_activity_ids(self, operator: str, value: Any) -> list[Any]:
        return [("id", "in", self._records_with_activities([("id", operator, value)]))]

    def _search_activity_user_id(self, operator: str, value: Any) -> list[Any]:
        return [("id", "in", self._records_with_activities([("user_id", operator, value)]))]

    def _search_activity_state(self, operator: str, value: Any) -> list[Any]:
        """Records whose most urgent activity is in the given state(s): sets of record
        ids from three searches on mail.activity, no activity loaded."""
        if operator not in ("=", "in"):
            raise UserError(f"{self._name}.activity_state: operator {operator!r} is not "
                            "supported (use = or in)")
        wanted = set([value] if operator == "=" else value)
        unknown = wanted - {"overdue", "today", "planned"}
        if unknown:
            raise UserError(f"{self._name}.activity_state: unknown state(s) {sorted(unknown)}")
        overdue = set(self._records_with_activities([("state", "=", "overdue")]))
        today = set(self._records_with_activities([("state", "=", "today")])) - overdue
        planned = set(self._records_with_activities([])) - overdue - today
        found = set().union(*({"overdue": overdue, "today": today, "planned": planned}[state]
                              for state in wanted))
        return [("id", "in", sorted(found))]

    def unlink(self) -> bool:
        saved = [record_id for record_id in self._ids if isinstance(record_id, int)]
        if saved:
            self.env["mail.activity"].sudo().search(
                [("res_model", "=", self._name), ("res_id", "in", saved)]).unlink()
        return super().unlink()

    def activity_schedule(self, act_type_xmlid: str = "mail.mail_activity_data_todo",
                          date_deadline: date | str | None = None, summary: str = "",
                          note: str = "", user_id: int | None = None,
                          **act_values: Any) -> Any:
        """Schedule one activity per record (in one ``create``); returns them. The
        deadline defaults to today plus the activity type's delay."""
        if not self:
            return self.env["mail.activity"]
        activity_type = self.env.ref(act_type_xmlid, raise_if_not_found=False)
        if not activity_type or activity_type._name != "mail.activity.type":
            raise UserError(f"{self._name}.activity_schedule: {act_type_xmlid!r} is not an "
                            "activity type")
        deadline = date_deadline or activity_type._deadline_from(user_today(self.env))
        names = {record.id: record.display_name for record in self}
        forget_cached(self, ACTIVITY_FIELDS)
        return self.env["mail.activity"].create([{
            "res_model": self._name, "res_id": record_id, "res_name": names[record_id],
            "activity_type_id": activity_type.id,
            "summary": summary or activity_type.summary or False,
            "note": note or activity_type.default_note or False,
            "date_deadline": deadline, "user_id": user_id or self.env.uid,
            **act_values,
        } for record_id in self._ids])
