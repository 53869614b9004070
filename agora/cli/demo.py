"""``agora demo``: start the database (embedded by default), create a demo database with
base, the demo app and demo data, and report what is in it. Serving it over HTTP arrives
with the HTTP layer."""

from __future__ import annotations

import code
import json

import click

from agora.cli.context import CliContext, pass_cli


@click.command("demo")
@click.option("--name", "dbname", default=None, help="Database name (default: <db_name>_demo).")
@click.option("--reset", is_flag=True, help="Drop and recreate the demo database.")
@click.option("--shell", is_flag=True, help="Open a Python shell with `env` afterwards.")
@pass_cli
def demo(cli: CliContext, dbname: str | None, reset: bool, shell: bool) -> None:
    """Create (or reuse) a demo database filled with contacts, products and orders."""
    from agora.cli.database import database_cursor, progress_bar
    from agora.db.url import create_database, drop_database, list_databases, resolve_db_url
    from agora.modules.loader import install_modules, installed_modules
    from agora.orm.environment import SUPERUSER_ID, Environment

    server = resolve_db_url(cli.settings)
    name = dbname or f"{cli.settings.db_name}_demo"
    if reset:
        drop_database(server, name, missing_ok=True, force=True)
    if name not in list_databases(server):
        create_database(server, name)
    with database_cursor(cli, name) as cr:
        created = "demo" not in installed_modules(cr)
        with progress_bar("Installing") as progress:
            registry = install_modules(cr, ["demo"], demo=True, progress=progress)
        cr.commit()
        env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
        report = {
            "database": name,
            "created": created,
            "login": "admin / admin",
            "counts": {model: env[model].search_count([]) for model in
                       ("res.partner", "res.users", "demo.contact", "demo.product",
                        "demo.order", "demo.order.line")},
            "sales_by_state": env["demo.order"].read_group(
                [], ["amount_total:sum"], ["state"], lazy=False),
        }
        click.echo(json.dumps(report, indent=2, default=str))
        if shell:
            code.interact(banner="Agora demo shell: `env` is ready (superuser); "
                                 "env.cr.commit() to keep changes.", local={"env": env})
