"""Units of measure: conversions of quantities and prices, and the one-reference rule."""

from __future__ import annotations

import pytest

from agora.addons.uom.rounding import float_round
from agora.orm.exceptions import UserError, ValidationError


def test_float_round_methods():
    assert float_round(2.675, 0.01) == 2.68  # HALF-UP on the decimal value, not the float
    assert float_round(1.001, 0.01, "UP") == 1.01
    assert float_round(1.009, 0.01, "DOWN") == 1.0
    assert float_round(-1.001, 0.01, "UP") == -1.01  # away from zero
    assert float_round(12.000000000000002, 0.01, "UP") == 12.0  # float noise is not a step
    assert float_round(7.3, 0.5, "HALF-UP") == 7.5
    with pytest.raises(ValueError, match="SIDEWAYS"):
        float_round(1.0, 0.01, "SIDEWAYS")


def test_data_units_and_factor_inv(env):
    unit, dozen = env.ref("uom.product_uom_unit"), env.ref("uom.product_uom_dozen")
    assert unit.uom_type == "reference" and unit.factor == 1.0
    assert dozen.category_id == unit.category_id
    assert dozen.factor_inv == pytest.approx(12.0)
    kg, gram, ton = (env.ref(f"uom.product_uom_{x}") for x in ("kgm", "gram", "ton"))
    assert {kg.category_id.name, gram.category_id.name, ton.category_id.name} == {"Weight"}
    assert {env.ref(x).category_id.name for x in ("uom.product_uom_hour", "uom.product_uom_day")} \
        == {"Time"}
    assert env.ref("uom.product_uom_km").category_id.name == "Length"
    assert env.ref("uom.product_uom_litre").category_id.name == "Volume"


def test_quantity_conversion_both_ways(env):
    unit, dozen = env.ref("uom.product_uom_unit"), env.ref("uom.product_uom_dozen")
    assert dozen._compute_quantity(2, unit) == 24.0
    assert unit._compute_quantity(24, dozen) == 2.0
    kg, gram, ton = (env.ref(f"uom.product_uom_{x}") for x in ("kgm", "gram", "ton"))
    assert gram._compute_quantity(1500, kg) == 1.5
    assert kg._compute_quantity(1.5, gram) == 1500.0
    assert ton._compute_quantity(2, gram) == 2_000_000.0
    assert unit._compute_quantity(0, dozen) == 0
    assert unit._compute_quantity(5, unit) == 5


def test_quantity_rounding(env):
    unit, dozen = env.ref("uom.product_uom_unit"), env.ref("uom.product_uom_dozen")
    # 5 units = 0.41666 dozen: rounded UP to the dozen's 0.01 by default
    assert unit._compute_quantity(5, dozen) == 0.42
    assert unit._compute_quantity(5, dozen, rounding_method="DOWN") == 0.41
    assert unit._compute_quantity(5, dozen, rounding_method="HALF-UP") == 0.42
    assert unit._compute_quantity(5, dozen, round=False) == pytest.approx(5 / 12)
    dozen.rounding = 1.0
    assert unit._compute_quantity(13, dozen) == 2.0  # a started dozen is a dozen needed


def test_price_conversion(env):
    unit, dozen = env.ref("uom.product_uom_unit"), env.ref("uom.product_uom_dozen")
    assert unit._compute_price(2.5, dozen) == pytest.approx(30.0)
    assert dozen._compute_price(30.0, unit) == pytest.approx(2.5)
    kg, gram = env.ref("uom.product_uom_kgm"), env.ref("uom.product_uom_gram")
    assert kg._compute_price(20.0, gram) == pytest.approx(0.02)


def test_cross_category_refused(env):
    unit, kg = env.ref("uom.product_uom_unit"), env.ref("uom.product_uom_kgm")
    with pytest.raises(UserError, match="'Units'.*'kg'"):
        unit._compute_quantity(3, kg)
    with pytest.raises(UserError, match="'kg'.*'Units'"):
        kg._compute_price(3.0, unit)
    # callers that only want a best effort can ask not to fail
    assert unit._compute_quantity(3, kg, raise_if_failure=False) == 3


def test_one_reference_per_category(env):
    category = env["uom.category"].create({"name": "Boxes"})
    with pytest.raises(ValidationError, match="'Boxes' has no reference"), env.cr.savepoint():
        env["uom.uom"].create({"name": "Pallet", "category_id": category.id,
                               "uom_type": "bigger", "factor": 0.01})
    box = env["uom.uom"].create({"name": "Box", "category_id": category.id,
                                 "uom_type": "reference", "factor": 5.0})
    assert box.factor == 1.0  # a reference unit's ratio is 1 whatever was given
    pallet = env["uom.uom"].create({"name": "Pallet", "category_id": category.id,
                                    "uom_type": "bigger", "factor_inv": 40.0})
    assert pallet.factor == pytest.approx(1 / 40)
    assert pallet._compute_quantity(2, box) == 80.0
    with pytest.raises(ValidationError, match="'Boxes' has 2 reference"), env.cr.savepoint():
        env["uom.uom"].create({"name": "Crate", "category_id": category.id,
                               "uom_type": "reference"})
    env.invalidate_all()
    with pytest.raises(ValidationError, match="'Boxes' has 2 reference"), env.cr.savepoint():
        pallet.write({"uom_type": "reference"})


def test_ratio_must_be_positive(env):
    category = env.ref("uom.product_uom_categ_unit")
    with pytest.raises(Exception, match="greater than zero"):
        env["uom.uom"].create({"name": "Nothing", "category_id": category.id,
                               "uom_type": "smaller", "factor": 0.0})
        env.flush_all()
