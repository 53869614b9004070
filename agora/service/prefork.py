"""``agora serve --workers N``: N prefork HTTP worker processes run by gunicorn, plus the
cron worker processes, all children of one master.

Nothing that holds a connection or a thread crosses a fork: the master never builds the
application (``preload_app`` stays off) nor opens a pool; each HTTP worker builds its
own application after the fork (``load()``), and each cron worker its own pools.

Signals to the master: SIGHUP starts new workers, then stops the old ones gracefully
(each finishes its request; the listening socket stays open, so no connection is
refused), and replaces the cron workers the same way: fresh connections, registries
and caches. Code the master has imported (the CLI imports the ORM) is not reloaded:
upgrade with SIGUSR2 (gunicorn re-executes the master on the same socket) or a
restart. SIGTERM stops everything gracefully; SIGINT and SIGQUIT quickly.

Workers are gunicorn's ``sync`` class by default: one request at a time per process, in
the process's main thread (see ``WORKER_CLASS`` for why).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from agora import metrics
from agora.conf import Settings
from agora.service.cron_worker import DEFAULT_INTERVAL

_logger = logging.getLogger(__name__)

#: ``sync``: a request here is CPU-bound Python (XML parsing, ORM, marshalling hold the
#: GIL for ~85% of it), so threads inside a worker add GIL handoffs but no parallelism;
#: one single-threaded process per core does the work. Measured on 2 cores (bench/http.py,
#: medians of quiet trials, 2 workers): sync 349 req/s, gthread with 1 thread 322, with
#: 2 threads 318; one worker: 171, 176, 173. gthread's keep-alive saves the client a TCP
#: connect per request, which costs about what its thread handoff costs on loopback.
#: Sync workers half-close and wait for the client's FIN after each response, so in
#: front of slow or remote clients put a buffering reverse proxy (the usual gunicorn
#: deployment); a slow client then ties up the proxy, not a worker.
WORKER_CLASS = "sync"
#: A worker silent this long (stuck request) is killed and replaced.
WORKER_TIMEOUT = 120
#: On SIGTERM or SIGHUP, requests in flight get this long to finish.
GRACEFUL_TIMEOUT = 30
#: After a crash, a cron worker is restarted at most this often.
CRON_RESPAWN_DELAY = 5.0


def _post_worker_init(worker: Any) -> None:
    from agora.service.warmup import warm_up

    warm_up(worker.wsgi)


def _child_exit(server: Any, worker: Any) -> None:
    metrics.process_exited(worker.pid)


@contextmanager
def shared_metrics_directory() -> Iterator[None]:
    """Give the worker processes a directory to pool their metrics in (``/metrics`` in
    any worker sums them), unless one is configured; removed when the server stops."""
    if os.environ.get(metrics.MULTIPROC_ENV):
        yield
        return
    if "prometheus_client" in sys.modules:
        _logger.warning("prometheus_client was imported before the workers' metrics "
                        "directory was set: /metrics shows one worker at a time")
    directory = tempfile.mkdtemp(prefix="agora-metrics-")
    os.environ[metrics.MULTIPROC_ENV] = directory
    master = os.getpid()
    try:
        yield
    finally:
        # A worker leaving (sys.exit) unwinds this same stack, copied by the fork: only
        # the master may remove the directory the others still write to.
        if os.getpid() == master:
            os.environ.pop(metrics.MULTIPROC_ENV, None)
            shutil.rmtree(directory, ignore_errors=True)


class PreforkServer(BaseApplication):
    """``PreforkServer(settings).run()`` serves until stopped (exits the process)."""

    def __init__(self, settings: Settings, *, cron_only: Iterable[str] | None = None,
                 cron_interval: float = DEFAULT_INTERVAL, worker_class: str = WORKER_CLASS,
                 threads: int = 1, graceful_timeout: int = GRACEFUL_TIMEOUT) -> None:
        self.settings = settings
        self.cron_only = list(cron_only) if cron_only is not None else None
        self.cron_interval = cron_interval
        self.worker_class = worker_class
        self.threads = threads
        self.graceful_timeout = graceful_timeout
        super().__init__(prog="agora serve")

    def load_config(self) -> None:
        host = self.settings.http_interface
        bind = f"[{host}]:{self.settings.http_port}" if ":" in host else \
            f"{host}:{self.settings.http_port}"
        options: dict[str, Any] = {
            "bind": [bind],
            "workers": self.settings.workers,
            "worker_class": self.worker_class,
            "threads": self.threads,
            "timeout": WORKER_TIMEOUT,
            "graceful_timeout": self.graceful_timeout,
            "keepalive": 5,
            "proc_name": "agora",
            # The application logs every request itself (timing, query count).
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            # Forwarded headers are the application's business (the proxy_mode setting),
            # so gunicorn must not turn them into an https scheme on its own.
            "forwarded_allow_ips": "*" if self.settings.proxy_mode else "",
            # A control socket is a thread in the master (threads and fork do not mix)
            # and a fixed path shared by every server of the user (gunicorn >= 24).
            "control_socket_disable": True,
            "post_worker_init": _post_worker_init,
            "child_exit": _child_exit,
        }
        for key, value in options.items():
            if key in self.cfg.settings:  # older gunicorn versions lack some settings
                self.cfg.set(key, value)

    def load(self) -> Any:
        """Runs in each HTTP worker, after the fork."""
        from agora.service.wsgi import build_application

        return build_application(self.settings)

    def run(self) -> None:
        try:
            with shared_metrics_directory():
                AgoraArbiter(self).run()
        except RuntimeError as exc:
            print(f"\nError: {exc}\n", file=sys.stderr)
            sys.exit(1)


class AgoraArbiter(Arbiter):
    """gunicorn's master, which also keeps ``settings.cron_workers`` cron processes
    running: started with the HTTP workers, replaced on SIGHUP, restarted if they die,
    stopped (gracefully on SIGTERM) with the rest."""

    def __init__(self, app: PreforkServer) -> None:
        self.server = app
        self.cron_pids: dict[int, int] = {}  # slot -> pid of the current cron worker
        self.retiring: set[int] = set()  # replaced by a reload, finishing their job
        self.cron_next_spawn: dict[int, float] = {}
        super().__init__(app)

    # -- cron processes -----------------------------------------------------------------
    def manage_workers(self) -> None:
        super().manage_workers()
        self.manage_cron_workers()

    def manage_cron_workers(self) -> None:
        self.retiring = {pid for pid in self.retiring if _alive(pid)}
        for slot in range(self.server.settings.cron_workers):
            pid = self.cron_pids.get(slot)
            if pid is not None and _alive(pid):
                continue
            if pid is not None:
                self.log.warning("cron worker %s exited; restarting it", pid)
                metrics.process_exited(pid)
                del self.cron_pids[slot]
                self.cron_next_spawn[slot] = time.monotonic() + CRON_RESPAWN_DELAY
            if time.monotonic() >= self.cron_next_spawn.get(slot, 0.0):
                self.cron_pids[slot] = self.spawn_cron_worker()

    def spawn_cron_worker(self) -> int:
        pid = os.fork()
        if pid:
            self.log.info("Booting cron worker with pid: %s", pid)
            return pid
        code = 1
        try:
            # The child must not answer the master's signals nor hold its listening
            # sockets (a restarted master could not bind the port again).
            for signum in [*self.SIGNALS, signal.SIGCHLD]:
                signal.signal(signum, signal.SIG_DFL)
            for listener in self.LISTENERS:
                listener.close()
            from agora.service.cron_worker import run_cron_process

            code = run_cron_process(self.server.settings, only=self.server.cron_only,
                                    interval=self.server.cron_interval)
        except BaseException:
            logging.getLogger("agora.service.cron_worker").exception("cron worker crashed")
        finally:
            logging.shutdown()
            os._exit(code)

    def _signal_crons(self, signum: int) -> None:
        for pid in [*self.cron_pids.values(), *self.retiring]:
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

    # -- gunicorn's reload and stop, extended to the cron processes ---------------------
    def reload(self) -> None:
        # The old cron workers finish their current job while new ones start (fresh
        # connections and registries); SKIP LOCKED keeps them from running the same job.
        self.retiring |= set(self.cron_pids.values())
        self._signal_crons(signal.SIGTERM)
        self.cron_pids = {}
        super().reload()

    def stop(self, graceful: bool = True) -> None:
        self._signal_crons(signal.SIGTERM if graceful else signal.SIGQUIT)
        super().stop(graceful)
        pids = [*self.cron_pids.values(), *self.retiring]
        deadline = time.monotonic() + (self.cfg.graceful_timeout if graceful else 2.0)
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in pids:
            if _alive(pid):
                self.log.warning("cron worker %s did not stop in time; killing it", pid)
                os.kill(pid, signal.SIGKILL)
                _alive(pid)
        self.cron_pids, self.retiring = {}, set()


def _alive(pid: int) -> bool:
    """Whether the child ``pid`` still runs; reaps it if it has exited. gunicorn's own
    reaping (``waitpid(-1)``) may have collected it already: then it is gone too."""
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return done == 0
