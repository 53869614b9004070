"""Messages follow their document: a user reads (and edits, deletes, creates) a message
only where they may read the record it is posted on; messages on no record are their
author's and recipients'; portal users never read internal notes. Tracking values follow
their message. Searches filter in SQL, so the cost does not grow with the messages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agora.orm.exceptions import AccessError
from agora.testing.queries import assert_queries
from tests.addons_mail.document_world import assert_refused_by_id


@pytest.fixture
def world(env) -> SimpleNamespace:
    a = env.ref("base.main_company")
    b = env["res.company"].create({"name": "Company B"})

    def user(login: str, group: str):
        return env["res.users"].create({
            "name": login.title(), "login": login, "company_id": a.id,
            "company_ids": [(6, 0, [a.id])], "groups_id": [(6, 0, [env.ref(group).id])]})

    employee = user("emp_messages", "base.group_user")
    other = user("other_messages", "base.group_user")
    portal = user("portal_messages", "base.group_portal")
    admin = user("admin_messages", "base.group_system")
    mine = env["res.partner"].create({"name": "Mine", "company_id": a.id, "email": "a@x.example"})
    hidden = env["res.partner"].create({"name": "Hidden", "company_id": b.id,
                                        "email": "b@x.example"})
    messages = SimpleNamespace(
        mine_note=mine.message_post(body="note on mine"),
        mine_comment=mine.message_post(body="comment on mine",
                                       subtype_xmlid="mail.mt_comment"),
        hidden_note=hidden.message_post(body="note on hidden"),
        hidden_comment=hidden.message_post(body="comment on hidden",
                                           subtype_xmlid="mail.mt_comment"),
    )
    hidden.write({"email": "secret@x.example"})  # a tracking value of the hidden contact
    # messages on no document: a direct message to the employee, and one to nobody
    direct = env["mail.message"].create({"body": "to you", "partner_ids": [
        (6, 0, [employee.partner_id.id])], "author_id": other.partner_id.id})
    orphan = env["mail.message"].create({"body": "to nobody"})
    env.flush_all()
    return SimpleNamespace(a=a, b=b, employee=employee, other=other, portal=portal,
                           admin=admin, mine=mine, hidden=hidden, direct=direct,
                           orphan=orphan, **vars(messages))


def as_user(env, user):
    return env(user=user.id)["mail.message"]


def bodies(messages) -> set[str]:
    return {message["body"].replace("<p>", "").replace("</p>", "")
            for message in messages.search_read(
                [("body", "not ilike", "created")], ["body"])}


def test_employees_read_the_messages_of_the_records_they_may_read(env, world):
    messages = as_user(env, world.employee)
    assert bodies(messages) >= {"note on mine", "comment on mine", "to you"}
    assert not bodies(messages) & {"note on hidden", "comment on hidden", "to nobody"}
    hidden_domain = [("model", "=", "res.partner"), ("res_id", "=", world.hidden.id)]
    assert messages.search(hidden_domain) == messages.browse()
    assert messages.search_count(hidden_domain) == 0
    assert messages.read_group(hidden_domain, ["model"], ["model"]) == []
    page = messages.web_search_read(hidden_domain, {"body": {}})
    assert page == {"length": 0, "records": []}
    # the superuser reads everything
    assert env["mail.message"].search_count(hidden_domain) >= 2


def test_messages_of_no_document_are_their_authors_and_recipients(env, world):
    assert "to you" in bodies(as_user(env, world.employee))
    assert "to you" in bodies(as_user(env, world.other))  # the author
    assert "to you" not in bodies(as_user(env, world.admin))
    assert "to nobody" not in bodies(as_user(env, world.admin))
    with pytest.raises(AccessError):
        as_user(env, world.employee).browse(world.orphan.id).read(["body"])


def test_reading_by_id_refuses_messages_of_hidden_records(env, world):
    messages = as_user(env, world.employee)
    assert messages.browse(world.mine_note.id).read(["body"])[0]["body"]
    with pytest.raises(AccessError) as info:
        messages.browse([world.mine_note.id, world.hidden_note.id]).read(["body"])
    assert "documents you cannot read" in str(info.value)
    assert "note on hidden" not in str(info.value)
    assert_refused_by_id(env, messages, world.hidden_note.id, "body")


def test_writing_deleting_and_creating_need_the_document(env, world):
    employee = env(user=world.employee.id)
    admin = env(user=world.admin.id)["mail.message"]
    admin.browse(world.mine_comment.id).read(["body"])  # the admin is in company A too
    posted = employee["res.partner"].browse(world.mine.id).message_post(body="mine to edit")
    own = employee["mail.message"].browse(posted.id)
    own.write({"body": "edited"})  # the author, on a record they may read
    env["res.partner"].browse(world.mine.id).write({"company_id": world.b.id})
    with pytest.raises(AccessError, match="documents you cannot read"):
        own.write({"body": "again"})
    with pytest.raises(AccessError):
        admin.browse(world.hidden_note.id).unlink()
    with pytest.raises(AccessError):
        employee["mail.message"].create({"model": "res.partner", "res_id": world.hidden.id,
                                         "body": "planted"})
    with pytest.raises(AccessError):  # a model without a chatter: the superuser's only
        employee["mail.message"].create({"model": "res.company", "res_id": world.a.id,
                                         "body": "planted"})
    other = env(user=world.other.id)["res.partner"].create({"name": "Other's",
                                                             "company_id": world.a.id})
    created = employee["mail.message"].create({"model": "res.partner", "res_id": other.id,
                                               "body": "allowed"})
    assert created.read(["body"])[0]["body"]


def test_a_message_is_not_moved_onto_a_record_one_cannot_read(env, world):
    """The author may edit their message, not carry it over to another company's
    contact (the rules are checked on the message as it becomes too)."""
    employee = env(user=world.employee.id)
    posted = employee["res.partner"].browse(world.mine.id).message_post(body="to move")
    own = employee["mail.message"].browse(posted.id)
    for vals in ({"res_id": world.hidden.id}, {"model": "res.company", "res_id": world.a.id}):
        with pytest.raises(AccessError, match="documents you cannot read"), \
                env.cr.savepoint():
            own.write(vals)
    own.write({"subject": "still here"})
    env.invalidate_all()
    moved = env["mail.message"].browse(posted.id)
    assert (moved.model, moved.res_id, moved.subject) == ("res.partner", world.mine.id,
                                                          "still here")


def test_portal_users_never_read_internal_notes(env, world):
    portal = as_user(env, world.portal)
    seen = bodies(portal)
    assert "comment on mine" in seen
    assert "note on mine" not in seen and "comment on hidden" not in seen
    with pytest.raises(AccessError):
        portal.browse(world.mine_note.id).read(["body"])


def test_tracking_values_follow_their_message(env, world):
    values = env(user=world.employee.id)["mail.tracking.value"]
    assert not values.search_read([("new_value_char", "=", "secret@x.example")], ["field_name"])
    assert not values.search([("message_id.res_id", "=", world.hidden.id)])
    hidden = env["mail.tracking.value"].search([("new_value_char", "=", "secret@x.example")])
    assert hidden
    with pytest.raises(AccessError):
        values.browse(hidden.ids).read(["new_value_char"])
    env["res.partner"].browse(world.mine.id).write({"email": "visible@x.example"})
    env.flush_all()
    assert values.search_read([("new_value_char", "=", "visible@x.example")], ["field_name"])


def test_chatter_of_a_readable_record_is_whole_and_of_a_hidden_one_refused(env, world):
    partners = env(user=world.employee.id)["res.partner"]
    data = partners.browse(world.mine.id).chatter_read()
    assert {"note on mine", "comment on mine"} <= {m["body"].replace("<p>", "").replace(
        "</p>", "") for m in data["messages"]}
    with pytest.raises(AccessError):
        partners.browse(world.hidden.id).chatter_read()


# -- cost ------------------------------------------------------------------------------------
def test_search_read_is_one_query_whatever_the_number_of_messages_and_records(env, world):
    messages = as_user(env, world.employee)
    domain = [("model", "=", "res.partner")]

    def count() -> tuple[int, int]:
        messages.search_read(domain, ["body", "author_id"])  # warm (rights, rules)
        env.invalidate_all()
        with assert_queries(env.cr, 3) as log:
            rows = messages.search_read(domain, ["body", "author_id"])
        return len(log), len(rows)

    few, found = count()
    partners = env["res.partner"].create([{"name": f"P{i}", "company_id": world.a.id}
                                          for i in range(30)])
    for partner in partners:
        partner.message_post(body="more")
    env.flush_all()
    many, found_more = count()
    assert found_more >= found + 60 and many == few
    # one query for the messages (their author's name as a many2one: one more)
    assert few <= 2


def test_chatter_read_as_a_user_costs_what_it_costs_the_superuser(env, world):
    """The messages are filtered inside the query that reads them: the user's only extra
    queries are the read rule checks of the contact itself (chatter_read's, web_read's)."""
    for _ in range(5):
        world.mine.message_post(body="x")
    env.flush_all()

    def count(partners) -> list[str]:
        partners.browse(world.mine.id).chatter_read()  # warm
        env.invalidate_all()
        with assert_queries(env.cr, 15) as log:
            partners.browse(world.mine.id).chatter_read()
        return [code for code, _params in log]

    as_user, as_superuser = count(env(user=world.employee.id)["res.partner"]), count(
        env["res.partner"])
    assert len(as_user) == len(as_superuser) + 2
    # one query reads the messages, filtered: no check of them by id afterwards
    assert len([code for code in as_user if code.startswith('SELECT "mail_message"')]) == 1
    assert len([code for code in as_user if 'FROM "res_partner" WHERE' in code
                and "company_id" in code]) == 2
