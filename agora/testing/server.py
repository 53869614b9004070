"""A real HTTP server for tests: the WSGI application on a loopback port, in a thread,
serving a database with base (and the demo app) installed."""

from __future__ import annotations

import socket
import sys
import threading
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, make_server

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.db.url import url_for_database
from agora.http.application import Application


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free right now on ``host`` (for a server started next)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def agora_command() -> list[str]:
    """The ``agora`` script of this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("agora")
    return [str(script)] if script.exists() else [sys.executable, "-m", "agora.cli.main"]


class LiveServer:
    """``LiveServer(app)`` listens on a free loopback port until ``stop()``."""

    def __init__(self, app: Application, host: str = "127.0.0.1") -> None:
        self.app = app
        self.server: BaseWSGIServer = make_server(host, 0, app, threaded=True)
        self.host = host
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name=f"agora-live-server-{self.port}")
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def install_database(server_url: str, dbname: str, modules: list[str], demo: bool = True) -> None:
    """Install ``modules`` (and base) into the existing empty database ``dbname``."""
    from agora.modules.loader import install_modules

    connection = connect(url_for_database(server_url, dbname))
    try:
        with Cursor(connection) as cr:
            install_modules(cr, modules, demo=demo)
    finally:
        connection.close()
