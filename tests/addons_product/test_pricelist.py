"""Pricelists: which rule wins, how it prices, units, dates, and batched pricing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from agora.orm.exceptions import UserError, ValidationError
from agora.testing.queries import assert_queries


@pytest.fixture
def setup(env):
    """A category tree All / Shop / Chairs, a chair (list 100, cost 60) and a pricelist."""
    all_categ = env.ref("product.product_category_all")
    shop = env["product.category"].create({"name": "Shop", "parent_id": all_categ.id})
    chairs = env["product.category"].create({"name": "Chairs", "parent_id": shop.id})
    chair = env["product.product"].create({"name": "Chair", "default_code": "CH",
                                           "categ_id": chairs.id, "list_price": 100.0,
                                           "standard_price": 60.0})
    other = env["product.product"].create({"name": "Lamp", "categ_id": all_categ.id,
                                           "list_price": 40.0})
    pricelist = env["product.pricelist"].create({"name": "Test"})
    return env, pricelist, chair, other, shop, chairs


def _rule(pricelist, **vals):
    return pricelist.env["product.pricelist.item"].create({"pricelist_id": pricelist.id, **vals})


def test_no_rule_gives_sales_price(setup):
    _env, pricelist, chair, _other, _shop, _chairs = setup
    assert pricelist._get_product_price(chair, 1) == 100.0
    assert pricelist._get_product_rule(chair, 1) is False


def test_precedence_variant_template_category_global(setup):
    _env, pricelist, chair, other, shop, chairs = setup
    global_rule = _rule(pricelist, applied_on="3_global", compute_price="fixed", fixed_price=90)
    assert pricelist._get_product_price(chair, 1) == 90
    _rule(pricelist, applied_on="2_product_category", categ_id=shop.id, fixed_price=85)
    assert pricelist._get_product_price(chair, 1) == 85  # parent category applies
    _rule(pricelist, applied_on="2_product_category", categ_id=chairs.id, fixed_price=80)
    assert pricelist._get_product_price(chair, 1) == 80  # nearer category wins
    _rule(pricelist, applied_on="1_product", product_tmpl_id=chair.product_tmpl_id.id,
          fixed_price=75)
    assert pricelist._get_product_price(chair, 1) == 75
    variant_rule = _rule(pricelist, applied_on="0_product_variant", product_id=chair.id,
                         fixed_price=70)
    assert pricelist._get_product_price(chair, 1) == 70
    assert pricelist._get_product_rule(chair, 1) == variant_rule.id
    # the lamp is in none of those categories: only the global rule applies
    assert pricelist._get_product_price(other, 1) == 90
    assert pricelist._get_product_rule(other, 1) == global_rule.id
    # a template is priced like its variant
    assert pricelist._get_product_price(chair.product_tmpl_id, 1) == 70


def test_applied_on_inferred_and_target_required(setup):
    env, pricelist, chair, _other, _shop, chairs = setup
    rule = _rule(pricelist, product_tmpl_id=chair.product_tmpl_id.id, fixed_price=1)
    assert rule.applied_on == "1_product"
    with pytest.raises(ValidationError, match="no categ_id"), env.cr.savepoint():
        _rule(pricelist, applied_on="2_product_category", fixed_price=1)
    # a rule keeps only the target it applies on
    rule.write({"applied_on": "2_product_category", "categ_id": chairs.id})
    assert not rule.product_tmpl_id and rule.categ_id == chairs


def test_min_quantity(setup):
    _env, pricelist, chair, _other, _shop, _chairs = setup
    _rule(pricelist, applied_on="0_product_variant", product_id=chair.id, fixed_price=95)
    _rule(pricelist, applied_on="0_product_variant", product_id=chair.id, fixed_price=90,
          min_quantity=10)
    _rule(pricelist, applied_on="0_product_variant", product_id=chair.id, fixed_price=80,
          min_quantity=50)
    assert pricelist._get_product_price(chair, 1) == 95
    assert pricelist._get_product_price(chair, 9.99) == 95
    assert pricelist._get_product_price(chair, 10) == 90
    assert pricelist._get_product_price(chair, 49) == 90
    assert pricelist._get_product_price(chair, 500) == 80
    # the minimum is in the product's unit: 1 dozen = 12 units reaches 10
    dozen = chair.env.ref("uom.product_uom_dozen")
    assert pricelist._get_product_price(chair, 1, uom=dozen) == pytest.approx(90 * 12)


def test_more_specific_rule_beats_bigger_quantity(setup):
    _env, pricelist, chair, _other, _shop, chairs = setup
    _rule(pricelist, applied_on="3_global", fixed_price=50, min_quantity=100)
    _rule(pricelist, applied_on="2_product_category", categ_id=chairs.id, fixed_price=88)
    assert pricelist._get_product_price(chair, 200) == 88


def test_dates(setup):
    _env, pricelist, chair, _other, _shop, _chairs = setup
    today = date.today()
    _rule(pricelist, applied_on="3_global", fixed_price=91,
          date_start=today - timedelta(days=10), date_end=today - timedelta(days=1))
    _rule(pricelist, applied_on="3_global", fixed_price=92, date_start=today + timedelta(days=1))
    assert pricelist._get_product_price(chair, 1) == 100.0  # none in force today
    assert pricelist._get_product_price(chair, 1, date=today - timedelta(days=5)) == 91
    assert pricelist._get_product_price(chair, 1, date=today - timedelta(days=1)) == 91  # inclusive
    assert pricelist._get_product_price(chair, 1, date=today + timedelta(days=30)) == 92


def test_dates_in_wrong_order_refused(setup):
    env, pricelist, _chair, _other, _shop, _chairs = setup
    with pytest.raises(ValidationError, match="start date .* after the end date"), \
            env.cr.savepoint():
        _rule(pricelist, date_start=date(2026, 5, 1), date_end=date(2026, 4, 1))


def test_percentage(setup):
    _env, pricelist, chair, _other, _shop, _chairs = setup
    _rule(pricelist, applied_on="3_global", compute_price="percentage", percent_price=15)
    assert pricelist._get_product_price(chair, 1) == pytest.approx(85.0)


def test_formula_discount_rounding_surcharge_and_cost_base(setup):
    _env, pricelist, chair, _other, _shop, chairs = setup
    rule = _rule(pricelist, applied_on="3_global", compute_price="formula",
                 price_discount=12.5, price_round=1.0, price_surcharge=-0.01)
    # 100 - 12.5 % = 87.5 -> rounded to 88 -> 87.99
    assert pricelist._get_product_price(chair, 1) == pytest.approx(87.99)
    rule.write({"base": "standard_price", "price_discount": -50.0, "price_round": 5.0,
                "price_surcharge": 0.0})
    # cost 60 + 50 % = 90, a multiple of 5 already
    assert pricelist._get_product_price(chair, 1) == pytest.approx(90.0)
    rule.write({"price_max_margin": 20.0})  # at most cost + 20
    assert pricelist._get_product_price(chair, 1) == pytest.approx(80.0)


def test_uom_price_conversion(setup):
    env, pricelist, chair, _other, _shop, _chairs = setup
    dozen = env.ref("uom.product_uom_dozen")
    assert pricelist._get_product_price(chair, 1, uom=dozen) == pytest.approx(1200.0)
    _rule(pricelist, applied_on="0_product_variant", product_id=chair.id, fixed_price=90)
    assert pricelist._get_product_price(chair, 2, uom=dozen) == pytest.approx(1080.0)
    with pytest.raises(UserError, match="'kg'.*'Units'"):
        pricelist._get_product_price(chair, 1, uom=env.ref("uom.product_uom_kgm"))


def test_negative_quantity_refused(setup):
    _env, pricelist, chair, _other, _shop, _chairs = setup
    with pytest.raises(UserError, match="quantity"):
        pricelist._get_product_price(chair, -1)


def test_batched_prices_in_constant_queries(setup):
    env, pricelist, _chair, _other, shop, chairs = setup
    products = env["product.product"].create([
        {"name": f"Bulk {n}", "default_code": f"BULK{n:02d}", "list_price": 10.0 + n,
         "categ_id": (chairs if n % 2 else shop).id} for n in range(50)])
    _rule(pricelist, applied_on="2_product_category", categ_id=shop.id,
          compute_price="percentage", percent_price=10)
    _rule(pricelist, applied_on="0_product_variant", product_id=products[7].id, fixed_price=1)
    _rule(pricelist, applied_on="1_product", product_tmpl_id=products[8].product_tmpl_id.id,
          fixed_price=2)
    env.flush_all()
    env.invalidate_all()
    with assert_queries(env.cr, 12) as log:
        prices = pricelist._get_products_price(products, 1)
    assert len(prices) == 50
    assert prices[products[7].id] == 1 and prices[products[8].id] == 2
    assert prices[products[0].id] == pytest.approx(9.0)
    assert prices[products[3].id] == pytest.approx(13 * 0.9)  # via the parent category
    few = len(log)
    # the count does not grow with the number of products
    env.invalidate_all()
    with assert_queries(env.cr, few):
        pricelist._get_products_price(products[:5], 1)
    print(f"batched pricing: {few} queries for 50 products")
    # each product priced alone gives the same answer
    for product in products[:10]:
        assert pricelist._get_product_price(product, 1) == pytest.approx(prices[product.id])


def test_demo_reseller_pricelist(env):
    reseller = env["product.pricelist"].search([("name", "=", "Reseller 10%")])
    chair = env.ref("product.product_delivery_01")
    assert reseller._get_product_price(chair, 1) == pytest.approx(chair.list_price * 0.9)
    assert reseller._get_product_price(chair, 10) == 99.0


def test_deleting_a_pricelist_deletes_its_rules(setup):
    env, pricelist, chair, _other, _shop, _chairs = setup
    rule = _rule(pricelist, applied_on="0_product_variant", product_id=chair.id, fixed_price=1)
    env.flush_all()
    pricelist.unlink()
    env.flush_all()
    assert not rule.exists()


def test_pricelist_in_another_currency_converts_once(setup):
    env, _pricelist, chair, other, _shop, _chairs = setup
    company_currency = env.company.currency_id
    foreign = env["res.currency"].search([("id", "!=", company_currency.id)], limit=1) or \
        env["res.currency"].create({"name": "XAG", "symbol": "Ag"})
    env["res.currency.rate"].create([
        {"currency_id": company_currency.id, "rate": 1.0, "name": date(2020, 1, 1)},
        {"currency_id": foreign.id, "rate": 1.5, "name": date(2020, 1, 1)}])
    pricelist = env["product.pricelist"].create({"name": "Abroad", "currency_id": foreign.id})
    products = chair | other
    env.flush_all()
    env.invalidate_all()
    with assert_queries(env.cr, 12):
        prices = pricelist._get_products_price(products, 1)
    assert prices == {chair.id: pytest.approx(150.0), other.id: pytest.approx(60.0)}
    # a fixed price is already in the pricelist's currency: not converted
    _rule(pricelist, applied_on="0_product_variant", product_id=chair.id, fixed_price=99)
    assert pricelist._get_product_price(chair, 1) == 99
