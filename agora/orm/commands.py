"""x2many write commands: the ``(code, id, values)`` triples clients send."""

from __future__ import annotations

import enum
from typing import Any


class Command(enum.IntEnum):
    """Build x2many commands: ``Command.create(vals)``, ``Command.link(id)`` ..."""

    CREATE = 0
    UPDATE = 1
    DELETE = 2
    UNLINK = 3
    LINK = 4
    CLEAR = 5
    SET = 6

    @classmethod
    def create(cls, values: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
        return (cls.CREATE, 0, values)

    @classmethod
    def update(cls, id: int, values: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
        return (cls.UPDATE, id, values)

    @classmethod
    def delete(cls, id: int) -> tuple[int, int, int]:
        return (cls.DELETE, id, 0)

    @classmethod
    def unlink(cls, id: int) -> tuple[int, int, int]:
        return (cls.UNLINK, id, 0)

    @classmethod
    def link(cls, id: int) -> tuple[int, int, int]:
        return (cls.LINK, id, 0)

    @classmethod
    def clear(cls) -> tuple[int, int, int]:
        return (cls.CLEAR, 0, 0)

    @classmethod
    def set(cls, ids: list[int]) -> tuple[int, int, list[int]]:
        return (cls.SET, 0, list(ids))

    @classmethod
    def ids_set_on_new(cls, value: Any) -> list[int] | None:
        """The ids a many2many ``value`` gives a record that has no link yet (a list of
        ids, one SET, or nothing), or None when its commands do more than that: code
        computing from a new record's values before it exists can then tell."""
        if value is None or value is False:
            return []
        if isinstance(value, list | tuple) and all(
                isinstance(v, int) and not isinstance(v, bool) for v in value):
            return list(value)
        if isinstance(value, list | tuple) and len(value) == 1 \
                and isinstance(value[0], list | tuple) and value[0] and value[0][0] == cls.SET:
            return list(value[0][2])
        return None
