"""``agora serve`` with ``workers = 0``: one process, a thread per connection (Werkzeug's
threaded server, without its reloader or debugger), and a cron thread.

SIGTERM and SIGINT stop accepting connections, let the requests in flight finish (up
to ``graceful_timeout`` seconds), stop the cron thread between two jobs, and return 0.
SIGHUP does the same, then re-executes the command in the same process, handing the
listening socket over (``AGORA_LISTEN_FD``): connections that arrive meanwhile wait in
the socket's backlog, so a restart (new code, new registry) drops no request.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from agora.conf import Settings
from agora.http.application import Application
from agora.service.cron_worker import DEFAULT_INTERVAL, CronWorker
from agora.service.warmup import warm_up
from agora.service.wsgi import build_application

_logger = logging.getLogger(__name__)

GRACEFUL_TIMEOUT = 30.0
#: environment variable naming the listening socket a restarted server inherits
LISTEN_FD_ENV = "AGORA_LISTEN_FD"


class _RequestHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silent: the application logs every request itself, with timing and queries."""


class DrainingServer(ThreadedWSGIServer):
    """Werkzeug's threaded server (what ``make_server(threaded=True)`` builds) that
    counts the connections being handled, so a shutdown can wait for them. Werkzeug
    closes every connection after one response, so a connection is one request."""

    def __init__(self, host: str, port: int, app: Any, fd: int | None = None) -> None:
        super().__init__(host, port, app, handler=_RequestHandler, fd=fd)
        self._active = 0
        self._idle = threading.Condition()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._idle:  # counted before the thread starts, so a shutdown sees it
            self._active += 1
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._done()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._done()

    def _done(self) -> None:
        with self._idle:
            self._active -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no request is being handled; False if some still are at timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._active == 0, timeout)


def server_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def serve_threaded(settings: Settings, *, cron_only: Iterable[str] | None = None,
                   cron_interval: float = DEFAULT_INTERVAL,
                   graceful_timeout: float = GRACEFUL_TIMEOUT,
                   on_ready: Callable[[str], None] | None = None,
                   app: Application | None = None) -> int:
    """Serve until SIGTERM/SIGINT; returns the exit code (0 after a clean stop).
    ``on_ready(url)`` is called once the socket listens."""
    app = app or build_application(settings)
    warm_up(app)
    inherited = os.environ.pop(LISTEN_FD_ENV, None)
    server = DrainingServer(settings.http_interface, settings.http_port, app,
                            fd=int(inherited) if inherited else None)
    if inherited:
        os.close(int(inherited))  # the server works on its own duplicate of it
    # Werkzeug writes the headers and the body separately: without NODELAY, Nagle could
    # hold the body back until the client acknowledges the headers.
    server.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    url = server_url(settings.http_interface, server.port)
    stop, restart = threading.Event(), threading.Event()

    def on_restart(*_: Any) -> None:
        restart.set()
        stop.set()
    previous = {signum: signal.signal(signum, lambda *_: stop.set())
                for signum in (signal.SIGTERM, signal.SIGINT)}
    previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, on_restart)
    threads = [threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                name="agora-http", daemon=True)]
    if settings.cron_workers > 0 and app.databases is not None:
        cron = CronWorker(app.databases, only=cron_only, interval=cron_interval)
        threads.append(threading.Thread(target=cron.run_forever, args=(stop,),
                                        name="agora-cron", daemon=True))
    try:
        for thread in threads:
            thread.start()
        _logger.info("Agora serving on %s (threaded, %s)", url,
                     "with a cron thread" if len(threads) > 1 else "no cron")
        if on_ready is not None:
            on_ready(url)
        # Waiting with a timeout keeps the main thread responsive to signals.
        while not stop.wait(1.0):
            if not threads[0].is_alive():
                _logger.error("the HTTP server thread stopped unexpectedly")
                return 1
        _logger.info("stopping: finishing the requests in flight")
        # A restart keeps a duplicate of the listening socket open (Werkzeug closes its
        # own when serving stops): new connections wait in its backlog for the next
        # process instead of being refused.
        kept = os.dup(server.socket.fileno()) if restart.is_set() else None
        server.shutdown()  # no new connection is accepted after this returns
        if not server.wait_idle(graceful_timeout):
            _logger.warning("requests still running after %.0fs; stopping anyway",
                            graceful_timeout)
        for thread in threads[1:]:
            thread.join(graceful_timeout)
        if kept is not None:
            _restart(kept, app)
        return 0
    finally:
        stop.set()
        server.server_close()
        if app.databases is not None:
            app.databases.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _restart(fd: int, app: Application) -> None:
    """Re-execute this command (same pid), handing it the listening socket ``fd``."""
    _logger.info("restarting (SIGHUP): the new process takes over the listening socket")
    if app.databases is not None:
        app.databases.close()
    os.set_inheritable(fd, True)
    os.environ[LISTEN_FD_ENV] = str(fd)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
