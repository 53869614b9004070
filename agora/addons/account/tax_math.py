"""Tax arithmetic, free of the ORM so that it can be reasoned about and property-tested.

A line's taxes are applied in sequence order on the same base (no tax on tax). Taxes
"included in price" are first taken out of the price: fixed amounts are subtracted, then
the price is divided by one plus the sum of the included percentages, so that the base
plus every included tax gives back exactly the price the user typed.

Rounding follows the company's choice, as in the other ERPs:
- per line: every tax amount and every base is rounded to the currency on each line;
- globally: line amounts keep their precision and only the per-tax totals of the document
  are rounded (done by the caller when it groups the tax lines).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TaxSpec:
    """What the arithmetic needs of one ``account.tax``."""

    id: int
    name: str
    amount_type: str  # "percent" or "fixed"
    amount: float
    price_include: bool
    account_id: int | None = None


@dataclass(frozen=True)
class TaxAmount:
    tax: TaxSpec
    base: float
    amount: float


@dataclass(frozen=True)
class TaxResult:
    total_excluded: float
    total_included: float
    taxes: tuple[TaxAmount, ...]


def compute_taxes(taxes: Sequence[TaxSpec], price_unit: float, quantity: float,
                  round_amount: Callable[[float], float], round_per_line: bool = True
                  ) -> TaxResult:
    """Base and tax amounts of ``quantity`` × ``price_unit`` (discount already applied).

    ``round_amount`` rounds to the document's currency; with ``round_per_line`` false the
    amounts are only rounded to 6 decimals, the document rounds the totals.
    """
    rounder = round_amount if round_per_line else _fine
    gross = price_unit * quantity
    included = [tax for tax in taxes if tax.price_include]
    fixed_included = sum(tax.amount * quantity for tax in included if tax.amount_type == "fixed")
    percent_included = sum(tax.amount for tax in included if tax.amount_type == "percent")
    if percent_included <= -100:
        raise ValueError("included taxes add up to -100% or less: no base price exists")
    base = rounder((gross - fixed_included) / (1 + percent_included / 100.0))
    amounts: list[TaxAmount] = []
    for tax in taxes:
        if tax.amount_type == "fixed":
            amount = rounder(tax.amount * quantity)
        else:
            amount = rounder(base * tax.amount / 100.0)
        amounts.append(TaxAmount(tax, base, amount))
    if included:
        # The included amounts must give back the typed price exactly: the last included
        # tax absorbs the rounding difference.
        typed = rounder(gross)
        difference = typed - base - sum(a.amount for a in amounts if a.tax.price_include)
        if difference:
            last = max(i for i, a in enumerate(amounts) if a.tax.price_include)
            fixed = amounts[last]
            amounts[last] = TaxAmount(fixed.tax, fixed.base, rounder(fixed.amount + difference))
    total_tax = sum(a.amount for a in amounts)
    return TaxResult(total_excluded=base, total_included=rounder(base + total_tax),
                     taxes=tuple(amounts))


def _fine(value: float) -> float:
    return round(value, 6)
