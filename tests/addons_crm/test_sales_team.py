"""sales_team: groups and their implications, the Sales department, default teams."""

from __future__ import annotations


def test_groups_imply_each_other_and_admin_is_manager(env):
    salesman = env.ref("sales_team.group_sale_salesman")
    all_leads = env.ref("sales_team.group_sale_salesman_all_leads")
    manager = env.ref("sales_team.group_sale_manager")
    assert salesman.name == "User: Own Documents Only"
    assert manager._implied_closure() >= {all_leads.id, salesman.id,
                                          env.ref("base.group_user").id}
    assert salesman.id not in all_leads.implied_ids.ids or all_leads.implied_ids == salesman
    admin = env.ref("base.user_admin")
    assert admin.has_group("sales_team.group_sale_manager")
    assert admin.has_group("sales_team.group_sale_salesman")


def test_sales_department_and_default_team(env, salesmen):
    sales = env.ref("sales_team.team_sales_department")
    assert sales.name == "Sales" and sales.active
    ann, ben = salesmen
    team = env["crm.team"].create({"name": "Europe", "user_id": ann.id,
                                   "member_ids": [(6, 0, [ben.id])]})
    teams = env["crm.team"]
    assert teams._get_default_team_id(user_id=ann.id) == team  # leader
    assert teams._get_default_team_id(user_id=ben.id) == team  # member
    nobody = env["res.users"].create({"name": "Cleo", "login": "test_cleo"})
    assert teams._get_default_team_id(user_id=nobody.id) == sales
