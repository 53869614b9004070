"""Pipeline columns: every stage is a group, empty or not, in the stages' order."""

from __future__ import annotations


def test_empty_stages_are_groups_in_stage_order(env, stages):
    team = env["crm.team"].create({"name": "Solo"})
    lead = env["crm.lead"].create({"name": "Only one", "type": "opportunity", "team_id": team.id,
                                   "stage_id": stages["proposition"].id,
                                   "expected_revenue": 300.0})
    domain = [("id", "=", lead.id)]
    groups = env["crm.lead"].read_group(domain, ["expected_revenue:sum"], ["stage_id"])
    assert [g["stage_id"][0] for g in groups] == [s.id for s in (
        stages["new"], stages["qualified"], stages["proposition"], stages["won"])]
    assert [g["stage_id_count"] for g in groups] == [0, 0, 1, 0]
    assert [g["expected_revenue"] for g in groups] == [False, False, 300.0, False]
    assert [g["__fold"] for g in groups] == [False, False, False, True]
    empty = groups[0]
    assert empty["stage_id"] == (stages["new"].id, "New")
    assert empty["__domain"] == ["&", ("stage_id", "=", stages["new"].id), *domain]
    assert env["crm.lead"].search_count(empty["__domain"]) == 0


def test_team_stages_show_only_in_their_team_pipeline(env, stages):
    team = env["crm.team"].create({"name": "Export"})
    own = env["crm.stage"].create({"name": "Customs", "sequence": 2, "team_id": team.id})
    domain = [("id", "=", 0)]
    shared = env["crm.lead"].read_group(domain, [], ["stage_id"])
    assert own.id not in [g["stage_id"][0] for g in shared]
    assert len(shared) == 4
    in_team = env["crm.lead"].with_context(default_team_id=team.id).read_group(
        domain, [], ["stage_id"])
    assert [g["stage_id"][0] for g in in_team] == [
        stages["new"].id, stages["qualified"].id, own.id, stages["proposition"].id,
        stages["won"].id]
    # a stage holding records always shows, whatever the context
    lead = env["crm.lead"].create({"name": "x", "stage_id": own.id})
    shown = env["crm.lead"].read_group([("id", "=", lead.id)], [], ["stage_id"])
    assert own.id in [g["stage_id"][0] for g in shown]


def test_other_groupings_are_left_alone(env, stages):
    lead = env["crm.lead"].create({"name": "x", "stage_id": stages["new"].id})
    by_user = env["crm.lead"].read_group([("id", "=", lead.id)], [], ["user_id"])
    assert len(by_user) == 1
    two_levels = env["crm.lead"].read_group([("id", "=", lead.id)], [],
                                            ["stage_id", "user_id"], lazy=False)
    assert len(two_levels) == 1 and two_levels[0]["__count"] == 1
    paged = env["crm.lead"].read_group([("id", "=", lead.id)], [], ["stage_id"], limit=10)
    assert len(paged) == 1
    flat = env["crm.lead"].read_group([("id", "=", lead.id)], [], ["stage_id"], lazy=False)
    assert len(flat) == 4 and sum(g["__count"] for g in flat) == 1
