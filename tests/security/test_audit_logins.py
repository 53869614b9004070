"""Logins, failed logins, logouts and password changes are security events in the audit
log, with the login, the user and the client address, over a real HTTP server."""

from __future__ import annotations

import requests

from agora.testing.addons import http_session, served_addons_fixture

served = served_addons_fixture(["base"], demo=False)


def _events(served, login: str) -> list[tuple[str, int | None, str | None]]:
    def read(env):
        rows = env["audit.log"].search([("login", "=", login)], order="id")
        return [(row.event, row.uid or None, row.ip or None) for row in rows]
    return served.run(read)


def _authenticate(served, login: str, password: str) -> requests.Response:
    return requests.post(f"{served.url}/web/session/authenticate", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"db": served.name, "login": login, "password": password}})


def test_logins_failures_logouts_and_password_changes_are_audited(served):
    user_id = served.run(lambda env: env["res.users"].create({
        "name": "Audited", "login": "audited", "password": "Audited-Pass-42"}).id)
    assert "error" in _authenticate(served, "audited", "wrong-password").json()
    session = http_session(served.url, served.name, "audited", "Audited-Pass-42")
    # an access refusal deep in the ORM carries the request's address too
    refused = session.post(f"{served.url}/web/dataset/call_kw", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 3, "params": {
            "model": "ir.config_parameter", "method": "search_read", "args": [[]],
            "kwargs": {"fields": ["key"]}}}).json()
    assert refused["error"]["data"]["name"].endswith("AccessError"), refused
    session.post(f"{served.url}/web/session/destroy", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 2, "params": {}})
    assert _events(served, "audited") == [
        ("login_failed", user_id, "127.0.0.1"),
        ("login", user_id, "127.0.0.1"),
        ("logout", user_id, "127.0.0.1"),
    ]
    assert served.run(lambda env: env["audit.log"].search(
        [("event", "=", "access_denied"), ("uid", "=", user_id)]).mapped("ip")) == [
        "127.0.0.1"]

    def change(env):
        env["res.users"].browse(user_id).write({"password": "Another-Pass-43"})
        return env["audit.log"].search_count([("event", "=", "password_changed"),
                                              ("uid", "=", user_id)])
    assert served.run(change) == 0  # written when the transaction ends
    assert served.run(lambda env: env["audit.log"].search_count(
        [("event", "=", "password_changed"), ("uid", "=", user_id)])) == 1
