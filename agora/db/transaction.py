"""Run a unit of work in one transaction, retrying it on serialization failures and
deadlocks (bounded, with jittered exponential back-off)."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from psycopg import errors

from agora.db.cursor import Cursor
from agora.db.pool import DatabasePools

_logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Errors after which replaying the whole unit of work can succeed.
RETRYABLE_ERRORS: tuple[type[Exception], ...] = (
    errors.SerializationFailure,
    errors.DeadlockDetected,
    errors.LockNotAvailable,
)


class TransactionRetryExhausted(RuntimeError):
    """The unit of work kept conflicting with concurrent transactions."""


def run_in_transaction(pools: DatabasePools, work: Callable[[Cursor], T], *,
                       readonly: bool = False, max_tries: int = 5,
                       base_delay: float = 0.01) -> T:
    """Call ``work(cr)`` in a transaction and commit; replay it on conflicts.

    Any other exception rolls the transaction back and propagates unchanged, so nothing
    is written half-way.
    """
    if max_tries < 1:
        raise ValueError("max_tries must be at least 1")
    for attempt in range(1, max_tries + 1):
        try:
            with pools.cursor(readonly=readonly) as cr:
                return work(cr)
        except RETRYABLE_ERRORS as exc:
            if attempt == max_tries:
                raise TransactionRetryExhausted(
                    f"gave up after {max_tries} tries: {exc.__class__.__name__}: {exc}"
                ) from exc
            delay = random.uniform(0, base_delay * (2 ** attempt))
            _logger.info("retrying transaction (try %d) after %s", attempt + 1,
                         exc.__class__.__name__)
            time.sleep(delay)
    raise AssertionError("unreachable")
