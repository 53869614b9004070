"""Values as they travel on the wire (Odoo's conventions): no None in XML-RPC (False
instead), dates as ``YYYY-MM-DD``, datetimes as ``YYYY-MM-DD HH:MM:SS`` (UTC), bytes as
base64 text, tuples as lists, dict keys as strings."""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

from agora.orm.fields.temporal import DATE_FORMAT, DATETIME_FORMAT


def to_wire(value: Any, *, none: Any = False) -> Any:
    """Convert a method's result for JSON (``none=None``) or XML-RPC (``none=False``)."""
    if value is None:
        return none
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict):
        return {str(key): to_wire(item, none=none) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_wire(item, none=none) for item in value]
    if hasattr(value, "_ids"):
        return list(value._ids)
    raise TypeError(f"cannot send a {type(value).__name__} to a client")
