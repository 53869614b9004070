"""Activities follow their document: a user sees the activities of a record only where
they may read it; schedules one where they may change it; changes, deletes or marks done
their own (assigned or created) where they may read the record, and others' where they
may change it, as in Odoo. Searches filter in SQL, so their cost does not grow with the
activities; checks by id are one query."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agora.orm.exceptions import AccessError
from agora.testing.queries import assert_queries
from tests.addons_mail import document_world as shared


@pytest.fixture
def world(env) -> SimpleNamespace:
    world = shared.make_world(env, "activities")
    employee, other = world.employee.id, world.other.id
    world.hidden_mine = world.hidden.activity_schedule(summary="hidden, yours",
                                                       user_id=employee)
    world.hidden_other = world.hidden.activity_schedule(summary="hidden plan",
                                                        user_id=other)
    world.readonly_mine = world.readonly.activity_schedule(summary="read-only, yours",
                                                           user_id=employee)
    world.readonly_other = world.readonly.activity_schedule(summary="read-only, other's",
                                                            user_id=other)
    world.mine_other = world.mine.activity_schedule(summary="mine, other's", user_id=other)
    env.flush_all()
    return world


def activities(env, world):
    return env(user=world.employee.id)["mail.activity"]


def summaries(records) -> set[str]:
    return {row["summary"] for row in records.search_read([], ["summary"])}


def test_activities_of_hidden_records_are_not_found(env, world):
    user = activities(env, world)
    assert summaries(user) >= {"read-only, yours", "read-only, other's", "mine, other's"}
    assert not summaries(user) & {"hidden, yours", "hidden plan"}
    hidden = [("res_model", "=", "res.partner"), ("res_id", "=", world.hidden.id)]
    assert not user.search(hidden) and user.search_count(hidden) == 0
    assert user.read_group(hidden, ["res_id"], ["res_id"]) == []
    assert user.web_search_read(hidden, {"summary": {}}) == {"length": 0, "records": []}
    assert not user.search([("res_name", "ilike", "Hidden")])
    # "My Activities": the ones assigned to the user, on records they may read
    mine = user.search([("user_id", "=", world.employee.id)])
    assert world.readonly_mine in mine and world.hidden_mine not in mine
    assert env["mail.activity"].search_count(hidden) == 2  # the superuser's


def test_activities_of_hidden_records_are_refused_by_id(env, world):
    user = activities(env, world)
    assert user.browse(world.readonly_other.id).read(["summary"])
    with pytest.raises(AccessError, match="documents you cannot read"):
        user.browse([world.readonly_mine.id, world.hidden_mine.id]).read(["summary"])
    shared.assert_refused_by_id(env, user, world.hidden_other.id, "summary")


def test_scheduling_needs_to_change_the_record(env, world):
    partners = env(user=world.employee.id)["res.partner"]
    scheduled = partners.browse(world.mine.id).activity_schedule(summary="call")
    assert scheduled.read(["summary"])[0]["summary"] == "call"
    for record in (world.readonly, world.hidden):
        with pytest.raises(AccessError), env.cr.savepoint():
            partners.browse(record.id).activity_schedule(summary="planted")
    user = activities(env, world)
    for model, res_id in [("res.partner", world.hidden.id), ("res.partner", world.readonly.id),
                          ("res.company", world.a.id)]:  # no activities on companies
        with pytest.raises(AccessError, match="read and change"), env.cr.savepoint():
            user.create({"res_model": model, "res_id": res_id, "summary": "planted",
                         "user_id": world.employee.id})
    assert not env["mail.activity"].search_count([("summary", "=", "planted")])


def test_own_activities_on_readable_records_others_on_changeable_ones(env, world):
    user = activities(env, world)
    user.browse(world.readonly_mine.id).write({"summary": "done soon"})
    user.browse(world.mine_other.id).write({"summary": "taken over"})
    for activity in (world.readonly_other, world.hidden_mine, world.hidden_other):
        with pytest.raises(AccessError), env.cr.savepoint():
            user.browse(activity.id).write({"summary": "pwned"})
        with pytest.raises(AccessError), env.cr.savepoint():
            user.browse(activity.id).unlink()
    # not moved onto a record one may not schedule on either
    with pytest.raises(AccessError), env.cr.savepoint():
        user.browse(world.readonly_mine.id).write({"res_id": world.hidden.id})
    with pytest.raises(AccessError), env.cr.savepoint():
        user.browse(world.mine_other.id).write({"res_id": world.readonly.id})
    user.browse(world.mine_other.id).unlink()
    env.invalidate_all()
    stored = env["mail.activity"].browse(
        [world.readonly_other.id, world.hidden_mine.id, world.hidden_other.id]).exists()
    assert len(stored) == 3 and "pwned" not in stored.mapped("summary")
    assert env["mail.activity"].browse(world.readonly_mine.id).res_id == world.readonly.id


def test_marking_done(env, world):
    user = activities(env, world)
    user.browse(world.readonly_mine.id).action_feedback(feedback="called")
    assert not env["mail.activity"].browse(world.readonly_mine.id).exists()
    done = env["mail.message"].search([("model", "=", "res.partner"),
                                       ("res_id", "=", world.readonly.id)], limit=1)
    assert "called" in done.body
    messages = env["mail.message"].search_count([])
    for activity in (world.readonly_other, world.hidden_mine):
        with pytest.raises(AccessError), env.cr.savepoint():
            user.browse(activity.id).action_feedback(feedback="pwned")
    assert env["mail.message"].search_count([]) == messages  # refused before posting


def test_the_chatter_and_the_activity_fields_of_readable_records(env, world):
    partners = env(user=world.employee.id)["res.partner"]
    data = partners.browse(world.readonly.id).chatter_read()
    assert [a["summary"] for a in data["activities"]] == [
        "read-only, yours", "read-only, other's"]
    with pytest.raises(AccessError):
        partners.browse(world.hidden.id).chatter_read()
    found = partners.search([("activity_user_id", "=", world.employee.id)])
    assert world.readonly in found and world.hidden not in found


# -- cost ------------------------------------------------------------------------------------
def test_search_read_of_activities_costs_the_same_whatever_their_number(env, world):
    def add() -> int:
        records = env["res.partner"].create([{"name": f"P{i}", "company_id": world.a.id}
                                             for i in range(30)])
        records.activity_schedule(summary="more", user_id=world.other.id)
        return 30

    few = shared.assert_search_cost_is_flat(env, activities(env, world), [
        ("user_id", "=", world.other.id)], ["summary", "res_name", "date_deadline",
                                            "user_id"], add)
    # one query for the activities, filtered in it (the users' names: two more, the
    # users and their partners)
    assert len(few) <= 3


def test_scheduling_and_checks_by_id_cost_one_query(env, world):
    user = activities(env, world)
    partners = env(user=world.employee.id)["res.partner"].browse(
        env["res.partner"].create([{"name": f"S{i}", "company_id": world.a.id}
                                   for i in range(20)]).ids)
    env.flush_all()
    partners[:1].activity_schedule(summary="warm")
    env.flush_all()

    def schedule(records) -> int:
        env.invalidate_all()
        with assert_queries(env.cr, 12) as log:
            records.activity_schedule(summary="x")
            env.flush_all()
        return len(log)

    # the whole batch checked at once: the same for 1 record and for 19
    assert schedule(partners[1:2]) == schedule(partners[2:])
    shared.assert_read_by_id_costs_one_query(
        env, user, [world.readonly_mine.id, world.readonly_other.id], "summary")
