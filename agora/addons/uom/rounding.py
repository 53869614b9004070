"""Rounding a float to a multiple of a precision (0.01, 0.5, 1...), as units and prices need."""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

_METHODS = {"UP": ROUND_CEILING, "DOWN": ROUND_FLOOR, "HALF-UP": ROUND_HALF_UP}


def float_round(value: float, precision_rounding: float, rounding_method: str = "HALF-UP") -> float:
    """``value`` rounded to a multiple of ``precision_rounding``.

    ``UP`` and ``DOWN`` round away from / towards zero (Odoo's meaning), ``HALF-UP`` to the
    nearest multiple, halves away from zero. Decimal arithmetic avoids 2.675 -> 2.67 surprises
    that binary floats give."""
    if rounding_method not in _METHODS:
        raise ValueError(f"unknown rounding method {rounding_method!r}: use UP, DOWN or HALF-UP")
    if not precision_rounding or precision_rounding <= 0:
        return value
    if math.isnan(value) or math.isinf(value):
        return value
    # repr() keeps the shortest decimal that reads back as the same float: 0.1 -> '0.1'
    step = Decimal(repr(precision_rounding))
    number = Decimal(repr(abs(value)))
    method = _METHODS[rounding_method]
    if rounding_method == "UP":
        # a float a hair above a multiple (1e-12 noise) is not rounded one step further
        number = number - Decimal("1e-10") * step if number else number
    elif rounding_method == "DOWN":
        number = number + Decimal("1e-10") * step
    steps = (number / step).quantize(Decimal(1), rounding=method)
    result = float(steps * step)
    return -result if value < 0 else result
