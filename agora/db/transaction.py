"""Run a unit of work in one transaction, replaying it when that can succeed: on
serialization failures and deadlocks (bounded, with jittered exponential back-off), on
the primary when a read-only unit tried to write, elsewhere when its replica failed."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

import psycopg
from psycopg import errors

from agora import metrics
from agora.db.cursor import Cursor
from agora.db.pool import DatabasePools, UnitOutcome

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
                       readonly: bool = False, min_lsn: int = 0,
                       outcome: UnitOutcome | None = None, max_tries: int = 5,
                       base_delay: float = 0.01) -> T:
    """Call ``work(cr)`` in a transaction and commit; replay it when that can succeed.

    - conflicts (serialization failure, deadlock): replayed after a jittered back-off;
    - a read-only unit that writes (25006): rolled back and re-run as a write unit on
      the primary, so callers never see the difference;
    - a replica that goes away during a read-only unit: marked down, the unit re-run
      elsewhere (reads are safe to replay).

    Any other exception rolls the transaction back and propagates unchanged, so nothing
    is written half-way. ``outcome`` (optional) tells where the last try ran, the
    primary's WAL position after a write, and the retries.
    """
    if max_tries < 1:
        raise ValueError("max_tries must be at least 1")
    outcome = outcome if outcome is not None else UnitOutcome()
    conflicts = 0
    while True:
        try:
            with pools.cursor(readonly=readonly, min_lsn=min_lsn, outcome=outcome) as cr:
                return work(cr)
        except errors.ReadOnlySqlTransaction as exc:
            if not readonly:
                raise
            _logger.info("read-only unit tried to write (%s); re-running it on the primary",
                         str(exc).strip().splitlines()[0])
            readonly = False
            _note_retry(outcome, "readonly_write")
        except RETRYABLE_ERRORS as exc:
            conflicts += 1
            if conflicts >= max_tries:
                raise TransactionRetryExhausted(
                    f"gave up after {max_tries} tries: {exc.__class__.__name__}: {exc}"
                ) from exc
            _note_retry(outcome, "conflict")
            delay = random.uniform(0, base_delay * (2 ** conflicts))
            _logger.info("retrying transaction (try %d) after %s", conflicts + 1,
                         exc.__class__.__name__)
            time.sleep(delay)
        except psycopg.OperationalError as exc:
            replica = outcome.replica
            if outcome.server != "replica" or replica is None or not outcome.connection_lost:
                raise
            pools.router.mark_down(replica, exc)
            _note_retry(outcome, "replica_unavailable")


def _note_retry(outcome: UnitOutcome, reason: str) -> None:
    outcome.retries.append(reason)
    metrics.record_retry(reason)
