"""Sessions in PostgreSQL: lookup, expiry, invalidation by a password change or a
deactivated user, logout, garbage collection, CSRF tokens."""

from __future__ import annotations

import time

import pytest

from agora.http.sessions import Session, SessionStore, parse_cookie
from agora.testing.queries import assert_queries


@pytest.fixture
def run(agora_served_run):
    return agora_served_run


@pytest.fixture
def user(agora_served_user):
    return agora_served_user


def test_created_session_is_found_by_its_token_only(run, user):
    store = SessionStore()
    uid, login = user
    session = run(lambda env: store.create(env.cr, uid, login, {"lang": "en_US"}))
    found = run(lambda env: store.get(env.cr, session.token))
    assert (found.uid, found.login, found.context) == (uid, login, {"lang": "en_US"})
    assert run(lambda env: store.get(env.cr, session.token[:-1] + "x")) is None
    # only the hash of the token is stored
    stored = run(lambda env: env.cr.execute(
        "SELECT token_hash FROM http_session WHERE uid = %s", (uid,)).fetchall())
    assert stored and all(session.token not in row[0] for row in stored)


def test_lookup_is_one_query(run, user):
    store = SessionStore()
    session = run(lambda env: store.create(env.cr, user[0], user[1]))

    def lookup(env):
        store.ensure_table(env.cr)
        with assert_queries(env.cr, 1):
            return store.get(env.cr, session.token)
    assert run(lookup).uid == user[0]


def test_password_change_and_deactivation_end_sessions(run, user):
    store = SessionStore()
    uid, login = user
    first = run(lambda env: store.create(env.cr, uid, login))
    second = run(lambda env: store.create(env.cr, uid, login))
    run(lambda env: env["res.users"].browse(uid).write({"password": "second-secret"}))
    assert run(lambda env: store.get(env.cr, first.token)) is None
    assert run(lambda env: store.get(env.cr, second.token)) is None
    third = run(lambda env: store.create(env.cr, uid, login))
    assert run(lambda env: store.get(env.cr, third.token)) is not None
    run(lambda env: env["res.users"].browse(uid).write({"active": False}))
    assert run(lambda env: store.get(env.cr, third.token)) is None
    run(lambda env: env["res.users"].browse(uid).write({"active": True}))


def test_refresh_fingerprint_keeps_own_session_after_password_change(run, user):
    store = SessionStore()
    uid, login = user
    own = run(lambda env: store.create(env.cr, uid, login))
    other = run(lambda env: store.create(env.cr, uid, login))

    def change(env):
        env["res.users"].browse(uid).write({"password": "changed-secret"})
        store.refresh_fingerprint(env.cr, own)
    run(change)
    assert run(lambda env: store.get(env.cr, own.token)) is not None
    assert run(lambda env: store.get(env.cr, other.token)) is None


def test_expired_sessions_are_refused_and_collected(run, user):
    store = SessionStore(lifetime=3600)
    session = run(lambda env: store.create(env.cr, user[0], user[1]))
    run(lambda env: env.cr.execute(
        "UPDATE http_session SET expires_at = now() at time zone 'UTC' - interval '1 second'"
        " WHERE uid = %s", (user[0],)))
    assert run(lambda env: store.get(env.cr, session.token)) is None
    assert run(lambda env: store.gc(env.cr)) >= 1
    assert run(lambda env: env.cr.execute(
        "SELECT count(*) FROM http_session WHERE uid = %s", (user[0],)).fetchone()[0]) == 0


def test_old_sessions_are_touched_forward(run, user):
    store = SessionStore(lifetime=4 * 3600)
    session = run(lambda env: store.create(env.cr, user[0], user[1]))
    run(lambda env: env.cr.execute(
        "UPDATE http_session SET expires_at = now() at time zone 'UTC' + interval '1 hour'"
        " WHERE uid = %s", (user[0],)))
    assert run(lambda env: store.get(env.cr, session.token)) is not None
    remaining = run(lambda env: env.cr.execute(
        "SELECT expires_at - now() at time zone 'UTC' FROM http_session WHERE uid = %s",
        (user[0],)).fetchone()[0])
    assert remaining.total_seconds() > 3.5 * 3600


def test_delete_and_delete_user_sessions(run, user):
    store = SessionStore()
    one = run(lambda env: store.create(env.cr, user[0], user[1]))
    run(lambda env: store.create(env.cr, user[0], user[1]))
    run(lambda env: store.delete(env.cr, one))
    assert run(lambda env: store.get(env.cr, one.token)) is None
    assert run(lambda env: store.delete_user_sessions(env.cr, user[0])) == 1


def test_anonymous_sessions_have_no_user(run):
    store = SessionStore()
    session = run(lambda env: store.create(env.cr, None))
    found = run(lambda env: store.get(env.cr, session.token))
    assert found is not None and found.uid is None
    run(lambda env: store.delete(env.cr, session))


def test_cookie_values_and_csrf_tokens():
    session = Session("t" * 43, "erp")
    assert parse_cookie(session.cookie_value) == ("t" * 43, "erp")
    assert parse_cookie("short.erp") is None and parse_cookie(None) is None
    assert parse_cookie("x" * 43) is None
    token = session.csrf_token()
    assert session.check_csrf(token)
    assert not Session("u" * 43, "erp").check_csrf(token)  # another session's token
    assert not session.check_csrf(token.replace(token[0], "0" if token[0] != "0" else "1", 1))
    assert not session.check_csrf(session.csrf_token(now=time.time() - 3 * 24 * 3600))
    for bad in (None, "", "o", "abc", 42, "deadbeefo" + "9" * 12):
        assert not session.check_csrf(bad)
