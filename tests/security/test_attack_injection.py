"""SQL injection attempts over real HTTP, through every client the server speaks
(XML-RPC, JSON-RPC, ``/web/dataset/call_kw`` with a session, JSON-2 with an API key):
domain values, field names and operators, ``order``, ``groupby`` and aggregates,
``limit``/``offset``, context keys and values, login names.

Each attempt is refused with a clean typed error (no server error, no SQL or driver text
in the answer) or, where the payload is a mere value, matches nothing; nothing is leaked
(no rows beyond what the caller may see) and nothing is written (the watched tables are
fingerprinted before and after every test)."""

from __future__ import annotations

import xmlrpc.client

import pytest
import requests

from agora.testing.addons import served_addons_fixture
from tests.security.attack_clients import (
    TRANSPORTS,
    Caller,
    assert_clean,
    assert_refused,
    assert_refused_or_empty,
    caller,
    fingerprint,
)

served = served_addons_fixture(["contacts"], prefix="agora_attack_sql")

SHAPE_ERRORS = ("UserError", "ValidationError")
#: transports that can carry the value (XML-RPC has neither NUL characters nor integers
#: beyond 32 bits)
NOT_XML = tuple(t for t in TRANSPORTS if t != "xmlrpc")


@pytest.fixture(scope="module")
def employee(served) -> Caller:
    """An internal user (reads and writes contacts, may not delete them), warmed up on
    every transport so that logging in changes nothing during the tests."""
    who = caller(served, "sql_attacker", "attacker-pw-1", ["base.group_user"])
    for outcome in who.call_all("res.partner", "search_count", kwargs={"domain": []}):
        assert outcome.ok, outcome
    return who


@pytest.fixture(scope="module")
def visible_count(employee) -> int:
    return employee.call("jsonrpc", "res.partner", "search_count", kwargs={"domain": []}).result


@pytest.fixture(autouse=True)
def nothing_written(served, employee):
    before = fingerprint(served.run)
    yield
    after = fingerprint(served.run)
    assert after == before, "an attack changed the database"
    # and the server still answers a plain call
    assert employee.call("xmlrpc", "res.partner", "search_count",
                         kwargs={"domain": []}).ok


def attack(employee: Caller, model: str, method: str, kwargs: dict, *, ids=None,
           transports=TRANSPORTS, refused=True, names=SHAPE_ERRORS) -> None:
    for outcome in employee.call_all(model, method, ids, kwargs, transports):
        if refused:
            assert_refused(outcome, *names)
        else:
            assert_refused_or_empty(outcome)


# -- domain values -------------------------------------------------------------------------------
#: values that are data: they match nothing (or are refused as the wrong type)
VALUE_PAYLOADS = [
    ("name", "=", "'; DROP TABLE res_partner; --"),
    ("name", "=", "x' OR '1'='1"),
    ("name", "ilike", "%' OR '1'='1"),
    ("name", "=like", "x' OR 1=1 --"),
    ("name", "=", "x'; SELECT pg_sleep(6); --"),
    ("name", "ilike", "' || (SELECT password FROM res_users LIMIT 1) || '"),
    ("email", "in", ["a'); DELETE FROM res_partner; --", "1) OR (1=1"]),
    ("comment", "ilike", "</p><script>'; DROP TABLE res_partner; --"),
    ("company_id", "=", "x' OR 1=1 --"),  # a many2one searched by name
    ("company_id.name", "=", "x') OR ('1'='1"),
    ("parent_id", "child_of", "x' OR 1=1 --"),
    ("category_id", "in", ["'; DROP TABLE res_partner; --"]),
]
#: values of the wrong type for the field: typed errors
TYPE_PAYLOADS = [
    ("id", "in", "1) OR (1=1"),
    ("id", "=", "1 OR 1=1"),
    ("id", "child_of", ["1) OR (1=1"]),
    ("create_date", ">", "2020-01-01'; DROP TABLE res_partner; --"),
    ("active", "=", "'; --"),
    ("name", "=", {"$ne": None}),
    ("name", "in", [["'; DROP TABLE res_partner; --"]]),
    ("parent_id", "any", "id = id OR 1=1"),
]


@pytest.mark.parametrize("leaf", VALUE_PAYLOADS, ids=repr)
def test_domain_values_are_data(employee, leaf):
    for method, kwargs in (("search", {"domain": [leaf]}),
                           ("search_count", {"domain": [leaf]}),
                           ("search_read", {"domain": [leaf], "fields": ["name"]})):
        attack(employee, "res.partner", method, kwargs, refused=False)
    # the same payload OR'ed with a real condition finds only what the condition finds
    outcomes = employee.call_all("res.partner", "search", kwargs={
        "domain": ["|", leaf, ("id", "=", 1)]})
    for outcome in outcomes:
        assert_clean(outcome)
        assert not outcome.ok or outcome.result in ([], [1]), outcome


@pytest.mark.parametrize("leaf", TYPE_PAYLOADS, ids=repr)
def test_domain_values_of_the_wrong_type_are_refused(employee, leaf):
    attack(employee, "res.partner", "search", {"domain": [leaf]})


def test_nul_characters_in_domain_values_are_refused(employee):
    """PostgreSQL cannot hold NUL in text: the domain compiler refuses it with a typed
    error before the database sees it."""
    for leaf in [("name", "=", "x\x00'; --"), ("name", "ilike", "\x00"),
                 ("email", "in", ["a", "\x00"]), ("id", "child_of", "\x00"),
                 ("display_name", "=", "\x00"), ("company_id", "=", "\x00")]:
        attack(employee, "res.partner", "search", {"domain": [leaf]}, transports=NOT_XML)


# -- field names and operators -----------------------------------------------------------------------
FIELD_PAYLOADS = [
    "name) OR 1=1 --",
    'name" OR "1"="1',
    "id; DROP TABLE res_partner; --",
    "parent_id.name' OR 1=1 --",
    "res_partner.id",
    "(SELECT 1)",
    "name::text",
    "*",
    "1=1 OR name",
    "password",  # a column of another table
]


@pytest.mark.parametrize("name", FIELD_PAYLOADS)
def test_field_names_are_checked_against_the_model(employee, name):
    attack(employee, "res.partner", "search", {"domain": [(name, "=", "x")]})
    attack(employee, "res.partner", "search_read", {"domain": [], "fields": [name],
                                                    "limit": 1})
    attack(employee, "res.partner", "read", {"fields": ["name", name]}, ids=[1])
    attack(employee, "res.partner", "web_search_read",
           {"domain": [], "specification": {name: {}}, "limit": 1})
    attack(employee, "res.partner", "web_search_read",
           {"domain": [], "specification": {"child_ids": {"fields": {name: {}}}}, "limit": 1})
    attack(employee, "res.partner", "read_group",
           {"domain": [], "fields": [f"{name}:count"], "groupby": ["name"]})
    attack(employee, "res.partner", "write", {"vals": {name: "x"}}, ids=[1])
    attack(employee, "res.partner", "create", {"vals_list": [{"name": "x", name: "y"}]})


@pytest.mark.parametrize("operator", [
    "= 1 OR 1=1 --", "=;DROP TABLE res_partner", "in) OR (1=1", "ilike'",
    "LIKE '%' OR ''='", "~", "IS NOT", "@@", "= ANY(SELECT id FROM res_users) OR '' =",
])
def test_operators_are_checked(employee, operator):
    attack(employee, "res.partner", "search", {"domain": [("name", operator, "x")]})
    attack(employee, "res.partner", "name_search", {"name": "x", "operator": operator})


# -- order, groupby, aggregates, limit, offset -------------------------------------------------------------
ORDER_PAYLOADS = [
    "id; DELETE FROM res_partner",
    "id desc, (SELECT password FROM res_users)",
    "(SELECT password FROM res_users LIMIT 1)",
    'name COLLATE "C"',
    "id desc limit 1",
    "CASE WHEN 1=1 THEN name END",
    "1",
    "pg_sleep(6)",
    'name"; --',
    "id desc nulls first; --",
    "name desc, id asc) --",
    "id--",
    "id /* comment */",
    "res_users.password",
]


@pytest.mark.parametrize("order", ORDER_PAYLOADS)
def test_order_clauses_are_checked(employee, order):
    attack(employee, "res.partner", "search", {"domain": [], "order": order})
    attack(employee, "res.partner", "search_read", {"domain": [], "fields": ["name"],
                                                    "order": order})
    attack(employee, "res.partner", "web_search_read",
           {"domain": [], "specification": {"name": {}}, "order": order})
    attack(employee, "res.partner", "web_search_read", {"domain": [], "limit": 3,
           "specification": {"child_ids": {"fields": {"name": {}}, "order": order}}})
    attack(employee, "res.partner", "read_group",
           {"domain": [], "fields": ["id:count"], "groupby": ["name"], "orderby": order})


@pytest.mark.parametrize("groupby", [
    "name:day) OR (1=1",
    "create_date:week; DROP TABLE res_partner",
    "create_date:day') --",
    "name; DROP TABLE res_partner",
    "(SELECT 1)",
    "create_date:pg_sleep(6)",
    'name"',
    "id:count(*)",
])
def test_groupby_specs_are_checked(employee, groupby):
    attack(employee, "res.partner", "read_group",
           {"domain": [], "fields": ["id:count"], "groupby": [groupby]})
    attack(employee, "res.partner", "read_group",
           {"domain": [], "fields": ["id:count"], "groupby": ["name", groupby],
            "lazy": False})


@pytest.mark.parametrize("aggregate", [
    "id:sum(1); DROP TABLE res_partner",
    "name:max) FROM res_users --",
    "total:sum(id); DROP TABLE res_partner",
    "total:sum(id) FROM res_users --",
    "id:count(DISTINCT password)",
    "id:string_agg",
    "id:pg_sleep",
])
def test_aggregate_specs_are_checked(employee, aggregate):
    attack(employee, "res.partner", "read_group",
           {"domain": [], "fields": [aggregate], "groupby": ["name"]})


@pytest.mark.parametrize("value", ["1; DROP TABLE res_partner", "ALL", -1, "1 OFFSET 0"])
def test_limit_and_offset_are_checked(employee, value):
    for name in ("limit", "offset"):
        attack(employee, "res.partner", "search", {"domain": [], name: value})
        attack(employee, "res.partner", "read_group",
               {"domain": [], "fields": ["id:count"], "groupby": ["name"], name: value})
        attack(employee, "res.partner", "web_search_read",
               {"domain": [], "specification": {"name": {}}, name: value})


def test_limits_and_ids_beyond_64_bits_are_refused_cleanly(employee):
    huge = 2**70
    for name in ("limit", "offset"):
        attack(employee, "res.partner", "search", {"domain": [], name: huge},
               transports=NOT_XML)
        attack(employee, "res.partner", "read_group",
               {"domain": [], "fields": ["id:count"], "groupby": ["name"], name: huge},
               transports=NOT_XML)
    attack(employee, "res.partner", "search_count", {"domain": [], "limit": huge},
           transports=NOT_XML)
    attack(employee, "res.partner", "name_search", {"name": "a", "limit": huge},
           transports=NOT_XML)
    # ids are only data: a huge one matches nothing
    for outcome in employee.call_all("res.partner", "search", kwargs={
            "domain": [("id", "in", [huge, -huge])]}, transports=NOT_XML):
        assert_clean(outcome)
        assert outcome.ok and outcome.result == [], outcome


# -- context -------------------------------------------------------------------------------------------
CONTEXT_PAYLOADS = [
    {"active_test": "'; DROP TABLE res_partner; --"},
    {"active_test": {"$ne": 1}},
    {"lang": "en_US'; DROP TABLE res_partner; --"},
    {"tz": "UTC'; DROP TABLE res_partner; --"},
    {"bin_size": "'; --"},
    {"allowed_company_ids": ["1) OR (1=1"]},
    {"allowed_company_ids": "1 OR 1=1"},
    {"'; DROP TABLE res_partner; --": 1},
    {"search_default_name": "x' OR 1=1"},
]


@pytest.mark.parametrize("context", CONTEXT_PAYLOADS, ids=repr)
def test_context_values_are_never_sql(employee, visible_count, context):
    for outcome in employee.call_all("res.partner", "search_read", kwargs={
            "domain": [], "fields": ["name", "create_date"], "context": context}):
        assert_clean(outcome)
        if outcome.ok:  # answered as if the key were not there: what the caller may see
            assert len(outcome.result) <= visible_count, outcome
        else:
            assert_refused(outcome, "UserError", "ValidationError", "AccessError")
    for outcome in employee.call_all("res.partner", "search_count", kwargs={
            "domain": [], "context": context}):
        assert_clean(outcome)
        assert not outcome.ok or outcome.result <= visible_count, outcome


def test_context_defaults_are_data(employee):
    payload = "'); DROP TABLE res_partner; --"
    for outcome in employee.call_all("res.partner", "default_get", kwargs={
            "fields_list": ["name"], "context": {"default_name": payload}}):
        assert_clean(outcome)
        assert outcome.ok and outcome.result == {"name": payload}, outcome


# -- login names ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("login, password", [
    ("admin' --", "x"),
    ("' OR '1'='1", "' OR '1'='1"),
    ("admin'; UPDATE res_users SET password = NULL; --", "x"),
])
def test_login_names_are_data(served, login, password):
    response = requests.post(f"{served.url}/web/session/authenticate", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"db": served.name, "login": login, "password": password}})
    payload = response.json()
    assert response.status_code == 200 and "error" in payload, payload
    assert payload["error"]["data"]["name"] == "odoo.exceptions.AccessDenied", payload
    assert "session_id" not in response.cookies
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    assert common.authenticate(served.name, login, password, {}) is False
