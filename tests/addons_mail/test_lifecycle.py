"""Upgrading and uninstalling mail and contacts, each on a database of its own."""

from __future__ import annotations

from agora.testing.addons import changed_modules


def test_upgrade_keeps_messages_and_data(agora_server_url):
    with changed_modules(agora_server_url, ["contacts"], upgrade=["mail", "contacts"],
                         demo=True, prefix="agora_mail_upgrade") as env:
        company = env.ref("contacts.partner_azure_interior")
        assert company.message_ids  # the demo records' "created" notes survive
        assert len(env["mail.message.subtype"].search([("name", "=", "Note")])) == 1
        assert len(env["ir.cron"].search([("method_name", "=", "process_email_queue")])) == 1


def test_uninstall_contacts_keeps_partners(agora_server_url):
    with changed_modules(agora_server_url, ["contacts"], uninstall=["contacts"],
                         prefix="agora_contacts_uninstall") as env:
        assert "message_ids" not in env.registry["res.partner"]._fields
        partner = env["res.partner"].create({"name": "After contacts"})
        assert partner.name == "After contacts"
        assert not env.ref("contacts.action_contacts", raise_if_not_found=False)


def test_uninstall_mail_drops_its_tables(agora_server_url):
    with changed_modules(agora_server_url, ["mail"], uninstall=["mail"],
                         prefix="agora_mail_uninstall") as env:
        env.cr.execute("SELECT to_regclass('mail_message'), to_regclass('mail_mail')")
        assert env.cr.fetchone() == (None, None)
