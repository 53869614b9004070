"""Reaching another company's records, over real HTTP: two companies, a user allowed in
company A only, and a contact of company B (with an e-mail, notes and a chatter message
that must stay hidden).

By id (``read``, ``web_read``, ``copy``, ``chatter_read``...), by search, through a
relation, with ``allowed_company_ids`` (and friends) spoofed in the context, through
XML-RPC, JSON-RPC, ``call_kw``, JSON-2 and REST: refused or not found, no hidden value in
any answer, nothing written."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import requests

from agora.testing.addons import served_addons_fixture
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
SECRETS = ("Secret B", SECRET_EMAIL, SECRET_NOTE, SECRET_MESSAGE)


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
