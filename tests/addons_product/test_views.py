"""The product screens load: actions, menus, and get_views of every view the addons define."""

from __future__ import annotations

import pytest
from lxml import etree


def _view_ids(env, xmlids):
    return {view_type: env.ref(xmlid).id for view_type, xmlid in xmlids.items()}


@pytest.mark.parametrize("model, xmlids", [
    ("product.template", {"kanban": "product.product_template_kanban_view",
                          "list": "product.product_template_tree_view",
                          "form": "product.product_template_form_view",
                          "search": "product.product_template_search_view"}),
    ("product.product", {"list": "product.product_product_tree_view",
                         "form": "product.product_normal_form_view",
                         "search": "product.product_search_form_view"}),
    ("product.category", {"list": "product.product_category_list_view",
                          "form": "product.product_category_form_view",
                          "search": "product.product_category_search_view"}),
    ("product.pricelist", {"list": "product.product_pricelist_view_tree",
                           "form": "product.product_pricelist_view",
                           "search": "product.product_pricelist_view_search"}),
    ("uom.uom", {"list": "uom.product_uom_tree_view", "form": "uom.product_uom_form_view",
                 "search": "uom.uom_uom_view_search"}),
    ("uom.category", {"list": "uom.product_uom_categ_tree_view",
                      "form": "uom.product_uom_categ_form_view"}),
])
def test_get_views_serves_the_addon_views(env, model, xmlids):
    ids = _view_ids(env, xmlids)
    result = env[model].get_views([[view_id, view_type] for view_type, view_id in ids.items()])
    for view_type, view_id in ids.items():
        view = result["views"][view_type]
        assert view["id"] == view_id
        etree.fromstring(view["arch"])  # well-formed
    fields = result["models"][model]["fields"]
    for view_type in ids:
        for node in etree.fromstring(result["views"][view_type]["arch"]).iter("field"):
            inside_subview = any(parent.tag == "field" for parent in node.iterancestors())
            if not inside_subview:
                assert node.get("name") in fields, (view_type, node.get("name"))

def test_product_search_filters_and_grouping(env):
    arch = env["product.template"].get_views(
        [[env.ref("product.product_template_search_view").id, "search"]]
    )["views"]["search"]["arch"]
    filters = {node.get("string"): node for node in etree.fromstring(arch).iter("filter")}
    assert {"Can be Sold", "Services", "Goods", "Product Category"} <= set(filters)
    assert "categ_id" in filters["Product Category"].get("context")
    # the filters' domains select what they say
    services = env["product.template"].search([("type", "=", "service")])
    assert services and all(t.type == "service" for t in services)
    groups = env["product.template"].read_group([], ["categ_id"], ["categ_id"])
    assert len(groups) >= 3


def test_pricelist_form_edits_rules_inline(env):
    form = env["product.pricelist"].get_views(
        [[env.ref("product.product_pricelist_view").id, "form"]])
    arch = etree.fromstring(form["views"]["form"]["arch"])
    items = arch.find(".//field[@name='item_ids']/list")
    assert items is not None and items.get("editable") == "bottom"
    assert "product.pricelist.item" in form["models"]
    assert "fixed_price" in form["models"]["product.pricelist.item"]["fields"]


def test_actions_and_menus(env):
    action = env.ref("product.product_template_action")
    assert action.res_model == "product.template"
    assert action.view_mode.split(",") == ["kanban", "list", "form"]
    root = env.ref("product.menu_product_root")
    assert root.name == "Products" and not root.parent_id
    children = env["ir.ui.menu"].search([("parent_id", "=", root.id)])
    assert {"Products", "Pricelists", "Configuration"} <= set(children.mapped("name"))
    config = env.ref("product.menu_product_config")
    assert {"Product Categories", "Units of Measure"} <= set(
        env["ir.ui.menu"].search([("parent_id", "=", config.id)]).mapped("name"))


def test_form_read_of_a_product(env):
    chair = env.ref("product.product_delivery_01").product_tmpl_id
    [values] = chair.web_read({"name": {}, "list_price": {}, "default_code": {},
                               "categ_id": {"fields": {"display_name": {}}},
                               "uom_id": {"fields": {"display_name": {}}}})
    assert values["default_code"] == "FURN_7800"
    assert values["categ_id"]["display_name"] == "All / Saleable / Office Furniture"
    assert values["uom_id"]["display_name"] == "Units"
