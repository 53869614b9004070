"""XML-RPC bodies and faults, as Odoo's ``/xmlrpc/2/<service>`` (integer fault codes)
and legacy ``/xmlrpc/<service>`` (string fault codes) endpoints answer them."""

from __future__ import annotations

import traceback
import xmlrpc.client
from typing import Any
from xml.parsers.expat import ExpatError

from agora.orm import exceptions
from agora.rpc.marshal import to_wire

#: /xmlrpc/2: Odoo's integer fault codes
RPC_FAULT_CODE_APPLICATION_ERROR = 1
RPC_FAULT_CODE_WARNING = 2
RPC_FAULT_CODE_ACCESS_DENIED = 3
RPC_FAULT_CODE_ACCESS_ERROR = 4


#: arrays and structs nested deeper than this are refused: no call of the API needs it,
#: and code walking such values recursively (repr in an error message...) would overflow
MAX_NESTING = 100


class XmlRpcRequestError(ValueError):
    """The body is not an XML-RPC method call."""


def parse_call(body: bytes) -> tuple[str, tuple[Any, ...]]:
    """``(method, params)``; ``<nil/>`` (erppeek) is accepted as None."""
    try:
        params, method = xmlrpc.client.loads(body, use_builtin_types=True)
    except (ExpatError, xmlrpc.client.ResponseError, ValueError, TypeError, LookupError,
            ArithmeticError) as exc:  # LookupError: a <member> without <name>, and such
        raise XmlRpcRequestError(f"invalid XML-RPC request: {exc}") from None
    if not method or not isinstance(method, str):
        raise XmlRpcRequestError("invalid XML-RPC request: no method name")
    if _too_deep(params):
        raise XmlRpcRequestError(f"invalid XML-RPC request: values nested deeper than "
                                 f"{MAX_NESTING} levels")
    return method, params


def _too_deep(value: Any) -> bool:
    """Whether ``value`` nests lists/dicts beyond ``MAX_NESTING`` (without recursing)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, list | tuple | dict):
            if depth > MAX_NESTING:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


class _Marshaller(xmlrpc.client.Marshaller):
    """The standard marshaller, except for integers beyond 32 bits (ids of big tables,
    amounts in cents, counters): sent as ``<i8>`` (the 64-bit extension Python's and
    Apache's clients read, as Odoo's clients get them) instead of failing the call."""

    dispatch = dict(xmlrpc.client.Marshaller.dispatch)

    def dump_int(self, value: int, write: Any) -> None:
        tag = "int" if xmlrpc.client.MININT <= value <= xmlrpc.client.MAXINT else "i8"
        write(f"<value><{tag}>{int(value)}</{tag}></value>\n")

    dispatch[int] = dump_int


def dump_result(result: Any) -> bytes:
    """A methodResponse; None becomes False (Odoo marshals without allow_none)."""
    params = _Marshaller("utf-8", allow_none=False).dumps((to_wire(result, none=False),))
    return ("<?xml version='1.0'?>\n<methodResponse>\n" + params
            + "</methodResponse>\n").encode()


def fault_v2(exc: BaseException) -> bytes:
    """Fault for ``/xmlrpc/2/*``: integer codes, the traceback for application errors."""
    if isinstance(exc, exceptions.AccessDenied):
        code, text = RPC_FAULT_CODE_ACCESS_DENIED, str(exc)
    elif isinstance(exc, exceptions.AccessError):
        code, text = RPC_FAULT_CODE_ACCESS_ERROR, str(exc)
    elif isinstance(exc, exceptions.UserError):
        code, text = RPC_FAULT_CODE_WARNING, str(exc)
    else:
        code, text = RPC_FAULT_CODE_APPLICATION_ERROR, "".join(traceback.format_exception(exc))
    return _dump_fault(code, text)


def fault_legacy(exc: BaseException) -> bytes:
    """Fault for legacy ``/xmlrpc/*``: string codes as odoo-client-lib/erppeek parse."""
    if isinstance(exc, exceptions.AccessDenied):
        return _dump_fault("AccessDenied", str(exc))
    for klass, label in ((exceptions.AccessError, "AccessError"),
                         (exceptions.MissingError, "MissingError")):
        if isinstance(exc, klass):
            return _dump_fault(f"warning -- {label}\n\n{exc}", "")
    if isinstance(exc, exceptions.UserError):
        return _dump_fault(f"warning -- UserError\n\n{exc}", "")
    return _dump_fault(str(exc) or type(exc).__name__, "".join(traceback.format_exception(exc)))


def _dump_fault(code: int | str, text: str) -> bytes:
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, text), methodresponse=True,
                               allow_none=False).encode()
