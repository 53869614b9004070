"""call_kw: what remote clients may call, and how arguments and results are shaped."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from agora.orm.exceptions import AccessError
from agora.rpc.dispatch import call_kw
from agora.rpc.errors import InvalidArgumentsError, UnknownMethodError, UnknownModelError
from agora.rpc.marshal import to_wire


def test_model_and_record_methods(env):
    new_id = call_kw(env, "test.partner", "create", [{"name": "Rpc"}])
    assert isinstance(new_id, int)
    ids = call_kw(env, "test.partner", "create", [[{"name": "A"}, {"name": "B"}]])
    assert isinstance(ids, list) and len(ids) == 2
    found = call_kw(env, "test.partner", "search", [[("name", "=", "Rpc")]])
    assert found == [new_id]
    rows = call_kw(env, "test.partner", "read", [new_id], {"fields": ["name"]})
    assert rows == [{"id": new_id, "name": "Rpc"}]
    assert call_kw(env, "test.partner", "write", [[new_id], {"age": 4}]) is True
    assert call_kw(env, "test.partner", "search_count", [], {"domain": [("age", "=", 4)]}) == 1
    archived = call_kw(env, "test.partner", "search",
                       [[("id", "=", new_id)]], {"context": {"active_test": False}})
    assert archived == [new_id]


def test_private_and_plumbing_methods_are_refused(env):
    for name in ("_search", "_fetch_field", "sudo", "with_user", "with_context", "browse"):
        with pytest.raises(AccessError):
            call_kw(env, "test.partner", name, [[1]])


def test_unknown_things_raise_typed_errors(env):
    with pytest.raises(UnknownModelError, match="no.such doesn't exist"):
        call_kw(env, "no.such", "search", [[]])
    with pytest.raises(UnknownMethodError, match="does not exist"):
        call_kw(env, "test.partner", "fly", [[]])
    with pytest.raises(UnknownMethodError):
        call_kw(env, "test.partner", "name", [[1]])  # a field, not a method
    with pytest.raises(InvalidArgumentsError, match="unexpected keyword"):
        call_kw(env, "test.partner", "search", [[]], {"bogus": 1})
    with pytest.raises(InvalidArgumentsError, match="record ids"):
        call_kw(env, "test.partner", "read", ["not ids"])
    with pytest.raises(InvalidArgumentsError, match="context"):
        call_kw(env, "test.partner", "search", [[]], {"context": "x"})


def test_wire_values():
    assert to_wire(None) is False and to_wire(None, none=None) is None
    assert to_wire(date(2026, 1, 2)) == "2026-01-02"
    assert to_wire(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02 03:04:05"
    assert to_wire(b"\x00\x01") == "AAE="
    assert to_wire({1: (1, "x")}) == {"1": [1, "x"]}
    with pytest.raises(TypeError):
        to_wire(object())
