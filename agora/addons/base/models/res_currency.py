"""Currencies, their rounding and dated exchange rates."""

from __future__ import annotations

import math
from datetime import date

from agora import api, fields, models
from agora.orm.exceptions import InvalidValueError, UserError


class ResCurrency(models.Model):
    _name = "res.currency"
    _description = "Currency"
    _order = "active desc, name"
    _sql_constraints = [("name_uniq", "unique(name)", "The currency code must be unique.")]

    name = fields.Char(string="Currency", size=3, required=True)
    symbol = fields.Char(required=True)
    rounding = fields.Float(digits=(12, 6), default=0.01)
    decimal_places = fields.Integer(compute="_compute_decimal_places")
    active = fields.Boolean(default=True)
    position = fields.Selection([("after", "After amount"), ("before", "Before amount")],
                                default="after")
    rate_ids = fields.One2many("res.currency.rate", "currency_id", string="Rates")

    @api.depends("rounding")
    def _compute_decimal_places(self) -> None:
        for currency in self:
            rounding = currency.rounding
            currency.decimal_places = max(0, -math.floor(math.log10(rounding))) \
                if 0 < rounding < 1 else 0

    def round(self, amount: float) -> float:
        """``amount`` rounded to this currency's rounding (half away from zero)."""
        self.ensure_one()
        if isinstance(amount, bool) or not isinstance(amount, int | float) \
                or not math.isfinite(amount):
            raise InvalidValueError(f"res.currency: cannot round {amount!r}, expected a number",
                                    model="res.currency")
        rounding = self.rounding or 0.01
        steps = abs(amount) / rounding
        rounded = math.floor(steps + 0.5 + 1e-9) * rounding
        return round(math.copysign(rounded, amount), self.decimal_places)

    def is_zero(self, amount: float) -> bool:
        return self.round(amount) == 0

    def _get_rate(self, on: date | None = None, company=None) -> float:
        """The rate in force on ``on`` (latest before it); 1.0 when none is recorded."""
        self.ensure_one()
        domain = [("currency_id", "=", self.id), ("name", "<=", on or date.today())]
        if company:
            domain += ["|", ("company_id", "=", False), ("company_id", "=", company.id)]
        rate = self.env["res.currency.rate"].search(domain, order="name desc", limit=1)
        return rate.rate if rate else 1.0

    def _convert(self, amount: float, to_currency, company=None, on: date | None = None,
                 round: bool = True) -> float:
        self.ensure_one()
        if to_currency == self:
            result = amount
        else:
            from_rate = self._get_rate(on, company)
            if not from_rate:
                raise UserError(f"res.currency: no rate for {self.name}", model=self._name)
            result = amount * to_currency._get_rate(on, company) / from_rate
        return to_currency.round(result) if round else result


class ResCurrencyRate(models.Model):
    _name = "res.currency.rate"
    _description = "Currency rate"
    _order = "name desc"
    _sql_constraints = [("rate_positive", "CHECK (rate > 0)", "A rate must be positive.")]

    name = fields.Date(string="Date", required=True, default=fields.Date.today)
    rate = fields.Float(digits=(12, 6), default=1.0, required=True)
    currency_id = fields.Many2one("res.currency", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company")
