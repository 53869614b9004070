"""Session hardening through the full application: cookie flags (HttpOnly, SameSite,
Secure only over HTTPS or behind a trusted proxy that says so), a new token at every
login, sessions ended by a password change or a security stamp bump (what turning 2FA on
or off does), idle expiry and absolute expiry — with small lifetimes, in real time."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest
from werkzeug.test import Client

from agora.db.manager import Databases
from agora.http.application import Application
from agora.http.sessions import DEFAULT_MAX_AGE, Session, SessionStore, _hash
from agora.testing.pytest_plugin import SERVED_USER_PASSWORD
from agora.testing.queries import assert_queries


def rpc(client: Client, path: str, params: dict | None = None, **kwargs):
    response = client.post(path, json={"jsonrpc": "2.0", "method": "call", "id": 1,
                                       "params": params or {}}, **kwargs)
    return response, response.get_json()


def login(client: Client, db: str, user: str, password: str, **kwargs):
    response, payload = rpc(client, "/web/session/authenticate",
                            {"db": db, "login": user, "password": password}, **kwargs)
    assert "result" in payload, payload
    return response


def alive(client: Client) -> bool:
    """Whether the client's session cookie still opens a session."""
    _, payload = rpc(client, "/web/session/get_session_info")
    if "result" in payload:
        return True
    assert payload["error"]["code"] == 100, payload  # "Odoo Session Expired", nothing else
    return False


def set_cookie_header(response) -> str:
    cookies = [value for name, value in response.headers.items()
               if name == "Set-Cookie" and value.startswith("session_id=")]
    assert len(cookies) == 1, response.headers
    return cookies[0]


def token_of(client: Client) -> str:
    return client.get_cookie("session_id").value


@pytest.fixture
def make_app(agora_app, agora_server_url: str,
             agora_served_db: str) -> Iterator[Callable[..., Application]]:
    """``make_app(**options)``: an Application like ``agora_app`` (its controllers are
    loaded) with other session settings; its pools are closed after the test."""
    opened: list[Databases] = []

    def make(**options) -> Application:
        databases = Databases(agora_server_url, pool_min=0, pool_max=4)
        opened.append(databases)
        return Application(databases=databases, default_db=agora_served_db, **options)
    yield make
    for databases in opened:
        databases.close()


@pytest.fixture
def user(agora_served_user):
    uid, login_name = agora_served_user
    return uid, login_name, SERVED_USER_PASSWORD


# -- cookie flags -------------------------------------------------------------------------
def test_session_cookie_is_httponly_samesite_and_lives_as_long_as_a_session_can(
        make_app, agora_served_db, user):
    app = make_app(session_lifetime=8 * 3600, session_max_age=3 * 24 * 3600)
    cookie = set_cookie_header(login(Client(app), agora_served_db, user[1], user[2]))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http: a Secure cookie would never come back
    # the absolute bound, not the idle one: the server ends idle sessions, and a cookie
    # that died 8 hours after the login would log out a user working all day
    assert "Max-Age=259200" in cookie
    # the default app: 30 days
    cookie = set_cookie_header(login(Client(make_app()), agora_served_db, user[1], user[2]))
    assert f"Max-Age={DEFAULT_MAX_AGE}" in cookie


def test_secure_only_over_https_or_behind_a_trusted_https_proxy(make_app, agora_served_db,
                                                                user):
    https = {"X-Forwarded-Proto": "https"}
    direct, proxied = make_app(), make_app(proxy_mode=True)
    cases = [
        (direct, {}, "http://localhost", False),
        (direct, {}, "https://localhost", True),
        # without proxy_mode anybody can send the header: it is not believed
        (direct, https, "http://localhost", False),
        (proxied, https, "http://localhost", True),
        (proxied, {"X-Forwarded-Proto": "http"}, "http://localhost", False),
        (proxied, {}, "http://localhost", False),
    ]
    for app, headers, base_url, secure in cases:
        response = login(Client(app), agora_served_db, user[1], user[2], headers=headers,
                         base_url=base_url)
        cookie = set_cookie_header(response)
        assert ("; Secure" in cookie) is secure, (app.proxy_mode, headers, base_url, cookie)
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_form_cookie_has_the_same_flags(make_app, agora_served_db, user):
    client = Client(make_app(proxy_mode=True))
    https = {"X-Forwarded-Proto": "https"}
    form = client.get("/web/login", headers=https)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.get_data(as_text=True))
    response = client.post("/web/login", headers=https, data={
        "csrf_token": csrf.group(1), "login": user[1], "password": user[2],
        "db": agora_served_db, "redirect": "/web"})
    assert response.status_code == 303
    cookie = set_cookie_header(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "; Secure" in cookie


# -- rotation -----------------------------------------------------------------------------
def test_every_login_gets_a_new_token_and_kills_the_old_one(agora_app, agora_served_db, user):
    client = Client(agora_app)
    # session fixation: a token planted in the browser before the login is not kept
    planted = "p" * 43
    client.set_cookie("session_id", f"{planted}.{agora_served_db}")
    login(client, agora_served_db, user[1], user[2])
    first = token_of(client)
    assert not first.startswith(planted)
    login(client, agora_served_db, user[1], user[2])
    second = token_of(client)
    assert second != first and alive(client)
    stale = Client(agora_app)
    stale.set_cookie("session_id", first)
    assert not alive(stale)
    # a login as someone else from the same browser does not inherit the session either
    login(client, agora_served_db, "admin", "admin")
    assert token_of(client) not in (first, second)
    stale.set_cookie("session_id", second)
    assert not alive(stale)


def test_login_form_rotates_the_token_too(agora_app, agora_served_db, user):
    client = Client(agora_app)
    login(client, agora_served_db, user[1], user[2])
    before = token_of(client)
    form = client.get("/web/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.get_data(as_text=True))
    client.post("/web/login", data={"csrf_token": csrf.group(1), "login": user[1],
                                    "password": user[2], "db": agora_served_db})
    assert token_of(client) != before and alive(client)
    stale = Client(agora_app)
    stale.set_cookie("session_id", before)
    assert not alive(stale)


# -- invalidation -------------------------------------------------------------------------
def test_password_reset_by_an_administrator_ends_every_session(agora_app, agora_served_db,
                                                              agora_served_run, user):
    uid = user[0]
    laptop, phone = Client(agora_app), Client(agora_app)
    login(laptop, agora_served_db, user[1], user[2])
    login(phone, agora_served_db, user[1], user[2])
    assert alive(laptop) and alive(phone)
    agora_served_run(lambda env: env["res.users"].browse(uid).write({"password": "reset-1"}))
    assert not alive(laptop) and not alive(phone)
    login(laptop, agora_served_db, user[1], "reset-1")
    assert alive(laptop)


def test_security_stamp_bump_ends_every_session(agora_app, agora_served_db, agora_served_run,
                                                user):
    uid = user[0]
    laptop, phone, admin = Client(agora_app), Client(agora_app), Client(agora_app)
    login(laptop, agora_served_db, user[1], user[2])
    login(phone, agora_served_db, user[1], user[2])
    login(admin, agora_served_db, "admin", "admin")
    agora_served_run(lambda env: env["res.users"].browse(uid)._invalidate_sessions())
    assert not alive(laptop) and not alive(phone)
    assert alive(admin)  # only that user's sessions
    # the same credentials log in again: the stamp is not a password
    login(laptop, agora_served_db, user[1], user[2])
    assert alive(laptop)
    # bumped twice more (two concurrent 2FA changes): still a change, still ends sessions
    agora_served_run(lambda env: env["res.users"].browse([uid, uid])._invalidate_sessions())
    assert not alive(laptop)


def test_own_session_can_survive_its_stamp_bump(agora_app, agora_served_db, agora_served_run,
                                                user):
    """What turning 2FA on from one's own preferences does: every other session ends,
    the one that did it goes on."""
    uid = user[0]
    mine, other = Client(agora_app), Client(agora_app)
    login(mine, agora_served_db, user[1], user[2])
    login(other, agora_served_db, user[1], user[2])
    token, db = token_of(mine).split(".")

    def enable_second_factor(env):
        env["res.users"].browse(uid)._invalidate_sessions()
        agora_app.sessions.refresh_fingerprint(env.cr, Session(token, db))
    agora_served_run(enable_second_factor)
    assert alive(mine) and not alive(other)


def test_the_stamp_is_out_of_reach_of_the_orm_and_rpc(agora_app, agora_served_db,
                                                      agora_served_run, user):
    assert agora_served_run(lambda env: "session_epoch" in env["res.users"]._fields) is False
    admin = Client(agora_app)
    login(admin, agora_served_db, "admin", "admin")
    victim = Client(agora_app)
    login(victim, agora_served_db, user[1], user[2])
    for method, args in (("read", [[user[0]], ["session_epoch"]]),
                         ("write", [[user[0]], {"session_epoch": 0}]),
                         ("search", [[("session_epoch", "=", 0)]]),
                         ("_invalidate_sessions", [[user[0]]])):
        _, payload = rpc(admin, "/web/dataset/call_kw", {
            "model": "res.users", "method": method, "args": args, "kwargs": {}})
        assert "error" in payload, (method, payload)
        assert "session_epoch" in payload["error"]["data"]["message"] \
            or "Private methods" in payload["error"]["data"]["message"], payload
    assert agora_served_run(lambda env: env.cr.execute(
        "SELECT session_epoch FROM res_users WHERE id = %s", (user[0],)).fetchone()[0]) == 0
    assert alive(victim)  # nothing above changed anything


def test_a_user_never_bumped_keeps_the_password_only_fingerprint(agora_served_run, user):
    """Sessions made before the stamp existed (the fingerprint of the password hash
    alone) stay valid when a database is upgraded."""
    store = SessionStore()
    session = agora_served_run(lambda env: store.create(env.cr, user[0], user[1]))

    def fingerprints(env):
        env.cr.execute(
            "SELECT s.fingerprint, encode(sha256(convert_to(coalesce(u.password, ''),"
            " 'UTF8')), 'hex'), u.session_epoch FROM http_session s"
            " JOIN res_users u ON u.id = s.uid WHERE s.uid = %s", (user[0],))
        return env.cr.fetchone()
    stored, password_only, epoch = agora_served_run(fingerprints)
    assert epoch == 0 and stored == password_only
    agora_served_run(lambda env: env["res.users"].browse(user[0])._invalidate_sessions())
    assert agora_served_run(lambda env: store.get(env.cr, session.token)) is None


# -- expiry -------------------------------------------------------------------------------
def test_idle_sessions_expire_and_used_ones_are_extended(make_app, agora_served_db, user):
    app = make_app(session_lifetime=3, session_max_age=3600)
    assert app.sessions.touch_interval == 1
    client = Client(app)
    login(client, agora_served_db, user[1], user[2])
    started = time.monotonic()
    time.sleep(1.5)
    assert alive(client)  # used: its expiry moves to now + 3 s
    time.sleep(max(0.0, 3.5 - (time.monotonic() - started)))
    assert alive(client)  # past the login's first expiry: the use above extended it
    time.sleep(3.5)
    assert not alive(client)  # idle longer than the lifetime


def test_read_only_requests_extend_their_session_too(make_app, agora_served_db,
                                                     agora_served_run, user):
    """Most of a client's requests are reads, run in READ ONLY transactions (or on a
    replica) that cannot write the new expiry: the application writes it after them."""
    app = make_app(session_lifetime=4 * 3600)
    session = agora_served_run(lambda env: app.sessions.create(env.cr, user[0], user[1]))

    def remaining(env) -> float:
        env.cr.execute("SELECT expires_at - now() at time zone 'UTC' FROM http_session"
                       " WHERE token_hash = %s", (_hash(session.token),))
        return env.cr.fetchone()[0].total_seconds()
    agora_served_run(lambda env: env.cr.execute(
        "UPDATE http_session SET expires_at = now() at time zone 'UTC' + interval '1 hour'"
        " WHERE token_hash = %s", (_hash(session.token),)))
    found = app.databases.run(agora_served_db, lambda cr: app.sessions.get(
        cr, session.token), readonly=True)
    assert found.uid == user[0] and found.touch_pending
    assert agora_served_run(remaining) < 3600  # the read-only lookup wrote nothing
    client = Client(app)
    client.set_cookie("session_id", session.cookie_value)
    assert alive(client)  # /web/session/get_session_info is a read-only route
    assert agora_served_run(remaining) > 3.9 * 3600
    # fresh again: the next lookup asks for no touch
    found = app.databases.run(agora_served_db, lambda cr: app.sessions.get(
        cr, session.token), readonly=True)
    assert not found.touch_pending


def test_sessions_end_at_max_age_however_much_they_are_used(make_app, agora_served_db, user):
    app = make_app(session_lifetime=60, session_max_age=3)
    client = Client(app)
    login(client, agora_served_db, user[1], user[2])
    started = time.monotonic()
    while time.monotonic() - started < 2:
        assert alive(client)
        time.sleep(0.4)
    time.sleep(max(0.0, 3.5 - (time.monotonic() - started)))
    assert not alive(client)


def test_absolute_expiry_counts_from_creation_and_follows_the_setting(agora_served_run, user):
    store = SessionStore(lifetime=7 * 24 * 3600, max_age=30 * 24 * 3600)
    young = agora_served_run(lambda env: store.create(env.cr, user[0], user[1]))
    old = agora_served_run(lambda env: store.create(env.cr, user[0], user[1]))

    def age(session, days: int):
        # created `days` ago, used a minute ago: only the absolute bound can end it
        return lambda env: env.cr.execute(
            "UPDATE http_session SET created_at = now() at time zone 'UTC'"
            " - make_interval(days => %s), expires_at = now() at time zone 'UTC'"
            " + interval '7 days' WHERE token_hash = %s", (days, _hash(session.token)))
    agora_served_run(age(young, 29))
    agora_served_run(age(old, 31))
    assert agora_served_run(lambda env: store.get(env.cr, young.token)) is not None
    assert agora_served_run(lambda env: store.get(env.cr, old.token)) is None
    # lowering the setting ends sessions made under the old one at once
    stricter = SessionStore(lifetime=7 * 24 * 3600, max_age=14 * 24 * 3600)
    assert agora_served_run(lambda env: stricter.get(env.cr, young.token)) is None


def test_touch_never_passes_max_age_and_stops_writing_there(agora_served_run, user):
    store = SessionStore(lifetime=4 * 3600, max_age=8 * 3600)
    session = agora_served_run(lambda env: store.create(env.cr, user[0], user[1]))
    key = _hash(session.token)
    # created 7 hours ago, so at most one more hour to live
    agora_served_run(lambda env: env.cr.execute(
        "UPDATE http_session SET created_at = created_at - interval '7 hours',"
        " expires_at = now() at time zone 'UTC' + interval '10 minutes'"
        " WHERE token_hash = %s", (key,)))
    assert agora_served_run(lambda env: store.get(env.cr, session.token)) is not None
    remaining = agora_served_run(lambda env: env.cr.execute(
        "SELECT expires_at - now() at time zone 'UTC', created_at + interval '8 hours'"
        " - expires_at FROM http_session WHERE token_hash = %s", (key,)).fetchone())
    assert remaining[0].total_seconds() < 3600 and remaining[1].total_seconds() == 0

    def lookup(env):
        store.ensure_table(env.cr)
        with assert_queries(env.cr, 1):  # capped: no touch, however often it is used
            return store.get(env.cr, session.token)
    assert agora_served_run(lookup) is not None


def test_touch_interval_follows_short_lifetimes():
    assert SessionStore(lifetime=7 * 24 * 3600).touch_interval == 3600
    assert SessionStore(lifetime=8 * 3600).touch_interval == 3600
    assert SessionStore(lifetime=1800).touch_interval == 225
    assert SessionStore(lifetime=60).touch_interval == 7
    assert SessionStore(lifetime=3).touch_interval == 1
