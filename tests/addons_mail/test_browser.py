"""The Contacts app in the real client (headless Chromium): the app tile, kanban, list,
filters, a company's form with its contacts, and a tracked edit saved from the form."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agora.testing.addons import served_addons_fixture
from agora.testing.browser import click_for_new_view, wait_idle, web_login

# contacts with its demo data, served by a live server of its own
contacts_served = served_addons_fixture(["contacts"], prefix="agora_contacts_web")


@pytest.fixture
def run(contacts_served: SimpleNamespace):
    return contacts_served.run


@pytest.fixture
def web(agora_page, contacts_served: SimpleNamespace):
    web_login(agora_page, contacts_served.url, "admin", "admin")
    return agora_page



def test_contacts_kanban_list_and_company_filter(web, run):
    companies = run(lambda env: env["res.partner"].search_count([("is_company", "=", True)]))
    click_for_new_view(web, ".ag-app-tile:has-text('Contacts')")
    web.wait_for_selector(".ag-kanban-record")
    assert web.locator(".ag-kanban-record:has-text('Azure Interior')").count() >= 1
    click_for_new_view(web, ".ag-switch[data-view-type=list]")
    web.wait_for_selector(".ag-data-row")
    web.click(".ag-search-toggle")
    web.click("text=Companies")
    web.wait_for_function("(n) => document.querySelectorAll('.ag-data-row').length === n",
                          arg=companies)


def test_company_form_shows_contacts_and_tracks_an_edit(web, run):
    click_for_new_view(web, ".ag-app-tile:has-text('Contacts')")
    click_for_new_view(web, ".ag-switch[data-view-type=list]")
    click_for_new_view(web, ".ag-data-row:has-text('Nordholz GmbH') >> nth=0")
    web.wait_for_selector(".ag-form")
    children = run(lambda env: len(env.ref("contacts.partner_nordholz").child_ids))
    rows = web.locator(".ag-field[data-name=child_ids] .ag-data-row")
    assert rows.count() == children
    web.fill(".ag-field[data-name=phone] input", "+49 40 000000")
    web.click(".ag-save")
    wait_idle(web)

    def tracked(env):
        partner = env.ref("contacts.partner_nordholz")
        values = partner.message_ids.mapped("tracking_value_ids").filtered(
            lambda value: value.field_name == "phone")
        result = [(value.old_value_char, value.new_value_char) for value in values]
        partner.with_context(tracking_disable=True).write({"phone": "+49 40 5550110"})
        values.mapped("message_id").unlink()
        return result

    assert run(tracked) == [("+49 40 5550110", "+49 40 000000")]
