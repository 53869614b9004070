"""Who may do what: employees read units and manage products; only admins edit units."""

from __future__ import annotations

import pytest

from agora.orm.exceptions import AccessError


@pytest.fixture
def employee(env):
    return env["res.users"].create({"name": "Erin Employee", "login": "erin.product",
                                    "groups_id": [(6, 0, [env.ref("base.group_user").id])]})


def test_employee_reads_units_but_cannot_change_them(env, employee):
    units = env["uom.uom"].with_user(employee)
    assert units.search([("name", "=", "Dozens")]).factor_inv == pytest.approx(12.0)
    with pytest.raises(AccessError, match="uom.uom"):
        units.create({"name": "Gross", "category_id": env.ref("uom.product_uom_categ_unit").id,
                      "uom_type": "bigger", "factor": 1 / 144})
    with pytest.raises(AccessError, match="uom.category"):
        env["uom.category"].with_user(employee).create({"name": "Energy"})


def test_employee_manages_products_categories_and_pricelists(env, employee):
    as_employee = env["product.product"].with_user(employee)
    product = as_employee.create({"name": "Employee-made", "default_code": "EMP-1",
                                  "list_price": 7.0})
    product.write({"list_price": 8.0})
    assert product.product_tmpl_id.list_price == 8.0
    category = env["product.category"].with_user(employee).create({"name": "Made by Erin"})
    assert category.complete_name == "Made by Erin"
    pricelist = env["product.pricelist"].with_user(employee).create({
        "name": "Erin's", "item_ids": [(0, 0, {"applied_on": "3_global",
                                               "compute_price": "percentage",
                                               "percent_price": 50})]})
    assert pricelist._get_product_price(product, 1) == pytest.approx(4.0)
    pricelist.item_ids.unlink()  # rules are edited inline, deleting one included
    with pytest.raises(AccessError, match="product.product"):
        product.unlink()
