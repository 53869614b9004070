"""Scheduled actions: call a model method at regular intervals.

The jobs are run by :func:`agora.addons.base.cron_runner.run_due_jobs`, which claims due
jobs with ``SELECT ... FOR UPDATE SKIP LOCKED`` so any number of runners (threads,
processes, machines) can share one database without running a job twice.
"""

from __future__ import annotations

import ast
import calendar
from datetime import datetime, timedelta
from typing import Any

from agora import api, fields, models
from agora.orm.environment import SUPERUSER_ID
from agora.orm.exceptions import ValidationError

INTERVAL_TYPES = [("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days"),
                  ("weeks", "Weeks"), ("months", "Months")]


def add_interval(moment: datetime, number: int, interval_type: str) -> datetime:
    """``moment`` plus ``number`` intervals (months keep the day, clamped to the month)."""
    if interval_type == "months":
        month_index = moment.month - 1 + number
        year, month = moment.year + month_index // 12, month_index % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        return moment.replace(year=year, month=month, day=day)
    if interval_type not in ("minutes", "hours", "days", "weeks"):
        raise ValueError(f"unknown interval type {interval_type!r}")
    return moment + timedelta(**{interval_type: number})


class IrCron(models.Model):
    _name = "ir.cron"
    _description = "Scheduled Action"
    _order = "priority, nextcall, id"
    _sql_constraints = [
        ("interval_positive", "CHECK (interval_number > 0)",
         "The interval of a scheduled action must be positive."),
    ]

    name = fields.Char(required=True)
    model_name = fields.Char(string="Model", required=True)
    method_name = fields.Char(string="Method", required=True)
    args = fields.Text(string="Arguments", default="[]",
                       help="A Python literal list of positional arguments, e.g. [1, 'a'].")
    interval_number = fields.Integer(default=1, required=True)
    interval_type = fields.Selection(INTERVAL_TYPES, default="days", required=True)
    nextcall = fields.Datetime(string="Next Execution", required=True,
                               default=fields.Datetime.now)
    lastcall = fields.Datetime(string="Last Execution", readonly=True)
    numbercall = fields.Integer(string="Number of Calls", default=-1,
                                help="How many more times to run; -1 for ever.")
    active = fields.Boolean(default=True)
    priority = fields.Integer(default=5, help="Lower runs first.")
    user_id = fields.Many2one("res.users", string="Scheduler User", ondelete="set null",
                              default=lambda self: self._default_user())
    failure_count = fields.Integer(default=0, readonly=True, copy=False)

    def _default_user(self) -> int | bool:
        if "res.users" not in self.env:
            return False
        return self.env["res.users"].sudo().browse(self.env.uid).exists().id

    # -- validation ----------------------------------------------------------------------
    def _parse_args(self) -> list[Any]:
        self.ensure_one()
        text = (self.args or "").strip() or "[]"
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise ValidationError(f"ir.cron {self.name!r}: arguments {text!r} are not a "
                                  "Python literal list", model=self._name, field="args") from None
        if not isinstance(value, list | tuple):
            raise ValidationError(f"ir.cron {self.name!r}: arguments must be a list, got "
                                  f"{type(value).__name__}", model=self._name, field="args")
        return list(value)

    @api.constrains("model_name", "method_name")
    def _check_method(self) -> None:
        for job in self:
            if job.model_name not in self.env:
                raise ValidationError(f"ir.cron {job.name!r}: unknown model {job.model_name!r}",
                                      model=self._name, field="model_name")
            model_class = type(self.env[job.model_name])
            name = job.method_name or ""
            member = getattr(model_class, name, None) if name.isidentifier() else None
            if (member is None or not callable(member) or name.startswith("__")
                    or name in model_class._fields or isinstance(member, type)):
                raise ValidationError(
                    f"ir.cron {job.name!r}: {job.model_name} has no method {name!r}",
                    model=self._name, field="method_name")

    @api.constrains("args")
    def _check_args(self) -> None:
        for job in self:
            job._parse_args()

    # -- running -------------------------------------------------------------------------
    def _callable(self) -> Any:
        """The bound method to call, on an empty recordset, as the job's user."""
        self.ensure_one()
        self._check_method()
        uid = self.user_id.id or SUPERUSER_ID
        model = self.env[self.model_name].with_user(uid)
        if uid != SUPERUSER_ID and "res.users" in self.env:
            model = model.with_context(**model.env["res.users"].sudo().browse(uid).context_get())
        return getattr(model, self.method_name)

    def _execute(self) -> Any:
        """Call the job's method with its arguments (in the current transaction)."""
        return self._callable()(*self._parse_args())

    def _next_schedule(self, now: datetime) -> dict[str, Any]:
        """Values after one run at ``now``: next call strictly after ``now`` (missed
        runs are not replayed), one call fewer, inactive once no call is left."""
        self.ensure_one()
        nextcall = self.nextcall or now
        while nextcall <= now:
            nextcall = add_interval(nextcall, self.interval_number, self.interval_type)
        numbercall = self.numbercall - 1 if self.numbercall > 0 else self.numbercall
        return {"nextcall": nextcall, "lastcall": now, "numbercall": numbercall,
                "active": self.active and numbercall != 0}

    def method_direct_trigger(self) -> bool:
        """Run the jobs now, in this transaction (the "Run Manually" button)."""
        for job in self:
            job._execute()
            job.write({"lastcall": fields.Datetime.now()})
        return True
