"""Activities: scheduling, computed state and its search, marking done."""

from datetime import date, timedelta

import pytest

from agora.addons.mail.models.mail_activity import user_today
from agora.orm.exceptions import UserError


@pytest.fixture
def partners(env):
    return env["res.partner"].create([{"name": f"Activity {i}"} for i in range(3)])


def test_schedule_uses_the_type_delay_and_the_current_user(env, partners):
    todo = env.ref("mail.mail_activity_data_todo")
    activities = partners.activity_schedule(summary="Follow up")
    assert len(activities) == 3
    today = user_today(env)
    assert set(activities.mapped("date_deadline")) == {today + timedelta(days=todo.delay_count)}
    assert set(activities.mapped("user_id").ids) == {env.uid}
    assert activities.mapped("res_name") == partners.mapped("display_name")
    assert partners[0].activity_ids == activities[0]
    assert partners[0].activity_state == "planned"
    assert partners[0].activity_summary == "Follow up"


def test_state_is_computed_and_searchable(env, partners):
    today = user_today(env)
    late, now, later = partners
    late.activity_schedule("mail.mail_activity_data_call", date_deadline=today - timedelta(days=2))
    now.activity_schedule(date_deadline=today)
    later.activity_schedule(date_deadline=today + timedelta(days=3))
    later.activity_schedule(date_deadline=today - timedelta(days=1))  # its most urgent: late
    activities = env["mail.activity"].search([("res_model", "=", "res.partner"),
                                              ("res_id", "in", partners.ids)])
    assert sorted(activities.mapped("state")) == ["overdue", "overdue", "planned", "today"]
    overdue = env["mail.activity"].search([("state", "=", "overdue"),
                                           ("res_id", "in", partners.ids)])
    assert {a.res_id for a in overdue} == {late.id, later.id}
    not_overdue = env["mail.activity"].search([("state", "!=", "overdue"),
                                               ("res_id", "in", partners.ids)])
    assert sorted(not_overdue.mapped("state")) == ["planned", "today"]
    assert env["mail.activity"].search_count([("state", "in", ["today", "planned"]),
                                              ("res_id", "in", partners.ids)]) == 2
    assert (late.activity_state, now.activity_state, later.activity_state) == (
        "overdue", "today", "overdue")
    assert env["res.partner"].search([("activity_state", "=", "overdue"),
                                      ("id", "in", partners.ids)]) == late | later
    assert env["res.partner"].search([("activity_state", "in", ["today", "planned"]),
                                      ("id", "in", partners.ids)]) == now
    with pytest.raises(UserError, match="unknown state"):
        env["res.partner"].search([("activity_state", "=", "late")])
    with pytest.raises(UserError, match="unknown state"):
        env["mail.activity"].search([("state", "=", "someday")])


def test_state_follows_the_user_time_zone(env, partners):
    activity = partners[0].activity_schedule(date_deadline=date(2000, 1, 1))
    assert activity.with_context(tz="Pacific/Kiritimati").state == "overdue"


def test_done_posts_a_message_and_deletes_the_activity(env, partners):
    partner = partners[0]
    activity = partner.activity_schedule("mail.mail_activity_data_call", summary="Call back")
    message_id = activity.action_feedback(feedback="Reached <them>")
    assert not activity.exists()
    assert not partner.activity_ids and not partner.activity_state
    message = env["mail.message"].browse(message_id)
    assert (message.model, message.res_id) == ("res.partner", partner.id)
    assert message.subtype_id == env.ref("mail.mt_activities")
    assert message.mail_activity_type_id == env.ref("mail.mail_activity_data_call")
    assert "Call" in message.body and "Call back" in message.body
    assert "Reached &lt;them&gt;" in message.body
    assert message in partner.message_ids
    other = partners[1].activity_schedule()
    assert other.action_done() is True and not other.exists()


def test_schedule_refuses_an_unknown_type(env, partners):
    with pytest.raises(UserError, match="not an activity type"):
        partners.activity_schedule("mail.mt_note")


def test_activities_go_with_their_record(env, partners):
    partner = partners[0]
    partner.activity_schedule()
    partner_id = partner.id
    partner.unlink()
    assert not env["mail.activity"].search([("res_model", "=", "res.partner"),
                                            ("res_id", "=", partner_id)])
