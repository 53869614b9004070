"""Computed fields (stored and not), related fields, inverses and @api.constrains."""

from __future__ import annotations

import pytest

from agora import Command
from agora.orm.exceptions import InvalidValueError, ValidationError


def _db_amounts(env, order) -> tuple[float, int]:
    env.flush_all()
    env.cr.execute("SELECT amount, line_count FROM test_order WHERE id = %s", (order.id,))
    amount, count = env.cr.fetchone()
    return amount, count


@pytest.fixture
def partner(env):
    return env["test.partner"].create({"name": "Compute P"})


def test_stored_compute_on_create(env, partner):
    order = env["test.order"].create({"partner_id": partner.id, "line_ids": [
        Command.create({"price": 10, "quantity": 2}), Command.create({"price": 1.5})]})
    assert order.line_ids.mapped("subtotal") == [20.0, 1.5]
    assert order.amount == 21.5 and order.line_count == 2
    assert _db_amounts(env, order) == (21.5, 2)
    env.cr.execute("SELECT subtotal FROM test_order_line WHERE order_id = %s ORDER BY id",
                   (order.id,))
    assert [row[0] for row in env.cr.fetchall()] == [20.0, 1.5]


def test_stored_compute_recomputed_at_flush(env, partner, assert_queries):
    order = env["test.order"].create({"partner_id": partner.id,
                                      "line_ids": [Command.create({"price": 1})]})
    env.flush_all()
    line = order.line_ids
    with assert_queries(0):
        line.price = 4  # buffered: nothing recomputed or written yet
    assert line.id in env.transaction.tocompute[env["test.order.line"]._fields["subtotal"]]
    env.flush_all()
    env.cr.execute("SELECT subtotal FROM test_order_line WHERE id = %s", (line.id,))
    assert env.cr.fetchone()[0] == 4.0
    assert _db_amounts(env, order) == (4.0, 1)


def test_stored_compute_after_line_changes(env, partner):
    order = env["test.order"].create({"partner_id": partner.id})
    assert _db_amounts(env, order) == (0.0, 0)
    lines = env["test.order.line"].create([
        {"order_id": order.id, "price": 2, "quantity": 3},
        {"order_id": order.id, "price": 5}])
    assert _db_amounts(env, order) == (11.0, 2)
    lines[0].write({"quantity": 10})
    assert _db_amounts(env, order) == (25.0, 2)
    lines[1].unlink()
    assert _db_amounts(env, order) == (20.0, 1)
    order.write({"line_ids": [Command.create({"price": 1})]})
    assert order.amount == 21.0
    assert _db_amounts(env, order) == (21.0, 2)


def test_stored_compute_when_line_moves(env, partner):
    first = env["test.order"].create({"partner_id": partner.id,
                                      "line_ids": [Command.create({"price": p})
                                                   for p in (1, 2, 3)]})
    second = env["test.order"].create({"partner_id": partner.id})
    env.flush_all()
    line = first.line_ids.sorted("price")[0]
    line.order_id = second
    assert _db_amounts(env, first) == (5.0, 2)
    assert _db_amounts(env, second) == (1.0, 1)
    assert first.amount == 5.0 and second.amount == 1.0


def test_stored_compute_written_then_recomputed(env, partner):
    # Like Odoo, a stored computed field may be written; its dependencies win next time.
    order = env["test.order"].create({"partner_id": partner.id,
                                      "line_ids": [Command.create({"price": 2})]})
    env.flush_all()
    order.write({"amount": 99})
    assert _db_amounts(env, order) == (99.0, 1)
    order.line_ids.price = 3
    assert _db_amounts(env, order) == (3.0, 1)


def test_non_stored_compute_cannot_be_written(env, partner):
    with pytest.raises(InvalidValueError) as info:
        partner.write({"order_count": 3})
    assert (info.value.model, info.value.field) == ("test.partner", "order_count")


def test_non_stored_compute(env, partner):
    assert partner.order_count == 0
    env["test.order"].create([{"partner_id": partner.id}, {"partner_id": partner.id}])
    assert partner.order_count == 2
    env["test.order"].search([("partner_id", "=", partner.id)], limit=1).unlink()
    assert partner.order_count == 1
    env.cr.execute("SELECT count(*) FROM information_schema.columns WHERE "
                   "table_name = 'test_partner' AND column_name = 'order_count'")
    assert env.cr.fetchone()[0] == 0


def test_related_read_and_write_through(env):
    country = env["test.country"].create({"name": "Japan", "code": "JP"})
    partner = env["test.partner"].create({"name": "Rel", "country_id": country.id})
    assert partner.country_code == "JP"
    country.code = "JA"
    assert partner.country_code == "JA"
    partner.country_code = "NI"
    assert country.code == "NI"
    env.invalidate_all()
    assert country.code == "NI"
    order = env["test.order"].create({"partner_id": partner.id})
    assert order.partner_name == "Rel"
    partner.name = "Renamed"
    assert order.partner_name == "Renamed"
    other = env["test.country"].create({"name": "Korea", "code": "KR"})
    partner.country_id = other
    assert partner.country_code == "KR"
    assert env["test.partner"].search([("country_code", "=", "KR")]) == partner


def test_related_searchable_and_readable(env):
    partner = env["test.partner"].create({"name": "Mail", "email": "rel@x"})
    misc = env["test.misc"].create({"partner_id": partner.id})
    assert misc.read(["partner_email"])[0]["partner_email"] == "rel@x"
    assert env["test.misc"].search([("partner_email", "=", "rel@x")]) == misc
    misc.write({"partner_email": "new@x"})
    assert partner.email == "new@x"


def test_inverse(env):
    misc = env["test.misc"].create({"value": 4})
    assert misc.double == 8
    misc.double = 20
    assert misc.value == 10
    assert misc.double == 20
    created = env["test.misc"].create({"double": 14})
    assert created.value == 7
    env.flush_all()
    env.cr.execute("SELECT value FROM test_misc WHERE id = %s", (created.id,))
    assert env.cr.fetchone()[0] == 7


def test_constrains_on_create_and_write(env):
    partners = env["test.partner"]
    with pytest.raises(ValidationError) as info:
        partners.create({"name": "Neg", "age": -1})
    assert (info.value.model, info.value.field) == ("test.partner", "age")
    env.cr.rollback()
    partner = env["test.partner"].create({"name": "Pos", "age": 1})
    with pytest.raises(ValidationError):
        partner.write({"age": -5})
    env.cr.rollback()
    assert env["test.partner"].search_count([("name", "in", ["Neg", "Pos"])]) == 0
    # not triggered by unrelated fields
    partner = env["test.partner"].create({"name": "Pos", "age": 1})
    partner.write({"email": "pos@x"})
    assert partner.email == "pos@x"


def test_many2many_write_recomputes_the_other_side(env):
    tag = env["test.tag"].create({"name": "vip"})
    partner = env["test.partner"].create({"name": "Linked"})
    env.flush_all()
    assert tag.partner_count == 0
    partner.write({"tag_ids": [(4, tag.id)]})
    env.flush_all()
    assert tag.partner_count == 1
    partner.write({"tag_ids": [(3, tag.id)]})
    env.flush_all()
    assert tag.partner_count == 0
    tag.write({"partner_ids": [(6, 0, [partner.id])]})
    assert partner.tag_ids == tag
