"""Password policy: the rules themselves, then through a real server — an administrator
creating users over XML-RPC, a user changing their own password over JSON-RPC, the
minimum length setting; superuser code (install data, scripts) is not checked, so the
demo ``admin``/``admin`` login keeps working."""

from __future__ import annotations

import time
import xmlrpc.client

import pytest
import requests

from agora.security.password_policy import (
    DEFAULT_MIN_LENGTH,
    MIN_LENGTH_PARAM,
    PasswordPolicyError,
    check_password,
    common_passwords,
    password_problems,
)
from agora.testing.addons import http_session, served_addons

GOOD = "Zebra-Lamp-Orbit-42"


# -- the rules ------------------------------------------------------------------------------------

def test_the_shipped_list_has_hundreds_of_lowercase_entries():
    words = common_passwords()
    assert len(words) >= 300
    assert {"123456", "password", "qwerty", "iloveyou", "admin", "letmein"} <= words
    assert all(word == word.lower() and not word.startswith("#") for word in words)


@pytest.mark.parametrize("password", [
    "password", "PASSWORD", "Password123!", "p@ssw0rd", "P4ssw0rd!", "Pa$$word1", "drowssap",
    "qwerty2024", "Summer2024!", "!Welcome1", "iloveyou!!", "12345678", "letmein99",
])
def test_common_passwords_are_refused_even_disguised(password):
    problems = password_problems(password, min_length=8)
    assert any("most common passwords" in problem for problem in problems), problems


@pytest.mark.parametrize(("password", "reason"), [
    ("zzzzzzzzzz", "repeats one character"),
    ("xy7xy7xy7xy7", "repeats a short pattern"),
    ("klmnopqrst", "simple sequence"),
    ("tsrqponmlk", "simple sequence"),
    ("2468024680", "simple sequence"),
    ("5678901234", "simple sequence"),
    ("hjkl;'", "simple sequence"),
    ("2wsx3edc4rfv", "simple sequence"),
])
def test_repetitions_and_sequences_are_refused(password, reason):
    problems = password_problems(password, min_length=6)
    assert any(reason in problem for problem in problems), problems


def test_the_login_and_the_name_are_refused():
    personal = ["jdupont@example.com", "Jeanne Dupont"]
    for password in ("jdupont@example.com", "Jdupont2024", "dupont-rules", "JEANNE!!77x"):
        problems = password_problems(password, min_length=8, personal=personal)
        assert problems == ["it is made from the login or the name of the user"], password
    assert password_problems(GOOD, min_length=8, personal=personal) == []


def test_length_and_every_problem_are_named():
    with pytest.raises(PasswordPolicyError) as info:
        check_password("admin", min_length=DEFAULT_MIN_LENGTH, personal=["admin"])
    error = info.value
    assert error.model == "res.users" and error.field == "password"
    assert "5 characters, at least 8 are needed" in str(error)
    assert "most common passwords" in str(error)
    assert "login or the name" in str(error)
    assert len(error.problems) == 3


@pytest.mark.parametrize("password", [
    GOOD, "correct horse battery staple", "Tr0ub4dor&3-mauve", "xK9#mQ2$vLp", "old-secret",
    "new-secret", "a-new-password",
])
def test_reasonable_passwords_pass(password):
    assert password_problems(password, min_length=8, personal=["alice", "Alice Martin"]) == []


# -- through a real server ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(agora_server_url):
    with served_addons(agora_server_url, ["base"], demo=False,
                       prefix="agora_pwpolicy") as served:
        yield served


def _rpc(served, uid, password, model, method, *args, **kwargs):
    proxy = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/object")
    return proxy.execute_kw(served.name, uid, password, model, method, list(args), kwargs)


def _admin_uid(served):
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    uid = common.authenticate(served.name, "admin", "admin", {})
    assert uid  # the demo password predates the policy and keeps working
    return uid


def test_admin_creating_a_user_with_a_weak_password_is_refused(served):
    admin = _admin_uid(served)
    login = f"weak-{time.monotonic_ns()}"
    with pytest.raises(xmlrpc.client.Fault) as info:
        _rpc(served, admin, "admin", "res.users", "create",
             {"name": "Weak One", "login": login, "password": "password1"})
    assert info.value.faultCode == 2  # a warning (ValidationError), not a server error
    assert "too easy to guess" in info.value.faultString
    assert "most common passwords" in info.value.faultString
    assert not served.run(lambda env: env["res.users"].search([("login", "=", login)]).ids)
    uid = _rpc(served, admin, "admin", "res.users", "create",
               {"name": "Strong One", "login": login, "password": GOOD})
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    assert common.authenticate(served.name, login, GOOD, {}) == uid
    with pytest.raises(xmlrpc.client.Fault) as info:  # and on write: the login itself
        _rpc(served, admin, "admin", "res.users", "write", [uid], {"password": login + "!!"})
    assert "login or the name" in info.value.faultString
    assert common.authenticate(served.name, login, GOOD, {}) == uid  # unchanged


def test_a_user_changing_their_own_password_gets_the_policy(served):
    login = f"self-{time.monotonic_ns()}"
    served.run(lambda env: env["res.users"].create({
        "name": "Self Service", "login": login, "password": GOOD,
        "groups_id": [(6, 0, [env.ref("base.group_user").id])]}))
    session = http_session(served.url, served.name, login, GOOD)

    def change(new):
        return session.post(f"{served.url}/web/session/change_password", timeout=30, json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"old_password": GOOD, "new_password": new}}).json()
    answer = change("qwertyuiop")
    assert answer["error"]["data"]["name"] == "odoo.exceptions.ValidationError"
    assert "simple sequence" in answer["error"]["data"]["message"]
    assert change("Another-Good-Phrase-77")["result"] is True
    assert http_session(served.url, served.name, login, "Another-Good-Phrase-77")


def test_the_minimum_length_is_a_database_setting(served):
    admin = _admin_uid(served)
    served.run(lambda env: env["ir.config_parameter"].set_param(MIN_LENGTH_PARAM, "20"))
    try:
        with pytest.raises(xmlrpc.client.Fault) as info:
            _rpc(served, admin, "admin", "res.users", "create", {
                "name": "Short", "login": f"short-{time.monotonic_ns()}",
                "password": GOOD[:15]})
        assert "15 characters, at least 20 are needed" in info.value.faultString
    finally:
        served.run(lambda env: env["ir.config_parameter"].set_param(MIN_LENGTH_PARAM, False))
    assert _rpc(served, admin, "admin", "res.users", "create", {
        "name": "Long enough", "login": f"long-{time.monotonic_ns()}", "password": GOOD[:15]})


def test_superuser_code_is_trusted_and_no_context_key_bypasses(served):
    # install data, scripts, fixtures: the superuser sets what it likes
    login = f"legacy-{time.monotonic_ns()}"
    uid = served.run(lambda env: env["res.users"].create(
        {"name": "Legacy", "login": login, "password": "demo"}).id)
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    assert common.authenticate(served.name, login, "demo", {}) == uid
    # a client cannot switch the check off through its context
    admin = _admin_uid(served)
    for context in ({"install_mode": True}, {"skip_password_policy": True},
                    {"uid": 1}, {"su": True}):
        with pytest.raises(xmlrpc.client.Fault) as info:
            _rpc(served, admin, "admin", "res.users", "write", [uid], {"password": "123456"},
                 context=context)
        assert "too easy to guess" in info.value.faultString, context
    assert common.authenticate(served.name, login, "demo", {}) == uid
    assert requests.get(f"{served.url}/web/webclient/version_info", timeout=10).ok
