"""``chatter_read``: the one call behind the web client's chatter (messages with their
tracking values, followers, activities), its bounded cost and its typed errors."""

from __future__ import annotations

import pytest

from agora.orm.exceptions import UserError
from agora.testing.queries import assert_queries


def _partner_with_history(env, messages: int = 50):
    partner = env["res.partner"].create({"name": "Chatty", "email": "a@example.com"})
    for index in range(messages - 2):  # created note + tracking below make `messages`
        partner.message_post(body=f"<p>message {index}</p>", body_is_html=True,
                             subtype_xmlid="mail.mt_comment" if index % 2 else "mail.mt_note")
    partner.write({"email": "b@example.com"})
    followers = env["res.partner"].create([{"name": f"F{i}"} for i in range(5)])
    partner.message_subscribe(followers.ids)
    partner.activity_schedule(summary="Call back")
    partner.activity_schedule(summary="Send offer")
    env.flush_all()
    return partner


def test_chatter_read_answers_everything_newest_first(env):
    partner = _partner_with_history(env)
    env.invalidate_all()
    data = env["res.partner"].browse(partner.id).chatter_read(message_limit=50)
    assert data["message_count"] == 50
    assert len(data["messages"]) == 50
    newest = data["messages"][0]
    [tracking] = newest["tracking_value_ids"]
    assert (tracking["field_desc"], tracking["old_value_char"], tracking["new_value_char"]) \
        == ("Email", "a@example.com", "b@example.com")
    assert newest["author_id"]["display_name"] == env.user.partner_id.display_name
    keys = [(m["date"], m["id"]) for m in data["messages"]]
    assert keys == sorted(keys, reverse=True)
    assert data["messages"][-1]["tracking_value_ids"] == []
    assert len(data["followers"]) == 6  # the creator and the 5 subscribed
    assert {f["partner_id"]["display_name"] for f in data["followers"]} >= {"F0", "F4"}
    assert data["is_follower"] is True
    assert [a["summary"] for a in data["activities"]] == ["Call back", "Send offer"]
    assert data["activities"][0]["activity_type_id"]["display_name"]


def test_chatter_read_pages_messages(env):
    partner = _partner_with_history(env, messages=12)
    data = partner.chatter_read(message_limit=5)
    assert len(data["messages"]) == 5
    assert data["message_count"] == 12


def test_chatter_read_of_50_messages_costs_a_bounded_number_of_queries(env):
    partner = _partner_with_history(env)
    env.invalidate_all()
    record = env["res.partner"].browse(partner.id)
    # 15 = 14 before attachments + the one batched read of the messages' attachments
    with assert_queries(env.cr, 15) as queries:
        data = record.chatter_read(message_limit=50)
    assert len(data["messages"]) == 50
    print(f"chatter_read of 50 messages: {len(queries)} queries")


def test_chatter_read_cost_does_not_grow_with_messages(env):
    # both first pages are full (one count query each): only the number of messages differs
    small = _partner_with_history(env, messages=12)
    big = _partner_with_history(env, messages=60)
    counts = []
    for partner in (small, big):
        env.invalidate_all()
        with assert_queries(env.cr, 15) as queries:
            data = env["res.partner"].browse(partner.id).chatter_read(message_limit=10)
        assert len(data["messages"]) == 10
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("limit", [0, -1, 1001, "30", True, None])
def test_chatter_read_refuses_a_bad_limit(env, limit):
    partner = env["res.partner"].create({"name": "Limits"})
    with pytest.raises(UserError, match="message_limit"):
        partner.chatter_read(message_limit=limit)


def test_chatter_read_wants_one_saved_record(env):
    partners = env["res.partner"].create([{"name": "A"}, {"name": "B"}])
    with pytest.raises(UserError, match="one saved record"):
        partners.chatter_read()
    with pytest.raises(UserError, match="one saved record"):
        env["res.partner"].chatter_read()


def test_chatter_read_respects_read_access(env):
    employee = env["res.users"].create({"name": "Portal Pat", "login": "pat_chatter",
                                        "groups_id": [(6, 0, [env.ref("base.group_portal").id])]})
    partner = env["res.partner"].create({"name": "Hidden"})
    with pytest.raises(Exception, match="(?i)access|not allowed"):
        partner.with_user(employee).chatter_read()


# -- how the page gets the chatter's files (web's manifest "assets" mechanism) -------------
def test_mail_lists_its_chatter_files_for_the_web_client():
    from agora.addons.web.controllers import home

    styles, modules = home.installed_assets(["base", "web", "mail", "contacts"])
    assert styles == ["/mail/static/src/chatter/chatter.css"]
    assert modules == ["/mail/static/src/chatter/chatter.js"]


def test_assets_globs_stay_inside_the_addons_static_folder(tmp_path, monkeypatch):
    from agora.addons.web.controllers import home

    addon = tmp_path / "shop"
    (addon / "static" / "src" / "a").mkdir(parents=True)
    for name in ("a/one.js", "a/two.js", "a/style.css", "main.js"):
        (addon / "static" / "src" / name).write_text("")
    (addon / "__manifest__.py").write_text(repr({"name": "Shop", "assets": {
        "web.assets_backend": ["shop/static/src/main.js", "shop/static/src/a/*.js",
                               "shop/static/src/**/*.css", "mail/static/src/x.js",
                               "shop/static/../secret.js", "shop/static/src/missing.js",
                               "shop/static/src/main.js"],
        "web.assets_frontend": ["shop/static/src/a/one.js"]}}))
    monkeypatch.setattr(home, "static_directory",
                        lambda name: addon / "static" if name == "shop" else None)
    home.addon_assets.cache_clear()
    try:
        assert home.installed_assets(["shop", "unknown"]) == (
            ["/shop/static/src/a/style.css"],
            ["/shop/static/src/main.js", "/shop/static/src/a/one.js",
             "/shop/static/src/a/two.js"])
    finally:
        home.addon_assets.cache_clear()


def test_assets_of_an_odd_shape_are_ignored_not_fatal(tmp_path, monkeypatch):
    from agora.addons.web.controllers import home

    addon = tmp_path / "odd"
    (addon / "static").mkdir(parents=True)
    monkeypatch.setattr(home, "static_directory", lambda name: addon / "static")
    for assets in (["odd/static/x.js"], {"web.assets_backend": "odd/static/x.js"}):
        (addon / "__manifest__.py").write_text(repr({"name": "Odd", "assets": assets}))
        home.addon_assets.cache_clear()
        try:
            assert home.installed_assets(["odd"]) == ([], [])
        finally:
            home.addon_assets.cache_clear()
