"""Route authentication through the full application (in-process WSGI client): sessions
and their cookies, auth modes, CSRF on form posts, the request log line."""

from __future__ import annotations

import logging
import re

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from agora.http.application import Application
from agora.http.routing import Controller, route


class GuardedForms(Controller):
    @route("/test/form", methods=["POST"], auth="user")
    def form(self, request):
        return Response(f"saved by {request.env.uid}")

    @route("/test/form/token", auth="user")
    def token(self, request):
        return Response(request.csrf_token())

    @route("/test/public", type="json", auth="public")
    def public(self, request, params):
        return {"uid": request.env.uid if request.env else None}


def rpc(client, path, params=None):
    response = client.post(path, json={"jsonrpc": "2.0", "method": "call", "id": 1,
                                       "params": params or {}})
    return response, response.get_json()


def login(client, db, user="admin", password="admin"):
    return rpc(client, "/web/session/authenticate", {"db": db, "login": user, "password": password})


@pytest.fixture
def client(agora_app):
    return Client(agora_app)


def test_authenticate_sets_a_safe_cookie_and_session_info(client, agora_served_db):
    response, payload = login(client, agora_served_db)
    info = payload["result"]
    assert info["uid"] == 2 and info["username"] == "admin" and info["db"] == agora_served_db
    assert info["user_context"] == {"lang": "en_US", "tz": False, "uid": 2}
    assert info["is_system"] is True and info["server_version_info"][0] == 17
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session_id=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on loopback
    _, payload = rpc(client, "/web/session/get_session_info")
    assert payload["result"]["uid"] == 2


def test_cookie_is_secure_over_https(agora_app, agora_served_db):
    response, _ = login(Client(agora_app), agora_served_db)
    assert "Secure" not in response.headers["Set-Cookie"]
    https = Client(agora_app)
    response = https.post("/web/session/authenticate", base_url="https://localhost", json={
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"db": agora_served_db, "login": "admin", "password": "admin"}})
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_credentials_are_access_denied_without_cookie(client, agora_served_db):
    response, payload = login(client, agora_served_db, password="nope")
    assert payload["error"]["code"] == 200
    assert payload["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert "Set-Cookie" not in response.headers
    _, payload = rpc(client, "/web/session/authenticate", {"db": agora_served_db})
    assert "login" in payload["error"]["data"]["message"]
    _, payload = login(client, "no_such_database_xyz")
    assert "does not exist" in payload["error"]["data"]["message"]


def test_user_routes_need_a_live_session(client, agora_served_db):
    _, payload = rpc(client, "/web/dataset/call_kw", {
        "model": "res.partner", "method": "search", "args": [[]]})
    assert payload["error"]["code"] == 100
    assert payload["error"]["message"] == "Odoo Session Expired"
    client.set_cookie("session_id", "x" * 43 + "." + agora_served_db)
    response, payload = rpc(client, "/web/session/get_session_info")
    assert payload["error"]["code"] == 100
    assert "session_id=;" in response.headers["Set-Cookie"]  # the dead cookie is cleared


def test_destroy_ends_the_session(client, agora_served_db):
    login(client, agora_served_db)
    old_cookie = client.get_cookie("session_id").value
    response, payload = rpc(client, "/web/session/destroy")
    assert payload["result"] is True and "session_id=;" in response.headers["Set-Cookie"]
    client.set_cookie("session_id", old_cookie)
    _, payload = rpc(client, "/web/session/get_session_info")
    assert payload["error"]["code"] == 100


def test_a_new_login_gets_a_new_token(client, agora_served_db):
    login(client, agora_served_db)
    first = client.get_cookie("session_id").value
    login(client, agora_served_db)
    second = client.get_cookie("session_id").value
    assert first != second
    client.set_cookie("session_id", first)
    assert rpc(client, "/web/session/check")[1]["error"]["code"] == 100


def test_change_password_keeps_this_session_and_ends_the_others(agora_app, agora_served_db):
    login_name = "pwchange-user"
    admin = Client(agora_app)
    login(admin, agora_served_db)
    _, payload = rpc(admin, "/web/dataset/call_kw", {
        "model": "res.users", "method": "create",
        "args": [{"name": "Password Changer", "login": login_name, "password": "old-secret"}],
        "kwargs": {}})
    uid = payload["result"]
    try:
        mine, other = Client(agora_app), Client(agora_app)
        login(mine, agora_served_db, login_name, "old-secret")
        login(other, agora_served_db, login_name, "old-secret")
        _, payload = rpc(mine, "/web/session/change_password",
                         {"old_password": "wrong", "new_password": "new-secret"})
        assert payload["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
        _, payload = rpc(mine, "/web/session/change_password",
                         {"old_password": "old-secret", "new_password": "new-secret"})
        assert payload["result"] is True
        assert rpc(mine, "/web/session/get_session_info")[1]["result"]["uid"] == uid
        assert rpc(other, "/web/session/get_session_info")[1]["error"]["code"] == 100
        assert "result" in login(Client(agora_app), agora_served_db, login_name, "new-secret")[1]
    finally:
        rpc(admin, "/web/dataset/call_kw", {"model": "res.users", "method": "write",
                                            "args": [[uid], {"active": False}], "kwargs": {}})


def test_form_posts_need_the_session_csrf_token(client, agora_served_db):
    assert client.post("/test/form").status_code == 401  # no session at all
    login(client, agora_served_db)
    assert client.post("/test/form").status_code == 400
    assert client.post("/test/form", data={"csrf_token": "forged"}).status_code == 400
    token = client.get("/test/form/token").get_data(as_text=True)
    response = client.post("/test/form", data={"csrf_token": token})
    assert response.status_code == 200 and response.get_data(as_text=True) == "saved by 2"
    assert client.post("/test/form", headers={"X-CSRF-Token": token}).status_code == 200
    other = Client(client.application)
    login(other, agora_served_db)
    assert other.post("/test/form", data={"csrf_token": token}).status_code == 400


def test_public_routes_run_as_the_public_user_without_a_session(client, agora_app,
                                                                  agora_served_db):
    _, payload = rpc(client, "/test/public")
    public_uid = payload["result"]["uid"]
    assert public_uid not in (None, 1, 2)
    users = rpc(Client(agora_app), "/jsonrpc", {"service": "object", "method": "execute_kw",
                                                "args": [agora_served_db, 2, "admin",
                                                         "res.users", "search_read",
                                                         [[("id", "=", public_uid)]],
                                                         {"fields": ["login", "active"],
                                                          "context": {"active_test": False}}]})
    assert users[1]["result"] == [{"id": public_uid, "login": "public", "active": False}]
    login(client, agora_served_db)
    assert rpc(client, "/test/public")[1]["result"] == {"uid": 2}


def test_every_request_is_logged_with_time_and_query_count(client, agora_served_db, caplog):
    login(client, agora_served_db)
    with caplog.at_level(logging.INFO, logger="agora.http.requests"):
        rpc(client, "/web/dataset/call_kw/res.partner/search_count", {
            "model": "res.partner", "method": "search_count", "args": [[]], "kwargs": {}})
    lines = [r.getMessage() for r in caplog.records if r.name == "agora.http.requests"]
    match = re.fullmatch(r"POST /web/dataset/call_kw/res\.partner/search_count 200 "
                         r"([\d.]+)ms (\d+)q", lines[-1])
    assert match, lines
    # registry signal + session + the count itself (+ the access memo of a fresh transaction)
    assert 3 <= int(match[2]) <= 8


def test_requests_without_a_database_server_work_for_auth_none_routes():
    app = Application()
    client = Client(app)
    assert rpc(client, "/web/webclient/version_info")[1]["result"]["server_serie"] == "17.0"
    _, payload = rpc(client, "/web/dataset/call_kw", {"model": "res.partner", "method": "search"})
    assert payload["error"]["code"] == 100
