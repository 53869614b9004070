"""crm and sales_team uninstall cleanly (with demo data and a user's own lead) and
install again."""

from __future__ import annotations

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.modules import loader
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.testing.addons import installed_database


def test_uninstall_and_reinstall(agora_server_url):
    with installed_database(agora_server_url, ["crm"], demo=True,
                            prefix="agora_crm_uninstall") as conninfo:
        connection = connect(conninfo)
        try:
            with Cursor(connection) as cr:
                registry = loader.load_registry(cr)
                env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
                env["crm.lead"].create({"name": "A user's own lead"})
                env.flush_all()
            with Cursor(connection) as cr:
                loader.uninstall_modules(cr, ["sales_team"])  # crm depends on it: goes too
                cr.execute("SELECT to_regclass('crm_lead'), to_regclass('crm_stage'), "
                           "to_regclass('crm_team')")
                assert cr.fetchone() == (None, None, None)
                cr.execute("SELECT count(*) FROM ir_ui_menu WHERE name = 'CRM'")
                assert cr.fetchone()[0] == 0
                cr.execute("SELECT count(*) FROM ir_model_data "
                           "WHERE module IN ('crm', 'sales_team')")
                assert cr.fetchone()[0] == 0
            with Cursor(connection) as cr:
                registry = loader.install_modules(cr, ["crm"], demo=True)
                env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
                assert env.ref("crm.stage_lead4").is_won
                assert env["crm.lead"].search_count([("type", "=", "opportunity")]) >= 11
        finally:
            connection.close()
