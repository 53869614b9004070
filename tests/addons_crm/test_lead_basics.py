"""crm.lead defaults, stage probabilities, prorated revenue, onchanges, demo data."""

from __future__ import annotations

import pytest

from agora import exceptions

LEAD_SPEC = {"probability": {}, "email_from": {}, "phone": {}, "contact_name": {},
             "partner_name": {}, "city": {}, "stage_id": {}, "function": {}}


def test_defaults_follow_context_user_and_pipeline(env, stages):
    leads = env["crm.lead"]
    lead = leads.create({"name": "Cold call"})
    assert lead.type == "lead"
    assert lead.user_id.id == env.uid and lead.date_open
    assert lead.team_id == env.ref("sales_team.team_sales_department")
    assert lead.stage_id == stages["new"] and lead.probability == 25.0
    assert lead.won_status == "pending" and lead.active
    opportunity = leads.with_context(default_type="opportunity").create({"name": "Deal"})
    assert opportunity.type == "opportunity"
    assert opportunity.company_currency == env.company.currency_id


def test_new_leads_start_in_the_first_stage_of_their_team(env, stages):
    team = env["crm.team"].create({"name": "Export"})
    intake = env["crm.stage"].create({"name": "Intake", "sequence": 0, "team_id": team.id})
    leads = env["crm.lead"].create([{"name": "Export deal", "team_id": team.id},
                                    {"name": "Local deal"}])
    assert leads.mapped("stage_id") == intake | stages["new"]
    assert leads[0].probability == 20.0  # first of four open stages
    in_context = env["crm.lead"].with_context(default_stage_id=stages["proposition"].id)
    assert in_context.create({"name": "Pinned"}).stage_id == stages["proposition"]


def test_stage_probabilities_and_prorated_revenue(env, stages):
    lead = env["crm.lead"].create({"name": "Deal", "type": "opportunity",
                                   "expected_revenue": 1000.0,
                                   "stage_id": stages["qualified"].id})
    assert lead.probability == 50.0 and lead.automated_probability == 50.0
    assert lead.prorated_revenue == 500.0
    lead.write({"stage_id": stages["proposition"].id})
    assert lead.probability == 75.0 and lead.prorated_revenue == 750.0
    assert lead.date_last_stage_update
    lead.write({"probability": 10.0})  # the user's own estimate
    assert lead.prorated_revenue == 100.0 and lead.automated_probability == 75.0
    lead.write({"expected_revenue": 2000.0})
    assert lead.prorated_revenue == 200.0
    lead.write({"stage_id": stages["won"].id})
    assert lead.probability == 100.0 and lead.date_closed and lead.won_status == "won"
    lead.write({"stage_id": stages["new"].id})
    assert lead.probability == 25.0 and not lead.date_closed
    env.flush_all()
    env.cr.execute("SELECT prorated_revenue, won_status FROM crm_lead WHERE id = %s",
                   (lead.id,))
    assert env.cr.fetchone() == (500.0, "pending")


def test_a_team_stage_counts_in_its_pipeline_only(env, stages):
    team = env["crm.team"].create({"name": "Export"})
    extra = env["crm.stage"].create({"name": "Negotiation", "sequence": 4,
                                     "team_id": team.id})
    probabilities = env["crm.lead"]._stage_probabilities(
        stages["proposition"] | extra | stages["qualified"])
    # the shared pipeline keeps its three open stages; the team's has four
    assert probabilities[stages["qualified"].id] == 50.0
    assert probabilities[extra.id] == 80.0


def test_onchange_stage_sets_probability(env, stages):
    values = {"name": "Deal", "stage_id": stages["proposition"].id, "probability": 5.0}
    result = env["crm.lead"].onchange(values, ["stage_id"], LEAD_SPEC)["value"]
    assert result["probability"] == 75.0
    values["stage_id"] = stages["won"].id
    result = env["crm.lead"].onchange(values, ["stage_id"], LEAD_SPEC)["value"]
    assert result["probability"] == 100.0


def test_onchange_partner_fills_contact_details(env):
    company = env["res.partner"].create({"name": "Acme", "is_company": True,
                                         "city": "Lyon", "email": "hello@acme.example"})
    person = env["res.partner"].create({"name": "Zoe Martin", "parent_id": company.id,
                                        "email": "zoe@acme.example", "phone": "+33 1",
                                        "function": "Buyer"})
    values = {"name": "Deal", "partner_id": person.id}
    result = env["crm.lead"].onchange(values, ["partner_id"], LEAD_SPEC)["value"]
    assert result["email_from"] == "zoe@acme.example" and result["phone"] == "+33 1"
    assert result["contact_name"] == "Zoe Martin" and result["partner_name"] == "Acme"
    assert result["function"] == "Buyer"
    result = env["crm.lead"].onchange({"name": "Deal", "partner_id": company.id},
                                      ["partner_id"], LEAD_SPEC)["value"]
    assert result["partner_name"] == "Acme" and result["city"] == "Lyon"
    # creating with a customer fills what was not given, keeps what was
    lead = env["crm.lead"].create({"name": "Deal", "partner_id": person.id,
                                   "phone": "+33 9"})
    assert lead.email_from == "zoe@acme.example" and lead.phone == "+33 9"


def test_required_name_and_bad_priority_are_refused(env):
    with pytest.raises(exceptions.ValidationError):
        env["crm.lead"].create({"type": "opportunity"})
        env.flush_all()
    with pytest.raises(exceptions.ValidationError):
        env["crm.lead"].create({"name": "x", "priority": "9"})


def test_demo_pipeline(env):
    leads = env["crm.lead"].with_context(active_test=False)
    opportunities = leads.search([("type", "=", "opportunity")])
    assert len(opportunities) >= 12
    assert len(leads.search([("type", "=", "lead")])) >= 4
    assert {"won", "lost", "pending"} <= set(opportunities.mapped("won_status"))
    assert len(set(opportunities.mapped("stage_id"))) == 4
    assert sum(opportunities.mapped("expected_revenue")) > 100_000
    lost = env.ref("crm.crm_opp_11")
    assert lost.won_status == "lost" and lost.lost_reason_id == env.ref("crm.lost_reason_1") and lost.probability == 0
    assert env.ref("crm.user_sales_marc").has_group("sales_team.group_sale_salesman")
    assert env.ref("crm.crm_opp_6").partner_id.parent_id == env.ref("crm.res_partner_wood")
    assert env.ref("crm.crm_opp_1").tag_ids == env.ref("crm.categ_oppor3")
