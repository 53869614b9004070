"""The REST API generated from the models: ``/api/v1/<model>[/<id>[/<method>]]``."""

from __future__ import annotations

import json
import re
import secrets
from urllib.parse import quote

import pytest
from werkzeug.test import Client

from tests.rpc.api_fixtures import *  # noqa: F403  (the fixtures)
from tests.rpc.api_fixtures import ApiCaller, assert_error

CONTACTS = "/api/v1/demo.contact"


def q(value) -> str:
    return quote(json.dumps(value))


def test_crud_round_trip(admin):
    name = f"Rest {secrets.token_hex(3)}"
    response = admin.post(CONTACTS, {"name": name, "email": "rest@example.com",
                                     "parent_id": 1})
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    record_id = created["id"]
    assert response.headers["Location"] == f"{CONTACTS}/{record_id}"
    assert created["name"] == name and created["parent_id"] == 1 and created["phone"] is None
    assert created["child_ids"] == [] and created["active"] is True
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created["create_date"])

    assert admin.get(f"{CONTACTS}/{record_id}").get_json() == created
    assert admin.get(f"{CONTACTS}/{record_id}?fields=name,email").get_json() == {
        "id": record_id, "name": name, "email": "rest@example.com"}

    response = admin.patch(f"{CONTACTS}/{record_id}", {"phone": "+32 2 000", "parent_id": None})
    assert response.status_code == 200
    assert response.get_json()["phone"] == "+32 2 000" and response.get_json()["parent_id"] is None

    page = admin.get(f"{CONTACTS}?domain={q([['name', '=', name]])}&count=true").get_json()
    assert page["count"] == 1 and [r["id"] for r in page["records"]] == [record_id]

    response = admin.delete(f"{CONTACTS}/{record_id}")
    assert response.status_code == 204 and response.data == b""
    assert_error(admin.get(f"{CONTACTS}/{record_id}"), 404, "odoo.exceptions.MissingError")
    assert_error(admin.delete(f"{CONTACTS}/{record_id}"), 404)


def test_list_parameters(admin):
    page = admin.get(f"{CONTACTS}?fields=name&order=name desc&limit=3&offset=1&count=1"
                     ).get_json()
    assert page["count"] == 32 and len(page["records"]) == 3
    assert list(page["records"][0]) == ["id", "name"]
    names = [r["name"] for r in page["records"]]
    assert names == sorted(names, reverse=True)
    assert len(admin.get(CONTACTS).get_json()["records"]) == 32  # default limit 100
    assert "count" not in admin.get(CONTACTS).get_json()
    assert admin.get(f"{CONTACTS}?limit=0&count=true").get_json() == {"records": [], "count": 32}
    companies = admin.get(f"{CONTACTS}?domain={q([['is_company', '=', True]])}&fields=name"
                          "&order=name").get_json()["records"]
    assert companies[0] == {"id": 1, "name": "Azure Interior"}


def test_values_are_plain_json(admin):
    order = admin.get("/api/v1/demo.order?limit=1&order=id").get_json()["records"][0]
    assert isinstance(order["contact_id"], int) and isinstance(order["line_ids"], list)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", order["date"])
    assert order["state"] in ("draft", "sale") and isinstance(order["amount_total"], float)


@pytest.mark.parametrize("query, status, message", [
    ("fields=name,nope", 422, "unknown field(s) in 'fields': nope"),
    ("domain=[[", 400, "'domain' is not valid JSON"),
    ("domain=" + q({"name": "x"}), 422, "invalid 'domain'"),
    ("domain=" + q([["name", "=", {"a": 1}]]), 422, "must be a JSON scalar"),
    ("domain=" + q([["nope", "=", 1]]), 422, "nope"),
    ("domain=" + q([["name", "bogus", 1]]), 422, "bogus"),
    ("limit=ten", 422, "'limit' must be an integer from 0 to 1000"),
    ("limit=5000", 422, "'limit'"),
    ("offset=-1", 422, "'offset'"),
    ("order=nope desc", 422, "nope"),
    ("count=maybe", 422, "'count' must be true or false"),
])
def test_invalid_list_parameters_are_named(admin, query, status, message):
    assert_error(admin.get(f"{CONTACTS}?{query}"), status, message=message)


@pytest.mark.parametrize("body, status, message", [
    ({"name": "x", "nope": 1}, 422, "unknown field 'nope'"),
    ({"name": "x", "create_date": "2020-01-01T00:00:00Z"}, 422, "'create_date' is read-only"),
    ({"email": "no name"}, 422, "'name'"),
    ({"name": "x", "parent_id": 2**40}, 422, "parent_id"),
    ({"name": "x", "parent_id": 2_000_000_000}, 422, "does not exist"),
    ({"name": "x", "child_ids": "1,2"}, 422, "child_ids"),
    ({"name": ["not", "text"]}, 422, "name"),
])
def test_invalid_bodies_are_422(admin, body, status, message):
    assert_error(admin.post(CONTACTS, body), status, message=message)


def test_malformed_body_is_400(admin):
    assert_error(admin.post(CONTACTS, data="{oops"), 400, "werkzeug.exceptions.BadRequest")
    assert_error(admin.patch(f"{CONTACTS}/1", data="[1]"), 400)


def test_unknown_things_are_404(admin):
    assert_error(admin.get("/api/v1/no.such"), 404, message="no.such")
    assert_error(admin.get("/api/v1/ir.actions.actions"), 404)  # abstract: no records
    assert_error(admin.get(f"{CONTACTS}/2000000000"), 404, "odoo.exceptions.MissingError")
    assert_error(admin.get(f"{CONTACTS}/{2**40}"), 404)
    assert_error(admin.get(f"{CONTACTS}/{'9' * 5000}"), 404)
    assert_error(admin.get(f"{CONTACTS}/abc"), 404)
    assert_error(admin.get(f"{CONTACTS}/-3"), 404)
    assert_error(admin.patch(f"{CONTACTS}/2000000000", {"name": "x"}), 404)


def test_access_rights_are_the_orms(nobody, employee, admin):
    assert_error(nobody.get(CONTACTS), 403, "odoo.exceptions.AccessError")
    assert_error(nobody.post(CONTACTS, {"name": "x"}), 403)
    assert nobody.get("/api/v1/res.currency?limit=1").status_code == 200
    partner = employee.post("/api/v1/res.partner", {"name": "Rest employee"}).get_json()
    assert_error(employee.delete(f"/api/v1/res.partner/{partner['id']}"), 403)
    assert employee.get(f"/api/v1/res.partner/{partner['id']}").status_code == 200
    assert admin.delete(f"/api/v1/res.partner/{partner['id']}").status_code == 204


def test_credentials_are_required(api_client):
    response = api_client.get(CONTACTS)
    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"] == "bearer"
    assert_error(api_client.get(CONTACTS, headers={"Authorization": "Bearer " + "0" * 40}), 401)


def test_workflow_methods(admin, api_client, api_setup):
    # a key made through JSON-2, revoked through its REST workflow method
    key = admin.post("/json/2/res.users.apikeys/generate", {"name": "rest revoke me"}
                     ).get_json()
    found = admin.get("/api/v1/res.users.apikeys?" + "domain=" + q(
        [["name", "=", "rest revoke me"]])).get_json()["records"]
    assert len(found) == 1 and found[0]["user_id"] == api_setup.admin
    path = f"/api/v1/res.users.apikeys/{found[0]['id']}/revoke"
    assert ApiCaller(api_client, key).get("/api/v1/res.currency?limit=1").status_code == 200
    assert_error(admin.post(path, {"bogus": 1}), 422, message="bogus")
    response = admin.post(path)
    assert response.status_code == 200 and response.get_json() is True
    assert_error(ApiCaller(api_client, key).get("/api/v1/res.currency?limit=1"), 401)
    assert_error(admin.post(path), 404)  # gone

    currency = admin.get("/api/v1/res.currency?limit=1").get_json()["records"][0]["id"]
    response = admin.post(f"/api/v1/res.currency/{currency}/round", {"amount": 1.23456})
    assert response.status_code == 200 and isinstance(response.get_json(), float)
    assert_error(admin.post(f"/api/v1/res.currency/{currency}/read"), 404,
                 message="not a workflow method")
    assert_error(admin.post(f"/api/v1/res.currency/{currency}/_compute_x"), 403)


def test_session_cookie_callers_must_send_json(agora_app, api_setup):
    client = Client(agora_app)
    client.post("/web/session/authenticate", data=json.dumps(
        {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "db": api_setup.db, "login": "admin", "password": "admin"}}),
        content_type="application/json")
    assert client.get(f"{CONTACTS}?limit=1").status_code == 200
    # what a cross-site form could send: refused before anything is written
    response = client.post(CONTACTS, data="name=csrf",
                           content_type="application/x-www-form-urlencoded")
    assert_error(response, 415)
    response = client.post(CONTACTS, data=json.dumps({"name": "Rest session"}),
                           content_type="application/json")
    assert response.status_code == 201
    assert client.delete(f"{CONTACTS}/{response.get_json()['id']}").status_code == 204
