"""Numbering sequences: ``SO/2024/00042``.

Two implementations:

- ``standard``: a real PostgreSQL SEQUENCE per record (``ir_sequence_%03d`` by id),
  created, altered and dropped with the record. Fast and never blocks, but a number
  drawn in a transaction that rolls back is lost (gaps).
- ``no_gap``: the next number lives in the ``number_next`` column; drawing one locks the
  row (``SELECT ... FOR UPDATE``) until the transaction ends, so numbers are consecutive.
  Under REPEATABLE READ a transaction that waited for the lock gets a serialization
  failure once the holder commits: run the unit of work with
  ``agora.db.transaction.run_in_transaction`` so it is replayed.

Prefix and suffix may use date parts: ``%(year)s %(y)s %(month)s %(day)s %(doy)s
%(woy)s %(weekday)s %(h24)s %(min)s %(sec)s`` (from context ``ir_sequence_date``, else
now in the context's ``tz``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agora import api, fields, models
from agora.db.sql import SQL
from agora.orm.exceptions import UserError, ValidationError

#: interpolation key -> strftime format
DATE_PARTS = {
    "year": "%Y", "y": "%y", "month": "%m", "day": "%d", "doy": "%j", "woy": "%W",
    "weekday": "%w", "h24": "%H", "min": "%M", "sec": "%S",
}
_PLACEHOLDER = re.compile(r"%\((?P<key>[^)]*)\)s|%%|%")


def check_pattern(text: str | None) -> None:
    """Raise UserError unless ``text`` only uses the known ``%(key)s`` date parts."""
    for match in _PLACEHOLDER.finditer(text or ""):
        token = match.group(0)
        if token == "%%":
            continue
        key = match.group("key")
        if key is None:
            raise UserError(
                f"ir.sequence: invalid '%' in {text!r}: use %(key)s with a key among "
                f"{', '.join(DATE_PARTS)} (or %% for a literal %)", model="ir.sequence")
        if key not in DATE_PARTS:
            raise UserError(
                f"ir.sequence: unknown key {key!r} in {text!r}; allowed: "
                f"{', '.join(DATE_PARTS)}", model="ir.sequence")


def interpolate(text: str | None, parts: dict[str, str]) -> str:
    check_pattern(text)

    def replace(match: re.Match[str]) -> str:
        return "%" if match.group(0) == "%%" else parts[match.group("key")]
    return _PLACEHOLDER.sub(replace, text or "")


class IrSequence(models.Model):
    _name = "ir.sequence"
    _description = "Sequence"
    _order = "name"
    _sql_constraints = [
        ("increment_nonzero", "CHECK (number_increment <> 0)",
         "The increment of a sequence cannot be zero."),
        ("padding_positive", "CHECK (padding >= 0)", "The padding cannot be negative."),
    ]

    name = fields.Char(required=True)
    code = fields.Char(string="Sequence Code", index=True)
    implementation = fields.Selection(
        [("standard", "Standard"), ("no_gap", "No gap")], required=True, default="standard",
        help="Standard: fast, may leave gaps when a transaction rolls back. No gap: "
             "consecutive numbers, drawing one locks the sequence until commit.")
    active = fields.Boolean(default=True)
    prefix = fields.Char()
    suffix = fields.Char()
    number_next = fields.Integer(string="Next Number", required=True, default=1)
    number_next_actual = fields.Integer(
        string="Actual Next Number", compute="_compute_number_next_actual",
        inverse="_inverse_number_next_actual")
    number_increment = fields.Integer(string="Step", required=True, default=1)
    padding = fields.Integer(string="Sequence Size", required=True, default=0)
    company_id = fields.Many2one("res.company", string="Company", index=True)

    # -- PostgreSQL sequences ----------------------------------------------------------
    def _pg_name(self) -> str:
        # Built only from the integer id: never from user input.
        return f"ir_sequence_{int(self.id):03d}"

    def _pg_create(self, number_next: int, increment: int) -> None:
        self.env.cr.execute(SQL(
            f"CREATE SEQUENCE IF NOT EXISTS %s INCREMENT BY {int(increment)} "
            f"MINVALUE {min(int(number_next), 1)} START WITH {int(number_next)}",
            SQL.identifier(self._pg_name())))

    def _pg_alter(self, number_next: int | None = None, increment: int | None = None) -> None:
        clauses = []
        if increment is not None:
            clauses.append(f"INCREMENT BY {int(increment)}")
        if number_next is not None:
            clauses.append(f"MINVALUE {min(int(number_next), 1)} RESTART WITH {int(number_next)}")
        if clauses:
            self.env.cr.execute(SQL(f"ALTER SEQUENCE %s {' '.join(clauses)}",
                                    SQL.identifier(self._pg_name())))

    def _pg_drop(self) -> None:
        self.env.cr.execute(SQL("DROP SEQUENCE IF EXISTS %s", SQL.identifier(self._pg_name())))

    def _pg_next_actual(self) -> int:
        """The number the PostgreSQL sequence will hand out next (without drawing it)."""
        self.env.cr.execute(SQL("SELECT last_value, is_called FROM %s",
                                SQL.identifier(self._pg_name())))
        last_value, is_called = self.env.cr.fetchone()
        return last_value + self.number_increment if is_called else last_value

    # -- CRUD ----------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # the inverse of number_next_actual reads the PostgreSQL sequence, which does not
        # exist before the record: at creation it simply is the first number
        vals_list = [_next_actual_as_next(vals) for vals in
                     ([vals_list] if isinstance(vals_list, dict) else vals_list)]
        records = super().create(vals_list)
        for record in records:
            if record.implementation == "standard":
                record._pg_create(record.number_next, record.number_increment)
        return records

    def write(self, vals: dict[str, Any]) -> bool:
        # as in create: the inverse would read a PostgreSQL sequence that may be about to
        # be created (or dropped) by this very write
        vals = _next_actual_as_next(vals)
        if not {"implementation", "number_next", "number_increment"} & set(vals):
            return super().write(vals)
        before = {record.id: record.implementation for record in self}
        actual = {record.id: record._pg_next_actual() for record in self
                  if before[record.id] == "standard"}
        result = super().write(vals)
        for record in self:
            old, new = before[record.id], record.implementation
            if old == "standard" and new == "no_gap":
                if "number_next" not in vals:
                    super(IrSequence, record).write({"number_next": actual[record.id]})
                record._pg_drop()
            elif old != "standard" and new == "standard":
                record._pg_create(record.number_next, record.number_increment)
            elif new == "standard":
                record._pg_alter(
                    number_next=record.number_next if "number_next" in vals else None,
                    increment=record.number_increment if "number_increment" in vals else None)
        return result

    def unlink(self) -> bool:
        standard = self.filtered(lambda r: r.implementation == "standard")
        ids = list(standard._ids)
        result = super().unlink()
        for id_ in ids:
            self.browse(id_)._pg_drop()
        return result

    @api.depends("number_next", "implementation", "number_increment")
    def _compute_number_next_actual(self) -> None:
        for record in self:
            if record.id and record.implementation == "standard":
                record.number_next_actual = record._pg_next_actual()
            else:
                record.number_next_actual = record.number_next

    def _inverse_number_next_actual(self) -> None:
        for record in self:
            record.write({"number_next": record.number_next_actual or 1})

    @api.constrains("prefix", "suffix")
    def _check_prefix_suffix(self) -> None:
        for record in self:
            try:
                check_pattern(record.prefix)
                check_pattern(record.suffix)
            except UserError as exc:
                raise ValidationError(f"{exc.message} (sequence {record.name!r})",
                                      model=self._name, field="prefix") from None

    # -- drawing numbers -------------------------------------------------------------------
    def _date_parts(self) -> dict[str, str]:
        value = self.env.context.get("ir_sequence_date")
        if value:
            if isinstance(value, str):
                moment = datetime.fromisoformat(value.strip().replace("T", " "))
            elif isinstance(value, datetime):
                moment = value
            elif isinstance(value, date):
                moment = datetime(value.year, value.month, value.day)
            else:
                raise UserError(f"ir.sequence: invalid ir_sequence_date {value!r}",
                                model=self._name)
        else:
            try:
                zone = ZoneInfo(self.env.context.get("tz") or "UTC")
            except (ZoneInfoNotFoundError, ValueError):
                zone = ZoneInfo("UTC")
            moment = datetime.now(UTC).astimezone(zone)
        return {key: moment.strftime(fmt) for key, fmt in DATE_PARTS.items()}

    def _format(self, number: int) -> str:
        parts = self._date_parts()
        prefix = interpolate(self.prefix, parts)
        suffix = interpolate(self.suffix, parts)
        return f"{prefix}{number:0{max(self.padding, 0)}d}{suffix}"

    def _next_number(self) -> int:
        self.ensure_one()
        cr = self.env.cr
        if self.implementation == "standard":
            cr.execute(SQL("SELECT nextval(%s::regclass)", self._pg_name()))
            return cr.fetchone()[0]
        # Pending ORM writes (number_next, increment) must reach the row before we lock it.
        self.env.flush_all()
        cr.execute(SQL("SELECT number_next, number_increment FROM ir_sequence "
                       "WHERE id = %s FOR UPDATE", self.id))
        row = cr.fetchone()
        if row is None:
            raise UserError(f"ir.sequence: sequence {self.id} does not exist",
                            model=self._name)
        number, increment = row
        cr.execute(SQL("UPDATE ir_sequence SET number_next = number_next + %s WHERE id = %s",
                       increment, self.id))
        for name in ("number_next", "number_next_actual"):
            self.env.cache[self._fields[name]].pop(self.id, None)
        return number

    def next_by_id(self) -> str:
        """Draw the next number of this sequence, formatted with prefix/suffix/padding."""
        self.ensure_one()
        # Validate before drawing, so a bad pattern does not consume a number.
        check_pattern(self.prefix)
        check_pattern(self.suffix)
        return self._format(self._next_number())

    def _current_company_id(self) -> int | bool:
        context = self.env.context
        if context.get("force_company"):
            return context["force_company"]
        allowed = context.get("allowed_company_ids")
        if allowed:
            return allowed[0]
        if "res.users" in self.env:
            # the environment's user exists (sessions and uid checks saw to it); reading
            # its company is the one query this costs
            return self.env["res.users"].sudo().browse(self.env.uid).company_id.id or False
        return False

    @api.model
    def next_by_code(self, sequence_code: str, sequence_date: Any = None) -> str | bool:
        """Next number of the sequence with ``sequence_code`` for the current company
        (a company-specific sequence wins over a generic one); False when there is none."""
        company_id = self._current_company_id()
        domain = [("code", "=", sequence_code)]
        domain.append(("company_id", "in", [company_id, False]) if company_id
                      else ("company_id", "=", False))
        # the sequences' columns come with the search: drawing a number is then one
        # more statement
        sequences = self.sudo().search_fetch(
            domain, [f.name for f in self._prefetch_fields])
        if not sequences:
            return False
        sequence = sequences.sorted(lambda s: (not s.company_id, s.id))[:1]
        if sequence_date:
            sequence = sequence.with_context(ir_sequence_date=sequence_date)
        return sequence.next_by_id()

    @api.model
    def get(self, code: str) -> str | bool:
        """Odoo's old name for ``next_by_code``."""
        return self.next_by_code(code)


def _next_actual_as_next(vals: dict[str, Any]) -> dict[str, Any]:
    if "number_next_actual" not in vals:
        return vals
    vals = dict(vals)
    vals["number_next"] = vals.pop("number_next_actual") or 1
    return vals
