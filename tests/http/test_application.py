"""The WSGI application through Werkzeug's test client: routing, JSON-RPC, bad input."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client

from agora.http.application import Application
from agora.http.controllers import VERSION_INFO, ServerInfo
from agora.http.routing import Controller, route
from agora.orm.exceptions import AccessError
from agora.rpc.routes_rpc import RpcRoutes


class Probe(Controller):
    @route("/test/boom", type="json", auth="none")
    def boom(self, request, params):
        raise RuntimeError("kaboom")

    @route("/test/denied", type="json", auth="none")
    def denied(self, request, params):
        raise AccessError("not for you")

    @route("/test/echo", type="json", auth="none")
    def echo(self, request, params):
        return params


@pytest.fixture
def client():
    return Client(Application([ServerInfo, RpcRoutes, Probe], max_request_size=10_000))


def call(client, path, params=None, raw=None):
    body = raw if raw is not None else json.dumps(
        {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params or {}})
    response = client.post(path, data=body, content_type="application/json")
    return response, response.get_json()


def test_version_info_and_common_version(client):
    response, payload = call(client, "/web/webclient/version_info")
    assert response.status_code == 200 and "json" in response.content_type
    assert payload == {"jsonrpc": "2.0", "id": 1, "result": VERSION_INFO}
    _, payload = call(client, "/jsonrpc", {"service": "common", "method": "version", "args": []})
    assert payload["result"]["server_version_info"] == [17, 0, 0, "final", 0, ""]
    assert client.head("/").status_code == 200


def test_errors_are_clean_responses_and_the_server_keeps_serving(client):
    _, payload = call(client, "/test/boom")
    assert payload["error"]["data"]["name"] == "builtins.RuntimeError"
    assert "kaboom" in payload["error"]["data"]["debug"]
    _, payload = call(client, "/test/denied")
    assert payload["error"]["data"]["name"] == "odoo.exceptions.AccessError"
    _, payload = call(client, "/test/echo", raw="{broken")
    assert payload["error"]["data"]["message"].startswith("Invalid JSON data")
    response, payload = call(client, "/test/echo", raw=json.dumps(
        {"id": 2, "params": {"blob": "x" * 20_000}}))
    assert response.status_code == 413 and "larger than" in payload["error"]["data"]["message"]
    assert client.get("/nowhere").status_code == 404
    _, payload = call(client, "/test/echo", {"still": "alive"})
    assert payload["result"] == {"still": "alive"}
