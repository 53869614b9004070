"""Recomputations write only what changed; stored computed values given to create stay."""

from agora import Command


def test_recomputing_the_same_value_writes_nothing(env, assert_queries):
    partner = env["test.partner"].create({"name": "R"})
    order = env["test.order"].create({"partner_id": partner.id, "line_ids": [
        Command.create({"price": 5.0, "quantity": 2})]})
    env.flush_all()
    line = order.line_ids
    with assert_queries(3) as log:
        # price and quantity swap: the subtotal and the order's amount stay 10
        line.write({"price": 2.0, "quantity": 5})
        env.flush_all()
    updates = [code for code, _params in log if code.startswith("UPDATE")]
    assert len(updates) == 1 and "test_order_line" in updates[0]
    assert "subtotal" not in updates[0]
    assert order.amount == 10.0
    env.invalidate_all()
    assert order.amount == 10.0 and line.subtotal == 10.0


def test_a_changed_value_is_still_written(env):
    partner = env["test.partner"].create({"name": "R2"})
    order = env["test.order"].create({"partner_id": partner.id, "line_ids": [
        Command.create({"price": 5.0, "quantity": 2})]})
    env.flush_all()
    order.line_ids.write({"quantity": 3})
    env.flush_all()
    env.invalidate_all()
    assert order.amount == 15.0


def test_stored_computed_values_given_to_create_are_kept(env):
    partner = env["test.partner"].create({"name": "G"})
    # the caller computed the amount itself (as sale does before inserting)
    order = env["test.order"].create({"partner_id": partner.id, "amount": 99.0,
                                      "line_count": 1,
                                      "line_ids": [Command.create({"price": 1.0})]})
    env.flush_all()
    env.invalidate_all()
    assert order.amount == 99.0
    # a later change recomputes it from the lines
    order.line_ids.write({"price": 4.0})
    env.flush_all()
    env.invalidate_all()
    assert order.amount == 4.0
