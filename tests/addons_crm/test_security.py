"""Who sees which leads: own and unassigned for salesmen, all for the "all documents"
group and managers, only the companies one works in."""

from __future__ import annotations

import pytest

from agora import exceptions
from agora.testing.queries import assert_queries


def _leads(env, salesmen):
    ann, ben = salesmen
    return {
        "ann": env["crm.lead"].create({"name": "Ann's", "user_id": ann.id}),
        "ben": env["crm.lead"].create({"name": "Ben's", "user_id": ben.id}),
        "nobody": env["crm.lead"].create({"name": "Unassigned", "user_id": False}),
    }


def test_salesman_sees_own_and_unassigned_only(env, salesmen):
    ann, _ben = salesmen
    leads = _leads(env, salesmen)
    env.flush_all()
    mine = env["crm.lead"].with_user(ann).search([("id", "in", [r.id for r in leads.values()])])
    assert set(mine.ids) == {leads["ann"].id, leads["nobody"].id}
    with pytest.raises(exceptions.AccessError):
        leads["ben"].with_user(ann).read(["name"])
    with pytest.raises(exceptions.AccessError):
        leads["ben"].with_user(ann).write({"name": "stolen"})
    # taking an unassigned lead, creating and closing one's own
    leads["nobody"].with_user(ann).write({"user_id": ann.id})
    own = env["crm.lead"].with_user(ann).create({"name": "Mine too", "type": "opportunity"})
    assert own.user_id == ann
    own.action_set_won()
    assert own.won_status == "won"
    # salesmen read stages and reasons, do not configure them
    assert env["crm.stage"].with_user(ann).search_count([]) >= 4
    with pytest.raises(exceptions.AccessError):
        env["crm.stage"].with_user(ann).create({"name": "Mine"})


def test_all_leads_group_and_manager_see_everything(env, salesmen):
    leads = _leads(env, salesmen)
    env.flush_all()
    ids = [r.id for r in leads.values()]
    jane = env.ref("crm.user_sales_jane")  # User: All Documents
    assert len(env["crm.lead"].with_user(jane).search([("id", "in", ids)])) == 3
    admin = env.ref("base.user_admin")  # manager through the sales_team data
    assert len(env["crm.lead"].with_user(admin).search([("id", "in", ids)])) == 3
    env["crm.stage"].with_user(admin).create({"name": "Managers may"})


def test_users_outside_the_sales_groups_have_no_access(env):
    plain = env["res.users"].create({"name": "Clerk", "login": "test_clerk",
                                     "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    with pytest.raises(exceptions.AccessError):
        env["crm.lead"].with_user(plain).search([])


def test_leads_of_other_companies_are_hidden(env, salesmen):
    jane = env.ref("crm.user_sales_jane")
    other = env["res.company"].create({"name": "Other Co",
                                       "currency_id": env.company.currency_id.id})
    foreign = env["crm.lead"].create({"name": "Elsewhere", "company_id": other.id,
                                      "user_id": jane.id})
    shared = env["crm.lead"].create({"name": "Everywhere", "company_id": False,
                                     "user_id": jane.id})
    env.flush_all()
    found = env["crm.lead"].with_user(jane).search([("id", "in", [foreign.id, shared.id])])
    assert found.ids == [shared.id]


def test_salesman_set_won_query_count(env, salesmen):
    ann, _ben = salesmen
    stage = env.ref("crm.stage_lead2")
    leads = env["crm.lead"].create([{"name": f"Deal {n}", "type": "opportunity",
                                     "stage_id": stage.id, "user_id": ann.id,
                                     "expected_revenue": 10.0} for n in range(50)])
    env.flush_all()
    env.invalidate_all()
    as_ann = env["crm.lead"].with_user(ann).browse(leads.ids)
    as_ann.check_access("read")  # the access checks' caches (groups, rules) warm
    env.invalidate_all()
    with assert_queries(env.cr, 10) as log:
        as_ann.action_set_won()
        env.flush_all()
    print(f"action_set_won on 50 leads as a salesman: {len(log)} queries")
    assert set(leads.mapped("won_status")) == {"won"}
