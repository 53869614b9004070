"""``agora serve``: the HTTP server (XML-RPC, JSON-RPC, web routes) and the cron workers.

``--workers 0`` (the default): one process, a thread per request and a cron thread, for
development and small installs; SIGHUP restarts it in place (new code) without dropping
a request. ``--workers N``: N prefork HTTP processes (gunicorn) and ``--cron-workers``
cron processes; SIGHUP replaces them all without dropping a request.
"""

from __future__ import annotations

import dataclasses
import logging
import sys

import click

from agora.cli.context import CliContext, pass_cli
from agora.conf import Settings

# gunicorn's own lines look the same: "[time] [pid] [LEVEL] message"
LOG_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"


def configure_logging() -> None:
    """INFO to stderr, one line per record: the application logs one line per request
    (``agora.http.requests``: ``METHOD PATH STATUS 3.2ms 4q``)."""
    root = logging.getLogger()
    if not any(getattr(handler, "_agora", False) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT))
        handler._agora = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.INFO)


def effective_settings(cli: CliContext, **overrides: object) -> Settings:
    """The configured settings with the command's options applied and the database
    server resolved once (this starts the embedded cluster if it is the one used), so
    every worker process connects to the same server without starting anything."""
    from agora.cli.db import _friendly_errors
    from agora.db.url import resolve_db_url

    settings = dataclasses.replace(
        cli.settings, **{key: value for key, value in overrides.items() if value is not None})
    url = _friendly_errors(resolve_db_url)(settings)
    return dataclasses.replace(settings, db_url=url)


@click.command("serve")
@click.option("-d", "--database", "dbname", default=None,
              help="Database for requests that name none (default: the db_name setting); "
                   "when given, the cron workers serve only this database.")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Prefork HTTP worker processes; 0 = one threaded process "
                   "(default: the workers setting).")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="HTTP port (default: the http_port setting, 8069).")
@click.option("--interface", default=None,
              help="Address to listen on (default: the http_interface setting, 127.0.0.1).")
@click.option("--cron-workers", type=click.IntRange(min=0), default=None,
              help="Cron worker processes beside prefork workers; 0 = no scheduled "
                   "actions (default: the cron_workers setting, 1). With --workers 0, "
                   "any positive value means one cron thread.")
@click.option("--replica-url", "replica_urls", multiple=True,
              help="A read replica of the database server (repeat for several); "
                   "read-only requests go there (default: the replica_urls setting).")
@click.option("--cron-interval", type=click.FloatRange(min=0.1), default=60.0,
              show_default=True, help="Seconds between two looks for due scheduled actions.")
@pass_cli
def serve(cli: CliContext, dbname: str | None, workers: int | None, port: int | None,
          interface: str | None, cron_workers: int | None, replica_urls: tuple[str, ...],
          cron_interval: float) -> None:
    """Serve the databases of the configured server over HTTP and run their scheduled
    actions, until SIGTERM or Ctrl+C."""
    configure_logging()
    settings = effective_settings(cli, db_name=dbname, workers=workers, http_port=port,
                                  http_interface=interface, cron_workers=cron_workers,
                                  replica_urls=list(replica_urls) or None)
    cron_only = [settings.db_name] if dbname else None
    if settings.workers == 0:
        from agora.service.threaded import serve_threaded

        sys.exit(serve_threaded(settings, cron_only=cron_only, cron_interval=cron_interval))
    from agora.service.prefork import PreforkServer

    PreforkServer(settings, cron_only=cron_only, cron_interval=cron_interval).run()
