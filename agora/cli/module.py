"""``agora module``: install, upgrade, uninstall and list modules of a database."""

from __future__ import annotations

import click

from agora.cli.context import CliContext, pass_cli
from agora.cli.database import database_cursor, progress_bar
from agora.modules.manifest import ManifestError

_database = click.option("-d", "--database", "dbname", default=None,
                         help="Database (default: the configured db_name).")


@click.group("module")
def module() -> None:
    """Modules of a database."""


def _run(cli: CliContext, dbname: str | None, operation: str, names: tuple[str, ...],
         **kwargs: object) -> None:
    from agora.modules import loader
    function = getattr(loader, f"{operation}_modules")
    try:
        with database_cursor(cli, dbname) as cr, progress_bar(operation.title()) as progress:
            function(cr, list(names), progress=progress, **kwargs)
    except ManifestError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{operation}: {', '.join(names)} done")


@module.command("install")
@click.argument("names", nargs=-1, required=True)
@click.option("--demo", is_flag=True, help="Also load demo data.")
@_database
@pass_cli
def install(cli: CliContext, names: tuple[str, ...], demo: bool, dbname: str | None) -> None:
    """Install modules (with their dependencies)."""
    _run(cli, dbname, "install", names, demo=demo)


@module.command("upgrade")
@click.argument("names", nargs=-1, required=True)
@_database
@pass_cli
def upgrade(cli: CliContext, names: tuple[str, ...], dbname: str | None) -> None:
    """Upgrade installed modules: schema and data."""
    _run(cli, dbname, "upgrade", names)


@module.command("uninstall")
@click.argument("names", nargs=-1, required=True)
@click.confirmation_option(prompt="Uninstall and delete the modules' data?")
@_database
@pass_cli
def uninstall(cli: CliContext, names: tuple[str, ...], dbname: str | None) -> None:
    """Uninstall modules and the modules depending on them (their data is deleted)."""
    _run(cli, dbname, "uninstall", names)


@module.command("list")
@_database
@pass_cli
def list_(cli: CliContext, dbname: str | None) -> None:
    """Every module found, with its state in the database."""
    from agora.modules.loader import installed_modules
    from agora.modules.paths import discover
    with database_cursor(cli, dbname) as cr:
        installed = set(installed_modules(cr))
    for name, manifest in sorted(discover().items()):
        state = "installed" if name in installed else "uninstalled"
        click.echo(f"{name:24} {manifest.version:10} {state:12} {manifest.title}")
