"""Hot paths of the chatter do not grow with the number of records or followers."""

from agora.testing.queries import assert_queries


def test_discussion_post_to_20_followers(env):
    doc = env["res.partner"].create({"name": "Doc"})
    followers = env["res.partner"].create(
        [{"name": f"F{i}", "email": f"f{i}@example.com"} for i in range(20)])
    doc.message_subscribe(followers.ids)
    env.invalidate_all()
    with assert_queries(env.cr, 14):
        doc.message_post(body="hi", subtype_xmlid="mail.mt_comment")
        env.flush_all()
    assert env["mail.mail"].search_count([("res_id", "=", doc.id),
                                          ("model", "=", "res.partner")]) == 20


def test_schedule_and_read_chatter_of_50_records(env):
    docs = env["res.partner"].create([{"name": f"D{i}"} for i in range(50)])
    env.invalidate_all()
    with assert_queries(env.cr, 5):
        docs.activity_schedule(summary="x")
        env.flush_all()
    env.invalidate_all()
    docs = env["res.partner"].browse(docs.ids)
    me = env.user.partner_id
    with assert_queries(env.cr, 6):
        assert set(docs.mapped("activity_state")) == {"planned"}
        assert len(docs.mapped("message_ids")) == 50
        assert docs.mapped("message_partner_ids") == me
