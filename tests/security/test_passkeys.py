"""Passkeys (WebAuthn) over the JSON routes, with a software authenticator that answers
the ceremonies as a browser's would (the browser test uses Chromium's virtual one):
registering several, passwordless login, the second step of a 2FA login, the signature
counter's clone check, replays, wrong origins, other users' keys, renaming and removing
through the ORM, and malformed answers."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from agora.db.sql import SQL
from agora.security import audit
from agora.testing.passkey_authenticator import SoftAuthenticator
from agora.testing.pytest_plugin import SERVED_USER_PASSWORD
from agora.testing.totp import fresh_code, secret_of

ORIGIN = "http://localhost"  # werkzeug's test client talks to http://localhost
PREFIX = "/web/session/passkey"


def rpc(client, path, params=None):
    response = client.post(path, json={"jsonrpc": "2.0", "method": "call", "id": 1,
                                       "params": params or {}})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def result(payload):
    assert "error" not in payload, payload["error"]
    return payload["result"]


def refusal(payload) -> str:
    assert "error" in payload, payload
    assert payload["error"]["data"]["name"].endswith("AccessDenied"), payload["error"]
    return payload["error"]["data"]["message"]


def call(client, model, method, args=(), kwargs=None):
    return rpc(client, "/web/dataset/call_kw", {
        "model": model, "method": method, "args": list(args), "kwargs": kwargs or {}})


def logged_in(agora_app, db, login) -> Client:
    client = Client(agora_app)
    assert result(rpc(client, "/web/session/authenticate", {
        "db": db, "login": login, "password": SERVED_USER_PASSWORD}))["uid"]
    return client


def register(client, authenticator, name="Laptop", password=SERVED_USER_PASSWORD) -> dict:
    options = result(rpc(client, f"{PREFIX}/register/options", {"password": password}))
    return result(rpc(client, f"{PREFIX}/register",
                      {"credential": authenticator.create(options), "name": name}))


def passwordless(agora_app, db, authenticator, **get_options):
    client = Client(agora_app)
    options = result(rpc(client, f"{PREFIX}/login/options", {"db": db}))
    credential = authenticator.get(options, **get_options)
    return client, rpc(client, f"{PREFIX}/login", {"db": db, "credential": credential})


def security_events(run, uid, event):
    def read(env):
        env.cr.execute(SQL("SELECT details FROM audit_log WHERE uid = %s AND event = %s"
                           " ORDER BY id", uid, event))
        return [row[0] for row in env.cr.fetchall()]
    return run(read)


@pytest.fixture
def user(agora_served_user):
    return agora_served_user


def test_register_several_and_log_in_without_password(agora_app, agora_served_db, user,
                                                      agora_served_run):
    uid, login = user
    client = logged_in(agora_app, agora_served_db, login)
    phone, laptop = SoftAuthenticator(ORIGIN), SoftAuthenticator(ORIGIN)
    first = register(client, phone, "Phone")
    second = register(client, laptop, "  Laptop ")
    assert second["name"] == "Laptop"
    keys = result(call(client, "res.users.passkey", "search_read", [[]],
                       {"fields": ["name", "user_id", "sign_count", "last_used"]}))
    assert [(k["id"], k["name"], k["user_id"][0]) for k in keys] == [
        (first["id"], "Phone", uid), (second["id"], "Laptop", uid)]
    assert all(k["last_used"] is False for k in keys)
    # the registration options exclude the passkeys the user has (no duplicate per device)
    options = result(rpc(client, f"{PREFIX}/register/options",
                         {"password": SERVED_USER_PASSWORD}))
    assert len(options["excludeCredentials"]) == 2
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["rp"]["id"] == "localhost"

    for authenticator, key_id in ((phone, first["id"]), (laptop, second["id"])):
        other, payload = passwordless(agora_app, agora_served_db, authenticator)
        info = result(payload)
        assert info["uid"] == uid and info["username"] == login
        # the session is a real one: the ORM answers as that user
        assert result(call(other, "res.users", "read", [[uid], ["login"]])) == [
            {"id": uid, "login": login}]
        row = result(call(other, "res.users.passkey", "read", [[key_id],
                                                               ["sign_count", "last_used"]]))
        assert row[0]["sign_count"] == 1 and row[0]["last_used"]
    added = security_events(agora_served_run, uid, audit.PASSKEY_ADDED)
    assert [d["name"] for d in added] == ["Phone", "Laptop"]
    logins = security_events(agora_served_run, uid, audit.LOGIN)
    assert sum(1 for d in logins if d and d.get("method") == "passkey") == 2


def test_an_answer_is_accepted_once(agora_app, agora_served_db, user):
    client = logged_in(agora_app, agora_served_db, user[1])
    key = SoftAuthenticator(ORIGIN)
    register(client, key)
    anonymous = Client(agora_app)
    options = result(rpc(anonymous, f"{PREFIX}/login/options", {"db": agora_served_db}))
    credential = key.get(options)
    assert result(rpc(anonymous, f"{PREFIX}/login", {"db": agora_served_db,
                                                     "credential": credential}))["uid"]
    replay = Client(agora_app)
    assert "expired" in refusal(rpc(replay, f"{PREFIX}/login",
                                    {"db": agora_served_db, "credential": credential}))


def test_a_cloned_authenticator_is_refused(agora_app, agora_served_db, user,
                                           agora_served_run):
    uid, login = user
    client = logged_in(agora_app, agora_served_db, login)
    original = SoftAuthenticator(ORIGIN)
    register(client, original)
    copy = original.clone()
    assert result(passwordless(agora_app, agora_served_db, original)[1])["uid"] == uid
    assert result(passwordless(agora_app, agora_served_db, original)[1])["uid"] == uid
    # the copy's counter (1) is behind the server's (2): a cloned key
    message = refusal(passwordless(agora_app, agora_served_db, copy)[1])
    assert "sign count" in message.lower()
    failures = security_events(agora_served_run, uid, audit.PASSKEY_FAILED)
    assert failures and "sign count" in failures[-1]["reason"].lower()


def test_an_answer_for_another_site_is_refused(agora_app, agora_served_db, user):
    client = logged_in(agora_app, agora_served_db, user[1])
    key = SoftAuthenticator(ORIGIN)
    register(client, key)
    _, payload = passwordless(agora_app, agora_served_db, key, origin="http://evil.example")
    assert "origin" in refusal(payload).lower()
    # a registration made on another origin is refused too, and stores nothing
    options = result(rpc(client, f"{PREFIX}/register/options",
                         {"password": SERVED_USER_PASSWORD}))
    payload = rpc(client, f"{PREFIX}/register", {
        "credential": SoftAuthenticator("http://evil.example").create(options)})
    assert "could not be registered" in refusal(payload)
    assert len(result(call(client, "res.users.passkey", "search", [[]]))) == 1


def test_passkey_as_the_second_factor(agora_app, agora_served_db, user, agora_served_run):
    uid, login = user
    client = logged_in(agora_app, agora_served_db, login)
    key = SoftAuthenticator(ORIGIN)
    register(client, key)
    started = result(call(client, "res.users", "totp_enrol", [[uid]],
                          {"password": SERVED_USER_PASSWORD}))
    result(rpc(client, "/web/session/totp/confirm", {
        "code": fresh_code(agora_served_run, uid, secret_of(started["uri"]))}))

    browser = Client(agora_app)
    pending = result(rpc(browser, "/web/session/authenticate", {
        "db": agora_served_db, "login": login, "password": SERVED_USER_PASSWORD}))
    assert pending["uid"] is None and pending["second_factor_methods"] == ["totp", "passkey"]
    options = result(rpc(browser, f"{PREFIX}/second_factor/options"))
    assert len(options["allowCredentials"]) == 1  # only this user's passkeys
    info = result(rpc(browser, "/web/session/totp", {"passkey": key.get(options)}))
    assert info["uid"] == uid
    assert result(call(browser, "res.users", "read", [[uid], ["login"]]))[0]["login"] == login


def test_another_users_passkey_is_no_second_factor(agora_app, agora_served_db, user,
                                                  agora_served_run):
    uid, login = user
    client = logged_in(agora_app, agora_served_db, login)
    register(client, SoftAuthenticator(ORIGIN))
    started = result(call(client, "res.users", "totp_enrol", [[uid]],
                          {"password": SERVED_USER_PASSWORD}))
    result(rpc(client, "/web/session/totp/confirm", {
        "code": fresh_code(agora_served_run, uid, secret_of(started["uri"]))}))
    # an administrator's passkey (someone who has this user's password is not them)
    admin = Client(agora_app)
    assert result(rpc(admin, "/web/session/authenticate", {
        "db": agora_served_db, "login": "admin", "password": "admin"}))["uid"]
    admins_key = SoftAuthenticator(ORIGIN)
    admins = register(admin, admins_key, "admin's", password="admin")
    try:
        browser = Client(agora_app)
        result(rpc(browser, "/web/session/authenticate", {
            "db": agora_served_db, "login": login, "password": SERVED_USER_PASSWORD}))
        options = result(rpc(browser, f"{PREFIX}/second_factor/options"))
        answer = admins_key.get(options, credential=admins_key.credentials[0])
        message = refusal(rpc(browser, "/web/session/totp", {"passkey": answer}))
        assert "attempt" in message  # counted as a wrong second factor
        session = rpc(browser, "/web/session/check")
        assert "error" in session  # still not logged in
    finally:
        result(call(admin, "res.users.passkey", "unlink", [[admins["id"]]]))


def test_only_the_name_can_be_changed_and_only_by_the_owner(agora_app, agora_served_db,
                                                            user, agora_served_run):
    uid, login = user
    client = logged_in(agora_app, agora_served_db, login)
    key = register(client, SoftAuthenticator(ORIGIN))
    assert result(call(client, "res.users.passkey", "write", [[key["id"]],
                                                              {"name": "Work phone"}]))
    assert result(call(client, "res.users.passkey", "read", [[key["id"]], ["name"]]))[0][
        "name"] == "Work phone"
    for vals in ({"public_key": "x"}, {"sign_count": 0}, {"user_id": 2}):
        payload = call(client, "res.users.passkey", "write", [[key["id"]], vals])
        assert payload["error"]["data"]["name"].endswith("AccessError"), payload
    payload = call(client, "res.users.passkey", "create", [{
        "name": "forged", "credential_identifier": "abc", "public_key": "abc"}])
    assert payload["error"]["data"]["name"].endswith("AccessError"), payload

    # another employee neither sees nor removes it
    def other_user(env):
        return env["res.users"].create({
            "name": "Other", "login": f"other-{uid}", "password": SERVED_USER_PASSWORD,
            "groups_id": [(6, 0, [env.ref("base.group_user").id])]}).id
    other_uid = agora_served_run(other_user)
    try:
        other = logged_in(agora_app, agora_served_db, f"other-{uid}")
        assert result(call(other, "res.users.passkey", "search", [[]])) == []
        payload = call(other, "res.users.passkey", "unlink", [[key["id"]]])
        assert payload["error"]["data"]["name"].endswith("AccessError"), payload
    finally:
        agora_served_run(lambda env: env["res.users"].browse(other_uid).write(
            {"active": False}))
    # the owner removes it: it no longer logs in
    authenticator = SoftAuthenticator(ORIGIN)
    second = register(client, authenticator)
    assert result(call(client, "res.users.passkey", "unlink", [[second["id"]]]))
    assert "not registered" in refusal(
        passwordless(agora_app, agora_served_db, authenticator)[1])
    removed = security_events(agora_served_run, uid, audit.PASSKEY_REMOVED)
    assert removed and removed[-1]["by"] == uid


def test_adding_a_passkey_needs_the_password(agora_app, agora_served_db, user,
                                            agora_served_run):
    """A stolen session must not plant a passkey (a way in for good): the password is
    asked, and guessing it counts for the login's cooldown."""
    uid, login = user
    client = logged_in(agora_app, agora_served_db, login)
    for guess in (None, "", "guess-1", "guess-2", "guess-3", "guess-4"):
        payload = rpc(client, f"{PREFIX}/register/options", {"password": guess})
        message = refusal(payload)
    assert "try again" in message.lower()  # the sixth: cooldown, the password unchecked
    payload = rpc(client, f"{PREFIX}/register/options", {"password": SERVED_USER_PASSWORD})
    assert "try again" in refusal(payload).lower()

    def pending(env):
        env.cr.execute(SQL("SELECT count(*) FROM res_users_passkey_challenge"
                           " WHERE user_id = %s", uid))
        return env.cr.fetchone()[0]
    assert agora_served_run(pending) == 0  # no ceremony was started


@pytest.mark.parametrize("credential", [
    None, 42, "not json", [], {}, {"id": "x"}, {"id": "x", "response": {}},
    {"id": "x", "response": {"clientDataJSON": "%%%"}},
    {"id": "x", "response": {"clientDataJSON": "e30"}},  # {} : no challenge
    {"id": "x", "response": {"clientDataJSON": "x" * 70000}},
])
def test_malformed_answers_get_a_clear_refusal(agora_app, agora_served_db, credential):
    client = Client(agora_app)
    message = refusal(rpc(client, f"{PREFIX}/login", {"db": agora_served_db,
                                                      "credential": credential}))
    assert "passkey" in message.lower()
    # and the server keeps serving
    assert result(rpc(client, f"{PREFIX}/login/options", {"db": agora_served_db}))[
        "challenge"]


def test_registering_needs_a_session_and_login_a_served_database(agora_app):
    client = Client(agora_app)
    payload = rpc(client, f"{PREFIX}/register/options")
    assert payload["error"]["code"] == 100  # session expired: log in first
    assert "database" in refusal(rpc(client, f"{PREFIX}/login/options",
                                     {"db": "no-such-database"}))
    assert "password" in refusal(rpc(client, f"{PREFIX}/second_factor/options"))
