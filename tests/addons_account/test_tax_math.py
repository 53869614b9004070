"""The pure tax arithmetic of ``tax_math``: excluded, included, fixed, several taxes,
rounding per line or globally."""

import math

import pytest

from agora.addons.account.tax_math import TaxSpec, compute_taxes


def cents(amount: float) -> float:
    """Rounding to 0.01, half away from zero, like ``res.currency.round``."""
    rounded = math.floor(abs(amount) / 0.01 + 0.5 + 1e-9) * 0.01
    return round(math.copysign(rounded, amount), 2)


VAT = TaxSpec(1, "15%", "percent", 15.0, False, 10)
VAT_INCLUDED = TaxSpec(2, "15% incl", "percent", 15.0, True, 10)
ECO = TaxSpec(3, "eco", "fixed", 1.0, False, 11)
ECO_INCLUDED = TaxSpec(4, "eco incl", "fixed", 1.0, True, 11)
TEN = TaxSpec(5, "10%", "percent", 10.0, False, 12)


def amounts(result):
    return [tax_amount.amount for tax_amount in result.taxes]


def test_excluded_percent():
    result = compute_taxes([VAT], 100.0, 2, cents)
    assert (result.total_excluded, result.total_included) == (200.0, 230.0)
    assert amounts(result) == [30.0]
    assert result.taxes[0].base == 200.0 and result.taxes[0].tax is VAT


def test_no_taxes():
    result = compute_taxes([], 19.99, 3, cents)
    assert (result.total_excluded, result.total_included, result.taxes) == (59.97, 59.97, ())


def test_included_percent_gives_back_the_price():
    result = compute_taxes([VAT_INCLUDED], 115.0, 1, cents)
    assert (result.total_excluded, amounts(result), result.total_included) == (
        100.0, [15.0], 115.0)
    result = compute_taxes([VAT_INCLUDED], 10.0, 3, cents)
    assert (result.total_excluded, amounts(result), result.total_included) == (
        26.09, [3.91], 30.0)


def test_fixed_tax_scales_with_quantity():
    result = compute_taxes([ECO], 10.0, 3, cents)
    assert (result.total_excluded, amounts(result), result.total_included) == (30.0, [3.0], 33.0)


def test_fixed_and_percent_included_together():
    result = compute_taxes([VAT_INCLUDED, ECO_INCLUDED], 12.5, 1, cents)
    assert result.total_excluded == 10.0
    assert amounts(result) == [1.5, 1.0]
    assert result.total_included == 12.5


def test_taxes_apply_on_the_same_base_without_cascading():
    result = compute_taxes([VAT, TEN], 100.0, 1, cents)
    assert amounts(result) == [15.0, 10.0]
    assert [tax_amount.base for tax_amount in result.taxes] == [100.0, 100.0]
    assert result.total_included == 125.0


def test_excluded_tax_on_top_of_an_included_one():
    result = compute_taxes([VAT_INCLUDED, TEN], 115.0, 1, cents)
    assert result.total_excluded == 100.0
    assert amounts(result) == [15.0, 10.0]
    assert result.total_included == 125.0


def test_last_included_tax_absorbs_the_rounding_difference():
    seven = TaxSpec(6, "7%", "percent", 7.0, True)
    eight = TaxSpec(7, "8%", "percent", 8.0, True)
    # base 0.10 / 1.15 = 0.087 -> 0.09; 7% and 8% of it round to 0.01 each: 0.11 > 0.10
    result = compute_taxes([seven, eight], 0.10, 1, cents)
    assert result.total_excluded == 0.09
    assert amounts(result) == [0.01, 0.0]
    assert result.total_included == 0.10


def test_rounding_per_line_versus_globally():
    per_line = compute_taxes([VAT], 0.33, 1, cents, round_per_line=True)
    assert amounts(per_line) == [0.05]
    fine = compute_taxes([VAT], 0.33, 1, cents, round_per_line=False)
    assert amounts(fine) == [0.0495]
    assert fine.total_included == 0.3795


def test_half_cent_rounds_away_from_zero():
    assert amounts(compute_taxes([VAT], 0.1, 1, cents)) == [0.02]  # 0.015
    assert amounts(compute_taxes([VAT], 0.1, -1, cents)) == [-0.02]


def test_negative_quantity_mirrors_the_amounts():
    forward = compute_taxes([VAT, ECO], 33.33, 3, cents)
    backward = compute_taxes([VAT, ECO], 33.33, -3, cents)
    assert backward.total_excluded == -forward.total_excluded
    assert amounts(backward) == [-amount for amount in amounts(forward)]


def test_included_taxes_of_minus_100_percent_are_refused():
    minus = TaxSpec(8, "-100%", "percent", -100.0, True)
    with pytest.raises(ValueError, match="-100%"):
        compute_taxes([minus], 10.0, 1, cents)
