"""The cron worker: runs due scheduled actions (``ir.cron``) of the served databases and
deletes expired HTTP sessions, until told to stop.

It runs as a thread beside the threaded server, or as its own process beside the
prefork HTTP workers (``agora serve --workers N --cron-workers M``). Several workers,
on one machine or many, can serve the same databases: the runner claims each job with
``SKIP LOCKED``, so no job runs twice.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterable
from datetime import datetime

from agora.addons.base.cron_runner import run_due_jobs
from agora.conf import Settings
from agora.db.manager import Databases
from agora.http.sessions import SessionStore
from agora.orm.fields import Datetime

_logger = logging.getLogger(__name__)

#: Seconds between two looks for due jobs (Odoo polls once a minute too).
DEFAULT_INTERVAL = 60.0
#: Seconds between two deletions of expired sessions in one database.
SESSION_GC_INTERVAL = 3600.0
#: At most this many jobs per database in one pass, so one busy database cannot starve
#: the others (the rest run at the next pass).
JOBS_PER_PASS = 100


class CronWorker:
    """``run_forever(stop)`` runs due jobs of every served database (only those of
    ``only`` when given), every ``interval`` seconds, until ``stop`` is set."""

    def __init__(self, databases: Databases, *, only: Iterable[str] | None = None,
                 interval: float = DEFAULT_INTERVAL,
                 gc_interval: float = SESSION_GC_INTERVAL) -> None:
        self.databases = databases
        self.only = list(only) if only is not None else None
        self.interval = interval
        self.gc_interval = gc_interval
        self.sessions = SessionStore()
        self._last_gc: dict[str, float] = {}

    def database_names(self) -> list[str]:
        """The databases to look at in this pass (Agora installed in them)."""
        if self.only is not None:
            return [name for name in self.only if self.databases.initialised(name)]
        return self.databases.served()

    def run_once(self, stop: threading.Event | None = None) -> dict[str, list[int]]:
        """One pass over the databases; returns the ids of the jobs run, per database.
        A failing database is logged and skipped: the others still get their jobs."""
        done: dict[str, list[int]] = {}
        try:
            names = self.database_names()
        except Exception:  # the server may be restarting; try again at the next pass
            _logger.exception("cron: cannot list the databases")
            return done
        for name in names:
            if stop is not None and stop.is_set():
                break
            try:
                done[name] = self._run_database(name, stop)
                self._collect_sessions(name)
            except Exception:
                _logger.exception("cron: database %s failed", name)
        return done

    def _run_database(self, name: str, stop: threading.Event | None) -> list[int]:
        from agora.modules.registry_manager import registry_for

        registry = self.databases.run(name, registry_for)
        if "ir.cron" not in registry:
            return []
        pools = self.databases.pools(name)
        # One job per call, with the pass's `now`, so a stop request is honoured
        # between two jobs (a job rescheduled at `now` is not due again at `now`).
        now: datetime = Datetime.now()
        done: list[int] = []
        while len(done) < JOBS_PER_PASS and not (stop is not None and stop.is_set()):
            ran = run_due_jobs(pools, registry, now=now, limit=1)
            if not ran:
                break
            done.extend(ran)
        if done:
            _logger.info("cron: ran %d job(s) in %s: %s", len(done), name, done)
        return done

    def _collect_sessions(self, name: str) -> None:
        now = time.monotonic()
        last = self._last_gc.get(name)
        if last is not None and now - last < self.gc_interval:
            return
        self._last_gc[name] = now
        deleted = self.databases.run(name, self.sessions.gc)
        if deleted:
            _logger.info("cron: deleted %d expired session(s) in %s", deleted, name)

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.run_once(stop)
            stop.wait(self.interval)


def cron_databases(settings: Settings) -> Databases:
    """Pools for a cron process: no idle connection kept per database (pool_min 0), and
    a small maximum, since a worker runs one job at a time."""
    from agora.db.url import resolve_db_url

    # Jobs write: they need no replica.
    return Databases(resolve_db_url(settings), pool_min=0, pool_max=2,
                     log_queries=settings.log_queries)


def run_cron_process(settings: Settings, *, only: Iterable[str] | None = None,
                     interval: float = DEFAULT_INTERVAL) -> int:
    """Body of a cron worker process: loop until SIGTERM or SIGINT; returns the exit code.
    A job running when the signal comes is finished first."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    databases = cron_databases(settings)
    try:
        CronWorker(databases, only=only, interval=interval).run_forever(stop)
    finally:
        databases.close()
    return 0
