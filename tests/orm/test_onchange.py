"""Server-side onchange (``BaseModel.onchange``) on new (in-memory) records.

Models in tests/orm/onchange_models.py: an order whose total sums its lines' subtotals
(quantity * price_unit less the order's discount), an ``@api.onchange`` on the partner
that copies its discount and may warn, one on the line's product that copies its price.
"""

from __future__ import annotations

import re

import pytest

from agora import Command
from agora.orm.environment import Environment
from agora.orm.exceptions import (
    AccessError,
    InvalidValueError,
    MissingError,
    SpecificationError,
    UnknownFieldError,
)
from agora.orm.newid import NewId
from agora.rpc.dispatch import call_kw, is_readonly

ORDER = "test.oc.order"
LINE = "test.oc.line"
LINE_SPEC = {"fields": {"quantity": {}, "price_unit": {}, "subtotal": {},
                        "product_id": {"fields": {"display_name": {}}}}}
SPEC = {"name": {}, "state": {}, "note": {}, "discount": {}, "amount_total": {},
        "line_count": {}, "partner_id": {"fields": {"display_name": {}}},
        "line_ids": LINE_SPEC}
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@pytest.fixture
def data(env):
    partners = env["test.oc.partner"]
    products = env["test.oc.product"]
    acme = partners.create({"name": "Acme", "discount": 10.0})
    bad = partners.create({"name": "Bad Payer", "discount": 0.0})
    chair = products.create({"name": "Chair", "list_price": 50.0})
    desk = products.create({"name": "Desk", "list_price": 200.0})
    order = env[ORDER].create({
        "name": "SO1", "partner_id": acme.id, "discount": 10.0,
        "line_ids": [Command.create({"product_id": chair.id, "quantity": 2, "price_unit": 50}),
                     Command.create({"product_id": desk.id, "quantity": 1,
                                     "price_unit": 200})]})
    env.flush_all()
    env.invalidate_all()
    return {"acme": acme, "bad": bad, "chair": chair, "desk": desk, "order": order}


def _no_writes(log) -> None:
    written = [code for code, _params in log if WRITES.match(code)]
    assert written == []


def _line(**values):
    return {"id": False, "quantity": 1.0, "price_unit": 0.0, "subtotal": 0.0,
            "product_id": False, **values}


# -- new records (model.new) ------------------------------------------------------------------------

def test_new_record_computes_from_the_cache_and_writes_nothing(env, data, cr):
    with cr.capture() as log:
        order = env[ORDER].new({"discount": 50.0, "line_ids": [
            Command.create({"quantity": 2, "price_unit": 10}),
            Command.create({"quantity": 1, "price_unit": 4})]})
        assert isinstance(order.id, NewId) and not order.id and not order._origin
        assert order.line_ids.mapped("subtotal") == [10.0, 2.0]
        assert order.line_ids.mapped("order_id") == order
        assert order.amount_total == 12.0 and order.line_count == 2
        order.discount = 0.0  # assigning recomputes the dependents, still in memory
        assert order.amount_total == 24.0
        order.line_ids[0].quantity = 3
        assert order.amount_total == 34.0
    _no_writes(log)
    assert not env.transaction.towrite and not env.transaction.tocompute


def test_new_record_reads_saved_lines_and_origin(env, data, cr):
    saved = data["order"]
    with cr.capture() as log:
        # a new order with a new line and a saved line (taken from the saved order)
        order = env[ORDER].new({"line_ids": [Command.create({"quantity": 1, "price_unit": 5}),
                                             Command.link(saved.line_ids[1].id)]})
        assert order.amount_total == 205.0
        copy = env[ORDER].new({"discount": 0.0}, origin=saved)
        assert copy._origin == saved and copy.name == "SO1"
        assert copy.partner_id == data["acme"]
        assert copy.amount_total == 300.0  # the lines recomputed without the discount
        assert [line._origin.id for line in copy.line_ids] == saved.line_ids.ids
    _no_writes(log)
    env.invalidate_all()
    assert saved.amount_total == 270.0 and saved.discount == 10.0
    assert saved.line_ids[1].order_id == saved


# -- onchange: first call -------------------------------------------------------------------------

def test_first_call_gives_defaults_and_computed_values(env, data):
    result = env[ORDER].onchange({}, [], SPEC)
    assert result == {"value": {
        "name": "New", "state": "draft", "note": False, "discount": 0.0,
        "amount_total": 0.0, "line_count": 0, "partner_id": False, "line_ids": []}}
    # context defaults win over field defaults; the values given win over both
    result = env[ORDER].with_context(default_note="hi").onchange(
        {"name": "Mine"}, [], {"name": {}, "note": {}})
    assert result == {"value": {"name": "Mine", "note": "hi"}}


def test_first_call_computes_totals_from_new_and_saved_lines(env, data):
    saved_line = data["order"].line_ids[1]  # desk, 1 x 200, order discount 10%
    values = {"line_ids": [[0, "virtual_1", {"quantity": 2, "price_unit": 10}],
                           [4, saved_line.id]]}
    result = env[ORDER].onchange(values, [], SPEC)["value"]
    assert result["amount_total"] == 220.0 and result["line_count"] == 2
    desk = {"id": data["desk"].id, "display_name": "Desk"}
    assert result["line_ids"] == [
        _line(quantity=2.0, price_unit=10.0, subtotal=20.0),
        {"id": saved_line.id, "quantity": 1.0, "price_unit": 200.0, "subtotal": 200.0,
         "product_id": desk}]


# -- onchange: changes --------------------------------------------------------------------------------

def test_handler_sets_another_field_and_dependents_follow(env, data):
    acme = data["acme"]
    values = {"name": "New", "partner_id": acme.id, "discount": 0.0, "amount_total": 20.0,
              "line_ids": [[0, 0, {"quantity": 2, "price_unit": 10, "subtotal": 20.0}]]}
    result = env[ORDER].onchange(values, ["partner_id"], SPEC)
    assert "warning" not in result
    value = result["value"]
    # partner_id is what the user set: not answered; the handler's discount is, and the
    # subtotals and total computed through it
    assert set(value) == {"discount", "amount_total", "line_ids"}
    assert value["discount"] == 10.0 and value["amount_total"] == 18.0
    assert value["line_ids"] == [_line(quantity=2.0, price_unit=10.0, subtotal=18.0)]


def test_handler_warning_is_returned(env, data):
    bad = data["bad"]
    result = env[ORDER].onchange({"partner_id": {"id": bad.id, "display_name": "Bad Payer"},
                                  "discount": 0.0}, ["partner_id"],
                                 {"partner_id": {"fields": {"display_name": {}}},
                                  "discount": {}})
    assert result == {"value": {}, "warning": {"title": "Careful",
                                               "message": "Bad Payer pays late"}}


def test_many2one_answered_with_its_display_name(env, data):
    acme = data["acme"]
    result = env[ORDER].onchange({"partner_id": False}, [], {"partner_id": {}})
    assert result == {"value": {"partner_id": False}}
    result = env[ORDER].onchange({}, ["partner_id"], {})
    assert result == {"value": {}}
    result = env[ORDER].with_context(default_partner_id=acme.id).onchange(
        {}, [], {"partner_id": {"fields": {"display_name": {}}}, "discount": {}})
    # the first call runs every handler of the specification too
    assert result == {"value": {"partner_id": {"id": acme.id, "display_name": "Acme"},
                                "discount": 10.0}}


def test_existing_record_with_a_changed_field(env, data, cr):
    order = data["order"]
    with cr.capture() as log:
        result = order.onchange({"discount": 0.0}, ["discount"], SPEC)
    _no_writes(log)
    chair, desk = data["chair"], data["desk"]
    lines = order.line_ids
    assert result == {"value": {
        "amount_total": 300.0,
        "line_ids": [
            {"id": lines[0].id, "quantity": 2.0, "price_unit": 50.0, "subtotal": 100.0,
             "product_id": {"id": chair.id, "display_name": "Chair"}},
            {"id": lines[1].id, "quantity": 1.0, "price_unit": 200.0, "subtotal": 200.0,
             "product_id": {"id": desk.id, "display_name": "Desk"}}]}}
    # a line changed in the form: [1, id, values]; a new line; a line removed
    values = {"line_ids": [[1, lines[0].id, {"quantity": 3}], [2, lines[1].id],
                           [0, "virtual_9", {"quantity": 1, "price_unit": 10}]]}
    result = order.onchange(values, ["line_ids"], {"amount_total": {}, "line_count": {},
                                                   "line_ids": {"fields": {"subtotal": {}}}})
    # line_count (2 before, 2 after) is not answered; the changed x2many always is
    assert result == {"value": {"amount_total": 144.0,
                                "line_ids": [{"id": lines[0].id, "subtotal": 135.0},
                                             {"id": False, "subtotal": 9.0}]}}
    env.invalidate_all()
    assert order.discount == 10.0 and order.amount_total == 270.0
    assert len(order.line_ids) == 2 and order.line_ids[0].quantity == 2.0


def test_nothing_is_written(env, data, cr):
    acme = data["acme"]
    counts = {model: env[model].search_count([]) for model in (ORDER, LINE)}
    with cr.capture() as log:
        env[ORDER].onchange({}, [], SPEC)
        env[ORDER].onchange({"partner_id": acme.id, "line_ids": [
            [0, 0, {"product_id": data["chair"].id, "quantity": 1, "price_unit": 50}],
            [4, data["order"].line_ids[0].id]]}, ["partner_id"], SPEC)
        data["order"].onchange({"note": "x", "discount": 50.0}, ["discount"], SPEC)
    _no_writes(log)
    assert not env.transaction.towrite and not env.transaction.tocompute
    env.flush_all()
    assert {model: env[model].search_count([]) for model in (ORDER, LINE)} == counts
    assert data["order"].line_ids[0].order_id == data["order"]


# -- RPC --------------------------------------------------------------------------------------------

def test_callable_through_call_kw_and_read_only(env, data):
    assert is_readonly("onchange")
    result = call_kw(env, ORDER, "onchange", [[], {}, [], {"name": {}, "line_count": {}}])
    assert result == {"value": {"name": "New", "line_count": 0}}
    order = data["order"]
    result = call_kw(env, ORDER, "onchange", [[order.id], {"note": "n"}, ["note"],
                                              {"note": {}, "name": {}}])
    assert result == {"value": {}}
    with pytest.raises(AccessError):
        call_kw(env, ORDER, "new", [{}])


# -- errors and access --------------------------------------------------------------------------------

def test_unknown_fields_are_refused_naming_model_and_field(env, data):
    model = env[ORDER]
    with pytest.raises(UnknownFieldError) as info:
        model.onchange({"nope": 1}, [], {"name": {}})
    assert info.value.model == ORDER and info.value.field == "nope"
    with pytest.raises(UnknownFieldError) as info:
        model.onchange({}, ["nope"], {"name": {}})
    assert info.value.field == "nope"
    with pytest.raises(UnknownFieldError) as info:
        model.onchange({}, [], {"nope": {}})
    assert info.value.field == "nope"
    with pytest.raises(UnknownFieldError) as info:
        model.onchange({"line_ids": [[0, 0, {"qty": 1}]]}, ["line_ids"], {"name": {}})
    assert info.value.model == LINE and info.value.field == "line_ids.qty"
    with pytest.raises(SpecificationError):
        model.onchange({}, [], {"name": {"fields": {}}})
    with pytest.raises(InvalidValueError):
        model.onchange([], [], {})
    with pytest.raises(InvalidValueError):
        model.onchange({"line_ids": [[9, 0, 0]]}, ["line_ids"], {})


def test_missing_record(env, data):
    with pytest.raises(MissingError):
        env[ORDER].browse(999_999).onchange({"note": "x"}, ["note"], {"note": {}})


class _Policy:
    """Refuses reading orders when ``refuse`` is set; hides orders named SECRET."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse

    def check_model(self, env, model_name, operation):
        if self.refuse and model_name == ORDER:
            raise AccessError(f"no {operation} on {model_name}", model=model_name)

    def rule_domain(self, env, model_name, operation):
        return [("name", "!=", "SECRET")] if model_name == ORDER else []

    def check_field_groups(self, env, model, field):
        return True

    def failing_rules(self, env, model_name, operation, ids):
        return ["No secrets"]


def test_access_is_checked_like_read(env, data, registry, monkeypatch):
    secret = env[ORDER].create({"name": "SECRET"})
    env.flush_all()
    user_env = Environment(env.cr, 2, {}, registry=registry)
    monkeypatch.setattr(registry, "access_policy", _Policy(), raising=False)
    order = data["order"].with_env(user_env)
    assert order.onchange({"note": "x"}, ["note"], {"note": {}}) == {"value": {}}
    with pytest.raises(AccessError):
        secret.with_env(user_env).onchange({"note": "x"}, ["note"], {"note": {}})
    with pytest.raises(MissingError):
        user_env[ORDER].browse(999_999).onchange({}, ["note"], {"note": {}})
    monkeypatch.setattr(registry, "access_policy", _Policy(refuse=True), raising=False)
    with pytest.raises(AccessError):
        user_env[ORDER].onchange({}, [], {"name": {}})


# -- query counts ------------------------------------------------------------------------------------

def _lines(data, count):
    return [[0, f"virtual_{i}", {"product_id": (data["chair"] if i % 2 else data["desk"]).id,
                                 "quantity": i + 1, "price_unit": 10.0}]
            for i in range(count)]


@pytest.mark.parametrize("count", [3, 40])
def test_query_count_new_record_does_not_grow_with_lines(env, data, count, assert_queries):
    values = {"name": "New", "partner_id": data["acme"].id, "line_ids": _lines(data, count)}
    env.invalidate_all()
    # the partner (its name for display_name, its columns for the handler), the products'
    # names: 3 queries, whatever the number of lines
    with assert_queries(3) as log:
        result = env[ORDER].onchange(values, ["partner_id"], SPEC)
    assert len(log) == 3
    assert len(result["value"]["line_ids"]) == count
    env.invalidate_all()
    # first call: the handlers run before the answer is read, so the partner's name is
    # loaded with its columns: 2 queries
    with assert_queries(2) as log:
        env[ORDER].onchange(values, [], SPEC)
    assert len(log) == 2


@pytest.mark.parametrize("count", [3, 40])
def test_query_count_existing_record_does_not_grow_with_lines(env, data, count,
                                                              assert_queries):
    order = env[ORDER].create({"name": "Big", "partner_id": data["acme"].id,
                               "line_ids": _lines(data, count)})
    env.flush_all()
    env.invalidate_all()
    # the order, its lines (one query with their columns), the partner, the products
    with assert_queries(4) as log:
        result = order.onchange({"discount": 50.0}, ["discount"], SPEC)
    assert len(log) == 4
    assert len(result["value"]["line_ids"]) == count


def test_line_onchange_with_the_parent_values(env, data):
    """A line form sends its parent as the values the order form holds: the line is
    computed against them (here the parent's unsaved discount)."""
    order = data["order"]
    values = {"order_id": {"id": order.id, "discount": 50.0}, "quantity": 2,
              "price_unit": 0.0, "product_id": data["chair"].id}
    result = env[LINE].onchange(values, ["product_id"],
                                {"price_unit": {}, "subtotal": {}, "quantity": {}})
    assert result == {"value": {"price_unit": 50.0, "subtotal": 50.0}}
    values["order_id"] = {"id": False, "discount": 0.0}
    result = env[LINE].onchange(values, [], {"subtotal": {}, "order_id": {}})
    assert result == {"value": {"subtotal": 0.0, "order_id": False}}
    with pytest.raises(UnknownFieldError) as info:
        env[LINE].onchange({"order_id": {"id": False, "nope": 1}}, [], {})
    assert info.value.field == "order_id.nope"
    env.invalidate_all()
    assert order.discount == 10.0
