"""JSON-RPC envelopes and route declarations."""

from __future__ import annotations

import json

import pytest

from agora.http.jsonrpc import (
    JsonRpcError,
    error_envelope,
    parse_request,
    result_envelope,
)
from agora.http.routing import Controller, collect_routes, route
from agora.orm.exceptions import AccessError, ValidationError


def test_parse_request_accepts_odoo_clients_payload():
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 7,
                       "params": {"service": "common", "method": "version", "args": []}})
    request_id, params = parse_request(body.encode())
    assert request_id == 7 and params["service"] == "common"


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"params": [1]}',
                                  b'{"id": true, "params": {}}', b"\xff\xfe"])
def test_malformed_bodies_are_typed_errors(body):
    with pytest.raises(JsonRpcError):
        parse_request(body)


def test_envelopes_have_the_fields_clients_read():
    assert result_envelope(3, [1]) == {"jsonrpc": "2.0", "id": 3, "result": [1]}
    try:
        raise AccessError("no way", model="res.partner")
    except AccessError as exc:
        envelope = error_envelope("x", exc)
    assert envelope["id"] == "x" and envelope["error"]["code"] == 200
    data = envelope["error"]["data"]
    assert data["name"] == "odoo.exceptions.AccessError"
    assert data["message"] == "no way" and data["arguments"] == ["no way"]
    assert "Traceback" in data["debug"]
    assert error_envelope(1, ValidationError("v"))["error"]["data"]["name"] == \
        "odoo.exceptions.ValidationError"
    assert error_envelope(1, KeyError("k"))["error"]["data"]["name"] == "builtins.KeyError"


def test_routes_are_collected_and_overrides_keep_the_route():
    class Base(Controller):
        @route("/x/ping", type="json", auth="none")
        def ping(self):
            return "base"

    class Derived(Base):
        @route("/x/ping", type="json", auth="none")
        def ping(self):
            return "derived"

    routes = collect_routes([Base, Derived])
    assert [(info.paths, cls, name) for info, cls, name in routes] == [
        (("/x/ping",), Derived, "ping")]
    info = routes[0][0]
    assert info.type == "json" and info.csrf is False
    with pytest.raises(ValueError, match="auth"):
        route("/y", auth="everyone")
