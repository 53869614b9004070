"""JSON-2: ``POST /json/2/<model>/<method>`` with named arguments, bearer API keys, raw
JSON results and HTTP statuses for errors (API_SURFACE.md)."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

import pytest
from werkzeug.test import Client

from tests.rpc.api_fixtures import *  # noqa: F403  (the fixtures)
from tests.rpc.api_fixtures import ApiCaller, assert_error

ACCESS_ERROR = "odoo.exceptions.AccessError"


def call(caller: ApiCaller, model: str, method: str, body=None, **kwargs):
    return caller.post(f"/json/2/{model}/{method}", body if body is not None else {},
                       **kwargs)


def test_search_read_with_named_arguments(admin):
    response = call(admin, "demo.contact", "search_read", {
        "domain": [["is_company", "=", True]], "fields": ["name", "parent_id"],
        "order": "name", "limit": 3})
    assert response.status_code == 200 and response.mimetype == "application/json"
    rows = response.get_json()
    assert [row["name"] for row in rows] == ["Azure Interior", "Deco Addict", "Gemini Furniture"]
    assert set(rows[0]) == {"id", "name", "parent_id"} and rows[0]["parent_id"] is False


def test_create_read_write_unlink_round_trip(admin):
    name = f"Json2 {secrets.token_hex(3)}"
    response = call(admin, "demo.contact", "create", {"vals_list": [{"name": name}]})
    assert response.status_code == 200
    ids = response.get_json()
    assert isinstance(ids, list) and len(ids) == 1  # a recordset: a list of ids
    assert call(admin, "demo.contact", "write",
                {"ids": ids, "vals": {"email": "j2@example.com"}}).get_json() is True
    rows = call(admin, "demo.contact", "read",
                {"ids": ids, "fields": ["name", "email", "create_date"]}).get_json()
    assert rows[0]["name"] == name and rows[0]["email"] == "j2@example.com"
    datetime.strptime(rows[0]["create_date"], "%Y-%m-%d %H:%M:%S")  # Odoo's wire format
    assert call(admin, "demo.contact", "search", {"domain": [["name", "=", name]]}
                ).get_json() == ids
    assert call(admin, "demo.contact", "unlink", {"ids": ids}).get_json() is True
    assert call(admin, "demo.contact", "search_count",
                {"domain": [["name", "=", name]]}).get_json() == 0


def test_context_is_applied(admin):
    archived = call(admin, "demo.contact", "create",
                    {"vals_list": [{"name": "Json2 archived", "active": False}]}).get_json()
    try:
        domain = {"domain": [["id", "in", archived]]}
        assert call(admin, "demo.contact", "search", domain).get_json() == []
        assert call(admin, "demo.contact", "search",
                    {**domain, "context": {"active_test": False}}).get_json() == archived
    finally:
        call(admin, "demo.contact", "unlink", {"ids": archived})


def test_model_method_with_ids_is_422(admin):
    body = assert_error(call(admin, "demo.contact", "search_read", {"ids": [1]}), 422)
    assert "send no 'ids'" in body["message"]


@pytest.mark.parametrize("body, message", [
    ({"bogus": 1}, "unexpected keyword argument 'bogus'"),
    ({"ids": "1"}, "'ids' must be a list"),
    ({"ids": [True]}, "'ids' must be a list"),
    ({"context": []}, "'context' must be an object"),
])
def test_argument_mismatch_is_422(admin, body, message):
    assert_error(call(admin, "demo.contact", "search_read", body), 422, message=message)


def test_user_error_is_422_and_names_the_error(admin):
    body = assert_error(call(admin, "demo.contact", "create", {"vals_list": [{"email": "x"}]}),
                        422, "odoo.exceptions.ValidationError", "'name'")
    assert "Traceback" in body["debug"]


def test_unknown_model_method_and_record_are_404(admin):
    assert_error(call(admin, "no.such.model", "search"), 404, message="no.such.model")
    assert_error(call(admin, "demo.contact", "fly"), 404, message="'fly' does not exist")
    assert_error(call(admin, "demo.contact", "read", {"ids": [2_000_000_000]}), 404,
                 "odoo.exceptions.MissingError")


def test_values_the_database_refuses_are_422(admin):
    # the ORM lets these through; PostgreSQL refuses them (SQLSTATE class 22)
    assert_error(call(admin, "demo.contact", "search", {"limit": 2**70}), 422)
    assert_error(call(admin, "demo.contact", "search", {"domain": [["name", "=", "a\x00"]]}),
                 422, message="NUL")


def test_private_methods_are_refused(admin):
    assert_error(call(admin, "demo.contact", "_search", {"domain": []}), 403, ACCESS_ERROR)
    assert_error(call(admin, "demo.contact", "sudo"), 403, ACCESS_ERROR)


def test_user_without_access_gets_403(nobody, employee):
    body = assert_error(call(nobody, "demo.contact", "search_read", {"fields": ["name"]}),
                        403, ACCESS_ERROR, "demo.contact")
    assert body["arguments"] == [body["message"]]
    # an employee may read partners but not delete them
    partner = call(employee, "res.partner", "search", {"limit": 1}).get_json()
    assert_error(call(employee, "res.partner", "unlink", {"ids": partner}), 403, ACCESS_ERROR)
    assert call(employee, "res.partner", "search_count",
                {"domain": [["id", "in", partner]]}).get_json() == 1


@pytest.mark.parametrize("authorization", [
    None, "Bearer", "Bearer not-a-key", f"Bearer {secrets.token_hex(20)}",
    "Basic YWRtaW46YWRtaW4="])
def test_missing_or_wrong_key_is_401(api_client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = api_client.post("/json/2/demo.contact/search", data="{}", headers=headers,
                               content_type="application/json")
    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"] == "bearer"


def _new_key(api_setup, **kwargs) -> tuple[int, str]:
    def work(env):
        keys = env(user=api_setup.admin, su=False)["res.users.apikeys"]
        key = keys.generate("json2 short-lived", scope="rpc", **kwargs)
        return keys.search([("name", "=", "json2 short-lived")], limit=1).id, key
    return api_setup.run(work)


def test_expired_and_revoked_keys_are_401(api_client, api_setup):
    expiring_id, expiring = _new_key(api_setup, expiration_date=datetime.now() + timedelta(days=1))
    revoked_id, revoked = _new_key(api_setup)
    for key in (expiring, revoked):
        assert call(ApiCaller(api_client, key), "demo.product", "search_count").status_code == 200
    api_setup.run(lambda env: env["res.users.apikeys"].browse(expiring_id).write(
        {"expiration_date": datetime.now() - timedelta(minutes=1)}))
    api_setup.run(lambda env: env(user=api_setup.admin, su=False)["res.users.apikeys"]
                  .browse(revoked_id).revoke())
    for key in (expiring, revoked):
        response = call(ApiCaller(api_client, key), "demo.product", "search_count")
        assert_error(response, 401, "odoo.exceptions.AccessDenied")
    api_setup.run(lambda env: env["res.users.apikeys"].browse(expiring_id).unlink())


def test_a_failed_call_writes_nothing(admin):
    name = f"Json2 atomic {secrets.token_hex(3)}"
    # the first record is valid, the second is not: neither is kept
    assert_error(call(admin, "demo.contact", "create",
                      {"vals_list": [{"name": name}, {"email": "no name"}]}), 422)
    assert call(admin, "demo.contact", "search_count",
                {"domain": [["name", "=", name]]}).get_json() == 0
    # a write whose second value breaks a constraint (at flush) leaves the first unwritten
    ids = call(admin, "demo.contact", "create", {"vals_list": [{"name": name}]}).get_json()
    assert_error(call(admin, "demo.contact", "write", {
        "ids": ids, "vals": {"name": "changed", "parent_id": 2_000_000_000}}), 422,
        "odoo.exceptions.ValidationError", "does not exist")
    assert call(admin, "demo.contact", "read", {"ids": ids, "fields": ["name"]}
                ).get_json()[0]["name"] == name
    call(admin, "demo.contact", "unlink", {"ids": ids})


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", '"text"', "NaN", "[" * 100_000])
def test_malformed_bodies_are_400_with_the_error_shape(admin, data):
    body = assert_error(admin.post("/json/2/demo.contact/search", data=data), 400)
    assert body["name"] == "werkzeug.exceptions.BadRequest"


def test_too_large_bodies_are_413_with_the_error_shape(agora_app, admin):
    limit = agora_app.max_request_size
    agora_app.max_request_size = 1000
    try:
        response = call(admin, "demo.contact", "search", {"domain": [["name", "=", "x" * 2000]]})
    finally:
        agora_app.max_request_size = limit
    assert_error(response, 413, "werkzeug.exceptions.RequestEntityTooLarge")


def test_error_body_carries_the_request_context(admin):
    body = assert_error(call(admin, "demo.contact", "fly", {"context": {"lang": "en_US"}}), 404)
    assert body["context"] == {"lang": "en_US"}


def test_database_header(admin):
    assert_error(call(admin, "demo.contact", "search",
                      headers={"X-Odoo-Database": "agora_no_such_db"}), 404)
    assert_error(call(admin, "demo.contact", "search",
                      headers={"X-Odoo-Database": "bad name!"}), 404)


def test_session_cookie_works_and_needs_json(agora_app, api_setup):
    api_client = Client(agora_app)  # its own cookie jar
    login = api_client.post("/web/session/authenticate", data=json.dumps(
        {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "db": api_setup.db, "login": "admin", "password": "admin"}}),
        content_type="application/json")
    assert login.get_json()["result"]["uid"] == api_setup.admin
    try:
        response = api_client.post("/json/2/demo.product/search_count", data="{}",
                                   content_type="application/json")
        assert response.status_code == 200 and response.get_json() == 6
        # a cross-site form could send the cookie, never a JSON content type
        response = api_client.post("/json/2/demo.product/search_count", data="{}",
                                   content_type="text/plain")
        assert_error(response, 415)
    finally:
        api_client.post("/web/session/destroy", data="{}", content_type="application/json")
    assert_error(api_client.post("/json/2/demo.product/search_count", data="{}",
                                 content_type="application/json"), 401)
