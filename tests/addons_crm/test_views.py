"""Every view of sales_team and crm loads; actions and menus are wired."""

from __future__ import annotations

import pytest
from lxml import etree

VIEW_MODELS = ["crm.lead", "crm.stage", "crm.lost.reason", "crm.tag", "crm.team",
               "crm.lead.lost", "crm.lead2opportunity.partner"]


@pytest.mark.parametrize("model", VIEW_MODELS)
def test_every_view_of_the_model_loads(env, model):
    views = env["ir.ui.view"].search([("model", "=", model)])
    assert views, f"no view for {model}"
    for view in views:
        result = env[model].get_views([[view.id, view.type]])
        arch = etree.fromstring(result["views"][view.type]["arch"])
        assert arch.tag == view.type
        fields = result["models"][model]["fields"]
        for node in arch.iter("field"):
            assert node.get("name") in fields, f"{view.name}: {node.get('name')}"


def test_pipeline_views(env):
    leads = env["crm.lead"]
    views = leads.get_views([[False, t] for t in
                             ("kanban", "list", "form", "search", "pivot", "graph")])["views"]
    kanban = etree.fromstring(views["kanban"]["arch"])
    assert kanban.get("default_group_by") == "stage_id"
    form = etree.fromstring(views["form"]["arch"])
    statusbar = form.find(".//header/field[@name='stage_id']")
    assert statusbar.get("widget") == "statusbar" and "clickable" in statusbar.get("options")
    buttons = {b.get("string"): b for b in form.iter("button")}
    assert {"Convert to Opportunity", "Won", "Lost", "Restore"} <= set(buttons)
    assert buttons["Convert to Opportunity"].get("invisible") == \
        "type == 'opportunity' or not active"
    for button in buttons.values():
        if button.get("type") == "object":
            assert hasattr(leads, button.get("name"))
        else:
            assert env.ref(button.get("name"))._name == "ir.actions.act_window"
    search = etree.fromstring(views["search"]["arch"])
    filters = {f.get("name") for f in search.iter("filter")}
    assert {"assigned_to_me", "unassigned", "open_opportunities", "won", "lost",
            "group_stage", "group_salesperson", "group_team"} <= filters
    pivot = etree.fromstring(views["pivot"]["arch"])
    assert pivot.find("field[@type='measure']").get("name") == "expected_revenue"


def test_search_filters_find_what_they_say(env, stages):
    won = env["crm.lead"].create({"name": "w", "type": "opportunity",
                                  "stage_id": stages["won"].id})
    lost = env["crm.lead"].create({"name": "l", "type": "opportunity"})
    lost.action_set_lost()
    open_ = env["crm.lead"].create({"name": "o", "type": "opportunity"})
    ids = [won.id, lost.id, open_.id]
    search = env["crm.lead"].search
    assert search([("won_status", "=", "won"), ("id", "in", ids)]) == won
    assert search([("won_status", "=", "lost"), ("active", "=", False),
                   ("id", "in", ids)]) == lost
    assert search([("won_status", "=", "pending"), ("id", "in", ids)]) == open_


def test_actions_and_menus(env):
    pipeline = env.ref("crm.crm_lead_action_pipeline")._get_action_dict()
    assert pipeline["res_model"] == "crm.lead" and pipeline["views"][0][1] == "kanban"
    assert "default_type': 'opportunity'" in pipeline["context"]
    leads = env.ref("crm.crm_lead_all_leads")._get_action_dict()
    assert leads["views"][0] == [env.ref("crm.crm_case_tree_view_leads").id, "list"]
    assert env.ref("crm.crm_lead_lost_action").target == "new"
    assert env.ref("crm.action_crm_lead2opportunity_partner").target == "new"
    root = env.ref("crm.crm_menu_root")
    names = set(env["ir.ui.menu"].search([("id", "child_of", root.id)]).mapped("name"))
    assert {"CRM", "Sales", "My Pipeline", "Leads", "Reporting", "Pipeline Analysis",
            "Configuration", "Stages", "Lost Reasons", "Tags", "Sales Teams"} <= names
