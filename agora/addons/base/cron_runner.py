"""The scheduled-action runner: claims due ``ir.cron`` jobs and runs them.

Each job runs in its own transaction. The job row is claimed with ``SELECT ... FOR
UPDATE SKIP LOCKED``: the row stays locked while the job runs, so a concurrent runner
skips it, and once committed its ``nextcall`` is in the future. The job's work runs in a
savepoint: on error it is rolled back, the error is logged and counted in
``failure_count``, and the job is rescheduled anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from agora.db.cursor import Cursor
from agora.db.sql import SQL
from agora.db.transaction import run_in_transaction
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.fields import Datetime

_logger = logging.getLogger(__name__)


class _FactoryPools:
    """Looks like DatabasePools to ``run_in_transaction``: one fresh connection from
    ``factory`` per transaction, closed afterwards."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self.factory = factory

    @contextmanager
    def cursor(self, *, readonly: bool = False, min_lsn: int = 0,
               outcome: Any = None) -> Iterator[Cursor]:
        # one server, no replica: where a unit runs and read-your-writes do not apply
        connection = self.factory()
        try:
            with Cursor(connection, readonly=readonly) as cr:
                yield cr
        finally:
            connection.close()


def _as_pools(source: Any) -> Any:
    if hasattr(source, "cursor") and hasattr(source, "primary"):
        return source
    if callable(source):
        return _FactoryPools(source)
    raise TypeError("run_due_jobs expects DatabasePools or a connection factory")


def _claim_and_run(cr: Cursor, registry: Any, now: datetime, skip: list[int]) -> int | None:
    """In the transaction of ``cr``: claim one due job, run it, reschedule it."""
    cr.execute(SQL("SELECT id FROM ir_cron WHERE active AND numbercall <> 0 "
                   "AND nextcall <= %s AND NOT (id = ANY(%s)) "
                   "ORDER BY priority, nextcall, id LIMIT 1 FOR UPDATE SKIP LOCKED",
                   now, skip))
    row = cr.fetchone()
    if row is None:
        return None
    job_id = row[0]
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    job = env["ir.cron"].browse(job_id)
    name = job.name
    failed = False
    try:
        with cr.savepoint():
            job._execute()
    except Exception:
        failed = True
        _logger.exception("scheduled action %r (ir.cron %d) failed", name, job_id)
    job = env["ir.cron"].browse(job_id)
    values = job._next_schedule(now)
    failures = job.failure_count + 1 if failed else 0
    env.flush_all()
    cr.execute(SQL("UPDATE ir_cron SET nextcall = %s, lastcall = %s, numbercall = %s, "
                   "active = %s, failure_count = %s WHERE id = %s",
                   values["nextcall"], values["lastcall"], values["numbercall"],
                   values["active"], failures, job_id))
    env.invalidate_all(flush=False)
    return job_id


def run_due_jobs(source: Any, registry: Any, now: datetime | None = None,
                 limit: int | None = None, max_tries: int = 5) -> list[int]:
    """Run the jobs due at ``now`` (default: now, UTC), at most ``limit`` of them, one
    transaction each; return the ids of the jobs run (failed ones included).

    ``source`` is a :class:`agora.db.pool.DatabasePools` or a callable returning a new
    configured psycopg connection (closed after each job).
    """
    pools = _as_pools(source)
    now = now or Datetime.now()
    done: list[int] = []
    while limit is None or len(done) < limit:
        job_id = run_in_transaction(
            pools, lambda cr: _claim_and_run(cr, registry, now, list(done)),
            max_tries=max_tries)
        if job_id is None:
            break
        done.append(job_id)
    return done
