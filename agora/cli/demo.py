"""``agora demo``: start the database (embedded by default), create a demo database with
data, and report what is in it. Serving it over HTTP arrives with the HTTP layer."""

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
    import agora.addons.demo.models  # noqa: F401  (defines the demo models)
    from agora.addons.demo.data import load_demo_data
    from agora.db.cursor import Cursor
    from agora.db.pool import connect
    from agora.db.url import (
        create_database,
        drop_database,
        list_databases,
        resolve_db_url,
        url_for_database,
    )
    from agora.orm.environment import SUPERUSER_ID, Environment
    from agora.orm.registry import Registry

    settings = cli.settings
    server = resolve_db_url(settings)
    name = dbname or f"{settings.db_name}_demo"
    if reset:
        drop_database(server, name, missing_ok=True, force=True)
    if name not in list_databases(server):
        create_database(server, name)
    registry = Registry.build(name, Registry.definitions_of(["demo"]))
    connection = connect(url_for_database(server, name))
    cr = Cursor(connection)
    try:
        registry.sync_schema(cr)
        env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
        created = env["demo.contact"].search_count([]) == 0
        if created:
            load_demo_data(env)
        cr.commit()
        report = {
            "database": name,
            "created": created,
            "counts": {model: env[model].search_count([]) for model in
                       ("demo.contact", "demo.product", "demo.order", "demo.order.line")},
            "sales_by_state": env["demo.order"].read_group(
                [], ["amount_total:sum"], ["state"], lazy=False),
        }
        click.echo(json.dumps(report, indent=2, default=str))
        if shell:
            code.interact(banner="Agora demo shell: `env` is ready (superuser).",
                          local={"env": env, "cr": cr})
            cr.commit()
    finally:
        cr.close()
        connection.close()
