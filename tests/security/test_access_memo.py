"""The access memo shared across transactions: a warm request runs no access query, and
a change of rights committed by any transaction is seen by the very next one."""

from __future__ import annotations

import pytest

from agora.orm.exceptions import AccessError
from agora.testing.queries import assert_queries


@pytest.fixture
def run(agora_served_run):
    return agora_served_run


@pytest.fixture
def member(agora_served_user):
    return agora_served_user[0]


def test_warm_requests_run_no_access_query(run, member):
    run(lambda env: env["res.partner"].search_read([], ["name"], limit=5), member)

    def warm(env):
        with assert_queries(env.cr, 1) as log:
            env["res.partner"].search_read([], ["name"], limit=5)
        return log
    assert "res_partner" in run(warm, member)[0][0]


def test_membership_change_is_seen_by_the_next_transaction(run, member):
    assert run(lambda env: env["res.groups"].search_count([]), member) > 0
    group_user = run(lambda env: env.ref("base.group_user").id)
    run(lambda env: env["res.users"].browse(member).write({"groups_id": [(3, group_user)]}))
    with pytest.raises(AccessError):
        run(lambda env: env["res.groups"].search_count([]), member)
    run(lambda env: env["res.users"].browse(member).write({"groups_id": [(4, group_user)]}))
    assert run(lambda env: env["res.groups"].search_count([]), member) > 0


def test_access_line_change_is_seen_by_the_next_transaction(run, member):
    def lines(env):
        return env["ir.model.access"].search([("model_id.model", "=", "res.lang"),
                                              ("group_id", "=", False)])
    run(lambda env: env["res.lang"].search_count([]), member)
    run(lambda env: lines(env).write({"active": False}))
    try:
        with pytest.raises(AccessError):
            run(lambda env: env["res.lang"].search_count([]), member)
    finally:
        run(lambda env: env["ir.model.access"].with_context(active_test=False).search(
            [("model_id.model", "=", "res.lang"), ("group_id", "=", False)]).write(
            {"active": True}))
    assert run(lambda env: env["res.lang"].search_count([]), member) >= 1


def test_a_transaction_that_changes_rights_sees_its_own_change(run, member):
    group_user = run(lambda env: env.ref("base.group_user").id)

    def change_then_read(env):
        env["res.users"].browse(member).write({"groups_id": [(3, group_user)]})
        as_member = env(user=member, su=False)
        with pytest.raises(AccessError):
            as_member["res.groups"].search_count([])
        env.cr.rollback()
        return True
    assert run(change_then_read)
    # the rollback undid the change and its signal: the member keeps access
    assert run(lambda env: env["res.groups"].search_count([]), member) > 0


def test_check_access_rights_answers_for_the_model(run, member):
    def ask(env):
        partners = env["res.partner"]
        with pytest.raises(AccessError):
            partners.check_access_rights("unlink")
        return (partners.check_access_rights("unlink", raise_exception=False),
                partners.check_access_rights("read"))
    assert run(ask, member) == (False, True)
