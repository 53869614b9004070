"""Credential checks of the external API: the verified-password memo (one query, no
hashing, yet password changes seen at once) and API keys used as the password."""

from __future__ import annotations

import xmlrpc.client

import pytest

from agora.orm.exceptions import AccessDenied
from agora.rpc.authentication import CredentialChecker
from agora.testing.pytest_plugin import SERVED_USER_PASSWORD
from agora.testing.queries import assert_queries


@pytest.fixture
def run(agora_served_run):
    return agora_served_run


@pytest.fixture
def user(agora_served_user):
    return agora_served_user


def test_verified_password_costs_one_query_and_no_hashing(run, user, monkeypatch):
    checker = CredentialChecker()
    uid = user[0]
    assert run(lambda env: checker.check_uid_password(env, uid, SERVED_USER_PASSWORD)) == uid
    import agora.rpc.authentication as module
    monkeypatch.setattr(module, "verify_password", lambda *a: pytest.fail("hashed again"))

    def again(env):
        with assert_queries(env.cr, 1):
            return checker.check_uid_password(env, uid, SERVED_USER_PASSWORD)
    assert run(again) == uid


def test_memo_never_accepts_a_wrong_or_changed_password(run, user):
    checker = CredentialChecker()
    uid = user[0]
    run(lambda env: checker.check_uid_password(env, uid, SERVED_USER_PASSWORD))
    for wrong in ("pw-two", "", None, 42):
        with pytest.raises(AccessDenied):
            run(lambda env, wrong=wrong: checker.check_uid_password(env, uid, wrong))
    run(lambda env: env["res.users"].browse(uid).write({"password": "pw-two"}))
    with pytest.raises(AccessDenied):
        run(lambda env: checker.check_uid_password(env, uid, SERVED_USER_PASSWORD))
    assert run(lambda env: checker.check_uid_password(env, uid, "pw-two")) == uid
    run(lambda env: env["res.users"].browse(uid).write({"active": False}))
    with pytest.raises(AccessDenied):
        run(lambda env: checker.check_uid_password(env, uid, "pw-two"))
    run(lambda env: env["res.users"].browse(uid).write({"active": True}))
    with pytest.raises(AccessDenied):  # a uid that is not the password's user
        run(lambda env: checker.check_uid_password(env, 2, "pw-two"))


def test_api_key_works_as_rpc_password_until_revoked(run, user, agora_live_server,
                                                      agora_served_db):
    uid, login = user
    key = run(lambda env: env(user=uid, su=False)["res.users.apikeys"].generate("script", "rpc"))
    common = xmlrpc.client.ServerProxy(f"{agora_live_server.url}/xmlrpc/2/common")
    assert common.login(agora_served_db, login, key) == uid
    models = xmlrpc.client.ServerProxy(f"{agora_live_server.url}/xmlrpc/2/object")
    assert models.execute_kw(agora_served_db, uid, key, "res.users", "context_get", [])[
        "uid"] == uid
    run(lambda env: env["res.users.apikeys"].search([("user_id", "=", uid)]).revoke())
    with pytest.raises(xmlrpc.client.Fault) as info:
        models.execute_kw(agora_served_db, uid, key, "res.users", "context_get", [])
    assert info.value.faultCode == 3
    assert common.login(agora_served_db, login, key) is False


def test_key_of_another_scope_is_refused(run, user, agora_live_server, agora_served_db):
    uid, login = user
    key = run(lambda env: env(user=uid, su=False)["res.users.apikeys"].generate("other",
                                                                               "reports"))
    common = xmlrpc.client.ServerProxy(f"{agora_live_server.url}/xmlrpc/2/common")
    assert common.login(agora_served_db, login, key) is False
