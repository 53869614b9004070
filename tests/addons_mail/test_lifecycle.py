"""Upgrading and uninstalling mail and contacts, each on a database of its own."""

from __future__ import annotations

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.modules.loader import uninstall_modules, upgrade_modules
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.testing.addons import installed_database


def test_upgrade_keeps_messages_and_data(agora_server_url):
    with installed_database(agora_server_url, ["contacts"], demo=True,
                            prefix="agora_mail_upgrade") as conninfo:
        connection = connect(conninfo)
        try:
            with Cursor(connection) as cr:
                registry = upgrade_modules(cr, ["mail", "contacts"])
                env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
                company = env.ref("contacts.partner_azure_interior")
                assert company.message_ids  # the demo records' "created" notes survive
                assert len(env["mail.message.subtype"].search([("name", "=", "Note")])) == 1
                assert len(env["ir.cron"].search(
                    [("method_name", "=", "process_email_queue")])) == 1
        finally:
            connection.close()


def test_uninstall_contacts_keeps_partners(agora_server_url):
    with installed_database(agora_server_url, ["contacts"],
                            prefix="agora_contacts_uninstall") as conninfo:
        connection = connect(conninfo)
        try:
            with Cursor(connection) as cr:
                registry = uninstall_modules(cr, ["contacts"])
                assert "message_ids" not in registry["res.partner"]._fields
                env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
                partner = env["res.partner"].create({"name": "After contacts"})
                assert partner.name == "After contacts"
                assert not env.ref("contacts.action_contacts", raise_if_not_found=False)
        finally:
            connection.close()


def test_uninstall_mail_drops_its_tables(agora_server_url):
    with installed_database(agora_server_url, ["mail"],
                            prefix="agora_mail_uninstall") as conninfo:
        connection = connect(conninfo)
        try:
            with Cursor(connection) as cr:
                uninstall_modules(cr, ["mail"])
                cr.execute("SELECT to_regclass('mail_message'), to_regclass('mail_mail')")
                assert cr.fetchone() == (None, None)
        finally:
            connection.close()
