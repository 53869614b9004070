"""Ids of in-memory ("new") records: records that live only in the transaction cache.

A ``NewId`` stands where a database id would be in a recordset and in cache values (a
many2one to a new record holds its NewId, an x2many a tuple mixing ints and NewIds). It
is falsy, like Odoo's, so ``if record.id`` still tells a saved record from a new one;
equality is identity. ``origin`` is the id of the saved record the new record was built
on (its values not set explicitly come from that record), ``ref`` a client-side
reference such as the web client's ``"virtual_3"`` line ids.
"""

from __future__ import annotations

from typing import Any


class NewId:
    __slots__ = ("origin", "ref")

    def __init__(self, origin: int | None = None, ref: Any = None) -> None:
        self.origin = origin
        self.ref = ref

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        if self.origin:
            return f"<NewId origin={self.origin}>"
        return f"<NewId ref={self.ref!r}>" if self.ref else f"<NewId 0x{id(self):x}>"


def is_new(id_: Any) -> bool:
    """Whether ``id_`` is the id of a new (in-memory) record."""
    return type(id_) is NewId


def real_id(id_: Any) -> int | None:
    """The database id behind ``id_``: itself, a new record's origin, or None."""
    return id_.origin if type(id_) is NewId else id_
