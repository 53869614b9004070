"""Unity read: web_search_read / web_read / web_save with nested specifications.

Runs on a database of its own with the base module (users, groups, ir.model.access,
ir.rule) so that access rights apply to a real non-superuser user.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace

import pytest

import agora.addons.base  # noqa: F401  (defines the base models)
from agora import Command
from agora.addons.base.access_policy import install_policy
from agora.db.cursor import Cursor
from agora.orm import model_web
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.exceptions import (
    AccessError,
    InvalidOrderError,
    InvalidValueError,
    MissingError,
    SpecificationError,
    UnknownFieldError,
)
from agora.orm.registry import Registry
from agora.rpc.dispatch import call_kw
from agora.testing.database import (
    populated_database,
    rolled_back_cursor,
)
from agora.testing.queries import assert_queries
from tests.orm import unity_models  # noqa: F401  (defines the test models)

ORDER = "test.unity.order"
BULK = [("name", "=like", "SO0%")]
#: the bar of the issue: 80 orders x 5 lines, partner and product names
BAR_SPEC = {
    "name": {}, "date": {},
    "partner_id": {"fields": {"display_name": {}}},
    "line_ids": {"fields": {"quantity": {}, "price": {},
                            "product_id": {"fields": {"display_name": {}}}}},
}


@pytest.fixture(scope="module")
def setup(agora_server_url) -> Iterator[SimpleNamespace]:
    registry = Registry("agora_unity_x")
    registry.load(Registry.definitions_of(["base", "test_unity"]))
    install_policy(registry)
    with populated_database(agora_server_url, registry, "agora_unity",
                            lambda env: _create_data(env, registry)) as setup:
        yield setup


def _create_data(env: Environment, registry: Registry) -> dict[str, object]:
    env["ir.model"]._reflect(registry, {})
    eur = env["res.currency"].create({"name": "EUR", "symbol": "€"})
    company = env["res.company"].create({"name": "Alpha", "currency_id": eur.id})
    groups = env["res.groups"]
    g_user = groups.create({"name": "Internal User"})
    g_system = groups.create({"name": "Settings", "implied_ids": [(6, 0, [g_user.id])]})
    g_unity = groups.create({"name": "Unity"})
    g_limited = groups.create({"name": "Unity without partners"})
    for xmlid, group in (("group_user", g_user), ("group_system", g_system)):
        env["ir.model.data"].create({"module": "base", "name": xmlid, "model": "res.groups",
                                     "res_id": group.id, "noupdate": True})

    def user(login: str, group_ids: list[int]) -> int:
        return env["res.users"].create({
            "name": login.title(), "login": login, "company_id": company.id,
            "company_ids": [(6, 0, [company.id])], "groups_id": [(6, 0, group_ids)]}).id

    assert user("__system__", [g_system.id]) == SUPERUSER_ID
    uma = user("uma", [g_user.id, g_unity.id])
    ned = user("ned", [g_user.id, g_limited.id])
    model = {m.model: m.id for m in env["ir.model"].search([])}
    unity = [name for name in model if name.startswith("test.unity.")]
    env["ir.model.access"].create(
        [{"name": f"unity {name}", "model_id": model[name], "group_id": g_unity.id,
          "perm_read": True, "perm_write": True, "perm_create": True, "perm_unlink": True}
         for name in unity]
        + [{"name": f"limited {name}", "model_id": model[name], "group_id": g_limited.id,
            "perm_read": True} for name in unity if name != "test.unity.partner"])
    env["ir.rule"].create([
        {"name": "No secret orders", "model_id": model[ORDER],
         "domain_force": "[('name', '!=', 'SECRET')]"},
        {"name": "No negative lines", "model_id": model["test.unity.order.line"],
         "domain_force": "[('quantity', '>=', 0)]"},
        {"name": "No hidden partners", "model_id": model["test.unity.partner"],
         "domain_force": "[('name', 'not like', 'Hidden')]"},
    ])

    partners = env["test.unity.partner"].create([{"name": f"Buyer {i:02d}"} for i in range(13)])
    products = env["test.unity.product"].create([{"name": f"Prod {i}"} for i in range(7)])
    blue, red, old = env["test.unity.tag"].create(
        [{"name": "blue"}, {"name": "red"}, {"name": "old", "active": False}])
    orders = env[ORDER].create([{
        "name": f"SO{i:03d}", "date": date(2026, 1, 1 + i % 28),
        "partner_id": partners[i % 13].id,
        "line_ids": [Command.create({"sequence": j, "product_id": products[(i + j) % 7].id,
                                     "quantity": j + 1, "price": 10.0 * j})
                     for j in range(5)],
    } for i in range(80)])
    hidden = env["test.unity.partner"].create({"name": "Hidden Partner",
                                               "email": "h@example.com"})
    special = env[ORDER].create({
        "name": "X-1", "partner_id": hidden.id, "note": "internal",
        "tag_ids": [(6, 0, [red.id, blue.id, old.id])],
        "line_ids": [Command.create({"sequence": 3, "product_id": products[0].id,
                                     "quantity": 2, "price": 5}),
                     Command.create({"sequence": 1, "quantity": 1, "price": 7}),
                     Command.create({"sequence": 2, "product_id": products[1].id,
                                     "quantity": -1, "price": 9})]})
    secret = env[ORDER].create({"name": "SECRET", "partner_id": partners[0].id})
    parent = False
    chain = []
    for level in range(9):  # a chain of parents to nest specifications deeply
        parent = env["test.unity.partner"].create({"name": f"Chain {level}",
                                                   "parent_id": parent and parent.id})
        chain.append(parent.id)
    return {"uma": uma, "ned": ned, "orders": orders.ids, "partners": partners.ids,
            "products": products.ids, "special": special.id, "secret": secret.id,
            "hidden": hidden.id, "chain": chain,
            "tags": {"blue": blue.id, "red": red.id, "old": old.id}}


@pytest.fixture
def cr(setup) -> Iterator[Cursor]:
    with rolled_back_cursor(setup.conninfo) as cursor:
        yield cursor


@pytest.fixture
def env(cr, setup) -> Environment:
    return Environment(cr, SUPERUSER_ID, {}, registry=setup.registry)


def as_user(env: Environment, uid: int, **context) -> Environment:
    return Environment(env.cr, uid, context, registry=env.registry)


def _line_spec(**extra) -> dict:
    return {"fields": {"sequence": {}, "quantity": {}}, **extra}


# -- values and shapes ---------------------------------------------------------------------------

def test_web_read_plain_fields_and_many2one_id(env, setup):
    order = env[ORDER].browse(setup.orders[3])
    rows = order.web_read({"name": {}, "date": {}, "partner_id": {}, "line_count": {}})
    assert rows == [{"id": order.id, "name": "SO003", "date": date(2026, 1, 4),
                     "partner_id": setup.partners[3], "line_count": 5}]
    # plain values are exactly read()'s
    assert rows[0]["date"] == order.read(["date"])[0]["date"]
    assert env[ORDER].web_read({"name": {}}) == []
    assert order.web_read({}) == [{"id": order.id}]


def test_many2one_with_fields_gives_a_dict_or_false(env, setup):
    lines = env[ORDER].browse(setup.special).line_ids
    rows = lines.web_read({"product_id": {"fields": {"display_name": {}, "list_price": {}}}})
    by_sequence = dict(zip(lines.mapped("sequence"), rows, strict=True))
    assert by_sequence[1]["product_id"] is False
    assert by_sequence[3]["product_id"] == {"id": setup.products[0], "display_name": "Prod 0",
                                            "list_price": 0.0}
    ids_only = lines.web_read({"product_id": {"fields": {}}})
    assert {"id": setup.products[1]} in [row["product_id"] for row in ids_only]


def test_x2many_ids_dicts_order_and_limit(env, setup):
    order = env[ORDER].browse(setup.special)
    line_ids = order.line_ids.ids  # default order: sequence, id
    assert order.web_read({"line_ids": {}}) == [{"id": order.id, "line_ids": line_ids}]
    [row] = order.web_read({"line_ids": _line_spec()})
    assert [line["sequence"] for line in row["line_ids"]] == [1, 2, 3]
    [row] = order.web_read({"line_ids": _line_spec(order="sequence desc")})
    assert [line["sequence"] for line in row["line_ids"]] == [3, 2, 1]
    [row] = order.web_read({"line_ids": _line_spec(order="sequence desc", limit=1)})
    assert row["line_ids"] == [{"id": line_ids[2], "sequence": 3, "quantity": 2.0},
                               {"id": line_ids[1]}, {"id": line_ids[0]}]
    # the ordered read left the relation's cache in the default order
    assert order.line_ids.ids == line_ids


def test_x2many_context_reaches_the_co_records(env, setup):
    order = env[ORDER].browse(setup.special)
    tags = setup.tags
    [row] = order.web_read({"tag_ids": {"fields": {"name": {}}}})
    assert row["tag_ids"] == [{"id": tags["blue"], "name": "blue"},
                              {"id": tags["red"], "name": "red"}]
    [row] = order.web_read({"tag_ids": {"fields": {"name": {}},
                                        "context": {"active_test": False}}})
    assert [tag["name"] for tag in row["tag_ids"]] == ["blue", "old", "red"]
    [row] = order.web_read({"tag_ids": {"context": {"active_test": False}}})
    assert sorted(row["tag_ids"]) == sorted(tags.values())


def test_nested_levels_and_display_name(env, setup):
    [row] = env[ORDER].browse(setup.orders[0]).web_read(BAR_SPEC)
    assert row["partner_id"] == {"id": setup.partners[0], "display_name": "Buyer 00"}
    assert [line["product_id"]["display_name"] for line in row["line_ids"]] == [
        f"Prod {j}" for j in range(5)]
    assert row["line_ids"][4] == {"id": row["line_ids"][4]["id"], "quantity": 5.0,
                                  "price": 40.0, "product_id": row["line_ids"][4]["product_id"]}
    # back up the relation: line -> order -> partner, two levels down
    [line] = env["test.unity.order.line"].browse(row["line_ids"][0]["id"]).web_read(
        {"order_id": {"fields": {"name": {}, "partner_id": {"fields": {"email": {}}}}}})
    assert line["order_id"] == {"id": row["id"], "name": "SO000",
                                "partner_id": {"id": setup.partners[0], "email": False}}


def test_web_search_read_records_and_length(env, setup, cr):
    spec = {"name": {}}
    with assert_queries(cr, 1):  # no limit: the length is known without counting
        result = env[ORDER].web_search_read(BULK, spec)
    assert result["length"] == 80 and len(result["records"]) == 80
    assert result["records"][0] == {"id": setup.orders[0], "name": "SO000"}
    with assert_queries(cr, 2) as log:  # a full page: one COUNT more
        result = env[ORDER].web_search_read(BULK, spec, limit=10, offset=20)
    assert result["length"] == 80 and [r["name"] for r in result["records"]][0] == "SO020"
    assert "COUNT" in log[1][0]
    with assert_queries(cr, 1):  # the last page is not full: no COUNT
        result = env[ORDER].web_search_read(BULK, spec, limit=10, offset=75)
    assert result["length"] == 80 and len(result["records"]) == 5
    assert env[ORDER].web_search_read(BULK, spec, limit=10, count_limit=30)["length"] == 30
    # count_limit already reached by the page itself: no COUNT, the length is what was seen
    with assert_queries(cr, 1):
        assert env[ORDER].web_search_read(BULK, spec, limit=10, offset=40,
                                          count_limit=30)["length"] == 50
    assert env[ORDER].web_search_read([("name", "=", "nope")], spec, limit=10) == {
        "length": 0, "records": []}


# -- the bar: queries per relation level -----------------------------------------------------

def test_bar_80_orders_superuser(env, setup, cr):
    env.invalidate_all()
    # orders (search + columns) / partner names / lines with their columns / product names
    with assert_queries(cr, 4):
        result = env[ORDER].web_search_read(BULK, BAR_SPEC)
    records = result["records"]
    assert result["length"] == 80 and len(records) == 80
    assert all(len(row["line_ids"]) == 5 for row in records)
    assert records[13]["partner_id"] == {"id": setup.partners[0], "display_name": "Buyer 00"}
    assert records[1]["line_ids"][0]["product_id"]["display_name"] == "Prod 1"
    assert records[1]["date"] == date(2026, 1, 2)


def test_bar_query_count_does_not_grow_with_records(env, setup, cr):
    env.invalidate_all()
    with assert_queries(cr, 4) as few:
        env[ORDER].browse(setup.orders[:3]).web_read(BAR_SPEC)
    env.invalidate_all()
    with assert_queries(cr, 4) as many:
        env[ORDER].browse(setup.orders).web_read(BAR_SPEC)
    assert len(few) == len(many)


def test_ordered_and_many2many_levels_cost_one_query_each(env, setup, cr):
    env.invalidate_all()
    order = env[ORDER].browse(setup.special)
    with assert_queries(cr, 2):  # the tags with their names, the ordered lines with theirs
        [row] = order.web_read({"tag_ids": {"fields": {"name": {}}},
                                "line_ids": _line_spec(order="quantity desc")})
    assert [tag["name"] for tag in row["tag_ids"]] == ["blue", "red"]
    assert [line["quantity"] for line in row["line_ids"]] == [2.0, 1.0, -1.0]


def test_bar_80_orders_user_cold_and_warm_access_memo(env, setup, cr):
    orders = as_user(env, setup.uma)[ORDER]
    # cold: a fresh transaction, the access policy learns the user's groups, rights on
    # every model, the rules of every model and the user's companies
    with assert_queries(cr, 9) as cold:
        result = orders.web_search_read(BULK, BAR_SPEC)
    assert len(result["records"]) == 80
    assert result == env[ORDER].web_search_read(BULK, BAR_SPEC)
    env.invalidate_all()  # drops every cached value, keeps the access memo
    # warm: exactly the 4 data queries of the superuser
    with assert_queries(cr, 4) as warm:
        again = orders.web_search_read(BULK, BAR_SPEC)
    assert again == result
    data = [code for code, _ in warm if "test_unity_" in code]
    assert len(data) == 4 and len(cold) - len([c for c, _ in cold if "test_unity_" in c]) <= 5


# -- access rights ----------------------------------------------------------------------------

def test_record_rules_filter_search_and_lines(env, setup):
    orders = as_user(env, setup.uma)[ORDER]
    names = [r["name"] for r in orders.web_search_read([], {"name": {}})["records"]]
    assert "SECRET" not in names and "X-1" in names
    # the negative line is hidden from the user, not from the superuser
    spec = {"line_ids": _line_spec()}
    [row] = orders.browse(setup.special).web_read(spec)
    assert [line["sequence"] for line in row["line_ids"]] == [1, 3]
    [row] = env[ORDER].browse(setup.special).web_read(spec)
    assert [line["sequence"] for line in row["line_ids"]] == [1, 2, 3]
    # and the other way round: what the superuser cached is not shown to the user
    env.invalidate_all()
    env[ORDER].browse(setup.special).web_read(spec)
    [row] = orders.browse(setup.special).web_read(spec)
    assert [line["sequence"] for line in row["line_ids"]] == [1, 3]
    with pytest.raises(AccessError, match="No secret orders"):
        orders.browse(setup.secret).web_read({"name": {}})
    with pytest.raises(AccessError, match="No secret orders"):
        orders.browse(setup.secret).web_read({})
    with pytest.raises(MissingError):
        env[ORDER].browse(999_999).web_read({"name": {}})


def test_rules_apply_to_records_already_cached(env, setup):
    # the superuser's read fills the shared cache; the user's read still checks the rules
    env[ORDER].browse(setup.secret).web_read({"name": {}})
    with pytest.raises(AccessError, match="No secret orders"):
        as_user(env, setup.uma)[ORDER].browse(setup.secret).web_read({"name": {}})


def test_many2one_names_like_read_other_fields_checked(env, setup):
    special = as_user(env, setup.uma)[ORDER].browse(setup.special)
    # the partner is hidden by a rule: its name is still given, as read() gives it
    [row] = special.web_read({"partner_id": {"fields": {"display_name": {}}}})
    assert row["partner_id"] == {"id": setup.hidden, "display_name": "Hidden Partner"}
    assert special.read(["partner_id"])[0]["partner_id"] == (setup.hidden, "Hidden Partner")
    with pytest.raises(AccessError, match="No hidden partners"):
        special.web_read({"partner_id": {"fields": {"display_name": {}, "email": {}}}})
    # no model access at all to partners
    limited = as_user(env, setup.ned)[ORDER].browse(setup.orders[0])
    [row] = limited.web_read({"partner_id": {"fields": {"display_name": {}}}})
    assert row["partner_id"]["display_name"] == "Buyer 00"
    with pytest.raises(AccessError, match=r"test\.unity\.partner"):
        limited.web_read({"partner_id": {"fields": {"email": {}}}})
    with pytest.raises(AccessError, match=r"test\.unity\.partner"):
        as_user(env, setup.ned)["test.unity.partner"].web_search_read([], {"name": {}})


def test_field_groups_at_every_level(env, setup):
    uma = as_user(env, setup.uma)
    with pytest.raises(AccessError, match="'note'"):
        uma[ORDER].web_search_read([], {"note": {}})
    with pytest.raises(AccessError, match="'note'"):
        uma["test.unity.order.line"].web_search_read(
            [], {"order_id": {"fields": {"note": {}}}}, limit=1)
    with pytest.raises(AccessError, match="'note'"):
        uma["test.unity.partner"].browse(setup.partners[0]).web_read(
            {"order_ids": {"fields": {"name": {}, "note": {}}}})
    [row] = env[ORDER].browse(setup.special).web_read({"note": {}})
    assert row["note"] == "internal"


# -- malformed specifications -----------------------------------------------------------------

@pytest.mark.parametrize(("spec", "error", "words"), [
    (["name"], SpecificationError, "must be a dict"),
    ({"nope": {}}, UnknownFieldError, "'nope'"),
    ({"line_ids": {"fields": {"nope": {}}}}, UnknownFieldError, "'line_ids.nope'"),
    ({"name": True}, SpecificationError, "'name'"),
    ({"line_ids": {"fields": ["quantity"]}}, SpecificationError, "'line_ids'"),
    ({"name": {"fields": {}}}, SpecificationError, "char field"),
    ({"partner_id": {"limit": 3}}, SpecificationError, "'limit' and 'order'"),
    ({"line_ids": {"felds": {}}}, SpecificationError, "unknown keys ['felds']"),
    ({"line_ids": {"fields": {}, "limit": "3"}}, InvalidValueError, "limit of 'line_ids'"),
    ({"line_ids": {"fields": {}, "limit": -1}}, InvalidValueError, "limit of 'line_ids'"),
    ({"line_ids": {"fields": {}, "order": "nope desc"}}, InvalidOrderError, "'nope'"),
    ({"line_ids": {"fields": {}, "order": "price; DROP TABLE x"}}, InvalidOrderError,
     "order of 'line_ids'"),
    ({"partner_id": {"context": "x"}}, InvalidValueError, "context of 'partner_id'"),
])
def test_malformed_specifications_are_refused_before_any_query(env, setup, cr, spec, error,
                                                               words):
    with assert_queries(cr, 0), pytest.raises(error) as info:
        env[ORDER].browse(setup.orders[0]).web_read(spec)
    assert words in str(info.value)
    assert info.value.model in (ORDER, "test.unity.order.line")
    with pytest.raises(error):
        env[ORDER].web_search_read([], spec)


def _chain_spec(depth: int) -> dict:
    spec: dict = {"name": {}}
    for _ in range(depth):
        spec = {"name": {}, "parent_id": {"fields": spec}}
    return spec


def test_nesting_depth_is_bounded(env, setup, cr):
    last = env["test.unity.partner"].browse(setup.chain[-1])
    [row] = last.web_read(_chain_spec(model_web.WEB_MAX_DEPTH))
    for _ in range(model_web.WEB_MAX_DEPTH):
        row = row["parent_id"]
    assert row["name"] == "Chain 2"
    with assert_queries(cr, 0), pytest.raises(SpecificationError) as info:
        last.web_read(_chain_spec(model_web.WEB_MAX_DEPTH + 1))
    assert info.value.bound == model_web.WEB_MAX_DEPTH
    assert info.value.field == ".".join(["parent_id"] * (model_web.WEB_MAX_DEPTH + 1))
    assert f"more than {model_web.WEB_MAX_DEPTH} relations" in str(info.value)


def test_records_per_call_are_bounded(env, setup, cr, monkeypatch):
    monkeypatch.setattr(model_web, "WEB_MAX_RECORDS", 300)
    orders = env[ORDER]
    assert len(orders.web_search_read(BULK, {"name": {}})["records"]) == 80
    # 80 orders + 400 lines: refused, naming the relation and the bound
    with pytest.raises(SpecificationError) as info:
        orders.web_search_read(BULK, {"line_ids": _line_spec()})
    assert info.value.bound == 300 and info.value.field == "line_ids"
    assert "300 records" in str(info.value)
    # the lines query itself stopped just above the budget
    env.invalidate_all()
    with pytest.raises(SpecificationError), assert_queries(cr, 2) as log:
        orders.web_search_read(BULK, {"line_ids": {}})
    assert log[1][0].endswith("LIMIT %s") and log[1][1][-1] == 300 - 80 + 1
    # a page within the budget is fine; so is a search that would match too many rows
    assert len(orders.web_search_read(BULK, {"line_ids": _line_spec()}, limit=40)[
        "records"]) == 40
    monkeypatch.setattr(model_web, "WEB_MAX_RECORDS", 50)
    with pytest.raises(SpecificationError, match="50 records"):
        orders.web_search_read(BULK, {"name": {}})
    with pytest.raises(SpecificationError, match="50 records"):
        orders.browse(setup.orders).web_read({"name": {}})


# -- web_save ------------------------------------------------------------------------------------

def test_web_save_creates_then_writes(env, setup):
    uma = as_user(env, setup.uma)[ORDER]
    spec = {"name": {}, "partner_id": {"fields": {"display_name": {}}},
            "line_ids": {"fields": {"quantity": {}, "product_id": {}}}}
    [row] = uma.web_save({"name": "NEW", "partner_id": setup.partners[1],
                          "line_ids": [Command.create({"quantity": 3,
                                                       "product_id": setup.products[2]})]},
                         spec)
    assert row["name"] == "NEW"
    assert row["partner_id"] == {"id": setup.partners[1], "display_name": "Buyer 01"}
    assert [(line["quantity"], line["product_id"]) for line in row["line_ids"]] == [
        (3.0, setup.products[2])]
    record = uma.browse(row["id"])
    [row] = record.web_save({"name": "RENAMED", "line_ids": [Command.clear()]},
                            {"name": {}, "line_ids": {}})
    assert row == {"id": record.id, "name": "RENAMED", "line_ids": []}
    assert env[ORDER].browse(record.id).name == "RENAMED"
    # "save and next": the values of the next record
    [row] = record.web_save({"date": "2026-02-01"}, {"name": {}}, next_id=setup.orders[0])
    assert row == {"id": setup.orders[0], "name": "SO000"}


def test_web_save_checks_the_specification_before_writing(env, setup):
    before = env[ORDER].search_count([])
    with pytest.raises(UnknownFieldError):
        env[ORDER].web_save({"name": "NOPE", "partner_id": setup.partners[0]}, {"nope": {}})
    assert env[ORDER].search_count([]) == before
    with pytest.raises(InvalidValueError):
        env[ORDER].web_save([{"name": "x"}], {})
    with pytest.raises(AccessError):
        as_user(env, setup.ned)[ORDER].web_save({"name": "x"}, {})


# -- remote calls ---------------------------------------------------------------------------------

def test_remote_calls_with_keyword_arguments(env, setup):
    uma = as_user(env, setup.uma)
    result = call_kw(uma, ORDER, "web_search_read", [], {
        "domain": BULK, "specification": {"name": {}}, "limit": 2, "count_limit": 10,
        "order": "name desc", "context": {"lang": "en_US"}})
    assert result == {"length": 10, "records": [
        {"id": setup.orders[79], "name": "SO079"}, {"id": setup.orders[78], "name": "SO078"}]}
    assert call_kw(uma, ORDER, "web_read", [[setup.orders[0]]],
                   {"specification": {"name": {}}}) == [{"id": setup.orders[0], "name": "SO000"}]
    [row] = call_kw(uma, ORDER, "web_save", [[], {"name": "RPC",
                                                  "partner_id": setup.partners[0]}],
                    {"specification": {"name": {}}})
    assert row["name"] == "RPC" and isinstance(row["id"], int)
    web_read = type(env[ORDER]).web_read
    assert web_read._readonly and type(env[ORDER]).web_search_read._readonly
    assert type(env[ORDER]).web_search_read._api_model
    assert not getattr(type(env[ORDER]).web_save, "_readonly", False)
