"""Kinds of activities (to do, call, meeting...) and their default delay."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from agora import fields, models

DELAY_UNITS = [("days", "days"), ("weeks", "weeks"), ("months", "months")]


class MailActivityType(models.Model):
    _name = "mail.activity.type"
    _description = "Activity type"
    _order = "sequence, id"

    name = fields.Char(required=True)
    summary = fields.Char(string="Default Summary")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    delay_count = fields.Integer(string="Schedule", default=0,
                                 help="Default deadline: this many units after today.")
    delay_unit = fields.Selection(DELAY_UNITS, string="Delay units", required=True,
                                  default="days")
    icon = fields.Char(help="Font icon name, e.g. fa-tasks.")
    res_model = fields.Char(string="Model", help="Empty: available on every model.")
    default_note = fields.Html(string="Default Note")

    def _deadline_from(self, today: date) -> date:
        """The default deadline of an activity of this type scheduled on ``today``."""
        self.ensure_one()
        count = self.delay_count or 0
        if self.delay_unit == "weeks":
            return today + timedelta(weeks=count)
        if self.delay_unit == "months":
            month_index = today.month - 1 + count
            year, month = today.year + month_index // 12, month_index % 12 + 1
            day = min(today.day, calendar.monthrange(year, month)[1])
            return today.replace(year=year, month=month, day=day)
        return today + timedelta(days=count)
