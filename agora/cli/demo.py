"""``agora demo``: set up a demo database with data.

Placeholder: the ORM/modules side replaces this body (create the database, install
the demo modules, load their demo data) once those layers exist.
"""

from __future__ import annotations

import click

from agora.cli.context import CliContext, pass_cli


@click.command("demo")
@pass_cli
def demo(cli: CliContext) -> None:
    """Start the embedded PostgreSQL and create a demo database with data."""
    raise click.ClickException("not yet")
