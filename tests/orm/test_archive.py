"""action_archive / action_unarchive, as the list view and Odoo clients call them."""

from __future__ import annotations

import pytest

from agora.orm.exceptions import UserError


def test_archive_and_unarchive(agora_served_run):
    def work(env):
        contacts = env["demo.contact"].create([{"name": "Arch A"}, {"name": "Arch B"}])
        assert contacts.action_archive() is True
        assert not env["demo.contact"].search([("id", "in", contacts.ids)])
        archived = env["demo.contact"].with_context(active_test=False).search(
            [("id", "in", contacts.ids)])
        assert archived.mapped("active") == [False, False]
        archived[0].action_unarchive()
        assert env["demo.contact"].search([("id", "in", contacts.ids)]) == archived[0]
        archived.unlink()
    agora_served_run(work)


def test_archive_needs_an_active_field(agora_served_run):
    def work(env):
        product = env["demo.product"].search([], limit=1)
        with pytest.raises(UserError, match="demo.product has no active field"):
            product.action_archive()
    agora_served_run(work)
