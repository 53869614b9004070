"""``agora shell``: a Python REPL with ``env`` on a database (changes need env.cr.commit())."""

from __future__ import annotations

import code

import click

from agora.cli.context import CliContext, pass_cli


@click.command("shell")
@click.option("-d", "--database", "dbname", default=None,
              help="Database (default: the configured db_name).")
@pass_cli
def shell(cli: CliContext, dbname: str | None) -> None:
    """Open a Python shell with `env` (superuser) on a database; nothing is committed
    unless you call env.cr.commit()."""
    from agora.cli.database import database_cursor
    from agora.modules.loader import load_registry
    from agora.orm.environment import SUPERUSER_ID, Environment

    with database_cursor(cli, dbname) as cr:
        registry = load_registry(cr)
        env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
        code.interact(banner=f"Agora shell on {cr.dbname}: `env` is ready.",
                      local={"env": env, "cr": cr})
        cr.rollback()  # only what the user committed stays
