"""Values as they travel on the wire (Odoo's conventions): no None in XML-RPC (False
instead), dates as ``YYYY-MM-DD``, datetimes as ``YYYY-MM-DD HH:MM:SS`` (UTC), bytes as
base64 text, tuples as lists, dict keys as strings."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Any

#: types sent as they are; checked first, inline, since most values are of these
_PLAIN = frozenset((str, int, float, bool))


def to_wire(value: Any, *, none: Any = False) -> Any:
    """Convert a method's result for JSON (``none=None``) or XML-RPC (``none=False``)."""
    if type(value) in _PLAIN:
        return value
    if value is None:
        return none
    if isinstance(value, dict):
        return {key if type(key) is str else str(key):
                item if type(item) in _PLAIN else to_wire(item, none=none)
                for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [item if type(item) in _PLAIN else to_wire(item, none=none) for item in value]
    if isinstance(value, bool | int | float | str):  # subclasses (IntEnum, str enums...)
        return value
    # isoformat pads years below 1000 to four digits, which strftime("%Y") does not
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # the wire speaks naive UTC
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if hasattr(value, "_ids"):
        return list(value._ids)
    raise TypeError(f"cannot send a {type(value).__name__} to a client")
