"""A tiny SQL composition object: code with ``%s`` placeholders plus its parameters.

Values are never formatted into the code: they travel as psycopg parameters. Identifiers
are checked against a strict pattern before being quoted, so only names that come from
model and field definitions can reach the SQL text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class SQL:
    """SQL code and its parameters, composable.

    ``SQL("a = %s AND b = %s", 1, SQL.identifier("c"))``: arguments that are ``SQL`` objects
    are spliced into the code (with their own parameters), anything else becomes a
    parameter. The code string itself must be a literal written by a developer.
    """

    __slots__ = ("code", "params")

    def __init__(self, code: str = "", *args: Any) -> None:
        if not args:
            if "%s" in code:
                raise ValueError(f"SQL {code!r} expects arguments, got none")
            self.code = code
            self.params: tuple[Any, ...] = ()
            return
        parts = code.split("%s")
        if len(parts) != len(args) + 1:
            raise ValueError(f"SQL {code!r} expects {len(parts) - 1} arguments, got {len(args)}")
        out = [parts[0]]
        params: list[Any] = []
        for arg, part in zip(args, parts[1:], strict=True):
            if isinstance(arg, SQL):
                out.append(arg.code)
                params.extend(arg.params)
            else:
                out.append("%s")
                params.append(arg)
            out.append(part)
        self.code = "".join(out)
        self.params = tuple(params)

    @classmethod
    def _raw(cls, code: str, params: tuple[Any, ...] = ()) -> SQL:
        obj = cls.__new__(cls)
        obj.code = code
        obj.params = params
        return obj

    @staticmethod
    def identifier(name: str, *names: str) -> SQL:
        """A quoted identifier (``"t"."c"`` for several names), checked against the pattern."""
        quoted = []
        for part in (name, *names):
            check_identifier(part)
            quoted.append(f'"{part}"')
        return SQL._raw(".".join(quoted))

    @staticmethod
    def join(separator: str, items: Iterable[SQL]) -> SQL:
        codes: list[str] = []
        params: list[Any] = []
        for item in items:
            codes.append(item.code)
            params.extend(item.params)
        return SQL._raw(separator.join(codes), tuple(params))

    def __bool__(self) -> bool:
        return bool(self.code)

    def __repr__(self) -> str:
        return f"SQL({self.code!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SQL) and (self.code, self.params) == (other.code, other.params)

    def __hash__(self) -> int:
        return hash((self.code, self.params))


def check_identifier(name: str) -> str:
    """Return ``name`` if it is a safe SQL identifier, else raise ValueError."""
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise ValueError(f"invalid SQL identifier {name!r}")
    return name
