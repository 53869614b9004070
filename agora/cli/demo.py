"""``agora demo``: start the database (embedded by default), create a demo database with
the business apps (contacts, CRM, sales, invoicing) and the kernel's demo app, all with
demo data, report what is in it, then serve it over HTTP (one threaded process with a cron
thread) until Ctrl+C."""

from __future__ import annotations

import code
import dataclasses
import json
import sys

import click

from agora.cli.context import CliContext, pass_cli

#: what a demo database shows: the business apps (sale_crm joins CRM and sales by itself)
DEMO_APPS = ("contacts", "crm", "sale", "account", "demo")


@click.command("demo")
@click.option("--name", "dbname", default=None, help="Database name (default: <db_name>_demo).")
@click.option("--reset", is_flag=True, help="Drop and recreate the demo database.")
@click.option("--shell", is_flag=True,
              help="Open a Python shell with `env` afterwards (instead of serving).")
@click.option("--no-serve", is_flag=True, help="Only create the database and report.")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="HTTP port (default: the http_port setting, 8069).")
@pass_cli
def demo(cli: CliContext, dbname: str | None, reset: bool, shell: bool, no_serve: bool,
         port: int | None) -> None:
    """Create (or reuse) a demo database filled with contacts, products and orders, and
    serve it at http://127.0.0.1:8069 (log in as admin / admin)."""
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
        created = not set(DEMO_APPS) <= set(installed_modules(cr))
        with progress_bar("Installing") as progress:
            registry = install_modules(cr, list(DEMO_APPS), demo=True, progress=progress)
        cr.commit()
        env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
        report = {
            "database": name,
            "created": created,
            "login": "admin / admin",
            "counts": {model: env[model].search_count([]) for model in
                       ("res.partner", "res.users", "product.product", "crm.lead",
                        "sale.order", "account.move", "account.payment", "demo.contact",
                        "demo.product", "demo.order", "demo.order.line")},
            "sales_by_state": env["sale.order"].read_group(
                [], ["amount_total:sum"], ["state"], lazy=False),
            "invoices_by_payment_state": env["account.move"].read_group(
                [("move_type", "=", "out_invoice")], ["amount_total:sum"],
                ["payment_state"], lazy=False),
        }
        click.echo(json.dumps(report, indent=2, default=str))
        if shell:
            code.interact(banner="Agora demo shell: `env` is ready (superuser); "
                                 "env.cr.commit() to keep changes.", local={"env": env})
    if shell or no_serve:
        return
    _serve(cli, server, name, port)


def _serve(cli: CliContext, server: str, name: str, port: int | None) -> None:
    from agora.cli.serve import configure_logging
    from agora.service.threaded import serve_threaded

    configure_logging()
    settings = dataclasses.replace(cli.settings, db_url=server, db_name=name,
                                   http_port=cli.settings.http_port if port is None else port)

    def ready(url: str) -> None:
        click.echo(f"\nAgora is running at {url}/ with database {name!r}: log in as "
                   f"admin / admin (XML-RPC {url}/xmlrpc/2, JSON-RPC {url}/jsonrpc). "
                   "Ctrl+C stops it.")

    sys.exit(serve_threaded(settings, cron_only=[name], on_ready=ready))
