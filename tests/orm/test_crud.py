"""create / read / write / unlink / search / names / fields_get / copy."""

from __future__ import annotations

import pytest

from agora.orm.exceptions import InvalidOrderError, MissingError


def _count_rows(env, table: str) -> int:
    env.flush_all()
    env.cr.execute(f'SELECT count(*) FROM "{table}"')
    return env.cr.fetchone()[0]


# -- create ------------------------------------------------------------------------------

def test_create_batch_is_one_insert(env, assert_queries):
    partners = env["test.partner"]
    vals = [{"name": f"P{i}", "age": i} for i in range(50)]
    with assert_queries(1) as log:
        records = partners.create(vals)
    assert "INSERT INTO" in log[0][0]
    assert len(records) == 50
    assert records.mapped("age") == list(range(50))
    assert records.mapped("name") == [f"P{i}" for i in range(50)]
    assert len(set(records.ids)) == 50
    assert partners.search_count([("name", "=like", "P%")]) == 50


def test_create_single_dict_and_empty_list(env):
    record = env["test.tag"].create({"name": "one"})
    assert len(record) == 1 and record.name == "one"
    assert env["test.tag"].create([]) == env["test.tag"]


def test_create_sets_log_access(env):
    tag = env["test.tag"].create({"name": "x"})
    assert tag.create_date and tag.write_date


# -- read -------------------------------------------------------------------------------

def test_read_formats(env):
    country = env["test.country"].create({"name": "Peru", "code": "PE"})
    tags = env["test.tag"].create([{"name": "a"}, {"name": "b"}])
    partner = env["test.partner"].create({"name": "P", "country_id": country.id,
                                          "tag_ids": tags.ids})
    [row] = partner.read(["name", "country_id", "tag_ids", "email"])
    assert row == {"id": partner.id, "name": "P", "country_id": (country.id, "Peru"),
                   "tag_ids": tags.ids, "email": False}
    [raw] = partner.read(["country_id"], load="_classic_write")
    assert raw == {"id": partner.id, "country_id": country.id}


def test_read_all_fields(env):
    partner = env["test.partner"].create({"name": "P"})
    row = partner.read()[0]
    assert {"id", "name", "display_name", "country_id", "tag_ids", "order_count"} <= set(row)
    assert row["display_name"] == "P"


def test_read_missing_record(env):
    with pytest.raises(MissingError):
        env["test.partner"].browse(999999999).read(["name"])


# -- write ------------------------------------------------------------------------------

def test_write_to_records_that_do_not_exist_is_missing_error(env):
    """As Odoo: not a silent no-op, even for the superuser (no rule checks the ids)."""
    real = env["test.partner"].create({"name": "Real"})
    ghosts = env["test.partner"].browse([real.id, 999_999_998, 999_999_999])
    with pytest.raises(MissingError, match=r"\[999999998, 999999999\] do not exist"):
        ghosts.write({"name": "Boo"})
        env.flush_all()  # at the latest when the UPDATE runs


def test_write_many_and_flush(env):
    partners = env["test.partner"].create([{"name": f"W{i}"} for i in range(5)])
    partners.write({"age": 33, "email": None})
    assert partners.mapped("age") == [33] * 5
    env.invalidate_all()
    env.cr.execute("SELECT count(*) FROM test_partner WHERE id = ANY(%s) AND age = 33",
                   (partners.ids,))
    assert env.cr.fetchone()[0] == 5


def test_write_is_buffered_until_flush(env, assert_queries):
    partner = env["test.partner"].create({"name": "Buffered"})
    with assert_queries(0):
        partner.write({"age": 5})
        partner.age = 6
    with assert_queries(1):
        env.flush_all()
    env.cr.execute("SELECT age FROM test_partner WHERE id = %s", (partner.id,))
    assert env.cr.fetchone()[0] == 6


def test_search_sees_pending_writes(env):
    partner = env["test.partner"].create({"name": "Before"})
    partner.name = "After"
    assert env["test.partner"].search([("name", "=", "After")]) == partner


# -- unlink ------------------------------------------------------------------------------

def test_unlink(env):
    partners = env["test.partner"].create([{"name": "U1"}, {"name": "U2"}])
    before = _count_rows(env, "test_partner")
    partners[0].unlink()
    assert _count_rows(env, "test_partner") == before - 1
    assert partners.exists() == partners[1]
    with pytest.raises(MissingError):
        partners[0].unlink()


def test_unlink_cascades_one2many(env):
    partner = env["test.partner"].create({"name": "P"})
    order = env["test.order"].create({"partner_id": partner.id,
                                      "line_ids": [(0, 0, {"price": 1})]})
    lines = order.line_ids
    assert lines
    order.unlink()
    assert not lines.exists()


# -- search --------------------------------------------------------------------------

@pytest.fixture
def people(env):
    return env["test.partner"].create([
        {"name": "Srch Alice", "age": 30, "email": "alice@x"},
        {"name": "Srch Bob", "age": 20},
        {"name": "Srch Carol", "age": 40, "active": False},
        {"name": "Srch Dave", "age": 25, "is_company": True},
    ])


def test_search_and_count(env, people):
    partners = env["test.partner"]
    found = partners.search([("name", "like", "Srch"), ("age", ">=", 25)])
    assert found.mapped("name") == ["Srch Alice", "Srch Dave"]  # _order = name
    assert partners.search_count([("name", "like", "Srch")]) == 3  # Carol archived
    assert partners.search_count([("name", "like", "Srch")], limit=2) == 2
    ordered = partners.search([("name", "like", "Srch")], order="age desc")
    assert ordered.mapped("age") == [30, 25, 20]
    page = partners.search([("name", "like", "Srch")], order="age", offset=1, limit=1)
    assert page.mapped("name") == ["Srch Dave"]
    assert partners.search([("email", "=", False), ("name", "like", "Srch")]).mapped("name") \
        == ["Srch Bob", "Srch Dave"]


def test_active_semantics(env, people):
    partners = env["test.partner"]
    carol = people[2]
    assert carol not in partners.search([("name", "like", "Srch")])
    assert carol in partners.with_context(active_test=False).search([("name", "like", "Srch")])
    # mentioning active in the domain disables the implicit filter
    assert partners.search([("name", "like", "Srch"), ("active", "=", False)]) == carol
    assert partners.search_count([("name", "like", "Srch"), ("active", "in", [True, False])]) == 4
    # browse still reaches archived records
    assert partners.browse(carol.id).name == "Srch Carol"
    carol.active = True
    assert carol in partners.search([("name", "like", "Srch")])


def test_search_read(env, people):
    rows = env["test.partner"].search_read([("name", "like", "Srch")], ["name", "age"],
                                           order="age", limit=2)
    assert rows == [{"id": people[1].id, "name": "Srch Bob", "age": 20},
                    {"id": people[3].id, "name": "Srch Dave", "age": 25}]
    assert env["test.partner"].search_read([("name", "=", "nobody")], ["name"]) == []


@pytest.mark.parametrize("order", [
    "nope", "name; DROP TABLE test_partner", "name sideways", "age desc nulls maybe",
    "(select 1)", "tag_ids", "order_count",
])
def test_order_validation(env, order):
    with pytest.raises(InvalidOrderError) as info:
        env["test.partner"].search([], order=order)
    assert info.value.model == "test.partner"
    env.cr.rollback()
    env.cr.execute("SELECT to_regclass('test_partner')")
    assert env.cr.fetchone()[0] is not None


def test_order_by_many2one_uses_comodel_order(env):
    b = env["test.country"].create({"name": "Bbb", "code": "BB"})
    a = env["test.country"].create({"name": "Aaa", "code": "AA"})
    p1 = env["test.partner"].create({"name": "Ord1", "country_id": b.id})
    p2 = env["test.partner"].create({"name": "Ord2", "country_id": a.id})
    found = env["test.partner"].search([("name", "like", "Ord")], order="country_id")
    assert found.ids == [p2.id, p1.id]
    found = env["test.partner"].search([("name", "like", "Ord")], order="country_id desc")
    assert found.ids == [p1.id, p2.id]


# -- names -----------------------------------------------------------------------------------

def test_display_name_name_search_name_create(env):
    partners = env["test.partner"]
    new_id, label = partners.name_create("Nm Zeta")
    assert label == "Nm Zeta"
    zeta = partners.browse(new_id)
    assert zeta.display_name == "Nm Zeta"
    partners.create([{"name": "Nm Alpha"}, {"name": "Other"}])
    result = partners.name_search("nm ")
    assert [name for _id, name in result] == ["Nm Alpha", "Nm Zeta"]
    assert partners.name_search("Nm", limit=1) == [result[0]]
    assert partners.name_search("Nm", domain=[("id", "!=", new_id)]) == [result[0]]
    assert partners.name_search("Nm Zeta", operator="=") == [(new_id, "Nm Zeta")]
    # a model without name: display_name falls back to model,id
    line = env["test.order.line"].create({
        "order_id": env["test.order"].create({"partner_id": new_id}).id})
    assert line.display_name == f"test.order.line,{line.id}"
    zeta.name = "Nm Renamed"
    assert zeta.display_name == "Nm Renamed"


# -- fields_get --------------------------------------------------------------------------------

def test_fields_get(env):
    description = env["test.partner"].fields_get()
    assert "id" in description and "display_name" in description
    for name, info in description.items():
        assert "type" in info, name
        assert "string" in info, name
    assert description["name"]["type"] == "char" and description["name"]["required"]
    assert description["country_id"]["relation"] == "test.country"
    assert description["tag_ids"]["type"] == "many2many"
    assert description["child_ids"]["relation_field"] == "parent_id"
    assert description["score"]["digits"] == [10, 2]
    assert description["order_count"]["store"] is False
    only = env["test.partner"].fields_get(["name", "age"], attributes=["type"])
    assert only == {"name": {"type": "char"}, "age": {"type": "integer"}}


# -- copy ---------------------------------------------------------------------------------------

def test_copy(env):
    country = env["test.country"].create({"name": "Chile", "code": "CL"})
    tags = env["test.tag"].create([{"name": "t1"}, {"name": "t2"}])
    partner = env["test.partner"].create({
        "name": "Orig", "email": "orig@x", "age": 5, "country_id": country.id,
        "tag_ids": tags.ids})
    copy = partner.copy({"email": "copy@x"})
    assert copy != partner
    assert copy.name == "Orig" and copy.age == 5 and copy.country_id == country
    assert copy.email == "copy@x"
    assert copy.tag_ids == tags  # many2many copied (as a link) even with copy=False default
    assert partner.exists() and partner.email == "orig@x"


def test_copy_order_does_not_copy_lines_by_default(env):
    partner = env["test.partner"].create({"name": "P"})
    order = env["test.order"].create({"partner_id": partner.id, "name": "SO1",
                                      "line_ids": [(0, 0, {"price": 3})]})
    copy = order.copy()
    assert copy.name == "SO1" and copy.partner_id == partner
    assert not copy.line_ids
    env.flush_all()
    assert copy.amount == 0.0 and order.amount == 3.0
