"""Followers follow their document: a user sees who follows a record only where they may
read the record; they may follow it (or stop) themselves where they may read it, and
change its other followers only where they may change it, as in Odoo. Searches filter in
SQL, so their cost does not grow with the followers; checks by id are one query."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agora.orm.exceptions import AccessError, ValidationError
from agora.testing.queries import assert_queries
from tests.addons_mail.document_world import (
    assert_read_by_id_costs_one_query,
    assert_refused_by_id,
    assert_search_cost_is_flat,
    make_world,
)


@pytest.fixture
def world(env) -> SimpleNamespace:
    world = make_world(env, "followers")
    for record in (world.mine, world.hidden, world.readonly):
        record.message_subscribe([world.outsider.id])
    world.hidden_follower = env["mail.followers"].search([
        ("res_model", "=", "res.partner"), ("res_id", "=", world.hidden.id),
        ("partner_id", "=", world.outsider.id)])
    world.mine_follower = env["mail.followers"].search([
        ("res_model", "=", "res.partner"), ("res_id", "=", world.mine.id),
        ("partner_id", "=", world.outsider.id)])
    world.readonly_follower = env["mail.followers"].search([
        ("res_model", "=", "res.partner"), ("res_id", "=", world.readonly.id),
        ("partner_id", "=", world.outsider.id)])
    env.flush_all()
    return world


def followers(env, world):
    return env(user=world.employee.id)["mail.followers"]


def on(record) -> list:
    return [("res_model", "=", record._name), ("res_id", "=", record.id)]


def test_followers_of_hidden_records_are_not_found(env, world):
    mine = followers(env, world)
    assert mine.search(on(world.mine)).mapped("partner_id.name")
    assert mine.search_read(on(world.readonly), ["partner_id"])
    for method in (mine.search, mine.search_count):
        assert not method(on(world.hidden))
    assert not mine.search_read([("partner_id", "=", world.outsider.id),
                                 ("res_id", "=", world.hidden.id)], ["res_id"])
    assert mine.web_search_read(on(world.hidden), {"partner_id": {}}) == {
        "length": 0, "records": []}
    assert mine.read_group(on(world.hidden), ["res_id"], ["res_id"]) == []
    everything = mine.search([("partner_id", "=", world.outsider.id)])
    assert world.mine_follower in everything and world.hidden_follower not in everything
    # followers of a model without a chatter: the superuser's only
    company = env["mail.followers"].create({"res_model": "res.company", "res_id": world.a.id,
                                            "partner_id": world.outsider.id})
    assert company not in mine.search([("res_model", "=", "res.company")])
    assert env["mail.followers"].search_count(on(world.hidden)) == 2  # creator, outsider


def test_followers_of_hidden_records_are_refused_by_id(env, world):
    mine = followers(env, world)
    assert mine.browse(world.mine_follower.id).read(["partner_id"])
    with pytest.raises(AccessError, match="documents you cannot read") as info:
        mine.browse([world.mine_follower.id, world.hidden_follower.id]).read(["res_id"])
    assert str(world.hidden_follower.id) in str(info.value)
    assert_refused_by_id(env, mine, world.hidden_follower.id, "res_id")


def test_following_needs_to_read_and_making_others_follow_to_change(env, world):
    user = env(user=world.employee.id)
    me = world.employee.partner_id.id
    new = user["mail.followers"]
    # oneself: where one may read
    own = new.create({"res_model": "res.partner", "res_id": world.readonly.id,
                      "partner_id": me})
    assert own.read(["partner_id"])
    # others: where one may change
    new.create({"res_model": "res.partner", "res_id": world.mine.id,
                "partner_id": world.other.partner_id.id})
    for res_id, partner in [(world.readonly.id, world.other.partner_id.id),
                            (world.hidden.id, me), (world.hidden.id, world.other.partner_id.id)]:
        with pytest.raises(AccessError, match="not yours"), env.cr.savepoint():
            new.create({"res_model": "res.partner", "res_id": res_id, "partner_id": partner})
    with pytest.raises(AccessError), env.cr.savepoint():
        new.create({"res_model": "res.company", "res_id": world.a.id, "partner_id": me})
    with pytest.raises(AccessError), env.cr.savepoint():  # not a model at all
        new.create({"res_model": "no.such.model", "res_id": 1, "partner_id": me})
    assert env["mail.followers"].search_count(on(world.hidden)) == 2


def test_planting_a_known_follower_does_not_tell_it_is_there(env, world):
    """The outsider follows the hidden contact: creating that follower again is refused
    for access, like any other, not by the unique constraint (which would tell)."""
    user = env(user=world.employee.id)["mail.followers"]
    with pytest.raises(AccessError) as info, env.cr.savepoint():
        user.create({"res_model": "res.partner", "res_id": world.hidden.id,
                     "partner_id": world.outsider.id})
    assert not isinstance(info.value, ValidationError)
    with pytest.raises(ValidationError):  # the same on a record one may change: known
        user.create({"res_model": "res.partner", "res_id": world.mine.id,
                     "partner_id": world.outsider.id})
        env.flush_all()


def test_changing_and_deleting_followers(env, world):
    user = env(user=world.employee.id)["mail.followers"]
    me = world.employee.partner_id.id
    with pytest.raises(AccessError), env.cr.savepoint():
        user.browse(world.hidden_follower.id).unlink()
    with pytest.raises(AccessError), env.cr.savepoint():
        user.browse(world.hidden_follower.id).write({"partner_id": me})
    with pytest.raises(AccessError, match="not yours"), env.cr.savepoint():
        user.browse(world.readonly_follower.id).unlink()  # another's, read-only record
    with pytest.raises(AccessError, match="does not move"), env.cr.savepoint():
        user.browse(world.mine_follower.id).write({"res_id": world.hidden.id})
    # one's own follower on a read-only record: it may go, not become another's
    own = user.create({"res_model": "res.partner", "res_id": world.readonly.id,
                       "partner_id": me})
    with pytest.raises(AccessError), env.cr.savepoint():
        own.write({"partner_id": world.other.partner_id.id})
    own.unlink()
    user.browse(world.mine_follower.id).write({"partner_id": world.other.partner_id.id})
    user.browse(world.mine_follower.id).unlink()
    env.invalidate_all()
    assert env["mail.followers"].browse(world.hidden_follower.id).exists()
    assert env["mail.followers"].browse(world.readonly_follower.id).exists()
    assert not env["mail.followers"].browse(world.mine_follower.id).exists()


def test_subscribe_and_unsubscribe_as_odoo(env, world):
    partners = env(user=world.employee.id)["res.partner"]
    me, other = world.employee.partner_id.id, world.other.partner_id.id
    readonly = partners.browse(world.readonly.id)
    readonly.message_subscribe([me])
    assert readonly.message_is_follower
    readonly.message_unsubscribe([me])
    for call in (readonly.message_subscribe, readonly.message_unsubscribe):
        with pytest.raises(AccessError):
            call([world.outsider.id])
        with pytest.raises(AccessError):
            call([me, other])
    hidden = partners.browse(world.hidden.id)
    for call in (hidden.message_subscribe, hidden.message_unsubscribe):
        with pytest.raises(AccessError):
            call([me])
    partners.browse(world.mine.id).message_subscribe([other])
    assert world.mine.sudo().message_partner_ids & world.other.partner_id


def test_the_chatter_lists_the_followers_of_readable_records(env, world):
    partners = env(user=world.employee.id)["res.partner"]
    data = partners.browse(world.readonly.id).chatter_read()
    assert world.outsider.id in [f["partner_id"]["id"] for f in data["followers"]]
    with pytest.raises(AccessError):
        partners.browse(world.hidden.id).chatter_read()
    found = partners.search([("message_partner_ids", "in", [world.outsider.id])])
    assert world.mine in found and world.hidden not in found


# -- cost ------------------------------------------------------------------------------------
def test_search_read_of_followers_costs_the_same_whatever_their_number(env, world):
    def add() -> int:
        records = env["res.partner"].create([{"name": f"P{i}", "company_id": world.a.id}
                                             for i in range(30)])
        records.message_subscribe([world.outsider.id])
        return 30

    few = assert_search_cost_is_flat(env, followers(env, world), [
        ("partner_id", "=", world.outsider.id)], ["res_id", "partner_id"], add)
    # one query for the followers, filtered in it (the partners' names: one more)
    assert len(few) <= 2


def test_checks_by_id_are_one_query(env, world):
    user = followers(env, world)
    ids = (world.mine_follower | world.readonly_follower).ids
    assert_read_by_id_costs_one_query(env, user, ids, "res_id")
    with assert_queries(env.cr, 2) as refused, pytest.raises(AccessError):
        user.browse(world.hidden_follower.id).unlink()
    assert len(refused) == 2  # the check, and the existence of what it refused
