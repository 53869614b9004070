"""Bad input over real HTTP: malformed XML and JSON, wrong types, unknown models, methods
and fields, oversized bodies. Each gets a clean, typed error; nothing is half-written;
the server keeps serving the next call."""

from __future__ import annotations

import xmlrpc.client

import pytest
import requests
from werkzeug.test import Client

from agora.http.application import Application

ADMIN = 2


@pytest.fixture
def url(agora_live_server):
    return agora_live_server.url


def xml_fault(url, path, body):
    response = requests.post(f"{url}{path}", data=body, headers={"Content-Type": "text/xml"},
                             timeout=30)
    assert response.status_code == 200 and "xml" in response.headers["Content-Type"]
    with pytest.raises(xmlrpc.client.Fault) as info:
        xmlrpc.client.loads(response.content)
    return info.value


def jsonrpc(url, path, params=None, raw=None):
    body = raw if raw is not None else None
    response = requests.post(f"{url}{path}", data=body, json=None if raw else {
        "jsonrpc": "2.0", "method": "call", "id": 9, "params": params or {}},
        headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 200 and "json" in response.headers["Content-Type"]
    return response.json()


def still_serving(url, db):
    proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    assert proxy.execute_kw(db, ADMIN, "admin", "res.users", "search_count",
                            [[("login", "=", "admin")]]) == 1


@pytest.mark.parametrize("body", [b"<methodCall><methodName>version", b"not xml at all",
                                  b"<?xml version='1.0'?><methodCall></methodCall>", b""])
def test_malformed_xml_gets_a_fault(url, agora_served_db, body):
    fault = xml_fault(url, "/xmlrpc/2/common", body)
    assert fault.faultCode == 1 and "invalid XML-RPC request" in fault.faultString
    still_serving(url, agora_served_db)


@pytest.mark.parametrize("raw", ["{broken", "[1, 2]", '{"params": "x"}', '{"id": [1]}'])
def test_malformed_json_gets_an_error(url, agora_served_db, raw):
    payload = jsonrpc(url, "/jsonrpc", raw=raw)
    assert payload["error"]["code"] == 200 and payload["error"]["data"]["message"]
    still_serving(url, agora_served_db)


def test_wrong_types_and_arities(url, agora_served_db):
    db = agora_served_db
    proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    cases = [
        ((db, "two", "admin", "res.partner", "search", [[]]), 3, "Access Denied"),
        ((db, ADMIN, "admin", "res.partner", "search", "not a list"), 2, "args must be a list"),
        ((db, ADMIN, "admin", "res.partner", "search", [[]], ["kw"]), 2, "kwargs a dict"),
        ((db, ADMIN, "admin", "res.partner", "search", [[("name", "~~", "x")]]), 2,
         "invalid operator '~~'"),
        ((db, ADMIN, "admin", "res.partner", "read", ["seven"]), 2, "expected record ids"),
        ((db, ADMIN, "admin", "res.partner", "search", [[]], {"limit": "ten"}), 2,
         "invalid limit 'ten'"),
        ((db, ADMIN, "admin", "res.partner", "search", [[]], {"bogus_kw": 1}), 2,
         "unexpected keyword argument 'bogus_kw'"),
        ((db, ADMIN, "admin"), 2, "expected 5 to 7 arguments, got 3"),
    ]
    for args, code, message in cases:
        with pytest.raises(xmlrpc.client.Fault) as info:
            proxy.execute_kw(*args)
        assert (info.value.faultCode, message in info.value.faultString) == (code, True), args
    still_serving(url, db)


def test_unknown_models_methods_fields_and_databases(url, agora_served_db):
    db = agora_served_db
    proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    for model, method, args, expected in [
        ("no.such.model", "search", [[]], "doesn't exist"),
        ("res.partner", "no_such_method", [[]], "does not exist"),
        ("res.partner", "search", [[("no_such_field", "=", 1)]], "no_such_field"),
        ("res.partner", "search_read", [[]], "no_such_field"),
        ("res.partner", "_private", [[]], "Private"),
    ]:
        kwargs = {"fields": ["no_such_field"]} if method == "search_read" else {}
        with pytest.raises(xmlrpc.client.Fault) as info:
            proxy.execute_kw(db, ADMIN, "admin", model, method, args, kwargs)
        assert expected in info.value.faultString, (model, method, info.value.faultString)
    with pytest.raises(xmlrpc.client.Fault) as info:
        proxy.execute_kw("no_such_db_anywhere", ADMIN, "admin", "res.partner", "search", [[]])
    assert "does not exist" in info.value.faultString
    payload = jsonrpc(url, "/jsonrpc", {"service": "nope", "method": "x", "args": []})
    assert "unknown service" in payload["error"]["data"]["message"]
    still_serving(url, db)


def test_bad_credentials_are_access_denied(url, agora_served_db):
    proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault) as info:
        proxy.execute_kw(agora_served_db, ADMIN, "wrong", "res.partner", "search", [[]])
    assert info.value.faultCode == 3
    legacy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/object")
    with pytest.raises(xmlrpc.client.Fault) as info:
        legacy.execute_kw(agora_served_db, ADMIN, "wrong", "res.partner", "search", [[]])
    assert info.value.faultCode == "AccessDenied"
    still_serving(url, agora_served_db)


def test_failed_call_writes_nothing(url, agora_served_db):
    proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    name = "half-written-check"
    with pytest.raises(xmlrpc.client.Fault):
        # the second record lacks the required login: the whole create must roll back
        proxy.execute_kw(agora_served_db, ADMIN, "admin", "res.users", "create",
                         [[{"name": name, "login": "half-written-1"}, {"name": name}]])
    assert proxy.execute_kw(agora_served_db, ADMIN, "admin", "res.partner", "search_count",
                            [[("name", "=", name)]]) == 0


def test_oversized_bodies_get_413_and_the_server_keeps_serving(agora_app, agora_served_db):
    small = Application(databases=agora_app.databases, max_request_size=20_000)
    client = Client(small)
    big = xmlrpc.client.dumps(("x" * 50_000,), "version")
    assert client.post("/xmlrpc/2/common", data=big, content_type="text/xml").status_code == 413
    response = client.post("/jsonrpc", json={"params": {"blob": "y" * 50_000}})
    assert response.status_code == 413 and "larger than" in response.get_json()[
        "error"]["data"]["message"]
    body = xmlrpc.client.dumps((agora_served_db, ADMIN, "admin", "res.users", "search_count",
                                [[("login", "=", "admin")]]), "execute_kw")
    response = client.post("/xmlrpc/2/object", data=body, content_type="text/xml")
    assert xmlrpc.client.loads(response.data)[0][0] == 1


def test_api_routing_errors_and_unknown_databases_answer_json(agora_app):
    client = Client(agora_app)
    for method, path, status in [("POST", "/json/2/res.partner", 404),
                                 ("PUT", "/json/2/res.partner/search", 405),
                                 ("GET", "/api/v1/res.partner/1/2/3/4", 404)]:
        response = client.open(path, method=method)
        body = response.get_json()
        assert response.status_code == status and body["name"].startswith("werkzeug."), path
    response = client.post("/json/2/res.partner/search", json={"domain": []}, headers={
        "Authorization": "Bearer " + "a" * 40, "X-Odoo-Database": "no/such db"})
    assert response.status_code == 404 and "invalid database name" in response.get_json()[
        "message"]
    response = client.post("/json/2/res.partner/search", json={"domain": []}, headers={
        "Authorization": "Bearer " + "a" * 40, "X-Odoo-Database": "postgres"})
    assert response.status_code == 404 and "no Agora installed" in response.get_json()[
        "message"]
    response = client.post("/")  # not an API path: Werkzeug's own answer
    assert response.status_code == 405 and response.mimetype == "text/html"
