"""Database URLs and whole-database operations (create, drop, list).

URLs here are anything libpq accepts: ``postgresql://`` URLs or ``key=value`` strings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

if TYPE_CHECKING:
    from agora.conf import Settings

__all__ = [
    "DBNAME_RE",
    "create_database",
    "drop_database",
    "list_databases",
    "resolve_db_url",
    "url_for_database",
    "validate_dbname",
]

# Conservative on purpose: names end up in file paths, URLs and shell commands of
# operators, and 63 bytes is PostgreSQL's identifier limit.
DBNAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$")
MAINTENANCE_DB = "postgres"


def resolve_db_url(settings: Settings) -> str:
    """The configured server URL, else the embedded cluster's (started if needed).

    The embedded URL names the ``postgres`` maintenance database; use
    :func:`url_for_database` to reach ``settings.db_name``.
    """
    if settings.db_url:
        return settings.db_url
    from agora.db.embedded import EmbeddedPostgres  # only when actually needed

    return EmbeddedPostgres(settings.data_dir).start()


def validate_dbname(dbname: str) -> str:
    if not isinstance(dbname, str) or not DBNAME_RE.match(dbname):
        raise ValueError(
            f"invalid database name {dbname!r}: use up to 63 letters, digits, '_', '.' or '-',"
            " not starting with '.' or '-'"
        )
    return dbname


def url_for_database(url: str, dbname: str) -> str:
    """``url`` with its database replaced by ``dbname``, as a libpq keyword string."""
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo("", **params)


def _maintenance_url(url: str, avoid: str) -> str:
    # You cannot create from / drop the database you are connected to.
    current = conninfo_to_dict(url).get("dbname")
    return url_for_database(url, MAINTENANCE_DB) if current == avoid else url


def create_database(url: str, dbname: str, *, template: str | None = None) -> None:
    """``CREATE DATABASE dbname`` on the server of ``url``; ``template`` copies a database."""
    validate_dbname(dbname)
    query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname))
    target = _maintenance_url(url, dbname)
    if template is not None:
        query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(validate_dbname(template)))
        target = _maintenance_url(target, template)
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(query)


def drop_database(url: str, dbname: str, *, missing_ok: bool = True, force: bool = False) -> None:
    """``DROP DATABASE [IF EXISTS] dbname [WITH (FORCE)]``; force ends other sessions."""
    validate_dbname(dbname)
    query = sql.SQL("DROP DATABASE {if_exists}{name}{force}").format(
        if_exists=sql.SQL("IF EXISTS " if missing_ok else ""),
        name=sql.Identifier(dbname),
        force=sql.SQL(" WITH (FORCE)" if force else ""),
    )
    with psycopg.connect(_maintenance_url(url, dbname), autocommit=True) as conn:
        conn.execute(query)


def list_databases(url: str) -> list[str]:
    """Names of the databases one can connect to (templates excluded), sorted."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate"
            " ORDER BY datname"
        ).fetchall()
    return [row[0] for row in rows]
