"""``agora`` command: global options, then subcommands registered below."""

from __future__ import annotations

from pathlib import Path

import click

from agora.cli.context import CliContext
from agora.cli.db import db
from agora.cli.demo import demo
from agora.cli.module import module
from agora.cli.scaffold import scaffold
from agora.cli.serve import serve
from agora.cli.shell import shell


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML settings file (default: $AGORA_CONFIG, else ./agora.toml if present).",
)
@click.option(
    "--db-url",
    metavar="URL",
    help="PostgreSQL server URL; overrides AGORA_DB_URL. Without one, the embedded cluster is used.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Data directory (embedded cluster, files); overrides AGORA_DATA_DIR.",
)
@click.pass_context
def main(
    ctx: click.Context, config_file: Path | None, db_url: str | None, data_dir: Path | None
) -> None:
    """Agora: a modular business platform on PostgreSQL."""
    # None values are ignored by load_settings, so unset flags do not override anything.
    ctx.obj = CliContext(config_file, {"db_url": db_url, "data_dir": data_dir})


# --- subcommands -------------------------------------------------------------------
main.add_command(db)
main.add_command(demo)
main.add_command(module)
main.add_command(shell)
main.add_command(scaffold)
main.add_command(serve)


if __name__ == "__main__":
    main()
