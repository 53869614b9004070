"""The Contacts app: views, action, menu, demo data; access to the mail models."""

import pytest
from lxml import etree

from agora.modules.data_xml import safe_eval
from agora.orm.exceptions import AccessError


def test_partner_views_load(env):
    result = env["res.partner"].get_views(
        [[False, "list"], [False, "form"], [False, "kanban"], [False, "search"]])
    views = result["views"]
    assert set(views) >= {"list", "form", "kanban", "search"}
    form = etree.fromstring(views["form"]["arch"])
    assert form.xpath("//field[@name='child_ids']")
    assert form.xpath("//field[@name='country_id']")
    search = etree.fromstring(views["search"]["arch"])
    assert {f.get("name") for f in search.xpath("//filter")} >= {
        "type_company", "type_person", "group_country", "group_company"}
    kanban = etree.fromstring(views["kanban"]["arch"])
    assert kanban.xpath("//templates")
    partner_fields = result["models"]["res.partner"]["fields"]
    assert {"activity_state", "child_ids", "country_id", "email"} <= set(partner_fields)
    assert result["models"]["res.partner"]["fields"]["activity_state"]["type"] == "selection"


def test_search_filters_run(env, employee):
    env = env(user=employee.id)
    views = env["res.partner"].get_views([[False, "search"]])["views"]
    search = etree.fromstring(views["search"]["arch"])
    for node in search.xpath("//filter[@domain]"):
        domain = safe_eval(node.get("domain"), {"uid": env.uid})
        env["res.partner"].search(domain, limit=1)


def test_action_and_menu(env):
    action = env.ref("contacts.action_contacts")
    assert action.res_model == "res.partner"
    assert action.view_mode.split(",") == ["kanban", "list", "form"]
    menu = env.ref("contacts.res_partner_menu_contacts")
    assert menu.parent_id == env.ref("contacts.menu_contacts")
    assert env.ref("mail.menu_mail_activities_my")
    assert env.ref("mail.menu_mail_servers").parent_id == env.ref("mail.menu_mail_technical")


def test_demo_companies_with_contacts(env):
    companies = env["res.partner"].search([("is_company", "=", True),
                                           ("email", "ilike", ".example.com")])
    assert len(companies) >= 10
    for company in companies:
        assert company.child_ids and company.country_id and company.city
        assert all(child.email for child in company.child_ids)


@pytest.fixture
def employee(env):
    user = env["res.users"].create({
        "name": "Employee", "login": "mail_employee", "email": "emp@example.com",
        "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    return user


def test_employees_use_the_chatter_but_not_the_mail_queue(env, employee):
    partners = env["res.partner"].with_user(employee)
    partner = partners.create({"name": "By employee", "email": "x@example.com"})
    assert partner.message_partner_ids == employee.partner_id
    message = partner.message_post(body="hello")
    assert message.author_id == employee.partner_id
    partner.activity_schedule(summary="mine")
    assert partner.activity_user_id == employee
    for model in ("mail.mail", "ir.mail_server"):
        with pytest.raises(AccessError):
            env[model].with_user(employee).search([])
    # employees edit their own messages only
    admin_message = env["res.partner"].browse(partner.id).message_post(body="admin's")
    with pytest.raises(AccessError):
        env["mail.message"].with_user(employee).browse(admin_message.id).write({"body": "x"})
        env.flush_all()


def test_form_reads_chatter_fields_of_saved_and_new_records(env):
    partner = env["res.partner"].create({"name": "Form", "is_company": True})
    partner.activity_schedule(summary="call")
    spec = {"name": {}, "message_ids": {"fields": {"body": {}, "author_id": {"fields": {"display_name": {}}}}},
            "activity_ids": {"fields": {"summary": {}, "state": {}}}, "activity_state": {},
            "message_partner_ids": {"fields": {"display_name": {}}}}
    [values] = partner.web_read(spec)
    assert values["activity_state"] == "planned"
    assert [a["summary"] for a in values["activity_ids"]] == ["call"]
    assert len(values["message_ids"]) == 1
    assert values["message_partner_ids"] == [{"id": env.user.partner_id.id,
                                              "display_name": env.user.partner_id.display_name}]
    new = env["res.partner"].new({"name": "Draft"})
    assert not new.message_ids and not new.activity_ids and not new.activity_state
    result = env["res.partner"].onchange({"name": "Draft", "is_company": True}, [], {
        "name": {}, "is_company": {}, "message_ids": {}, "activity_state": {}})
    assert "value" in result
