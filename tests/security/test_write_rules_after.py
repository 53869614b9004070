"""``write`` checks the record rules on the records as they become, not only as they
were: a user may not move a record out of what they may modify (another company), and
the check costs one query per write call, only when it can matter.

On a real base install (its multi-company rule on contacts) with two companies and an
employee of the first one."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from agora.orm import access
from agora.orm.environment import Environment
from agora.orm.exceptions import AccessError
from agora.testing.addons import installed_database_fixture, rolled_back_env
from agora.testing.queries import assert_queries

base_db = installed_database_fixture(["base"], prefix="agora_write_rules")


@pytest.fixture
def env(base_db: str) -> Iterator[Environment]:
    with rolled_back_env(base_db) as env:
        yield env


@pytest.fixture
def world(env: Environment) -> SimpleNamespace:
    a = env.ref("base.main_company")
    b = env["res.company"].create({"name": "Company B"})
    user = env["res.users"].create({
        "name": "Only A", "login": "only_a_writes", "company_id": a.id,
        "company_ids": [(6, 0, [a.id])], "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    partners = env["res.partner"].create([{"name": f"Mine {i}", "company_id": a.id}
                                          for i in range(50)])
    env.flush_all()
    mine = env(user=user.id)["res.partner"].browse(partners.ids)
    mine[0].write({"name": "warm"})  # the user's rights and rules are memoised
    env.flush_all()
    return SimpleNamespace(a=a.id, b=b.id, user=user.id, mine=mine, ids=partners.ids)


def test_moving_a_record_into_another_company_is_refused(env, world):
    partner = world.mine[0]
    with pytest.raises(AccessError) as info, env.cr.savepoint():
        partner.write({"company_id": world.b})
    message = str(info.value)
    assert "modify 'Contact' (res.partner)" in message
    assert "take them out of what you may modify" in message
    assert "multi-company" in message  # the rule that refuses, by name
    env.invalidate_all(flush=False)
    assert env["res.partner"].browse(partner.id).company_id.id == world.a


def test_the_whole_write_is_refused_when_one_record_leaves(env, world):
    shared = env["res.partner"].create({"name": "Shared", "company_id": False})
    records = world.mine[:3] | world.mine.browse(shared.id)
    with pytest.raises(AccessError), env.cr.savepoint():
        records.write({"company_id": world.b})
    env.invalidate_all(flush=False)
    assert env["res.partner"].browse(records.ids).mapped("company_id").ids == [world.a]


def test_writes_that_stay_inside_the_rules_pass(env, world):
    world.mine[:2].write({"company_id": False, "name": "Shared now"})
    world.mine[:2].write({"company_id": world.a})
    env.flush_all()
    assert env["res.partner"].browse(world.mine[:2].ids).mapped("company_id").ids == [world.a]


def test_a_recomputed_field_the_rule_reads_is_checked_too(env, world):
    """The write does not name the field the rule reads, but changes it through a stored
    computed field: still checked."""
    hidden_parent = env["res.partner"].create({"name": "Parent in B", "company_id": world.b,
                                               "is_company": True})
    model = env["ir.model"].search([("model", "=", "res.partner")])
    env["ir.rule"].create({
        "name": "Contacts: not under Parent in B", "model_id": model.id,
        "domain_force": f"[('commercial_partner_id', '!=', {hidden_parent.id})]",
        "perm_read": False, "perm_create": False, "perm_unlink": False})
    child = world.mine[1]
    with pytest.raises(AccessError, match="not under Parent in B"), env.cr.savepoint():
        child.write({"parent_id": hidden_parent.id})


def test_the_after_check_is_one_query_and_only_when_it_can_matter(env, world):
    one, fifty = world.mine[:1], world.mine

    def count(records, vals) -> int:
        env.flush_all()
        with assert_queries(env.cr, 10) as log:
            records.write(vals)
            env.flush_all()
        return len(log)

    # a field the rule does not read: the check before (one query) and the UPDATE
    assert count(one, {"ref": "r1"}) == 2
    # the company the rule reads: one more query, whatever the number of records
    assert count(one, {"company_id": world.a}) == 3
    assert count(fifty, {"company_id": world.a}) == 3
    assert count(fifty, {"ref": "r50"}) == 2
    # the superuser pays nothing, neither before nor after
    assert count(env["res.partner"].browse(fifty.ids), {"company_id": world.a}) == 1


def test_a_model_without_rules_pays_nothing(env, world):
    model = env["ir.model"].search([("model", "=", "res.partner.category")])
    env["ir.model.access"].create({
        "name": "categories write (test)", "model_id": model.id,
        "group_id": env.ref("base.group_user").id, "perm_read": True, "perm_write": True})
    category = env["res.partner.category"].create({"name": "Tag"})
    mine = env(user=world.user)["res.partner.category"].browse(category.id)
    mine.write({"name": "warm"})
    env.flush_all()
    with assert_queries(env.cr, 1) as log:
        mine.write({"name": "Tag 2"})
        env.flush_all()
    assert len(log) == 1 and log[0][0].startswith("UPDATE")


def test_rule_fields(env):
    """What a rule reads on the records themselves; None when it cannot be told."""
    partners = env["res.partner"]
    assert access.rule_fields(partners, ["|", ("company_id", "=", False),
                                         ("company_id.parent_id", "in", [1])]) == {"company_id"}
    assert access.rule_fields(partners, [(1, "=", 1)]) == set()
    assert access.rule_fields(partners, [("id", "child_of", [3])]) == {
        "id", "parent_id", "parent_path"}
    assert access.rule_fields(partners, [("display_name", "=", "x")]) is None  # not stored
    assert access.rule_fields(partners, [("nope", "=", 1)]) is None
