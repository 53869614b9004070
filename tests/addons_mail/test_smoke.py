def test_install(env):
    partner = env["res.partner"].create({"name": "Smoke", "email": "s@example.com"})
    assert partner.message_ids
    assert env.user.partner_id in partner.message_partner_ids
