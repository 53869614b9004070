"""Query-count assertions for hot paths."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from agora.db.cursor import Cursor


class QueryCountExceeded(AssertionError):
    """A block ran more SQL statements than allowed."""


@contextmanager
def assert_queries(cr: Cursor, limit: int) -> Iterator[list[tuple[str, tuple]]]:
    """Fail if the block runs more than ``limit`` statements on ``cr``; yields the log."""
    with cr.capture() as log:
        yield log
    if len(log) > limit:
        listing = "\n".join(f"  {code}" for code, _params in log)
        raise QueryCountExceeded(f"{len(log)} queries, expected at most {limit}:\n{listing}")
