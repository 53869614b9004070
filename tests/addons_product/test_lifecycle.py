"""Upgrading and uninstalling the addons, each on a database of its own."""

from __future__ import annotations

import pytest

from agora.testing.addons import changed_modules


def test_upgrade_keeps_data(agora_server_url):
    with changed_modules(agora_server_url, ["product"], upgrade=["uom", "product"],
                         demo=True, prefix="agora_product_upgrade") as env:
        assert env.ref("uom.product_uom_dozen").factor_inv == pytest.approx(12.0)
        assert len(env["uom.uom"].search([("name", "=", "Dozens")])) == 1
        assert len(env["product.pricelist"].search([("name", "=", "Public Pricelist")])) == 1
        assert env["product.product"].search_count([]) == 20
        assert env.ref("product.menu_product_config").parent_id == \
            env.ref("product.menu_product_root")


def test_uninstall_removes_tables(agora_server_url):
    with changed_modules(agora_server_url, ["product"], uninstall=["product"], demo=True,
                         prefix="agora_product_uninstall") as env:
        env.cr.execute("SELECT to_regclass('product_template'), to_regclass('uom_uom')")
        assert env.cr.fetchone() == (None, "uom_uom")
