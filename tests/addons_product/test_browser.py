"""The product screens in the real client (headless Chromium), on a database with product
and its demo data: the app tile, the products kanban and list, the search filters, and a
pricelist's rules edited inline."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agora.testing.addons import served_addons_fixture
from agora.testing.browser import click_for_new_view, wait_idle, web_login

# product with its demo data, served by a live server of its own
product_served = served_addons_fixture(["product"], prefix="agora_product_web")


@pytest.fixture
def run(product_served: SimpleNamespace):
    return product_served.run


@pytest.fixture
def web(agora_page, product_served: SimpleNamespace):
    web_login(agora_page, product_served.url, "admin", "admin")
    return agora_page



def test_products_app_kanban_list_and_filters(web, run):
    sellable = run(lambda env: env["product.template"].search_count([("sale_ok", "=", True)]))
    services = run(lambda env: env["product.template"].search_count([("type", "=", "service")]))
    click_for_new_view(web, ".ag-app-tile:has-text('Products')")
    # the action opens on the kanban, "Can be Sold" on by default
    web.wait_for_selector(".ag-kanban-record")
    assert web.locator(".ag-facet").inner_text().find("Can be Sold") >= 0
    assert web.locator(".ag-kanban-record").count() == sellable
    assert web.locator(".ag-kanban-record:has-text('FURN_7800')").count() == 1
    click_for_new_view(web, ".ag-switch[data-view-type=list]")
    web.wait_for_selector(".ag-data-row")
    assert web.locator(".ag-data-row:has-text('Office Chair')").count() == 1
    web.click(".ag-search-toggle")
    web.click("text=Services")
    web.wait_for_function("(n) => document.querySelectorAll('.ag-data-row').length === n",
                          arg=services)
    assert all("Service" in row for row in web.locator(".ag-data-row").all_inner_texts())


def test_pricelist_rules_edited_inline(web, run):
    click_for_new_view(web, ".ag-app-tile:has-text('Products')")
    click_for_new_view(web, ".ag-navbar-menus >> text=Pricelists")
    click_for_new_view(web, ".ag-data-row:has-text('Reseller 10%')")
    web.wait_for_selector(".ag-form")
    rows = web.locator(".ag-field[data-name=item_ids] .ag-data-row")
    assert rows.count() == 2
    rule_ids = run(lambda env: env.ref("product.product_pricelist_reseller").item_ids.ids)
    assert len(rule_ids) == 2


def test_create_a_product_in_the_form(web, run):
    click_for_new_view(web, ".ag-app-tile:has-text('Products')")
    click_for_new_view(web, ".ag-new")
    web.fill(".ag-field[data-name=name] input", "Browser Bench")
    web.fill(".ag-field[data-name=default_code] input", "WEB-BENCH")
    web.fill(".ag-field[data-name=list_price] input", "249.90")
    web.click(".ag-save")
    web.wait_for_selector(".ag-breadcrumb-current:has-text('Browser Bench')")
    wait_idle(web)

    def created(env):
        template = env["product.template"].search([("name", "=", "Browser Bench")])
        result = (template.list_price, template.product_variant_id.display_name,
                  template.product_variant_count, template.uom_id.name)
        template.product_variant_ids.unlink()  # the served database is shared: clean up
        return result

    assert run(created) == (249.90, "[WEB-BENCH] Browser Bench", 1, "Units")
