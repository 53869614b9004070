"""``agora db backup`` / ``agora db restore`` with PostgreSQL's pg_dump / pg_restore."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import click
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from agora.cli.context import CliContext
from agora.db.embedded import EmbeddedPostgres
from agora.db.url import create_database, drop_database, resolve_db_url, url_for_database


def _tool(cli: CliContext, name: str) -> str:
    return str(EmbeddedPostgres(cli.settings.data_dir).find_bindir() / name)


def _connection_args(url: str) -> tuple[str, dict[str, str]]:
    """The conninfo without its password, and an environment carrying it (so the secret
    never shows in the process list)."""
    params = conninfo_to_dict(url)
    password = params.pop("password", None)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**params), env


def backup(cli: CliContext, name: str, target: Path) -> None:
    conninfo, env = _connection_args(url_for_database(resolve_db_url(cli.settings), name))
    result = subprocess.run([_tool(cli, "pg_dump"), "--format=custom", "--no-owner",
                             f"--file={target}", f"--dbname={conninfo}"],
                            env=env, capture_output=True, text=True)
    if result.returncode:
        raise click.ClickException(f"pg_dump failed: {result.stderr.strip()}")


def restore(cli: CliContext, source: Path, name: str) -> None:
    server = resolve_db_url(cli.settings)
    create_database(server, name)
    conninfo, env = _connection_args(url_for_database(server, name))
    result = subprocess.run([_tool(cli, "pg_restore"), "--no-owner", "--exit-on-error",
                             f"--dbname={conninfo}", str(source)],
                            env=env, capture_output=True, text=True)
    if result.returncode:
        drop_database(server, name, force=True)  # no half-restored database left behind
        raise click.ClickException(f"pg_restore failed: {result.stderr.strip()}")
