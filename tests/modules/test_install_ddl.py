"""Installing a module alters only what it brings: tables it does not change get no DDL,
so they are not locked (against logins, writes) until the install commits. Found by the
two-server coherence test: every install re-ran ALTER TABLE res_users ... IF NOT EXISTS
and CREATE INDEX IF NOT EXISTS on every table, and re-created an unchanged constraint."""

from __future__ import annotations

import re

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.modules.loader import install_modules
from agora.testing.addons import installed_database

# Statements that lock an existing table (CREATE TABLE IF NOT EXISTS of an existing
# table returns before taking any lock, so it is not counted).
_DDL = re.compile(r'^\s*(?:ALTER TABLE|DROP TABLE|CREATE (?:UNIQUE )?INDEX .*? ON)\s+"?'
                  r'([a-z_0-9]+)', re.IGNORECASE)


def test_installing_a_module_runs_no_ddl_on_tables_it_does_not_change(agora_server_url):
    with installed_database(agora_server_url, ["base"]) as conninfo:
        connection = connect(conninfo)
        try:
            cr = Cursor(connection)
            with cr.capture() as log:
                install_modules(cr, ["uom"])
            touched = {match.group(1) for code, _params in log
                       if (match := _DDL.match(code))}
            cr.rollback()
        finally:
            connection.close()
    assert touched, "installing uom must index and constrain its own tables"
    assert all(table.startswith("uom") for table in touched), sorted(touched)
