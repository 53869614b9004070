"""TOTP two-factor authentication over HTTP and RPC, driven like a client would: enrol
and confirm through JSON-RPC, log in in two steps with codes pyotp computes from the
secret, recovery codes, trusted devices, the administrator's reset, and the external
API refusing the bare password (API keys only) once 2FA is on."""

from __future__ import annotations

import time
import xmlrpc.client
from urllib.parse import unquote, urlparse

import pyotp
import pytest
import requests
from werkzeug.test import Client

from agora.db.sql import SQL
from agora.security import totp
from agora.testing.pytest_plugin import SERVED_USER_PASSWORD
from agora.testing.totp import fresh_code, last_step, secret_of


def rpc(client, path, params=None):
    response = client.post(path, json={"jsonrpc": "2.0", "method": "call", "id": 1,
                                       "params": params or {}})
    return response, response.get_json()


def call(client, model, method, args=(), kwargs=None):
    _, payload = rpc(client, "/web/dataset/call_kw", {
        "model": model, "method": method, "args": list(args), "kwargs": kwargs or {}})
    return payload


def authenticate(client, db, login, password, **extra):
    return rpc(client, "/web/session/authenticate",
               {"db": db, "login": login, "password": password, **extra})


def error_message(payload) -> str:
    assert "error" in payload, payload
    return payload["error"]["data"]["message"]


@pytest.fixture
def client(agora_app):
    return Client(agora_app)


@pytest.fixture
def user(agora_served_user):
    return agora_served_user


def enrol(client, db, login, run, uid) -> tuple[str, list[str]]:
    """Log ``login`` in, enrol and confirm 2FA; returns (secret, recovery codes)."""
    _, payload = authenticate(client, db, login, SERVED_USER_PASSWORD)
    assert payload["result"]["uid"] == uid
    started = call(client, "res.users", "totp_enrol", [[uid]],
                   {"password": SERVED_USER_PASSWORD})["result"]
    secret = secret_of(started["uri"])
    assert secret == started["secret"]
    _, payload = rpc(client, "/web/session/totp/confirm",
                     {"code": fresh_code(run, uid, secret)})
    return secret, payload["result"]["recovery_codes"]


# -- enrolment ---------------------------------------------------------------------------------
def test_enrol_gives_a_qr_code_and_confirm_needs_a_right_code(client, agora_served_db, user,
                                                              agora_served_run):
    uid, login = user
    authenticate(client, agora_served_db, login, SERVED_USER_PASSWORD)
    assert call(client, "res.users", "read", [[uid], ["totp_enabled"]])["result"] == [
        {"id": uid, "totp_enabled": False}]
    # the password first: a stolen session must not turn 2FA on with its own phone
    assert "Wrong password" in error_message(call(client, "res.users", "totp_enrol", [[uid]]))
    assert "Wrong password" in error_message(call(client, "res.users", "totp_enrol", [[uid]],
                                                  {"password": "guess"}))
    started = call(client, "res.users", "totp_enrol", [[uid]],
                   {"password": SERVED_USER_PASSWORD})["result"]
    uri = urlparse(started["uri"])
    assert uri.scheme == "otpauth" and uri.netloc == "totp" and login in uri.path
    assert started["qr"].startswith("data:image/svg+xml")
    assert "%3Csvg" in started["qr"] or "<svg" in started["qr"]
    # the secret is in no field: not in fields_get, not readable, not searchable
    fields = call(client, "res.users", "fields_get", [])["result"]
    assert "totp_enabled" in fields and not any("secret" in name for name in fields)
    assert "error" in call(client, "res.users", "read", [[uid], ["totp_secret"]])
    # a wrong code leaves 2FA off
    wrong = f"{(int(pyotp.TOTP(started['secret']).now()) + 1) % 10**6:06d}"
    _, payload = rpc(client, "/web/session/totp/confirm", {"code": wrong})
    assert "Invalid authentication code" in error_message(payload)
    assert agora_served_run(lambda env: env["res.users"].browse(uid).totp_enabled) is False
    _, payload = rpc(client, "/web/session/totp/confirm",
                     {"code": fresh_code(agora_served_run, uid, started["secret"])})
    codes = payload["result"]["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    # the confirming session lives on; the flag is readable by the user
    assert call(client, "res.users", "read", [[uid], ["totp_enabled"]])["result"][0][
        "totp_enabled"] is True
    status = call(client, "res.users", "totp_status", [[uid]])["result"]
    assert status["enabled"] is True and status["recovery_codes_left"] == 10
    # recovery codes are stored hashed only
    def stored(env):
        env.cr.execute(SQL("SELECT code_hash FROM res_users_totp_recovery WHERE user_id = %s",
                           uid))
        return [row[0] for row in env.cr.fetchall()]
    hashes = agora_served_run(stored)
    assert len(hashes) == 10 and not set(codes) & set(hashes)
    assert "already enabled" in error_message(call(client, "res.users", "totp_enrol", [[uid]]))


def test_enabling_2fa_ends_the_users_other_sessions(agora_app, agora_served_db, user,
                                                    agora_served_run):
    uid, login = user
    other = Client(agora_app)
    authenticate(other, agora_served_db, login, SERVED_USER_PASSWORD)
    enrol(Client(agora_app), agora_served_db, login, agora_served_run, uid)
    _, payload = rpc(other, "/web/session/get_session_info")
    assert payload["error"]["code"] == 100


def test_users_manage_only_their_own_2fa(client, agora_served_db, user, agora_served_run):
    uid, login = user
    authenticate(client, agora_served_db, login, SERVED_USER_PASSWORD)
    for method, args in (("totp_enrol", []), ("totp_confirm", ["123456"]),
                         ("totp_disable", ["x"]), ("totp_status", []),
                         ("action_totp_reset", [])):
        payload = call(client, "res.users", method, [[2], *args])
        assert payload["error"]["data"]["name"] == "odoo.exceptions.AccessError", method
    for private in ("_totp_check_code", "_totp_login_finish", "_totp_trust_device"):
        payload = call(client, "res.users", private, [[uid], "123456"])
        assert payload["error"]["data"]["name"] == "odoo.exceptions.AccessError", private


# -- logging in ---------------------------------------------------------------------------------
def test_login_needs_a_second_step_with_a_valid_code(agora_app, agora_served_db, user,
                                                     agora_served_run):
    uid, login = user
    secret, _codes = enrol(Client(agora_app), agora_served_db, login, agora_served_run, uid)
    browser = Client(agora_app)
    response, payload = authenticate(browser, agora_served_db, login, SERVED_USER_PASSWORD)
    pending = payload["result"]
    assert pending["uid"] is None and pending["second_factor"] == "totp"
    assert pending["second_factor_url"] == "/web/session/totp"
    assert "session_id=" in response.headers["Set-Cookie"]
    # the pending session is not logged in (asked from a copy of the browser: the
    # refusal clears the cookie)
    peek = Client(agora_app)
    peek.set_cookie("session_id", browser.get_cookie("session_id").value)
    assert "error" in call(peek, "res.partner", "search", [[]])
    peek.set_cookie("session_id", browser.get_cookie("session_id").value)
    assert rpc(peek, "/web/session/get_session_info")[1]["error"]["code"] == 100
    # a wrong code: refused, with the attempts left
    code = fresh_code(agora_served_run, uid, secret)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    _, payload = rpc(browser, "/web/session/totp", {"code": wrong})
    assert "4 attempts left" in error_message(payload)
    pending_cookie = browser.get_cookie("session_id").value
    response, payload = rpc(browser, "/web/session/totp", {"code": code})
    info = payload["result"]
    assert info["uid"] == uid and info["username"] == login
    assert "trusted_device_token" not in info
    # a new token: the pending one is gone
    assert browser.get_cookie("session_id").value != pending_cookie
    assert rpc(browser, "/web/session/get_session_info")[1]["result"]["uid"] == uid
    stale = Client(agora_app)
    stale.set_cookie("session_id", pending_cookie)
    assert "error" in rpc(stale, "/web/session/totp", {"code": code})[1]
    # the same code again, on a new login: refused (replay within its window)
    again = Client(agora_app)
    authenticate(again, agora_served_db, login, SERVED_USER_PASSWORD)
    _, payload = rpc(again, "/web/session/totp", {"code": code})
    assert "Invalid authentication code" in error_message(payload)
    # an older code (a step before the one used) is refused too
    older = pyotp.TOTP(secret).generate_otp(last_step(agora_served_run, uid) - 1)
    assert "Invalid" in error_message(rpc(again, "/web/session/totp", {"code": older})[1])


def test_wrong_password_gets_no_second_step(client, agora_served_db, user, agora_served_run):
    uid, login = user
    enrol(Client(client.application), agora_served_db, login, agora_served_run, uid)
    response, payload = authenticate(client, agora_served_db, login, "not-the-password")
    assert payload["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert "Set-Cookie" not in response.headers
    assert "No login is waiting" in error_message(rpc(client, "/web/session/totp",
                                                      {"code": "123456"})[1])


def test_five_wrong_codes_end_the_pending_login(client, agora_served_db, user,
                                                agora_served_run):
    uid, login = user
    secret, _ = enrol(Client(client.application), agora_served_db, login, agora_served_run, uid)
    authenticate(client, agora_served_db, login, SERVED_USER_PASSWORD)
    good = fresh_code(agora_served_run, uid, secret)
    wrong = f"{(int(good) + 7) % 10**6:06d}"
    messages = [error_message(rpc(client, "/web/session/totp", {"code": wrong})[1])
                for _ in range(5)]
    assert "1 attempt left" in messages[3]
    assert "log in with your password again" in messages[4]
    # even the right code is too late now: the password is asked again
    _, payload = rpc(client, "/web/session/totp", {"code": good})
    assert "error" in payload
    _, payload = authenticate(client, agora_served_db, login, SERVED_USER_PASSWORD)
    assert rpc(client, "/web/session/totp", {"code": good})[1]["result"]["uid"] == uid


def test_wrong_codes_over_many_logins_lock_the_user_for_a_while(agora_app, agora_served_db,
                                                                 user, agora_served_run):
    uid, login = user
    secret, _ = enrol(Client(agora_app), agora_served_db, login, agora_served_run, uid)
    good = fresh_code(agora_served_run, uid, secret)
    wrong = f"{(int(good) + 3) % 10**6:06d}"
    for _ in range(2):  # two logins, five wrong codes each: ten in all
        browser = Client(agora_app)
        authenticate(browser, agora_served_db, login, SERVED_USER_PASSWORD)
        for _ in range(5):
            rpc(browser, "/web/session/totp", {"code": wrong})
    browser = Client(agora_app)
    authenticate(browser, agora_served_db, login, SERVED_USER_PASSWORD)
    # the right code is not even checked now
    _, payload = rpc(browser, "/web/session/totp", {"code": good})
    assert "Too many wrong codes" in error_message(payload)

    def window_passed(env):
        env.cr.execute(SQL("UPDATE res_users SET totp_failures_since = totp_failures_since"
                           " - interval '1 hour' WHERE id = %s", uid))
    agora_served_run(window_passed)
    assert rpc(browser, "/web/session/totp", {"code": good})[1]["result"]["uid"] == uid


def test_pending_login_expires(client, agora_served_db, user, agora_served_run):
    uid, login = user
    secret, _ = enrol(Client(client.application), agora_served_db, login, agora_served_run, uid)
    authenticate(client, agora_served_db, login, SERVED_USER_PASSWORD)

    def past_deadline(env):
        env.cr.execute(SQL("UPDATE res_users_totp_login SET expires_at = expires_at"
                           " - interval '10 minutes' WHERE user_id = %s", uid))
    agora_served_run(past_deadline)
    _, payload = rpc(client, "/web/session/totp",
                     {"code": fresh_code(agora_served_run, uid, secret)})
    assert "log in with your password again" in error_message(payload)


def test_recovery_code_works_once(agora_app, agora_served_db, user, agora_served_run):
    uid, login = user
    _secret, codes = enrol(Client(agora_app), agora_served_db, login, agora_served_run, uid)
    first = Client(agora_app)
    authenticate(first, agora_served_db, login, SERVED_USER_PASSWORD)
    # typed loosely: upper case, spaces instead of dashes
    typed = codes[3].upper().replace("-", " ")
    assert rpc(first, "/web/session/totp", {"code": typed})[1]["result"]["uid"] == uid
    second = Client(agora_app)
    authenticate(second, agora_served_db, login, SERVED_USER_PASSWORD)
    assert "Invalid" in error_message(rpc(second, "/web/session/totp", {"code": codes[3]})[1])
    assert rpc(second, "/web/session/totp", {"code": codes[4]})[1]["result"]["uid"] == uid
    status = call(second, "res.users", "totp_status", [[uid]])["result"]
    assert status["recovery_codes_left"] == 8


def test_trusted_device_skips_the_code_until_it_expires(agora_app, agora_served_db, user,
                                                        agora_served_run):
    uid, login = user
    secret, _ = enrol(Client(agora_app), agora_served_db, login, agora_served_run, uid)
    agora_served_run(lambda env: env["ir.config_parameter"].set_param(
        "auth_totp.trusted_device_days", 7))
    try:
        browser = Client(agora_app)
        _, payload = authenticate(browser, agora_served_db, login, SERVED_USER_PASSWORD)
        assert payload["result"]["trusted_device_days"] == 7
        _, payload = rpc(browser, "/web/session/totp", {
            "code": fresh_code(agora_served_run, uid, secret), "trust_device": True})
        info = payload["result"]
        token = info["trusted_device_token"]
        assert info["uid"] == uid and info["trusted_device_days"] == 7

        def devices(env):
            env.cr.execute(SQL(
                "SELECT token_hash, expires_at - (now() at time zone 'UTC')"
                " FROM res_users_totp_device WHERE user_id = %s", uid))
            return env.cr.fetchall()
        [(stored_hash, lifetime)] = agora_served_run(devices)
        assert stored_hash != token and 6.9 < lifetime.total_seconds() / 86400 <= 7
        # the token logs in without a code (JSON clients send it; browsers, the cookie)
        _, payload = authenticate(Client(agora_app), agora_served_db, login,
                                  SERVED_USER_PASSWORD, trusted_device_token=token)
        assert payload["result"]["uid"] == uid
        cookie_browser = Client(agora_app)
        cookie_browser.set_cookie("agora_trusted_device", token)
        _, payload = authenticate(cookie_browser, agora_served_db, login, SERVED_USER_PASSWORD)
        assert payload["result"]["uid"] == uid
        # not for another user, not with a made-up token, and never without the password
        _, payload = authenticate(Client(agora_app), agora_served_db, login,
                                  SERVED_USER_PASSWORD, trusted_device_token=token[:-2] + "xx")
        assert payload["result"]["uid"] is None
        _, payload = authenticate(Client(agora_app), agora_served_db, login, "wrong",
                                  trusted_device_token=token)
        assert "error" in payload
        # past its expiry the code is asked again
        agora_served_run(lambda env: env.cr.execute(SQL(
            "UPDATE res_users_totp_device SET expires_at = (now() at time zone 'UTC')"
            " - interval '1 second' WHERE user_id = %s", uid)))
        _, payload = authenticate(Client(agora_app), agora_served_db, login,
                                  SERVED_USER_PASSWORD, trusted_device_token=token)
        assert payload["result"]["uid"] is None and payload["result"]["second_factor"] == "totp"
    finally:
        agora_served_run(lambda env: env["ir.config_parameter"].set_param(
            "auth_totp.trusted_device_days", False))


def test_disable_needs_a_code_or_the_password(client, agora_served_db, user,
                                             agora_served_run):
    uid, login = user
    enrol(client, agora_served_db, login, agora_served_run, uid)
    for wrong in ("123456", "not-the-password", "", None):
        payload = rpc(client, "/web/session/totp/disable", {"credential": wrong})[1]
        assert payload["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert rpc(client, "/web/session/totp/disable",
               {"credential": SERVED_USER_PASSWORD})[1]["result"] is True
    # this session lives on; 2FA is off: the password alone logs in again
    assert rpc(client, "/web/session/get_session_info")[1]["result"]["uid"] == uid
    _, payload = authenticate(Client(client.application), agora_served_db, login,
                              SERVED_USER_PASSWORD)
    assert payload["result"]["uid"] == uid

    def leftovers(env):
        env.cr.execute(SQL(
            "SELECT totp_secret, (SELECT count(*) FROM res_users_totp_recovery"
            " WHERE user_id = u.id) FROM res_users u WHERE id = %s", uid))
        return env.cr.fetchone()
    assert agora_served_run(leftovers) == (None, 0)


def test_disable_counts_wrong_passwords_like_logins(client, agora_served_db, user,
                                                   agora_served_run):
    """A stolen session must not become a password oracle: wrong codes or passwords
    given to turn 2FA off count for the login's brute-force cooldown."""
    uid, login = user
    enrol(client, agora_served_db, login, agora_served_run, uid)
    for attempt in range(5):
        payload = rpc(client, "/web/session/totp/disable", {"credential": f"guess-{attempt}"})[1]
        assert "stays enabled" in error_message(payload)
    # the right password is refused now, without being checked, and 2FA stays on
    payload = rpc(client, "/web/session/totp/disable", {"credential": SERVED_USER_PASSWORD})[1]
    assert "try again" in error_message(payload).lower()
    assert agora_served_run(lambda env: env["res.users"].browse(uid).totp_enabled) is True

    def attempts(env):
        env.cr.execute(SQL("SELECT source, ip FROM res_users_login_attempt WHERE login = %s",
                           login))
        return env.cr.fetchall()
    assert agora_served_run(attempts) == [("identity", None)] * 5


# -- administrators -----------------------------------------------------------------------------
def test_admin_resets_a_users_2fa(agora_app, agora_served_db, user, agora_served_run):
    uid, login = user
    mine = Client(agora_app)
    enrol(mine, agora_served_db, login, agora_served_run, uid)
    admin = Client(agora_app)
    authenticate(admin, agora_served_db, "admin", "admin")
    enabled = call(admin, "res.users", "search", [[("totp_enabled", "=", True)]])["result"]
    assert uid in enabled
    assert call(admin, "res.users", "action_totp_reset", [[uid]])["result"] is True
    assert call(admin, "res.users", "read", [[uid], ["totp_enabled"]])["result"][0][
        "totp_enabled"] is False
    # the reset ends the user's sessions, and the password alone logs in again
    assert rpc(mine, "/web/session/get_session_info")[1]["error"]["code"] == 100
    _, payload = authenticate(Client(agora_app), agora_served_db, login, SERVED_USER_PASSWORD)
    assert payload["result"]["uid"] == uid

    def audited(env):
        env.cr.execute(SQL("SELECT event FROM audit_log WHERE uid = %s AND event LIKE 'totp%%'"
                           " ORDER BY id", uid))
        return [row[0] for row in env.cr.fetchall()]
    assert agora_served_run(audited) == ["totp_enabled", "totp_disabled"]


def test_only_settings_administrators_reset(agora_app, agora_served_db, user,
                                            agora_served_run):
    uid, login = user
    enrol(Client(agora_app), agora_served_db, login, agora_served_run, uid)
    employee = Client(agora_app)
    # another plain user (not Settings) may not reset anyone, not even via context tricks
    other_login = f"totp-other-{time.monotonic_ns()}"
    other = agora_served_run(lambda env: env["res.users"].create({
        "name": "Other", "login": other_login, "password": "pw-other",
        "groups_id": [(6, 0, [env.ref("base.group_user").id])]}).id)
    try:
        authenticate(employee, agora_served_db, other_login, "pw-other")
        payload = call(employee, "res.users", "action_totp_reset", [[uid]],
                       {"context": {"su": True, "sudo": True}})
        assert payload["error"]["data"]["name"] == "odoo.exceptions.AccessError"
        assert agora_served_run(lambda env: env["res.users"].browse(uid).totp_enabled) is True
    finally:
        agora_served_run(lambda env: env["res.users"].browse(other).write({"active": False}))


# -- the external API ---------------------------------------------------------------------------
def test_rpc_refuses_the_bare_password_and_accepts_api_keys(agora_live_server, agora_served_db,
                                                            user, agora_served_run):
    uid, login = user
    url = agora_live_server.url
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    assert models.execute_kw(agora_served_db, uid, SERVED_USER_PASSWORD, "res.users",
                             "context_get", [])["uid"] == uid  # before 2FA
    key = agora_served_run(lambda env: env(user=uid, su=False)["res.users.apikeys"].generate(
        "script", "rpc"))
    web = requests.Session()
    web.post(f"{url}/web/session/authenticate", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"db": agora_served_db, "login": login, "password": SERVED_USER_PASSWORD}})
    started = web.post(f"{url}/web/dataset/call_kw", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 2, "params": {
            "model": "res.users", "method": "totp_enrol", "args": [[uid]],
            "kwargs": {"password": SERVED_USER_PASSWORD}}}
    ).json()["result"]
    confirmed = web.post(f"{url}/web/session/totp/confirm", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 3,
        "params": {"code": fresh_code(agora_served_run, uid, started["secret"])}}).json()
    assert "result" in confirmed, confirmed

    # XML-RPC: the password is refused with a message that says what to do, whether it
    # is right or wrong (no password oracle); common.login answers False
    for password in (SERVED_USER_PASSWORD, "wrong-password"):
        with pytest.raises(xmlrpc.client.Fault) as info:
            models.execute_kw(agora_served_db, uid, password, "res.users", "context_get", [])
        assert "API key" in info.value.faultString
    assert common.login(agora_served_db, login, SERVED_USER_PASSWORD) is False
    # JSON-RPC (/jsonrpc) alike
    answer = requests.post(f"{url}/jsonrpc", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 4, "params": {
            "service": "object", "method": "execute_kw",
            "args": [agora_served_db, uid, SERVED_USER_PASSWORD, "res.users", "context_get",
                     []]}}).json()
    assert "API key" in answer["error"]["data"]["message"]
    # the API key keeps working, for both
    assert common.login(agora_served_db, login, key) == uid
    assert models.execute_kw(agora_served_db, uid, key, "res.users", "context_get", [])[
        "uid"] == uid
    answer = requests.post(f"{url}/jsonrpc", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 5, "params": {
            "service": "object", "method": "execute_kw",
            "args": [agora_served_db, uid, key, "res.users", "context_get", []]}}).json()
    assert answer["result"]["uid"] == uid
    # and an API key opens a web session without the second step (it is a second secret)
    answer = requests.post(f"{url}/web/session/authenticate", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 6,
        "params": {"db": agora_served_db, "login": login, "password": key}}).json()
    assert answer["result"]["uid"] == uid


# -- the web login form -------------------------------------------------------------------------
def test_login_form_asks_the_code_in_a_second_step(agora_app, agora_served_db, user,
                                                   agora_served_run):
    uid, login = user
    secret, _ = enrol(Client(agora_app), agora_served_db, login, agora_served_run, uid)
    browser = Client(agora_app)
    page = browser.get("/web/login")
    csrf = browser.get_cookie("agora_login_csrf", path="/web/login").value
    page = browser.post("/web/login", data={
        "csrf_token": csrf, "db": agora_served_db, "login": login,
        "password": SERVED_USER_PASSWORD, "redirect": "/web"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="totp_code"' in html
    assert 'name="trust_device"' in html and 'name="password"' not in html
    csrf = browser.get_cookie("agora_login_csrf", path="/web/login").value
    page = browser.post("/web/login", data={
        "csrf_token": csrf, "step": "totp", "totp_code": "000000", "redirect": "/web"})
    assert page.status_code == 401 and "Invalid authentication code" in page.get_data(
        as_text=True)
    csrf = browser.get_cookie("agora_login_csrf", path="/web/login").value
    page = browser.post("/web/login", data={
        "csrf_token": csrf, "step": "totp", "redirect": "/web",
        "totp_code": fresh_code(agora_served_run, uid, secret), "trust_device": "on"})
    assert page.status_code == 303 and page.headers["Location"].endswith("/web")
    cookies = page.headers.getlist("Set-Cookie")
    trusted = [c for c in cookies if c.startswith("agora_trusted_device=")]
    assert trusted and "HttpOnly" in trusted[0] and "Max-Age=" in trusted[0]
    assert rpc(browser, "/web/session/get_session_info")[1]["result"]["uid"] == uid


# -- the pure functions -------------------------------------------------------------------------
def test_codes_are_accepted_one_step_early_or_late_and_no_further():
    secret = totp.new_secret()
    assert len(secret) == 32
    now = 1_700_000_015.0  # the middle of a 30 s step
    step = totp.current_step(now)
    generate = pyotp.TOTP(secret).generate_otp
    for offset in (-1, 0, 1):
        assert totp.matching_step(secret, generate(step + offset), now=now) == step + offset
    for offset in (-3, -2, 2, 3):
        assert totp.matching_step(secret, generate(step + offset), now=now) is None
    # typed with a space, or as a number, as people and clients do
    code = generate(step)
    assert totp.matching_step(secret, f"{code[:3]} {code[3:]}", now=now) == step
    if code[0] != "0":
        assert totp.matching_step(secret, int(code), now=now) == step
    for junk in ("", "12345", "1234567", "abcdef", None, True, ["123456"]):
        assert totp.matching_step(secret, junk, now=now) is None
    assert totp.matching_step("", code, now=now) is None


def test_recovery_codes_are_random_and_typed_loosely():
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == totp.RECOVERY_CODE_COUNT
    for code in codes:
        canonical = totp.normalize_recovery_code(code)
        assert canonical and len(canonical) == totp.RECOVERY_CODE_LENGTH
        assert totp.normalize_recovery_code(f"  {code.upper().replace('-', ' ')} ") == canonical
    for junk in ("", "abcd-efgh", "abcd-efgh-ijk1", None, 123):
        assert totp.normalize_recovery_code(junk) is None


def test_qr_code_is_an_svg_data_uri_of_the_otpauth_uri():
    uri = totp.provisioning_uri(totp.new_secret(), "bob@example.com", "ACME Inc")
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and "issuer=ACME" in parsed.query
    data = totp.qr_svg_data_uri(uri)
    assert data.startswith("data:image/svg+xml")
    assert "svg" in unquote(data) and "<script" not in unquote(data)
