"""Opening a cursor on one database of the configured server, for CLI commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from agora.cli.context import CliContext
from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.db.url import resolve_db_url, url_for_database


@contextmanager
def database_cursor(cli: CliContext, dbname: str | None) -> Iterator[Cursor]:
    """A cursor on ``dbname`` (default: the configured db_name), committed on success."""
    name = dbname or cli.settings.db_name
    connection = connect(url_for_database(resolve_db_url(cli.settings), name))
    try:
        with Cursor(connection) as cr:
            yield cr
    finally:
        connection.close()


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[str, int, int], None]]:
    """A click progress bar fed by the module loader's (step, done, total) callbacks."""
    state: dict[str, object] = {}

    def report(step: str, done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None and total:
            bar = click.progressbar(length=total, label=label, show_pos=True,
                                    item_show_func=lambda item: item)
            bar.__enter__()
            state["bar"] = bar
        if bar is not None:
            bar.current_item = step  # type: ignore[attr-defined]
            bar.update(done - bar.pos)  # type: ignore[attr-defined]

    try:
        yield report
    finally:
        bar = state.get("bar")
        if bar is not None:
            bar.__exit__(None, None, None)  # type: ignore[attr-defined]
