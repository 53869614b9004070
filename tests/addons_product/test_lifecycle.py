"""Upgrading and uninstalling the addons, each on a database of its own."""

from __future__ import annotations

import pytest

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.modules.loader import uninstall_modules, upgrade_modules
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.testing.addons import installed_database


def test_upgrade_keeps_data(agora_server_url):
    with installed_database(agora_server_url, ["product"], demo=True,
                            prefix="agora_product_upgrade") as conninfo:
        connection = connect(conninfo)
        try:
            with Cursor(connection) as cr:
                registry = upgrade_modules(cr, ["uom", "product"])
                env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
                assert env.ref("uom.product_uom_dozen").factor_inv == pytest.approx(12.0)
                assert len(env["uom.uom"].search([("name", "=", "Dozens")])) == 1
                assert len(env["product.pricelist"].search(
                    [("name", "=", "Public Pricelist")])) == 1
                assert env["product.product"].search_count([]) == 20
                assert env.ref("product.menu_product_config").parent_id == \
                    env.ref("product.menu_product_root")
        finally:
            connection.close()


def test_uninstall_removes_tables(agora_server_url):
    with installed_database(agora_server_url, ["product"], demo=True,
                            prefix="agora_product_uninstall") as conninfo:
        connection = connect(conninfo)
        try:
            with Cursor(connection) as cr:
                uninstall_modules(cr, ["product"])
                cr.execute("SELECT to_regclass('product_template'), to_regclass('uom_uom')")
                assert cr.fetchone() == (None, "uom_uom")
        finally:
            connection.close()
