"""The pipeline in a real browser: stage columns, Won, Lost and Convert from the form."""

from __future__ import annotations

import pytest

from agora.testing.browser import output_directory, wait_idle, web_login


@pytest.fixture
def web(agora_page, crm_served):
    web_login(agora_page, crm_served.url, "admin", "admin")
    agora_page.base_url = crm_served.url
    return agora_page


def _action(run, xmlid):
    return run(lambda env: env.ref(xmlid).id)


def _open_record(web, run, action_xmlid, record_id, title):
    action = _action(run, action_xmlid)
    web.goto(f"{web.base_url}/web#action={action}&view_type=form&id={record_id}")
    web.wait_for_selector(f".ag-breadcrumb-current:has-text('{title}')")
    wait_idle(web)


def test_pipeline_kanban_shows_every_stage(web, crm_run):
    action = _action(crm_run, "crm.crm_lead_action_pipeline")
    web.goto(f"{web.base_url}/web#action={action}")
    web.wait_for_selector(".ag-kanban-group")
    wait_idle(web)
    # "My Pipeline" is on by default: remove it to see the whole team's pipeline
    web.click(".ag-facet-remove") if web.locator(".ag-facet-remove").count() else None
    wait_idle(web)
    text = web.locator(".ag-view").inner_text()
    for stage in ("New", "Qualified", "Proposition", "Won"):
        assert stage in text
    assert web.locator(".ag-kanban-group").count() >= 4
    assert "Office design project" in text
    # the column headers total the expected revenue (the kanban's progressbar sum_field)
    won = crm_run(lambda env: env.ref("crm.stage_lead4").id)
    header = web.locator(f".ag-kanban-group[data-group='{won}'] .ag-kanban-group-header")
    assert "16,800" in header.inner_text()  # 9,600 + 7,200 of the demo's won deals
    web.screenshot(path=str(output_directory() / "crm_pipeline.png"))


def test_quick_create_and_drag_in_the_pipeline(web, crm_run):
    new, proposition = crm_run(lambda env: (env.ref("crm.stage_lead1").id,
                                                     env.ref("crm.stage_lead3").id))
    action = _action(crm_run, "crm.crm_lead_action_pipeline")
    web.goto(f"{web.base_url}/web#action={action}")
    web.wait_for_selector(f".ag-kanban-group[data-group='{new}']")
    wait_idle(web)
    web.click(f".ag-kanban-group[data-group='{new}'] .ag-kanban-add")
    web.fill(".ag-kanban-quick-input", "Quick pipeline deal")
    web.click(".ag-kanban-quick-add")
    web.wait_for_selector(".ag-kanban-record:has-text('Quick pipeline deal')")
    wait_idle(web)
    lead = crm_run(lambda env: env["crm.lead"].search_read(
        [("name", "=", "Quick pipeline deal")], ["type", "stage_id", "probability"])[0])
    assert lead["type"] == "opportunity" and lead["stage_id"][0] == new
    assert lead["probability"] == 25.0
    card = web.locator(f".ag-kanban-record[data-id='{lead['id']}']")
    card.drag_to(web.locator(f".ag-kanban-group[data-group='{proposition}'] "
                             ".ag-kanban-group-header"))
    web.wait_for_function(
        "([id, group]) => document.querySelector(`.ag-kanban-group[data-group='${group}'] "
        ".ag-kanban-record[data-id='${id}']`)", arg=[lead["id"], proposition])
    wait_idle(web)
    moved = crm_run(lambda env: env["crm.lead"].browse(lead["id"]).read(
        ["stage_id", "probability"])[0])
    assert moved["stage_id"][0] == proposition and moved["probability"] == 75.0


def test_won_and_lost_from_the_form(web, crm_run):
    lead_id = crm_run(lambda env: env["crm.lead"].create({
        "name": "Browser deal", "type": "opportunity", "expected_revenue": 500.0,
        "user_id": env.ref("base.user_admin").id}).id)
    _open_record(web, crm_run, "crm.crm_lead_action_pipeline", lead_id,
                 "Browser deal")
    web.click("button[name=action_set_won_rainbowman]")
    wait_idle(web)
    web.wait_for_selector("button[name=action_set_won_rainbowman]", state="hidden")
    status = crm_run(lambda env: env["crm.lead"].browse(lead_id).won_status)
    assert status == "won"

    other = crm_run(lambda env: env["crm.lead"].create({
        "name": "Browser loss", "type": "opportunity"}).id)
    _open_record(web, crm_run, "crm.crm_lead_action_pipeline", other, "Browser loss")
    web.click("button[name='crm.crm_lead_lost_action']")
    dialog = web.wait_for_selector(".ag-dialog")
    web.fill(".ag-dialog .ag-field[data-name=lost_reason_id] input", "Too exp")
    web.click(".ag-m2o-dropdown >> text=Too expensive")
    web.click(".ag-dialog button[name=action_lost_reason_apply]")
    dialog.wait_for_element_state("hidden")
    wait_idle(web)
    lost = crm_run(lambda env: env["crm.lead"].with_context(active_test=False)
                            .browse(other).read(["won_status", "lost_reason_id"])[0])
    assert lost["won_status"] == "lost" and lost["lost_reason_id"][1] == "Too expensive"
    web.wait_for_selector("button[name=action_restore]", state="visible")


def test_convert_a_lead_from_the_form(web, crm_run):
    lead_id = crm_run(lambda env: env["crm.lead"].create({
        "name": "Browser lead", "type": "lead", "partner_name": "Browser Corp",
        "contact_name": "Bea Browser"}).id)
    _open_record(web, crm_run, "crm.crm_lead_all_leads", lead_id, "Browser lead")
    web.click("button[name='crm.action_crm_lead2opportunity_partner']")
    web.wait_for_selector(".ag-dialog")
    wait_idle(web)
    web.screenshot(path=str(output_directory() / "crm_convert_dialog.png"))
    web.click(".ag-dialog button[name=action_apply]")
    # the answer opens the opportunity's form (the web client leaves the dialog open over
    # it: a framework gap, reported)
    web.wait_for_function("() => window.location.hash.includes('model=crm.lead')")
    wait_idle(web)
    lead = crm_run(lambda env: env["crm.lead"].browse(lead_id).read(
        ["type", "partner_id"])[0])
    assert lead["type"] == "opportunity" and lead["partner_id"][1].endswith("Bea Browser")


def test_stage_bar_lists_the_stages_and_moves_the_opportunity(web, crm_run):
    lead_id = crm_run(lambda env: env["crm.lead"].create({
        "name": "Stage walker", "type": "opportunity",
        "stage_id": env.ref("crm.stage_lead1").id}).id)
    _open_record(web, crm_run, "crm.crm_lead_action_pipeline", lead_id, "Stage walker")
    bar = ".ag-field[data-name=stage_id] .ag-statusbar-step"
    web.wait_for_function(f"document.querySelectorAll('{bar}').length >= 4")
    labels = web.locator(bar).all_inner_texts()
    assert labels[:4] == ["New", "Qualified", "Proposition", "Won"], labels
    web.click(f"{bar}:has-text('Proposition')")
    web.click(".ag-save")
    wait_idle(web)
    stage = crm_run(lambda env: env["crm.lead"].browse(lead_id).stage_id.name)
    assert stage == "Proposition"
