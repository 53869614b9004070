"""x2many values given to create() are written in one statement per field, not per record."""

from agora import Command


def test_lines_of_many_orders_are_inserted_together(env, assert_queries):
    partner = env["test.partner"].create({"name": "Batch"})
    env.flush_all()
    with assert_queries(6) as log:
        orders = env["test.order"].create([
            {"partner_id": partner.id,
             "line_ids": [Command.create({"price": 10 * n, "quantity": q}) for q in (1, 2, 3)]}
            for n in range(1, 11)])
        env.flush_all()
    inserts = [code for code, _params in log if code.startswith("INSERT")]
    assert len(inserts) == 2, inserts  # the orders, then all 30 lines
    assert [order.amount for order in orders] == [60.0 * n for n in range(1, 11)]
    assert [line.order_id for line in orders[3].line_ids] == [orders[3]] * 3


def test_tags_of_many_partners_are_linked_in_one_statement(env, assert_queries):
    tags = env["test.tag"].create([{"name": f"t{n}"} for n in range(3)])
    env.flush_all()
    with assert_queries(2) as log:
        partners = env["test.partner"].create([
            {"name": "a", "tag_ids": [Command.set(tags[:2].ids)]},
            {"name": "b", "tag_ids": [Command.link(tags[2].id), Command.link(tags[0].id)]},
            {"name": "c", "tag_ids": tags[1:].ids},
        ])
    assert len(log) == 2  # partners, then every link
    assert [p.tag_ids.ids for p in partners] == [
        sorted(tags[:2].ids), sorted([tags[2].id, tags[0].id]), sorted(tags[1:].ids)]
    assert partners[0] in tags[0].partner_ids and partners[1] in tags[0].partner_ids


def test_other_commands_keep_their_meaning_on_create(env):
    tags = env["test.tag"].create([{"name": f"u{n}"} for n in range(2)])
    partner = env["test.partner"].create({
        "name": "mixed", "tag_ids": [Command.set(tags.ids), Command.unlink(tags[0].id)]})
    assert partner.tag_ids == tags[1]


def test_consecutive_line_creates_on_write_are_one_insert(env, assert_queries):
    partner = env["test.partner"].create({"name": "W"})
    order = env["test.order"].create({"partner_id": partner.id})
    env.flush_all()
    with assert_queries(8) as log:
        order.write({"line_ids": [Command.create({"price": p}) for p in (1, 2, 3, 4)]})
        env.flush_all()
    assert sum(code.startswith("INSERT") for code, _params in log) == 1
    assert order.amount == 10.0 and order.line_count == 4


def test_links_of_new_records_are_known_without_reading_them_back(env, assert_queries):
    tags = env["test.tag"].create([{"name": f"k{n}"} for n in range(3)])
    partner = env["test.partner"].create({"name": "known",
                                          "tag_ids": [Command.set([tags[2].id, tags[0].id])]})
    with assert_queries(0):
        linked = partner.tag_ids.ids
    assert linked == sorted([tags[2].id, tags[0].id])  # test.tag is ordered by id
    env.invalidate_all()
    assert partner.tag_ids.ids == linked


def test_ids_set_on_new_tells_simple_values_from_commands():
    assert Command.ids_set_on_new(None) == [] and Command.ids_set_on_new(False) == []
    assert Command.ids_set_on_new([3, 1]) == [3, 1]
    assert Command.ids_set_on_new([Command.set([2, 5])]) == [2, 5]
    assert Command.ids_set_on_new([(6, 0, [7])]) == [7]
    assert Command.ids_set_on_new([Command.link(2)]) is None
    assert Command.ids_set_on_new([Command.set([1]), Command.link(2)]) is None
    assert Command.ids_set_on_new([True]) is None


def test_search_with_order_false_uses_the_default_order(env):
    # odoo-client-lib sends order=False for "none": Odoo answers in the model's order
    later, earlier = env["test.partner"].create([{"name": "zz order"}, {"name": "aa order"}])
    found = env["test.partner"].search([("name", "like", " order")], order=False)
    assert found.ids == [earlier.id, later.id]
    fetched = env["test.partner"].search_fetch([("name", "like", " order")], ["name"],
                                               order=False)
    assert fetched.ids == [earlier.id, later.id]
