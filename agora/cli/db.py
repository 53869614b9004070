"""``agora db``: the embedded PostgreSQL cluster and databases on the configured server."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
import psycopg

from agora.cli.context import CliContext, pass_cli
from agora.db.embedded import EmbeddedPostgres, EmbeddedPostgresError
from agora.db.url import create_database, drop_database, list_databases, resolve_db_url

F = TypeVar("F", bound=Callable[..., Any])


def _friendly_errors(func: F) -> F:
    """Show setup and connection problems as one-line CLI errors, not tracebacks."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (EmbeddedPostgresError, psycopg.Error, ValueError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _embedded(cli: CliContext) -> EmbeddedPostgres:
    if cli.settings.db_url:
        # Still allowed (e.g. to stop a cluster left running), but say it is not in use.
        click.echo("note: a database URL is configured; the embedded cluster is not used", err=True)
    return EmbeddedPostgres(cli.settings.data_dir)


@click.group("db")
def db() -> None:
    """Embedded PostgreSQL cluster and databases."""


@db.command("start")
@pass_cli
@_friendly_errors
def start(cli: CliContext) -> None:
    """Start the embedded cluster (initialising it on first use); print its URL."""
    click.echo(_embedded(cli).start())


@db.command("stop")
@pass_cli
@_friendly_errors
def stop(cli: CliContext) -> None:
    """Stop the embedded cluster."""
    _embedded(cli).stop()
    click.echo("stopped")


@db.command("status")
@click.option("--show-password", is_flag=True, help="Print the URL with its password.")
@pass_cli
def status(cli: CliContext, show_password: bool) -> None:
    """Print the embedded cluster's state as JSON (password masked by default)."""
    info = _embedded(cli).status()
    if info.get("url") and not show_password:
        # Terminal output ends up in logs and screen shares; the secret stays in its file.
        info["url"] = re.sub(r"(://[^:/@]+:)[^@]+@", r"\1****@", info["url"])
    click.echo(json.dumps(info, indent=2))


@db.command("list")
@pass_cli
@_friendly_errors
def list_(cli: CliContext) -> None:
    """List the databases on the configured server (the embedded one is started)."""
    for name in list_databases(resolve_db_url(cli.settings)):
        click.echo(name)


@db.command("create")
@click.argument("name")
@click.option("--demo", is_flag=True, help="Load demo data.")
@click.option("-i", "--install", "modules", multiple=True,
              help="Modules to install besides base (repeat or comma-separate).")
@click.option("--empty", is_flag=True, help="Only create the database, install nothing.")
@pass_cli
@_friendly_errors
def create(cli: CliContext, name: str, demo: bool, modules: tuple[str, ...],
           empty: bool) -> None:
    """Create database NAME and install base (and the given modules) in it."""
    from agora.cli.database import database_cursor, progress_bar
    from agora.modules.loader import install_modules

    server = resolve_db_url(cli.settings)
    create_database(server, name)
    if empty:
        click.echo(f"created {name}")
        return
    names = ["base", *(m.strip() for item in modules for m in item.split(",") if m.strip())]
    try:
        with database_cursor(cli, name) as cr, progress_bar("Installing") as progress:
            install_modules(cr, names, demo=demo, progress=progress)
    except Exception:
        drop_database(server, name, force=True)  # nothing half-made is left behind
        raise
    click.echo(f"created {name} with {', '.join(names)}")


@db.command("drop")
@click.argument("name")
@click.option("--force", is_flag=True, help="Disconnect other sessions first.")
@click.confirmation_option(prompt="Drop the database and all its data?")
@pass_cli
@_friendly_errors
def drop(cli: CliContext, name: str, force: bool) -> None:
    """Drop database NAME."""
    drop_database(resolve_db_url(cli.settings), name, force=force)
    click.echo(f"dropped {name}")


@db.command("backup")
@click.argument("name")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@pass_cli
@_friendly_errors
def backup_(cli: CliContext, name: str, target: Path) -> None:
    """Dump database NAME to TARGET (pg_dump custom format)."""
    from agora.cli.backup import backup
    backup(cli, name, target)
    click.echo(f"backed up {name} to {target}")


@db.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("name")
@pass_cli
@_friendly_errors
def restore_(cli: CliContext, source: Path, name: str) -> None:
    """Restore SOURCE (made by `agora db backup`) into a new database NAME."""
    from agora.cli.backup import restore
    restore(cli, source, name)
    click.echo(f"restored {source} into {name}")
