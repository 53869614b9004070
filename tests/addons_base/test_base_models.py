"""Base models: a user's partner is protected, currency rounding refuses non-numbers,
hierarchy paths are read-only."""

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


def test_currency_round_refuses_what_is_not_a_number(env):
    from agora.orm.exceptions import InvalidValueError

    eur = env["res.currency"].search([], limit=1) or env["res.currency"].create(
        {"name": "XTR", "symbol": "R"})
    assert eur.round(1.005) in (1.0, 1.01)
    for bad in (None, "12", True, float("nan")):
        with pytest.raises(InvalidValueError, match="expected a number"):
            eur.round(bad)
    assert env["res.partner.category"]._fields["parent_path"].readonly
