"""Calling what must not be callable, over real HTTP: private methods (``_name``, dunder),
the recordset plumbing (``sudo``, ``with_user``...), ``@api.private`` methods, attributes
that are not methods, unknown names; and trying to become superuser through the context
(``uid``, ``su``, ``sudo``...) or the ``uid`` of an XML-RPC call.

Through XML-RPC (``/xmlrpc/2`` and legacy ``/xmlrpc``), JSON-RPC, ``call_kw`` and
``call_button`` with a session, JSON-2 and the REST workflow route with an API key: each
attempt is a clean typed refusal, and nothing is written."""

from __future__ import annotations

import xmlrpc.client

import pytest
import requests

from agora.testing.addons import served_addons_fixture
from tests.security.attack_clients import (
    Caller,
    assert_clean,
    assert_refused,
    caller,
    fingerprint,
    raw_xmlrpc,
)

served = served_addons_fixture(["contacts"], prefix="agora_attack_rpc")

PRIVATE = ["_read", "_search", "_write", "_create", "_browse", "_fetch_columns",
           "_apply_access_rules", "_auto_init", "_register_hook", "_order", "_table",
           "_fields", "_name", "__init__", "__class__", "__getattribute__", "__dict__",
           "__reduce__", "__call__", "__setattr__"]
PLUMBING = ["sudo", "with_user", "with_context", "with_env", "with_company", "browse",
            "ensure_one", "mapped", "filtered", "filtered_domain", "sorted", "grouped",
            "union", "search_fetch", "check_access"]
#: not methods, or no such method: UnknownMethodError (a UserError on the wire)
NOT_METHODS = ["env", "ids", "pool", "id", "name", "display_name", "unlink.__globals__",
               "read.__func__", "mro", "no_such_method", "WRITE", "write ", "sudo()",
               "search\n"]


@pytest.fixture(scope="module")
def employee(served) -> Caller:
    who = caller(served, "rpc_attacker", "attacker-pw-2", ["base.group_user"])
    for outcome in who.call_all("res.partner", "search_count", kwargs={"domain": []}):
        assert outcome.ok, outcome
    return who


@pytest.fixture(scope="module")
def canary(served) -> int:
    """A contact the employee may read and write but not delete."""
    return served.run(lambda env: env["res.partner"].create({"name": "RPC canary"}).id)


@pytest.fixture(autouse=True)
def nothing_written(served, employee):
    before = fingerprint(served.run)
    yield
    assert fingerprint(served.run) == before, "an attack changed the database"


@pytest.mark.parametrize("method", PRIVATE)
def test_private_methods_are_refused(employee, canary, method):
    for model in ("res.partner", "res.users"):
        for outcome in employee.call_all(model, method, [canary], {}):
            assert_refused(outcome, "AccessError")
            assert "cannot be called remotely" in outcome.message, outcome


@pytest.mark.parametrize("method", ["_check_credentials", "_set_password", "_login",
                                    "_hash_password_vals", "_update_last_login"])
def test_private_methods_of_users_are_refused(employee, method):
    for outcome in employee.call_all("res.users", method, [employee.uid], {}):
        assert_refused(outcome, "AccessError")


@pytest.mark.parametrize("method", PLUMBING)
def test_recordset_plumbing_is_not_remote(employee, canary, method):
    for outcome in employee.call_all("res.partner", method, [canary], {}):
        assert_refused(outcome, "AccessError")


def test_api_private_methods_are_refused(employee):
    for outcome in employee.call_all("res.partner", "new", None, {"values": {"name": "x"}}):
        assert_refused(outcome, "AccessError")


@pytest.mark.parametrize("method", NOT_METHODS)
def test_attributes_and_unknown_names_are_not_methods(employee, canary, method):
    for outcome in employee.call_all("res.partner", method, [canary], {}):
        assert_refused(outcome, "UserError", "NotFound")
        if outcome.transport == "json2":
            assert outcome.status == 404, outcome


@pytest.mark.parametrize("model", ["res.partner; DROP TABLE res_partner", "../res.users",
                                   "ir.model.access'--", "res_partner", "RES.PARTNER"])
def test_unknown_models_are_refused(employee, model):
    for outcome in employee.call_all(model, "search", None, {"domain": []}):
        # JSON-2 takes the model from the URL: one with a slash matches no route
        assert_refused(outcome, "UserError", "NotFound")


def test_legacy_xmlrpc_and_execute_refuse_private_methods(employee, canary):
    legacy = xmlrpc.client.ServerProxy(f"{employee.url}/xmlrpc/object")
    for method in ("_write", "sudo", "__init__"):
        with pytest.raises(xmlrpc.client.Fault) as info:
            legacy.execute_kw(employee.db, employee.uid, employee.password, "res.partner",
                              method, [[canary], {"name": "pwned"}])
        assert str(info.value.faultCode).startswith("warning -- AccessError"), info.value
        proxy = xmlrpc.client.ServerProxy(f"{employee.url}/xmlrpc/2/object")
        with pytest.raises(xmlrpc.client.Fault) as info:
            proxy.execute(employee.db, employee.uid, employee.password, "res.partner",
                          method, [canary], {"name": "pwned"})
        assert info.value.faultCode == 4, info.value.faultString


def test_call_button_refuses_private_methods(employee, canary):
    for method in ("_write", "sudo", "with_user", "__init__"):
        response = employee.session.post(f"{employee.url}/web/dataset/call_button", json={
            "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "model": "res.partner", "method": method,
                "args": [[canary], {"name": "pwned"}], "kwargs": {}}})
        error = response.json()["error"]["data"]
        assert error["name"] == "odoo.exceptions.AccessError", error


def test_rest_workflow_route_refuses_private_and_plumbing_methods(employee, canary):
    headers = {"Authorization": f"Bearer {employee.key}"}
    for method, status in (("_write", 403), ("sudo", 403), ("__init__", 403),
                           ("write", 404), ("unlink", 404)):
        response = requests.post(f"{employee.url}/api/v1/res.partner/{canary}/{method}",
                                 json={"vals": {"name": "pwned"}}, headers=headers, timeout=30)
        assert response.status_code == status, (method, response.text)
        assert response.json()["name"].startswith("odoo.exceptions."), response.text


@pytest.mark.parametrize("service, method", [
    ("object", "_call"), ("object", "__init__"), ("object", "dispatch"),
    ("db", "create_database"), ("db", "drop"), ("db", "duplicate_database"),
    ("db", "dump"), ("common", "_run"), ("__class__", "__init__"),
])
def test_services_expose_only_their_api(employee, service, method):
    with pytest.raises(xmlrpc.client.Fault) as info:
        raw_xmlrpc(employee.url, f"/xmlrpc/2/{service}", method, (employee.db, "x"))
    assert info.value.faultCode == 2 and "unknown service or method" in info.value.faultString


# -- superuser through the context -------------------------------------------------------------
SUDO_CONTEXTS = [{"uid": 1}, {"su": True}, {"sudo": True}, {"superuser": True},
                 {"uid": "1"}, {"user": 1}, {"is_superuser": True},
                 {"uid": 1, "su": True, "sudo": True, "active_test": False}]


@pytest.mark.parametrize("context", SUDO_CONTEXTS, ids=repr)
def test_context_does_not_make_a_superuser(served, employee, canary, context):
    admin = 2
    system = served.run(lambda env: env.ref("base.group_system").id)
    attempts = [
        ("res.groups", "create", None, {"vals_list": [{"name": "attackers"}]}),
        ("res.users", "write", [employee.uid], {"vals": {"groups_id": [(4, system)]}}),
        ("res.users", "write", [admin], {"vals": {"login": "pwned"}}),
        ("res.users", "read", [admin], {"fields": ["password"]}),
        ("res.users", "search", None, {"domain": [("password", "!=", False)]}),
        ("ir.model.access", "search_read", None, {"domain": [], "fields": ["name"]}),
        ("ir.rule", "write", [1], {"vals": {"active": False}}),
        ("res.partner", "unlink", [canary], {}),
    ]
    for model, method, ids, kwargs in attempts:
        for outcome in employee.call_all(model, method, ids, {**kwargs, "context": context}):
            assert_refused(outcome, "AccessError", "UserError")
    # the employee's own API keys only, whatever the context says
    admin_key_ids = served.run(lambda env: env["res.users.apikeys"].search(
        [("user_id", "=", admin)]).ids)
    for outcome in employee.call_all("res.users.apikeys", "search_read", None, {
            "domain": [], "fields": ["user_id"], "context": context}):
        assert_clean(outcome)
        if outcome.ok:
            assert outcome.result and {r["user_id"][0] for r in outcome.result} == {
                employee.uid}, outcome
            assert not {r["id"] for r in outcome.result} & set(admin_key_ids)
        else:
            assert_refused(outcome, "AccessError", "UserError")


@pytest.fixture(scope="module", autouse=True)
def admin_key(served) -> str:
    """Admin has an API key: the ones an employee must never list."""
    return served.run(lambda env: env(user=2, su=True)["res.users.apikeys"].generate(
        "admin key", "rpc"))


@pytest.mark.parametrize("uid", [1, "1 OR 1=1", True, [2], None])
def test_uid_of_an_rpc_call_is_checked_against_the_password(employee, uid):
    """Another uid with the employee's password is refused (never runs as that user);
    each bad uid is tried once so the login throttle stays out of the way."""
    response = requests.post(f"{employee.url}/jsonrpc", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "service": "object", "method": "execute_kw",
            "args": [employee.db, uid, employee.password, "res.groups", "create",
                     [{"name": "attackers"}]]}})
    error = response.json()["error"]["data"]
    assert error["name"] == "odoo.exceptions.AccessDenied", error


def test_json2_context_does_not_switch_user(employee):
    response = requests.post(f"{employee.url}/json/2/res.users/read", timeout=30, json={
        "ids": [2], "fields": ["password"], "context": {"uid": 1, "su": True}},
        headers={"Authorization": f"Bearer {employee.key}"})
    assert response.status_code == 403, response.text
    assert response.json()["name"] == "odoo.exceptions.AccessError"
