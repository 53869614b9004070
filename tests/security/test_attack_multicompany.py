"""Reaching another company's records, over real HTTP: two companies, a user allowed in
company A only, and a contact of company B (with an e-mail, notes, a chatter message,
followers and activities that must stay hidden).

By id (``read``, ``web_read``, ``copy``, ``chatter_read``...), by search, through a
relation, with ``allowed_company_ids`` (and friends) spoofed in the context, through
XML-RPC, JSON-RPC, ``call_kw``, JSON-2 and REST: refused or not found, no hidden value in
any answer, nothing written."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import requests

from agora.db.sql import SQL
from agora.testing.addons import served_addons_fixture
from agora.testing.queries import assert_queries
from tests.security.attack_clients import (
    Caller,
    Outcome,
    assert_clean,
    assert_refused,
    caller,
    fingerprint,
)

served = served_addons_fixture(["contacts"], prefix="agora_attack_company")

SECRET_EMAIL = "treasurer@company-b.example"
SECRET_NOTE = "wire transfer codes of company B"
SECRET_MESSAGE = "board minutes of company B"
SECRET_ACTIVITY = "sign the merger of company B"
SECRET_FOLLOWER = "Auditor of company B"
SECRETS = ("Secret B", SECRET_EMAIL, SECRET_NOTE, SECRET_MESSAGE, SECRET_ACTIVITY,
           SECRET_FOLLOWER)


@pytest.fixture(scope="module")
def world(served) -> SimpleNamespace:
    def work(env):
        a = env.ref("base.main_company")
        b = env["res.company"].create({"name": "Company B"})
        hidden = env["res.partner"].create({
            "name": "Secret B", "company_id": b.id, "email": SECRET_EMAIL,
            "comment": f"<p>{SECRET_NOTE}</p>"})
        message = hidden.message_post(body=SECRET_MESSAGE)
        # a contact of A whose parent is B's: the relation is visible, B's values are not
        mine = env["res.partner"].create({"name": "Visible A", "company_id": a.id,
                                          "parent_id": hidden.id})
        return SimpleNamespace(a=a.id, b=b.id, hidden=hidden.id, mine=mine.id,
                               message=message.id)
    world = served.run(work)
    world.user = caller(served, "only_a", "only-a-pw-3", ["base.group_user"],
                        company_id=world.a, company_ids=[(6, 0, [world.a])])
    assert world.user.call("call_kw", "res.partner", "search_count",
                           kwargs={"domain": []}).ok

    def chatter(env):
        """Followers and activities: on B's contact (one of them assigned to the user,
        who must not see it either), and the user's own on A's contact (to be moved)."""
        partners = env["res.partner"]
        hidden, mine = partners.browse(world.hidden), partners.browse(world.mine)
        auditor = partners.create({"name": SECRET_FOLLOWER, "company_id": world.b})
        me = env["res.users"].browse(world.user.uid).partner_id
        hidden.message_subscribe([auditor.id])
        mine.message_subscribe([me.id])
        secret = hidden.activity_schedule(summary=SECRET_ACTIVITY, note=f"<p>{SECRET_NOTE}</p>",
                                          user_id=world.user.uid)
        other = hidden.activity_schedule(summary=SECRET_ACTIVITY, user_id=1)
        own = mine.activity_schedule(summary="call Visible A", user_id=world.user.uid)

        def follower(record, partner):
            return env["mail.followers"].search([
                ("res_model", "=", "res.partner"), ("res_id", "=", record.id),
                ("partner_id", "=", partner.id)]).id
        return SimpleNamespace(
            auditor=auditor.id, me=me.id, follower=follower(hidden, auditor),
            own_follower=follower(mine, me), activities=[secret.id, other.id],
            own_activity=own.id)
    world.chatter = served.run(chatter)
    return world


@pytest.fixture(autouse=True)
def nothing_written(served, world):
    before = fingerprint(served.run)
    yield
    assert fingerprint(served.run) == before, "an attack changed the database"


def assert_no_secret(outcome: Outcome) -> None:
    text = json.dumps([outcome.result, outcome.message, outcome.debug, outcome.raw],
                      default=str)
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, (leaked, outcome)


def spoofed(world) -> list[dict]:
    """Contexts that try to put the user in company B."""
    return [{}, {"allowed_company_ids": [world.b]}, {"allowed_company_ids": [world.a, world.b]},
            {"allowed_company_ids": world.b}, {"allowed_company_ids": f"{world.a},{world.b}"},
            {"allowed_company_ids": [True]}, {"force_company": world.b},
            {"company_id": world.b}, {"uid": 1, "su": True}]


BY_ID = [
    ("read", {"fields": ["name", "email", "comment"]}),
    ("web_read", {"specification": {"name": {}, "email": {}, "comment": {}}}),
    ("copy_data", {}),
    ("copy", {}),
    ("chatter_read", {}),
    ("message_post", {"body": "hello B"}),
    ("write", {"vals": {"name": "pwned"}}),
    ("unlink", {}),
]


@pytest.mark.parametrize("method, kwargs", BY_ID, ids=[m for m, _ in BY_ID])
def test_another_companys_record_by_id_is_refused(world, method, kwargs):
    user: Caller = world.user
    for context in spoofed(world):
        for outcome in user.call_all("res.partner", method, [world.hidden],
                                     {**kwargs, "context": context}):
            # AccessError; a context value of the wrong type is refused as such
            assert_refused(outcome, "AccessError", "UserError")
            assert_no_secret(outcome)


SEARCHES = [
    ("search", {}),
    ("search_count", {}),
    ("search_read", {"fields": ["name", "email"]}),
    ("web_search_read", {"specification": {"name": {}, "email": {}}}),
    ("read_group", {"fields": ["id:count"], "groupby": ["email"]}),
]


@pytest.mark.parametrize("method, kwargs", SEARCHES, ids=[m for m, _ in SEARCHES])
def test_searches_do_not_find_another_companys_records(world, method, kwargs):
    user: Caller = world.user
    domains = [[("id", "=", world.hidden)], [("company_id", "=", world.b)],
               [("email", "=", SECRET_EMAIL)], [("comment", "ilike", "transfer codes")]]
    for context in spoofed(world):
        for domain in domains:
            for outcome in user.call_all("res.partner", method, None,
                                         {**kwargs, "domain": domain, "context": context}):
                assert_no_secret(outcome)
                if not outcome.ok:
                    assert_refused(outcome, "AccessError", "UserError")
                    continue
                assert_clean(outcome)
                assert outcome.result in ([], 0, {"length": 0, "records": []}), outcome


def test_name_search_does_not_find_another_companys_records(world):
    for context in spoofed(world):
        for outcome in world.user.call_all("res.partner", "name_search", None,
                                           {"name": "Secret B", "context": context}):
            if outcome.ok:
                assert world.hidden not in [row[0] for row in outcome.result], outcome
            else:
                assert_refused(outcome, "AccessError", "UserError")


def test_searching_through_a_relation_reveals_nothing(served, world):
    """Visible A's parent is B's contact: matching on the parent's hidden values (one
    guess at a time) must not tell them."""
    user: Caller = world.user
    probes = [[("parent_id.email", "=", SECRET_EMAIL)],
              [("parent_id.email", "ilike", "treasurer")],
              [("parent_id", "any", [("comment", "ilike", "transfer")])],
              [("parent_id.company_id", "=", world.b)],
              [("parent_id", "=", "Secret B")]]  # by name
    for domain in probes:
        # the probe is a true guess: as superuser it finds Visible A
        assert served.run(lambda env, d=domain: env["res.partner"].search(d).ids) == [
            world.mine], domain
        for outcome in user.call_all("res.partner", "search", None, {"domain": domain}):
            assert_clean(outcome)
            assert outcome.ok and outcome.result == [], (domain, outcome)


def test_relations_do_not_open_the_hidden_record(world):
    user: Caller = world.user
    for outcome in user.call_all("res.partner", "web_read", [world.mine], {
            "specification": {"parent_id": {"fields": {"email": {}, "comment": {}}}}}):
        assert_refused(outcome, "AccessError")
        assert_no_secret(outcome)
    for outcome in user.call_all("res.partner", "web_search_read", None, {
            "domain": [("id", "=", world.mine)],
            "specification": {"parent_id": {"fields": {"email": {}}}}}):
        assert_refused(outcome, "AccessError")
        assert_no_secret(outcome)


def test_records_cannot_be_created_in_another_company(world):
    for outcome in world.user.call_all("res.partner", "create", None, {
            "vals_list": [{"name": "planted", "company_id": world.b}]}):
        assert_refused(outcome, "AccessError")


def test_users_cannot_join_another_company(world):
    user: Caller = world.user
    for outcome in user.call_all("res.users", "write", [user.uid], {
            "vals": {"company_ids": [(4, world.b)], "company_id": world.b}}):
        assert_refused(outcome, "AccessError")


def test_records_cannot_be_moved_into_another_company(served, world):
    """write checks the rules on the records as they become too (create does): a user of
    company A may not move their contact into company B."""
    try:
        for outcome in world.user.call_all("res.partner", "write", [world.mine], {
                "vals": {"company_id": world.b}}):
            assert_refused(outcome, "AccessError")
            assert "take them out of what you may modify" in outcome.message, outcome
        # the same user may still change what the rules do not look at, or stay in A
        for outcome in world.user.call_all("res.partner", "write", [world.mine], {
                "vals": {"company_id": world.a}}):
            assert outcome.ok and outcome.result is True, outcome
    finally:  # put it back, whatever happened, so that the next tests see the same data
        served.run(lambda env: env["res.partner"].browse(world.mine).write(
            {"company_id": world.a}))


def test_rest_and_json2_refuse_another_companys_record(world):
    user: Caller = world.user
    headers = {"Authorization": f"Bearer {user.key}"}
    url = user.url
    answers = [
        (requests.get(f"{url}/api/v1/res.partner/{world.hidden}", headers=headers,
                      timeout=30), 403),
        (requests.get(f"{url}/api/v1/res.partner/{world.hidden}?fields=email", headers=headers,
                      timeout=30), 403),
        (requests.patch(f"{url}/api/v1/res.partner/{world.hidden}", json={"name": "pwned"},
                        headers=headers, timeout=30), 403),
        (requests.get(f"{url}/api/v1/res.company/{world.b}", headers=headers, timeout=30), 403),
        (requests.post(f"{url}/json/2/res.partner/read", json={
            "ids": [world.hidden], "fields": ["email"],
            "context": {"allowed_company_ids": [world.a, world.b]}}, headers=headers,
            timeout=30), 403),
    ]
    for response, status in answers:
        assert response.status_code == status, response.text
        assert not [s for s in SECRETS if s in response.text], response.text
    listing = requests.get(f"{url}/api/v1/res.partner", params={
        "domain": json.dumps([["email", "=", SECRET_EMAIL]]), "fields": "name,email"},
        headers=headers, timeout=30)
    assert listing.status_code == 200 and listing.json() == {"records": []}, listing.text


def test_messages_of_another_companys_record_are_hidden(served, world):
    """A message is as hidden as the record it is posted on (mail.message follows its
    document): not found by searches, refused by id, not planted either."""
    domains = [[("model", "=", "res.partner"), ("res_id", "=", world.hidden)],
               [("body", "ilike", "board minutes")], [("id", "=", world.message)], []]
    for domain in domains:
        for outcome in world.user.call_all("mail.message", "search_read", None, {
                "domain": domain, "fields": ["body", "record_name"]}):
            assert outcome.ok, outcome
            assert world.message not in [row["id"] for row in outcome.result], outcome
            if domain:
                assert_no_secret(outcome)
            else:  # all messages: Visible A's are there ("Secret B, Visible A" its name)
                assert SECRET_MESSAGE not in json.dumps(outcome.result), outcome
        for outcome in world.user.call_all("mail.message", "search_count", None,
                                           {"domain": domain}):
            assert outcome.ok, outcome
        if domain:
            assert outcome.result == 0, (domain, outcome)
    for method, kwargs in [("read", {"fields": ["body"]}),
                           ("web_read", {"specification": {"body": {}}}),
                           ("write", {"vals": {"body": "pwned"}})]:
        for outcome in world.user.call_all("mail.message", method, [world.message], kwargs):
            assert_refused(outcome, "AccessError")
            assert_no_secret(outcome)
    for outcome in world.user.call_all("mail.message", "create", None, {"vals_list": [
            {"model": "res.partner", "res_id": world.hidden, "body": "planted"}]}):
        assert_refused(outcome, "AccessError")

    def stored(env):
        messages = env["mail.message"].search([("model", "=", "res.partner"),
                                               ("res_id", "=", world.hidden)])
        return [str(body) for body in messages.mapped("body")]
    bodies = " ".join(served.run(stored))  # unchanged, and nothing planted
    assert SECRET_MESSAGE in bodies and "pwned" not in bodies and "planted" not in bodies


# -- followers and activities --------------------------------------------------------------
def mail_rows(served) -> dict[str, list[tuple]]:
    """The followers and activities as stored (read as superuser), and the number of
    messages: what an attack on them must leave as it was."""
    def work(env):
        env.cr.execute(SQL("SELECT id, res_model, res_id, partner_id FROM mail_followers "
                           "ORDER BY id"))
        followers = env.cr.fetchall()
        env.cr.execute(SQL("SELECT id, res_model, res_id, summary, note, user_id, "
                           "date_deadline FROM mail_activity ORDER BY id"))
        activities = env.cr.fetchall()
        env.cr.execute(SQL("SELECT count(*) FROM mail_message"))
        return {"followers": followers, "activities": activities,
                "messages": env.cr.fetchall()}
    return served.run(work)


@pytest.fixture
def mail_unchanged(served, world):
    before = mail_rows(served)
    yield
    assert mail_rows(served) == before, "an attack changed followers or activities"


CHATTER_SEARCHES = [
    ("search", {}),
    ("search_count", {}),
    ("search_read", {"fields": ["res_id", "partner_id", "display_name"]}),
    ("web_search_read", {"specification": {"res_id": {}, "partner_id": {
        "fields": {"display_name": {}}}}}),
    ("read_group", {"fields": ["res_id:count"], "groupby": ["res_id"]}),
]


@pytest.mark.parametrize("method, kwargs", CHATTER_SEARCHES, ids=[m for m, _ in CHATTER_SEARCHES])
def test_followers_and_activities_of_another_companys_record_are_not_found(
        world, mail_unchanged, method, kwargs):
    """Who follows B's contact and what is planned on it are as hidden as the contact,
    also the activity assigned to the user themselves ("My Activities")."""
    chatter = world.chatter
    hidden_ids = {"mail.followers": {chatter.follower},
                  "mail.activity": set(chatter.activities)}
    on_hidden = [("res_model", "=", "res.partner"), ("res_id", "=", world.hidden)]
    probes = {
        "mail.followers": [on_hidden, [("id", "=", chatter.follower)],
                           [("partner_id", "=", chatter.auditor)],
                           [("partner_id.name", "ilike", "auditor")]],
        "mail.activity": [on_hidden, [("id", "in", chatter.activities)],
                          [("summary", "ilike", "merger")], [("res_name", "=", "Secret B")],
                          [("user_id", "=", world.user.uid), ("res_id", "=", world.hidden)],
                          [("note", "ilike", "transfer codes")]],
    }
    for model, domains in probes.items():
        call_kwargs = dict(kwargs)
        if model == "mail.activity" and "fields" in kwargs and method == "search_read":
            call_kwargs["fields"] = ["res_id", "summary", "note", "res_name"]
        if model == "mail.activity" and method == "web_search_read":
            call_kwargs["specification"] = {"summary": {}, "note": {}, "res_name": {}}
        for domain in domains:
            for outcome in world.user.call_all(model, method, None,
                                               {**call_kwargs, "domain": domain}):
                assert_clean(outcome)
                assert outcome.ok, (model, domain, outcome)
                assert_no_secret(outcome)
                assert outcome.result in ([], 0, {"length": 0, "records": []}), (
                    model, domain, outcome)
        # everything the user may see: their own on A's contact, none of B's
        for outcome in world.user.call_all(model, "search", None, {"domain": []}):
            assert outcome.ok, outcome
            assert not hidden_ids[model] & set(outcome.result), (model, outcome)
    for outcome in world.user.call_all("mail.activity", "search_read", None, {
            "domain": [("user_id", "=", world.user.uid)], "fields": ["summary", "note"]}):
        assert [row["id"] for row in outcome.result] == [chatter.own_activity], outcome
        assert SECRET_ACTIVITY not in json.dumps(outcome.result), outcome


def test_followers_and_activities_of_another_companys_record_are_refused_by_id(
        world, mail_unchanged):
    chatter = world.chatter
    attempts = {
        "mail.followers": ([chatter.follower], [
            ("read", {"fields": ["res_id", "partner_id"]}),
            ("web_read", {"specification": {"partner_id": {"fields": {"display_name": {}}}}}),
            ("copy", {}),
            ("write", {"vals": {"partner_id": chatter.me}}),
            ("unlink", {})]),
        "mail.activity": (chatter.activities, [
            ("read", {"fields": ["summary", "note", "res_name"]}),
            ("web_read", {"specification": {"summary": {}, "note": {}}}),
            ("copy", {}),
            ("write", {"vals": {"summary": "pwned", "user_id": world.user.uid}}),
            ("unlink", {}),
            ("action_feedback", {"feedback": "pwned"}),
            ("action_done", {})]),
    }
    for model, (ids, calls) in attempts.items():
        for method, kwargs in calls:
            for one in ids:
                for outcome in world.user.call_all(model, method, [one], kwargs):
                    assert_refused(outcome, "AccessError")
                    assert_no_secret(outcome)


def test_followers_and_activities_cannot_be_planted_on_another_companys_record(
        world, mail_unchanged):
    chatter = world.chatter
    on_hidden = {"res_model": "res.partner", "res_id": world.hidden}
    plants = [
        ("mail.followers", {**on_hidden, "partner_id": chatter.me}),
        ("mail.followers", {**on_hidden, "partner_id": world.mine}),
        # the auditor follows it already: refused for access all the same, not by the
        # unique constraint (which would tell who follows it)
        ("mail.followers", {**on_hidden, "partner_id": chatter.auditor}),
        ("mail.activity", {**on_hidden, "summary": "planted", "user_id": world.user.uid}),
        ("mail.activity", {**on_hidden, "summary": "planted", "res_name": "mine"}),
    ]
    for model, vals in plants:
        for outcome in world.user.call_all(model, "create", None, {"vals_list": [vals]}):
            assert_refused(outcome, "AccessError")
            assert_no_secret(outcome)
    for method, kwargs in [("message_subscribe", {"partner_ids": [chatter.me]}),
                           ("message_unsubscribe", {"partner_ids": [chatter.auditor]}),
                           ("activity_schedule", {"summary": "planted"})]:
        for outcome in world.user.call_all("res.partner", method, [world.hidden], kwargs):
            assert_refused(outcome, "AccessError")
            assert_no_secret(outcome)


def test_own_followers_and_activities_cannot_be_moved_to_another_companys_record(
        world, mail_unchanged):
    """The user's own follower and activity on A's contact: theirs to change, not to carry
    over to B's contact."""
    chatter = world.chatter
    for model, one in [("mail.followers", chatter.own_follower),
                       ("mail.activity", chatter.own_activity)]:
        for vals in ({"res_id": world.hidden}, {"res_model": "res.company", "res_id": world.b}):
            for outcome in world.user.call_all(model, "write", [one], {"vals": vals}):
                assert_refused(outcome, "AccessError")
                assert_no_secret(outcome)
    # the same user reads and changes them where they are
    for outcome in world.user.call_all("mail.activity", "write", [chatter.own_activity], {
            "vals": {"summary": "call Visible A"}}):
        assert outcome.ok and outcome.result is True, outcome
    for outcome in world.user.call_all("res.partner", "chatter_read", [world.mine], {}):
        assert outcome.ok, outcome
        assert [a["id"] for a in outcome.result["activities"]] == [chatter.own_activity]
        assert chatter.me in [f["partner_id"]["id"] for f in outcome.result["followers"]]


def test_searching_followers_and_activities_is_one_query(served, world):
    """The filter is part of the search's own query, whatever the number of rows: one
    query for the ids and values, as for the superuser, who pays no filter."""
    def count(env):
        logs = {}
        for model, fields in [("mail.followers", ["res_id", "res_model"]),
                              ("mail.activity", ["summary", "res_id", "date_deadline"])]:
            env[model].search_read([], fields)  # warm (rights, rules)
            env.invalidate_all()
            with assert_queries(env.cr, 1) as log:
                rows = env[model].search_read([], fields)
            logs[model] = ([code for code, _params in log], len(rows))
        return logs
    as_user, as_superuser = served.run(count, uid=world.user.uid), served.run(count)
    for model in ("mail.followers", "mail.activity"):
        (user_log, seen), (superuser_log, every) = as_user[model], as_superuser[model]
        assert len(user_log) == len(superuser_log) == 1, (user_log, superuser_log)
        assert "EXISTS" in user_log[0] and "EXISTS" not in superuser_log[0]
        assert seen < every
