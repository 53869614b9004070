"""res.users specifics: its partner is protected while the user exists."""

from __future__ import annotations

import pytest

from agora.orm.exceptions import UserError


def test_a_users_partner_cannot_be_deleted_while_the_user_exists(env):
    user = env["res.users"].create({"name": "Kept Partner", "login": "kept-partner"})
    partner = user.partner_id
    with pytest.raises(UserError), env.cr.savepoint():
        partner.unlink()
    assert user.exists() and partner.exists()
    assert env["res.users"]._fields["partner_id"].ondelete == "restrict"
