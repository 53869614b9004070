"""XML-RPC bodies: parsing what clients send, and the faults each endpoint family uses."""

from __future__ import annotations

import xmlrpc.client
from datetime import date

import pytest

from agora.orm.exceptions import AccessDenied, AccessError, MissingError, UserError
from agora.rpc.xmlrpc import XmlRpcRequestError, dump_result, fault_legacy, fault_v2, parse_call


def _fault(body: bytes) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as info:
        xmlrpc.client.loads(body)
    return info.value


def test_parse_accepts_nil_and_returns_params():
    body = xmlrpc.client.dumps(("db", 2, "pw", "res.partner", "search", [[]], None),
                               "execute_kw", allow_none=True).encode()
    method, params = parse_call(body)
    assert method == "execute_kw" and params[-1] is None and params[3] == "res.partner"


@pytest.mark.parametrize("body", [b"", b"<methodCall><methodName>x", b"not xml",
                                  b"<?xml version='1.0'?><methodCall><params/></methodCall>"])
def test_malformed_calls_are_typed_errors(body):
    with pytest.raises(XmlRpcRequestError):
        parse_call(body)


def test_results_never_contain_none():
    params, _ = xmlrpc.client.loads(dump_result({"a": None, "d": date(2026, 3, 4)}))
    assert params[0] == {"a": False, "d": "2026-03-04"}


def test_v2_fault_codes():
    assert _fault(fault_v2(AccessDenied())).faultCode == 3
    assert _fault(fault_v2(AccessError("private"))).faultCode == 4
    assert _fault(fault_v2(UserError("warn"))).faultCode == 2
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        fault = _fault(fault_v2(exc))
    assert fault.faultCode == 1 and "Traceback" in fault.faultString


def test_legacy_fault_codes():
    assert _fault(fault_legacy(AccessDenied())).faultCode == "AccessDenied"
    assert _fault(fault_legacy(UserError("bad"))).faultCode == "warning -- UserError\n\nbad"
    assert _fault(fault_legacy(AccessError("no"))).faultCode == "warning -- AccessError\n\nno"
    assert _fault(fault_legacy(MissingError("gone"))).faultCode == \
        "warning -- MissingError\n\ngone"
    fault = _fault(fault_legacy(ValueError("odd")))
    assert fault.faultCode == "odd" and "ValueError: odd" in fault.faultString


def test_dates_on_the_wire_have_four_digit_years_and_utc():
    from datetime import UTC, date, datetime, timedelta, timezone

    from agora.rpc.marshal import to_wire
    assert to_wire(date(950, 1, 2)) == "0950-01-02"
    assert to_wire(datetime(950, 1, 2, 3, 4, 5, 678)) == "0950-01-02 03:04:05"
    paris = timezone(timedelta(hours=1))
    assert to_wire(datetime(2026, 1, 1, 1, 30, tzinfo=paris)) == "2026-01-01 00:30:00"
    assert to_wire(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01 00:00:00"
