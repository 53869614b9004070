"""x2many commands on one2many and many2many, relational searches, and _parent_store."""

from __future__ import annotations

import pytest

from agora import Command
from agora.orm.exceptions import InvalidValueError, ValidationError


def _rel_rows(env, partner) -> set[int]:
    env.flush_all()
    env.cr.execute("SELECT test_tag_id FROM test_partner_test_tag_rel WHERE test_partner_id = %s",
                   (partner.id,))
    return {row[0] for row in env.cr.fetchall()}


@pytest.fixture
def order(env):
    partner = env["test.partner"].create({"name": "Rel P"})
    return env["test.order"].create({"partner_id": partner.id})


def test_command_helpers_build_triples():
    assert Command.create({"a": 1}) == (0, 0, {"a": 1})
    assert Command.update(3, {"a": 1}) == (1, 3, {"a": 1})
    assert Command.delete(3) == (2, 3, 0)
    assert Command.unlink(3) == (3, 3, 0)
    assert Command.link(3) == (4, 3, 0)
    assert Command.clear() == (5, 0, 0)
    assert Command.set([1, 2]) == (6, 0, [1, 2])


# -- one2many -------------------------------------------------------------------------------

def test_one2many_create_update_delete(env, order):
    Line = env["test.order.line"]
    order.write({"line_ids": [(0, 0, {"price": 2}), Command.create({"price": 3})]})
    assert sorted(order.line_ids.mapped("price")) == [2.0, 3.0]
    first, second = order.line_ids.sorted("price")
    order.write({"line_ids": [(1, first.id, {"price": 20})]})
    assert first.price == 20
    order.write({"line_ids": [Command.update(second.id, {"price": 30})]})
    assert second.price == 30
    order.write({"line_ids": [(2, first.id, 0)]})
    assert not first.exists()
    assert order.line_ids == second
    order.write({"line_ids": [Command.delete(second.id)]})
    assert not second.exists()
    assert not order.line_ids
    assert Line.search_count([("order_id", "=", order.id)]) == 0


def test_one2many_link_unlink_set_clear(env, order):
    other = env["test.order"].create({"partner_id": order.partner_id.id})
    lines = env["test.order.line"].create([{"order_id": other.id, "price": p}
                                           for p in (1, 2, 3)])
    order.write({"line_ids": [(4, lines[0].id, 0)]})
    assert order.line_ids == lines[0]
    assert other.line_ids == lines[1:]
    order.write({"line_ids": [Command.link(lines[1].id)]})
    assert order.line_ids == lines[:2]
    # unlink of a required, cascading inverse deletes the line (Odoo semantics)
    order.write({"line_ids": [(3, lines[0].id, 0)]})
    assert not lines[0].exists()
    assert order.line_ids == lines[1]
    order.write({"line_ids": [(6, 0, [lines[2].id])]})
    assert order.line_ids == lines[2]
    assert not lines[1].exists()  # removed from the set: deleted
    order.write({"line_ids": [Command.set([])]})
    assert not order.line_ids
    new = env["test.order.line"].create({"order_id": order.id})
    order.write({"line_ids": [(5, 0, 0)]})
    assert not order.line_ids and not new.exists()


def test_one2many_on_create(env):
    partner = env["test.partner"].create({"name": "P"})
    order = env["test.order"].create({"partner_id": partner.id, "line_ids": [
        Command.create({"price": 1, "quantity": 2}), Command.create({"price": 5})]})
    assert len(order.line_ids) == 2
    assert all(line.order_id == order for line in order.line_ids)
    assert partner.order_ids == order


def test_one2many_inverse_cache_updated(env, order):
    line = env["test.order.line"].create({"order_id": order.id})
    assert order.line_ids == line
    other = env["test.order"].create({"partner_id": order.partner_id.id})
    line.order_id = other
    assert not order.line_ids
    assert other.line_ids == line


# -- many2many --------------------------------------------------------------------------

def test_many2many_commands(env):
    partner = env["test.partner"].create({"name": "M2M"})
    tags = env["test.tag"].create([{"name": f"tag{i}"} for i in range(4)])
    partner.write({"tag_ids": [(6, 0, tags[:2].ids)]})
    assert partner.tag_ids == tags[:2]
    assert _rel_rows(env, partner) == set(tags[:2].ids)
    partner.write({"tag_ids": [(4, tags[2].id, 0), Command.link(tags[2].id)]})
    assert partner.tag_ids == tags[:3]
    partner.write({"tag_ids": [(3, tags[0].id, 0)]})
    assert partner.tag_ids == tags[1:3]
    assert tags[0].exists()  # unlink only removes the link
    partner.write({"tag_ids": [Command.unlink(tags[1].id)]})
    assert partner.tag_ids == tags[2]
    partner.write({"tag_ids": [(0, 0, {"name": "created"})]})
    created = partner.tag_ids - tags
    assert created.name == "created"
    partner.write({"tag_ids": [(1, created.id, {"name": "renamed"})]})
    assert created.name == "renamed"
    partner.write({"tag_ids": [(2, created.id, 0)]})
    assert not created.exists()
    assert partner.tag_ids == tags[2]
    partner.write({"tag_ids": [Command.clear()]})
    assert not partner.tag_ids
    assert _rel_rows(env, partner) == set()
    partner.write({"tag_ids": [Command.set(tags.ids)]})
    assert _rel_rows(env, partner) == set(tags.ids)
    partner.write({"tag_ids": [(5, 0, 0), (4, tags[3].id, 0)]})
    assert partner.tag_ids == tags[3]
    env.invalidate_all()
    assert partner.tag_ids == tags[3]


def test_many2many_plain_ids_and_recordset(env):
    tags = env["test.tag"].create([{"name": "a"}, {"name": "b"}])
    partner = env["test.partner"].create({"name": "P", "tag_ids": tags.ids})
    assert partner.tag_ids == tags
    partner.tag_ids = tags[1]
    assert partner.tag_ids == tags[1]
    partner.tag_ids = False
    assert not partner.tag_ids


def test_many2many_custom_relation(env):
    tags = env["test.tag"].create([{"name": "a"}, {"name": "b"}])
    misc = env["test.misc"].create({"tag_ids": [Command.set(tags.ids)]})
    env.flush_all()
    env.cr.execute("SELECT tag_id FROM test_misc_tag_rel WHERE misc_id = %s", (misc.id,))
    assert {row[0] for row in env.cr.fetchall()} == set(tags.ids)


@pytest.mark.parametrize("value", [
    [(7, 0, 0)], [(0, 0, "not a dict")], [(6, 0, ["x"])], [(4, "x", 0)], "1,2", [("a",)],
])
def test_bad_commands(env, value):
    partner = env["test.partner"].create({"name": "P"})
    with pytest.raises(InvalidValueError) as info:
        partner.write({"tag_ids": value})
    assert (info.value.model, info.value.field) == ("test.partner", "tag_ids")


# -- searching through relations -------------------------------------------------------------

def test_search_dotted_paths(env):
    fr = env["test.country"].create({"name": "Fr", "code": "FR"})
    red = env["test.tag"].create({"name": "red"})
    a = env["test.partner"].create({"name": "Dot A", "country_id": fr.id, "tag_ids": red.ids})
    b = env["test.partner"].create({"name": "Dot B"})
    Partner = env["test.partner"]
    assert Partner.search([("country_id.code", "=", "FR")]) == a
    assert Partner.search([("tag_ids.name", "=", "red")]) == a
    assert Partner.search([("name", "like", "Dot"), ("tag_ids", "=", False)]) == b
    order = env["test.order"].create({"partner_id": b.id})
    assert env["test.order"].search([("partner_id.name", "=", "Dot B")]) == order
    assert Partner.search([("order_ids", "any", [("id", "=", order.id)])]) == b


# -- _parent_store ------------------------------------------------------------------------------

@pytest.fixture
def tree(env):
    """root -> (a -> (a1, a2), b -> b1)"""
    Category = env["test.category"]
    root = Category.create({"name": "root"})
    a, b = Category.create([{"name": "a", "parent_id": root.id},
                            {"name": "b", "parent_id": root.id}])
    a1, a2 = Category.create([{"name": "a1", "parent_id": a.id},
                              {"name": "a2", "parent_id": a.id}])
    b1 = Category.create({"name": "b1", "parent_id": b.id})
    return {c.name: c for c in (root, a, b, a1, a2, b1)}


def _names(records) -> set[str]:
    return set(records.mapped("name"))


def test_parent_path(env, tree):
    env.invalidate_all()
    assert tree["a1"].parent_path == f"{tree['root'].id}/{tree['a'].id}/{tree['a1'].id}/"


def test_child_of_parent_of(env, tree):
    Category = env["test.category"]
    assert _names(Category.search([("id", "child_of", tree["a"].id)])) == {"a", "a1", "a2"}
    assert _names(Category.search([("id", "child_of", tree["root"].id)])) == set(tree)
    assert _names(Category.search([("id", "parent_of", tree["a2"].id)])) == {"a2", "a", "root"}
    assert _names(Category.search([("id", "child_of", [tree["a"].id, tree["b"].id])])) == {
        "a", "a1", "a2", "b", "b1"}
    assert _names(Category.search([("parent_id", "child_of", tree["a"].id)])) == {"a1", "a2"}


def test_move_subtree(env, tree):
    Category = env["test.category"]
    tree["a"].parent_id = tree["b"]
    assert _names(Category.search([("id", "child_of", tree["b"].id)])) == {
        "b", "b1", "a", "a1", "a2"}
    assert _names(Category.search([("id", "parent_of", tree["a1"].id)])) == {
        "a1", "a", "b", "root"}
    env.invalidate_all()
    assert tree["a1"].parent_path == "/".join(
        str(tree[n].id) for n in ("root", "b", "a", "a1")) + "/"
    tree["a"].parent_id = False
    assert _names(Category.search([("id", "parent_of", tree["a2"].id)])) == {"a2", "a"}
    assert _names(Category.search([("id", "child_of", tree["root"].id)])) == {"root", "b", "b1"}


def test_parent_store_refuses_cycles(env, tree):
    with pytest.raises(ValidationError):
        tree["a"].write({"parent_id": tree["a1"].id})


def test_one2many_follows_active_test_of_the_context(env):
    parent = env["test.partner"].create({"name": "Parent"})
    active = env["test.partner"].create({"name": "Kid A", "parent_id": parent.id})
    archived = env["test.partner"].create({"name": "Kid B", "parent_id": parent.id,
                                           "active": False})
    env.invalidate_all()
    assert parent.child_ids == active  # cached with the default context first
    everything = parent.with_context(active_test=False).child_ids
    assert everything == active | archived
    assert parent.child_ids == active  # the default view is unchanged
    archived.write({"active": True})
    env.invalidate_all()
    assert parent.child_ids == active | archived
