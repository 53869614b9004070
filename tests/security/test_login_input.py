"""Logins PostgreSQL cannot even hold (NUL) are refused like any unknown login, not with
a server error, on every way in."""

from __future__ import annotations

import xmlrpc.client

import pytest
from werkzeug.test import Client


def test_a_login_with_nul_is_a_plain_refusal(agora_app, agora_served_db, agora_live_server):
    client = Client(agora_app)
    for login in ("admin\x00", "\x00", "ad\x00min"):
        payload = client.post("/web/session/authenticate", json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"db": agora_served_db, "login": login, "password": "admin"}}).get_json()
        assert payload["error"]["data"]["name"] == "odoo.exceptions.AccessDenied", payload
    common = xmlrpc.client.ServerProxy(f"{agora_live_server.url}/xmlrpc/2/common")
    # XML cannot carry NUL at all: the body itself is refused, with a typed fault
    with pytest.raises(xmlrpc.client.Fault, match="invalid XML-RPC request"):
        common.authenticate(agora_served_db, "admin\x00", "admin", {})
    # and the server keeps serving
    assert common.authenticate(agora_served_db, "admin", "admin", {}) == 2
