"""End-to-end behaviours of the views not covered by test_browser_flows: list sorting,
paging, bulk actions and totals; search filters and facets; form modifiers and widgets;
pivot, graph; navigation and formats. Each asserts the DOM and, where data changes, the
database."""

from __future__ import annotations

import re
import time

from tests.web.conftest import open_menu

IDLE = "() => window.__agoraRpc.pending === 0"


def unique(prefix: str) -> str:
    return f"{prefix} {time.monotonic_ns() % 10**9}"


def idle(page) -> None:
    page.wait_for_function(IDLE)


def row_texts(page, column: str) -> list[str]:
    return page.eval_on_selector_all(
        f".ag-data-row td[data-name={column}]", "(cells) => cells.map((c) => c.textContent)")


def new_contacts(run, prefix: str, count: int) -> list[int]:
    return run(lambda env: env["demo.contact"].create(
        [{"name": f"{prefix} {i}"} for i in range(count)]).ids)


def search_for(page, text: str) -> None:
    page.fill(".ag-search-input", text)
    page.press(".ag-search-input", "Enter")
    page.wait_for_selector(".ag-facet")
    idle(page)


# -- list ---------------------------------------------------------------------------

def test_list_sorts_by_a_clicked_header_and_reverses(web):
    open_menu(web, "Sales", "Orders")
    idle(web)
    web.click("th[data-name=name]")
    web.wait_for_selector("th[data-name=name] .ag-sort-arrow")
    idle(web)
    assert "▲" in web.inner_text("th[data-name=name] .ag-sort-arrow")
    ascending = row_texts(web, "name")
    assert ascending == sorted(ascending)
    web.click("th[data-name=name]")
    web.wait_for_function("() => document.querySelector('th[data-name=name] .ag-sort-arrow')"
                          ".textContent.includes('▼')")
    idle(web)
    descending = row_texts(web, "name")
    assert descending == sorted(descending, reverse=True)
    assert descending != ascending


def test_list_pager_next_and_previous(web, agora_served_run):
    total = agora_served_run(lambda env: env["demo.order"].search_count([]))
    assert total > 160
    open_menu(web, "Sales", "Orders")
    idle(web)
    assert web.inner_text(".ag-pager-value") == "1-80"
    web.click(".ag-pager-next")
    web.wait_for_function("() => document.querySelector('.ag-pager-value').textContent"
                          " === '81-160'")
    idle(web)
    assert web.locator(".ag-data-row").count() == 80
    web.click(".ag-pager-prev")
    web.wait_for_function("() => document.querySelector('.ag-pager-value').textContent"
                          " === '1-80'")


def test_list_bulk_archive(web, agora_served_run):
    prefix = unique("ARCH")
    ids = new_contacts(agora_served_run, prefix, 3)
    open_menu(web, "Sales", "Contacts")
    search_for(web, prefix)
    web.wait_for_function("() => document.querySelectorAll('.ag-data-row').length === 3")
    for row in web.locator(".ag-data-row .ag-list-select input").all():
        row.check()
    web.wait_for_selector(".ag-selection-count:has-text('3 selected')")
    web.click(".ag-bulk-archive")
    web.wait_for_function("() => document.querySelectorAll('.ag-data-row').length === 0")
    idle(web)
    active = agora_served_run(lambda env: env["demo.contact"].with_context(
        active_test=False).browse(ids).mapped("active"))
    assert active == [False, False, False]


def test_list_bulk_delete_asks_then_deletes(web, agora_served_run):
    prefix = unique("DEL")
    ids = new_contacts(agora_served_run, prefix, 2)
    open_menu(web, "Sales", "Contacts")
    search_for(web, prefix)
    web.wait_for_function("() => document.querySelectorAll('.ag-data-row').length === 2")
    web.check(".ag-list thead .ag-list-select input")
    web.wait_for_selector(".ag-selection-count:has-text('2 selected')")
    web.click(".ag-bulk-delete")
    dialog = web.wait_for_selector(".ag-dialog")
    assert "delete these 2 records" in dialog.inner_text()
    web.click(".ag-dialog .ag-btn-primary")
    web.wait_for_function("() => document.querySelectorAll('.ag-data-row').length === 0")
    idle(web)
    assert agora_served_run(lambda env: env["demo.contact"].with_context(
        active_test=False).search_count([("id", "in", ids)])) == 0


def test_list_totals_row_is_the_domain_sum(web, agora_served_run):
    total = agora_served_run(lambda env: env["demo.order"].read_group(
        [("state", "=", "draft")], ["amount_total:sum"], [])[0]["amount_total"])
    open_menu(web, "Sales", "Orders")
    web.click(".ag-search-toggle")
    web.click("text=Quotations")
    web.wait_for_selector(".ag-facet")
    idle(web)
    shown = web.inner_text(".ag-list-totals td[data-name=amount_total]")
    assert float(re.sub(r"[^\d.]", "", shown)) == round(total, 2)


# -- search -------------------------------------------------------------------------

def test_search_filter_restricts_to_quotations(web, agora_served_run):
    drafts = agora_served_run(lambda env: env["demo.order"].search_count(
        [("state", "=", "draft")]))
    open_menu(web, "Sales", "Orders")
    web.click(".ag-search-toggle")
    web.click("text=Quotations")
    web.wait_for_selector(".ag-facet")
    idle(web)
    assert web.inner_text(".ag-pager-total") == str(drafts)
    assert set(row_texts(web, "state")) == {"Quotation"}


def test_search_two_filters_of_a_group_are_ored_and_facet_removal(web, agora_served_run):
    total = agora_served_run(lambda env: env["demo.order"].search_count([]))
    open_menu(web, "Sales", "Orders")
    web.click(".ag-search-toggle")
    web.click("text=Quotations")
    web.wait_for_selector(".ag-facet")
    web.click("text=Sales Orders")
    idle(web)
    web.wait_for_function("(n) => document.querySelector('.ag-pager-total')?.textContent"
                          " === String(n)", arg=total)
    assert set(row_texts(web, "state")) <= {"Quotation", "Sales order"}
    assert web.locator(".ag-facet").count() == 1  # one facet: "Quotations or Sales Orders"
    web.click(".ag-facet .ag-facet-remove, .ag-facet button")
    web.wait_for_selector(".ag-facet", state="detached")
    idle(web)
    assert web.inner_text(".ag-pager-total") == str(total)


# -- form ---------------------------------------------------------------------------

def test_form_invisible_modifier_hides_company_for_a_company(web):
    open_menu(web, "Sales", "Contacts")
    web.click(".ag-new")
    web.wait_for_selector(".ag-field[data-name=parent_id]", state="visible")
    web.check(".ag-field[data-name=is_company] input")
    web.wait_for_selector(".ag-field[data-name=parent_id]", state="hidden")
    web.uncheck(".ag-field[data-name=is_company] input")
    web.wait_for_selector(".ag-field[data-name=parent_id]", state="visible")


def test_form_required_field_blocks_saving(web, agora_served_run):
    before = agora_served_run(lambda env: env["demo.contact"].search_count([]))
    open_menu(web, "Sales", "Contacts")
    web.click(".ag-new")
    web.fill(".ag-field[data-name=email] input", "noname@example.com")
    web.click(".ag-save")
    web.wait_for_selector(".ag-field[data-name=name].ag-invalid, "
                          ".ag-field[data-name=name] .ag-invalid")
    idle(web)
    assert agora_served_run(lambda env: env["demo.contact"].search_count([])) == before


def test_form_discard_restores_the_saved_value(web, agora_served_run):
    name = unique("DISCARD")
    contact = agora_served_run(lambda env: env["demo.contact"].create({"name": name}).id)
    action = agora_served_run(lambda env: env.ref("demo.action_demo_contacts").id)
    web.goto(f"{web.base_url}/web#action={action}&view_type=form&id={contact}")
    web.wait_for_selector(f".ag-breadcrumb-current:has-text('{name}')")
    web.fill(".ag-field[data-name=name] input", "changed")
    web.click(".ag-discard")
    web.wait_for_function("(n) => document.querySelector('.ag-field[data-name=name] input')"
                          ".value === n", arg=name)
    assert agora_served_run(lambda env: env["demo.contact"].browse(contact).name) == name


def test_form_readonly_name_of_a_confirmed_order(web, agora_served_run):
    order = agora_served_run(lambda env: env["demo.order"].search(
        [("state", "=", "sale")], limit=1).id)
    action = agora_served_run(lambda env: env.ref("demo.action_demo_orders").id)
    web.goto(f"{web.base_url}/web#action={action}&view_type=form&id={order}")
    web.wait_for_selector(".ag-form")
    idle(web)
    field = web.locator(".ag-field[data-name=name]")
    inputs = field.locator("input")
    assert inputs.count() == 0 or not inputs.first.is_editable()


def test_form_reload_reopens_the_same_record(web):
    open_menu(web, "Sales", "Orders")
    web.click(".ag-data-row >> nth=0")
    web.wait_for_selector(".ag-form")
    idle(web)
    name = web.input_value(".ag-field[data-name=name] input")
    url = web.url
    web.reload()
    web.wait_for_selector(".ag-form")
    idle(web)
    assert web.url == url
    assert web.input_value(".ag-field[data-name=name] input") == name


# -- graph, pivot -------------------------------------------------------------------

def test_graph_bar_pie_line(web, agora_served_run):
    states = agora_served_run(lambda env: len(env["demo.order"].read_group(
        [], ["state"], ["state"])))
    open_menu(web, "Sales", "Orders")
    web.click(".ag-switch[data-view-type=graph]")
    web.wait_for_selector(".ag-graph svg")
    idle(web)
    assert web.locator(".ag-graph svg .ag-graph-bar").count() == states


# -- navigation, formats ------------------------------------------------------------

def test_logout_ends_the_session(web):
    web.click(".ag-user-menu")
    web.click("text=Log out")
    web.wait_for_url(re.compile(r".*/web/login.*"))
    web.goto(f"{web.base_url}/web")
    assert "/web/login" in web.url


def test_list_date_follows_en_us(web):
    open_menu(web, "Sales", "Orders")
    idle(web)
    dates = row_texts(web, "date")
    assert dates and all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", d.strip()) for d in dates)


def test_pivot_totals_match_read_group_and_flip(web, agora_served_run):
    total = agora_served_run(lambda env: env["demo.order"].read_group(
        [], ["amount_total:sum"], [])[0]["amount_total"])
    open_menu(web, "Sales", "Orders")
    web.click(".ag-switch[data-view-type=pivot]")
    web.wait_for_selector(".ag-pivot")
    idle(web)
    assert "Quotation" in web.inner_text(".ag-pivot thead")
    assert "Sales order" in web.inner_text(".ag-pivot thead")
    cells = web.eval_on_selector_all(".ag-pivot .ag-pivot-total", "(cs) => cs.map((c) => c.textContent)")
    amounts = [float(re.sub(r"[^\d.]", "", c)) for c in cells if re.search(r"\d", c)]
    assert round(total, 2) in amounts  # the grand total
    web.click(".ag-pivot-flip")
    web.wait_for_function("() => document.querySelector('.ag-pivot tbody').textContent"
                          ".includes('Quotation')")
    assert "Quotation" not in web.inner_text(".ag-pivot thead")


def test_graph_pie_slices_and_line_polyline(web):
    open_menu(web, "Sales", "Orders")
    web.click(".ag-switch[data-view-type=graph]")
    web.wait_for_selector(".ag-graph svg .ag-graph-bar")
    web.click(".ag-graph-mode[data-mode=pie]")
    web.wait_for_selector(".ag-graph svg .ag-graph-slice")
    web.click(".ag-graph-mode[data-mode=line]")
    web.wait_for_selector(".ag-graph svg polyline.ag-graph-line")


def test_kanban_quick_create_without_contact_is_refused(web, agora_served_run):
    name = unique("QUICK")
    open_menu(web, "Sales", "Orders")
    web.click(".ag-switch[data-view-type=kanban]")
    web.click(".ag-kanban-group[data-group=draft] .ag-kanban-add")
    web.fill(".ag-kanban-quick-input", name)
    web.click(".ag-kanban-quick-add")
    dialog = web.wait_for_selector(".ag-dialog")
    assert "Error" in dialog.inner_text()
    web.click(".ag-dialog .ag-btn-primary")
    assert agora_served_run(lambda env: env["demo.order"].search_count(
        [("name", "=", name)])) == 0


def test_form_many2one_autocomplete_and_order_line_onchange(web, agora_served_run):
    name = unique("M2O")
    contact, product, price = agora_served_run(lambda env: (
        env["demo.contact"].search([], limit=1).name,
        env["demo.product"].search([("list_price", ">", 0)], limit=1).name,
        env["demo.product"].search([("list_price", ">", 0)], limit=1).list_price))
    open_menu(web, "Sales", "Orders")
    web.click(".ag-new")
    web.fill(".ag-field[data-name=name] input", name)
    web.fill(".ag-field[data-name=contact_id] input", contact[:5])
    web.click(f".ag-m2o-dropdown >> text={contact}")
    web.click(".ag-add-line")
    line = web.locator(".ag-field[data-name=line_ids] tbody tr").last
    line.locator("[data-name=product_id] input").fill(product[:4])
    web.click(f".ag-m2o-dropdown:visible >> text={product}")
    idle(web)
    web.wait_for_function("() => document.querySelector('.ag-field[data-name=amount_total]')"
                          ".textContent.match(/[1-9]/)")
    web.click(".ag-save")
    web.wait_for_selector(".ag-save", state="hidden")
    stored = agora_served_run(lambda env: env["demo.order"].search(
        [("name", "=", name)]).line_ids.mapped("price_unit"))
    assert stored == [price]


def test_home_screen_shows_the_sales_tile(web):
    web.click(".ag-navbar-home")
    assert web.locator(".ag-app-tile", has_text="Sales").is_visible()


def test_form_dirty_record_is_saved_when_leaving_by_breadcrumb(web, agora_served_run):
    name = unique("DIRTY")
    contact = agora_served_run(lambda env: env["demo.contact"].create({"name": name}).id)
    action = agora_served_run(lambda env: env.ref("demo.action_demo_contacts").id)
    web.goto(f"{web.base_url}/web#action={action}&view_type=form&id={contact}")
    web.wait_for_selector(f".ag-breadcrumb-current:has-text('{name}')")
    web.fill(".ag-field[data-name=phone] input", "+32 2 555 99 99")
    web.click(".ag-breadcrumb a")
    web.wait_for_selector(".ag-list")
    idle(web)
    assert agora_served_run(lambda env: env["demo.contact"].browse(contact).phone) \
        == "+32 2 555 99 99"


def test_form_many2one_create_and_edit_dialog(web, agora_served_run):
    name = unique("CE order")
    contact = unique("CE contact")
    open_menu(web, "Sales", "Orders")
    web.click(".ag-new")
    web.fill(".ag-field[data-name=name] input", name)
    web.fill(".ag-field[data-name=contact_id] input", contact)
    web.click(".ag-m2o-create-edit")
    dialog = web.locator(".ag-dialog")
    dialog.wait_for()
    assert dialog.locator(".ag-field[data-name=name] input").input_value() == contact
    dialog.locator(".ag-field[data-name=email] input").fill("ce@example.com")
    dialog.locator(".ag-btn-primary").click()
    web.wait_for_selector(".ag-dialog", state="detached")
    assert web.input_value(".ag-field[data-name=contact_id] input") == contact
    web.click(".ag-save")
    web.wait_for_selector(".ag-save", state="hidden")
    stored = agora_served_run(lambda env: [
        (o.contact_id.name, o.contact_id.email)
        for o in env["demo.order"].search([("name", "=", name)])])
    assert stored == [(contact, "ce@example.com")]
