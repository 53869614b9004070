"""Lead -> opportunity: customers created or linked, the conversion wizard."""

from __future__ import annotations

import pytest

from agora import exceptions


def _lead(env, **values):
    return env["crm.lead"].create({"name": "Website enquiry", "type": "lead", **values})


def test_convert_creates_company_and_contact(env, stages):
    lead = _lead(env, partner_name="Globex", contact_name="Hank Scorpio",
                 email_from="Hank <hank@globex.example>", phone="555-0100",
                 function="CEO", city="Cypress Creek", country_id=env.ref("base.us").id)
    lead._handle_partner_assignment(create_missing=True)
    contact = lead.partner_id
    assert contact.name == "Hank Scorpio" and not contact.is_company
    assert contact.email == "hank@globex.example" and contact.function == "CEO"
    company = contact.parent_id
    assert company.name == "Globex" and company.is_company and company.city == "Cypress Creek"
    assert company.country_id == env.ref("base.us")
    lead.convert_opportunity(lead.partner_id)
    assert lead.type == "opportunity" and lead.date_conversion
    assert lead.stage_id == stages["new"] and lead.probability == 25.0


def test_convert_creates_a_person_or_a_company_alone(env):
    person = _lead(env, email_from="Lisa Simpson <lisa@example.com>")
    person._handle_partner_assignment()
    assert person.partner_id.name == "Lisa Simpson" and not person.partner_id.is_company
    company = _lead(env, partner_name="Initech")
    company._handle_partner_assignment()
    assert company.partner_id.name == "Initech" and company.partner_id.is_company
    # nothing created when asked not to, and an existing customer is kept
    bare = _lead(env, contact_name="Nobody")
    bare._handle_partner_assignment(create_missing=False)
    assert not bare.partner_id
    kept = company.partner_id
    company._handle_partner_assignment()
    assert company.partner_id == kept


def test_convert_links_existing_partner_and_fills_empty_fields(env):
    customer = env["res.partner"].create({"name": "Duff", "is_company": True,
                                          "email": "beer@duff.example", "phone": "555"})
    lead = _lead(env, phone="999")
    team = env["crm.team"].create({"name": "Beverages"})
    user = env.ref("crm.user_sales_jane")
    lead.convert_opportunity(customer, user_ids=user.ids, team_id=team.id)
    assert lead.partner_id == customer and lead.type == "opportunity"
    assert lead.email_from == "beer@duff.example" and lead.phone == "999"
    assert lead.partner_name == "Duff"
    assert lead.user_id == user and lead.team_id == team


def test_convert_skips_won_and_lost_and_spreads_salespeople(env, stages):
    users = env.ref("crm.user_sales_jane") | env.ref("crm.user_sales_marc")
    leads = _lead(env) | _lead(env) | _lead(env)
    lost = _lead(env)
    lost.action_set_lost()
    (leads | lost).convert_opportunity(False, user_ids=users.ids)
    assert set(leads.mapped("type")) == {"opportunity"} and lost.type == "lead"
    assert leads.mapped("user_id") == users
    assert not leads.mapped("partner_id")


def test_find_matching_partner(env):
    customer = env["res.partner"].create({"name": "Vandelay Industries", "is_company": True,
                                          "email": "art@vandelay.example"})
    assert _lead(env, email_from="ART@vandelay.example")._find_matching_partner() == customer
    assert _lead(env, partner_name="vandelay industries")._find_matching_partner() == customer
    assert not _lead(env, partner_name="vandelay industries")._find_matching_partner(
        email_only=True)
    assert not _lead(env, contact_name="Kramer")._find_matching_partner()


def test_wizard_defaults_propose_the_matching_customer(env):
    customer = env["res.partner"].create({"name": "Kruger", "email": "k@kruger.example"})
    lead = _lead(env, email_from="k@kruger.example", user_id=env.ref("crm.user_sales_marc").id)
    wizard_model = env["crm.lead2opportunity.partner"].with_context(
        active_model="crm.lead", active_id=lead.id)
    names = ["name", "action", "lead_id", "partner_id", "user_id", "team_id"]
    defaults = wizard_model.default_get(names)
    assert defaults["action"] == "exist" and defaults["partner_id"] == customer.id
    assert defaults["lead_id"] == lead.id and defaults["name"] == "convert"
    assert defaults["user_id"] == env.ref("crm.user_sales_marc").id
    wizard = wizard_model.create(defaults)
    result = wizard.action_apply()
    assert lead.type == "opportunity" and lead.partner_id == customer
    assert result["res_model"] == "crm.lead" and result["res_id"] == lead.id
    assert result["views"] == [[env.ref("crm.crm_lead_view_form").id, "form"]]
    new = _lead(env, partner_name="Brand New Co")
    defaults = wizard_model.with_context(active_id=new.id).default_get(names)
    assert defaults["action"] == "create" and not defaults["partner_id"]


def test_wizard_create_nothing_and_errors(env):
    lead = _lead(env, partner_name="Soylent")
    wizard = env["crm.lead2opportunity.partner"].create({"lead_id": lead.id,
                                                         "action": "create"})
    wizard.action_apply()
    assert lead.partner_id.name == "Soylent" and lead.type == "opportunity"

    plain = _lead(env, partner_name="Umbrella")
    env["crm.lead2opportunity.partner"].create(
        {"lead_id": plain.id, "action": "nothing"}).action_apply()
    assert plain.type == "opportunity" and not plain.partner_id

    missing = _lead(env)
    wizard = env["crm.lead2opportunity.partner"].create({"lead_id": missing.id,
                                                         "action": "exist"})
    with pytest.raises(exceptions.UserError, match="partner_id is empty"):
        wizard.action_apply()
    missing.action_set_lost()
    wizard = env["crm.lead2opportunity.partner"].create({"lead_id": missing.id,
                                                         "action": "nothing"})
    with pytest.raises(exceptions.UserError, match="is lost"):
        wizard.action_apply()


def test_wizard_onchanges(env):
    customer = env["res.partner"].create({"name": "Cyberdyne", "email": "t800@cyberdyne.example"})
    lead = _lead(env, email_from="t800@cyberdyne.example")
    spec = {"partner_id": {}, "team_id": {}}
    wizard = env["crm.lead2opportunity.partner"]
    value = wizard.onchange({"lead_id": lead.id, "action": "nothing", "partner_id": customer.id},
                            ["action"], spec)["value"]
    assert value["partner_id"] is False
    value = wizard.onchange({"lead_id": lead.id, "action": "exist", "partner_id": False},
                            ["action"], spec)["value"]
    assert value["partner_id"] == customer.id
    dora = env["res.users"].create({"name": "Dora", "login": "test_dora"})
    team = env["crm.team"].create({"name": "Robots", "user_id": dora.id})
    value = wizard.onchange({"lead_id": lead.id, "action": "create",
                             "user_id": dora.id, "team_id": False},
                            ["user_id"], spec)["value"]
    assert value["team_id"] == team.id


def test_a_salesman_converts_his_lead_with_the_wizard(env, salesmen):
    ann, _ben = salesmen
    lead = env["crm.lead"].with_user(ann).create({
        "name": "Trade fair contact", "partner_name": "Stark Industries",
        "contact_name": "Pepper Potts", "email_from": "pepper@stark.example"})
    wizard_model = env["crm.lead2opportunity.partner"].with_user(ann).with_context(
        active_model="crm.lead", active_id=lead.id)
    defaults = wizard_model.default_get(["name", "action", "lead_id", "partner_id",
                                         "user_id", "team_id"])
    assert defaults["action"] == "create" and defaults["user_id"] == ann.id
    result = wizard_model.create(defaults).action_apply()
    assert result["res_id"] == lead.id
    env.invalidate_all()
    assert lead.type == "opportunity" and lead.user_id == ann
    assert lead.partner_id.name == "Pepper Potts"
    assert lead.partner_id.parent_id.name == "Stark Industries"


def test_round_robin_assignment(env):
    users = env.ref("crm.user_sales_jane") | env.ref("crm.user_sales_marc")
    leads = env["crm.lead"].create([{"name": f"RR {n}"} for n in range(5)])
    leads._handle_salesmen_assignment(user_ids=users)
    assert [lead.user_id for lead in leads] == [users[0], users[1], users[0], users[1], users[0]]
