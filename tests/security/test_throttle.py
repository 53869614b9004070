"""Brute-force protection over real HTTP on a real PostgreSQL: two servers (two
``Application`` instances with pools of their own = two workers) serve one database;
the counters live in that database, so failures seen by either add up.

Client addresses are given with ``X-Forwarded-For`` (the servers run in proxy mode and are
wrapped in ``ClientAddressMiddleware``, which binds the address of each request); every
test uses addresses and users of its own, so tests do not count each other's failures.
"""

from __future__ import annotations

import itertools
import re
import time
import xmlrpc.client
from types import SimpleNamespace

import pytest
import requests

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.orm.exceptions import AccessDenied
from agora.security import throttle
from agora.security.throttle import (
    ADDRESS_LIMIT_PARAM,
    COOLDOWN_PARAM,
    LOGIN_LIMIT_PARAM,
    WINDOW_PARAM,
    ClientAddressMiddleware,
    LoginThrottled,
    ThrottleState,
    client_address,
)
from agora.testing.addons import conninfo_dbname, installed_database
from agora.testing.database import run_committed

PASSWORD = "Right-Horse-Battery-9"
LOGIN_LIMIT = 3
ADDRESS_LIMIT = 6
COOLDOWN = 3  # seconds: short, so the tests wait it out
THROTTLED = re.compile(r"^Too many failed logins; try again in [1-3] seconds?\.$")

_addresses = (f"198.51.100.{n}" for n in itertools.count(1))
_logins = (f"throttle-user-{n}-{time.monotonic_ns()}" for n in itertools.count(1))


@pytest.fixture(scope="module")
def workers(agora_server_url):
    """Two live servers (separate applications, pools and credential memos) on one
    database with ``web`` installed and short throttle settings."""
    from agora.db.manager import Databases
    from agora.http.application import Application
    from agora.service.wsgi import load_controllers
    from agora.testing.server import LiveServer

    with installed_database(agora_server_url, ["web"], prefix="agora_throttle") as conninfo:
        name = conninfo_dbname(conninfo)

        def run(work, uid=1):
            return run_committed(conninfo, work, uid)

        def configure(env):
            params = env["ir.config_parameter"]
            params.set_param(LOGIN_LIMIT_PARAM, LOGIN_LIMIT)
            params.set_param(ADDRESS_LIMIT_PARAM, ADDRESS_LIMIT)
            params.set_param(COOLDOWN_PARAM, COOLDOWN)
            params.set_param(WINDOW_PARAM, 600)
        run(configure)
        load_controllers()
        pools = [Databases(agora_server_url, pool_min=0, pool_max=4) for _ in range(2)]
        servers = [LiveServer(ClientAddressMiddleware(
            Application(databases=databases, default_db=name, proxy_mode=True)))
            for databases in pools]
        try:
            yield SimpleNamespace(name=name, conninfo=conninfo, run=run,
                                  urls=[server.url for server in servers])
        finally:
            for server in servers:
                server.stop()
            for databases in pools:
                databases.close()


@pytest.fixture
def user(workers):
    """``(uid, login)`` of a new internal user whose password is PASSWORD."""
    login = next(_logins)
    uid = workers.run(lambda env: env["res.users"].create({
        "name": "Throttle User", "login": login, "password": PASSWORD,
        "groups_id": [(6, 0, [env.ref("base.group_user").id])]}).id)
    return uid, login


# -- clients ------------------------------------------------------------------------------------

def authenticate(url, db, login, password, address):
    """``/web/session/authenticate``: (JSON answer, response)."""
    answer = requests.post(f"{url}/web/session/authenticate", timeout=30,
                           headers={"X-Forwarded-For": address},
                           json={"jsonrpc": "2.0", "method": "call", "id": 1,
                                 "params": {"db": db, "login": login, "password": password}})
    assert answer.status_code == 200
    return answer.json(), answer


def proxy(url, service, address):
    return xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/{service}",
                                     headers=[("X-Forwarded-For", address)])


def object_call(url, db, uid, password, address, method="search_read"):
    """An XML-RPC object call as ``uid`` (read-only by default: may run READ ONLY)."""
    models = proxy(url, "object", address)
    if method == "search_read":
        return models.execute_kw(db, uid, password, "res.partner", "search_read",
                                 [[["id", "=", 1]]], {"fields": ["name"]})
    return models.execute_kw(db, uid, password, "res.users", "context_get", [])


def attempts(workers, **where):
    domain = [(field, "=", value) for field, value in where.items()]
    return workers.run(lambda env: env["res.users.login.attempt"].search_read(
        domain, ["login", "ip", "user_id", "source", "cleared"], order="id"))


def wait_cooldown():
    time.sleep(COOLDOWN + 0.3)


def refused_message(answer):
    assert "result" not in answer, answer
    data = answer["error"]["data"]
    assert data["name"] == "odoo.exceptions.AccessDenied"
    return data["message"]


# -- /web/session/authenticate -----------------------------------------------------------------

def test_web_authenticate_cooldown_refuses_even_the_right_password(workers, user):
    uid, login = user
    address = next(_addresses)
    url = workers.urls[0]
    before = workers.run(lambda env: env.cr.execute(
        "SELECT xmin::text, write_date, password FROM res_users WHERE id = %s",
        (uid,)).fetchone())
    for _ in range(LOGIN_LIMIT):
        answer, response = authenticate(url, workers.name, login, "wrong-guess", address)
        assert refused_message(answer) == "Access Denied"
        assert "session_id" not in response.cookies
    answer, response = authenticate(url, workers.name, login, PASSWORD, address)
    assert THROTTLED.match(refused_message(answer)), answer
    assert "session_id" not in response.cookies
    # the password itself is not what is refused: another try of the right one, still no
    assert THROTTLED.match(refused_message(
        authenticate(url, workers.name, login, PASSWORD, address)[0]))
    # failures are rows of their own; the user's row is untouched
    rows = attempts(workers, login=login)
    assert len(rows) == LOGIN_LIMIT  # refused attempts during the cooldown are not counted
    assert all(row["ip"] == address and row["user_id"][0] == uid and row["source"] == "login"
               and not row["cleared"] for row in rows)
    after = workers.run(lambda env: env.cr.execute(
        "SELECT xmin::text, write_date, password FROM res_users WHERE id = %s",
        (uid,)).fetchone())
    assert after == before
    wait_cooldown()
    answer, response = authenticate(url, workers.name, login, PASSWORD, address)
    assert answer["result"]["uid"] == uid and "session_id" in response.cookies
    # success clears the login's failures from that address (kept for the admin to see)
    assert all(row["cleared"] for row in attempts(workers, login=login))
    answer, _ = authenticate(url, workers.name, login, "wrong-again", address)
    assert refused_message(answer) == "Access Denied"  # counting starts afresh


def test_after_the_cooldown_one_more_wrong_password_starts_another(workers, user):
    _uid, login = user
    address = next(_addresses)
    url = workers.urls[0]
    for _ in range(LOGIN_LIMIT):
        authenticate(url, workers.name, login, "wrong-guess", address)
    wait_cooldown()
    answer, _ = authenticate(url, workers.name, login, "still-wrong", address)
    assert refused_message(answer) == "Access Denied"  # checked: the cooldown was over
    answer, _ = authenticate(url, workers.name, login, PASSWORD, address)
    assert THROTTLED.match(refused_message(answer))  # and a new one began at once


def test_the_web_login_form_is_refused_during_a_cooldown(workers, user):
    _uid, login = user
    address = next(_addresses)
    url = workers.urls[1]
    browser = requests.Session()
    browser.headers["X-Forwarded-For"] = address

    def post(password):
        page = browser.get(f"{url}/web/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return browser.post(f"{url}/web/login", allow_redirects=False, timeout=30, data={
            "csrf_token": token, "login": login, "password": password, "db": workers.name})
    for _ in range(LOGIN_LIMIT):
        assert post("wrong-guess").status_code == 401
    refused = post(PASSWORD)
    assert refused.status_code == 401 and "session_id" not in browser.cookies
    assert len(attempts(workers, login=login)) == LOGIN_LIMIT
    wait_cooldown()
    assert post(PASSWORD).status_code == 303 and "session_id" in browser.cookies


# -- XML-RPC ----------------------------------------------------------------------------------------

def test_xmlrpc_authenticate_refuses_during_a_cooldown_like_any_wrong_login(workers, user):
    uid, login = user
    address = next(_addresses)
    common = proxy(workers.urls[0], "common", address)
    for _ in range(LOGIN_LIMIT):
        assert common.authenticate(workers.name, login, "wrong-guess", {}) is False
    # Odoo's answer to a refused login: False, whatever the reason
    assert common.authenticate(workers.name, login, PASSWORD, {}) is False
    assert common.login(workers.name, login, PASSWORD) is False
    # an unknown login is counted and refused exactly alike: no login enumeration
    ghost = next(_logins)
    ghost_address = next(_addresses)
    ghost_common = proxy(workers.urls[0], "common", ghost_address)
    for _ in range(LOGIN_LIMIT):
        assert ghost_common.authenticate(workers.name, ghost, "wrong-guess", {}) is False
    ghost_answer, _ = authenticate(workers.urls[0], workers.name, ghost, "x", ghost_address)
    user_answer, _ = authenticate(workers.urls[0], workers.name, login, "x", address)
    assert THROTTLED.match(refused_message(ghost_answer))
    assert THROTTLED.match(refused_message(user_answer))
    assert [row["user_id"] for row in attempts(workers, login=ghost)] == [False] * LOGIN_LIMIT
    wait_cooldown()
    assert common.authenticate(workers.name, login, PASSWORD, {}) == uid


def test_xmlrpc_object_calls_count_and_are_refused_even_when_remembered(workers, user):
    uid, login = user
    address = next(_addresses)
    url = workers.urls[0]
    # the right password once: this process now remembers it (no hashing next time)
    assert object_call(url, workers.name, uid, PASSWORD, address)
    for method in ("search_read", "context_get", "search_read"):  # read-only and not
        with pytest.raises(xmlrpc.client.Fault) as info:
            object_call(url, workers.name, uid, "wrong-guess", address, method)
        assert info.value.faultCode == 3 and info.value.faultString == "Access Denied"
    rows = attempts(workers, login=login)
    assert len(rows) == LOGIN_LIMIT and {row["source"] for row in rows} == {"rpc"}
    for method in ("search_read", "context_get"):
        with pytest.raises(xmlrpc.client.Fault) as info:
            object_call(url, workers.name, uid, PASSWORD, address, method)
        assert info.value.faultCode == 3 and THROTTLED.match(info.value.faultString)
    # an API key is not guessable: it keeps working during the cooldown
    key = workers.run(lambda env: env["res.users.apikeys"].generate("script", "rpc"), uid=uid)
    assert object_call(url, workers.name, uid, key, address, "context_get")["uid"] == uid
    wait_cooldown()
    assert object_call(url, workers.name, uid, PASSWORD, address)


# -- across workers and addresses -------------------------------------------------------------------

def test_failures_add_up_across_two_workers(workers, user):
    uid, login = user
    address = next(_addresses)
    first, second = workers.urls
    authenticate(first, workers.name, login, "wrong-1", address)
    assert proxy(second, "common", address).authenticate(workers.name, login, "wrong-2",
                                                         {}) is False
    with pytest.raises(xmlrpc.client.Fault):
        object_call(first, workers.name, uid, "wrong-3", address)
    assert len(attempts(workers, login=login)) == 3 == LOGIN_LIMIT
    for url in (first, second):  # each worker refuses, whichever saw the failures
        assert THROTTLED.match(refused_message(
            authenticate(url, workers.name, login, PASSWORD, address)[0]))
        with pytest.raises(xmlrpc.client.Fault) as info:
            object_call(url, workers.name, uid, PASSWORD, address)
        assert THROTTLED.match(info.value.faultString)


def test_an_address_spraying_many_logins_is_refused(workers, user):
    uid, login = user
    sprayer, other = next(_addresses), next(_addresses)
    url = workers.urls[1]
    for _ in range(ADDRESS_LIMIT):  # one guess per login: no login reaches its own limit
        answer, _ = authenticate(url, workers.name, next(_logins), "Summer2024!", sprayer)
        assert refused_message(answer) == "Access Denied"
    # from that address every login is refused for a while, the right password included
    assert THROTTLED.match(refused_message(
        authenticate(url, workers.name, login, PASSWORD, sprayer)[0]))
    assert proxy(url, "common", sprayer).authenticate(workers.name, login, PASSWORD,
                                                      {}) is False
    with pytest.raises(xmlrpc.client.Fault) as info:
        object_call(url, workers.name, uid, PASSWORD, sprayer)
    assert THROTTLED.match(info.value.faultString)
    # the same user from elsewhere is not affected
    assert authenticate(url, workers.name, login, PASSWORD, other)[0]["result"]["uid"] == uid
    assert len(attempts(workers, ip=sprayer)) == ADDRESS_LIMIT
    wait_cooldown()
    assert authenticate(url, workers.name, login, PASSWORD, sprayer)[0]["result"]["uid"] == uid


# -- administrators ----------------------------------------------------------------------------------

@pytest.fixture
def long_cooldown(workers):
    """A cooldown that cannot end by itself during the test (a slow machine included)."""
    workers.run(lambda env: env["ir.config_parameter"].set_param(COOLDOWN_PARAM, 600))
    yield
    workers.run(lambda env: env["ir.config_parameter"].set_param(COOLDOWN_PARAM, COOLDOWN))


def test_admins_see_and_clear_attempts_nobody_else_reads_them(workers, user, long_cooldown):
    uid, login = user
    address = next(_addresses)
    url = workers.urls[0]
    for _ in range(LOGIN_LIMIT):
        authenticate(url, workers.name, login, "wrong-guess", address)
    common = proxy(url, "common", "192.0.2.200")
    admin = common.authenticate(workers.name, "admin", "admin", {})
    models = proxy(url, "object", "192.0.2.200")
    rows = models.execute_kw(workers.name, admin, "admin", "res.users.login.attempt",
                             "search_read", [[["login", "=", login]]],
                             {"fields": ["login", "ip", "user_id", "source", "create_date"]})
    assert [(row["login"], row["ip"], row["user_id"][0]) for row in rows] == \
        [(login, address, uid)] * LOGIN_LIMIT
    # a plain user may not read them (nor their own)
    other_uid = workers.run(lambda env: env["res.users"].create({
        "name": "Nosy", "login": next(_logins), "password": PASSWORD,
        "groups_id": [(6, 0, [env.ref("base.group_user").id])]}).id)
    with pytest.raises(xmlrpc.client.Fault) as info:
        proxy(url, "object", "192.0.2.201").execute_kw(
            workers.name, other_uid, PASSWORD, "res.users.login.attempt", "search_read",
            [[]], {"fields": ["login"]})
    assert info.value.faultCode == 4  # AccessError
    # nobody creates or edits them through the API, admins included
    with pytest.raises(xmlrpc.client.Fault):
        models.execute_kw(workers.name, admin, "admin", "res.users.login.attempt", "create",
                          [{"login": login, "ip": address}])
    # deleting them lifts the cooldown at once
    assert refused_message(authenticate(url, workers.name, login, PASSWORD, address)[0]) \
        .startswith("Too many failed logins; try again in ")
    models.execute_kw(workers.name, admin, "admin", "res.users.login.attempt", "unlink",
                      [[row["id"] for row in rows]])
    assert authenticate(url, workers.name, login, PASSWORD, address)[0]["result"]["uid"] == uid
    # and the screen exists: Settings > Technical > Login Attempts
    menu = workers.run(lambda env: env.ref("base.menu_res_users_login_attempt"))
    assert menu is not None
    action = workers.run(lambda env: env.ref("base.action_res_users_login_attempt").res_model)
    assert action == "res.users.login.attempt"


def test_autovacuum_deletes_old_attempts(workers):
    def seed(env):
        env.cr.execute(
            "INSERT INTO res_users_login_attempt (login, ip, source, cleared, create_date)"
            " VALUES ('old-one', '203.0.113.9', 'login', false,"
            " now() AT TIME ZONE 'UTC' - interval '40 days'),"
            " ('recent-one', '203.0.113.9', 'login', false, now() AT TIME ZONE 'UTC')")
    workers.run(seed)
    removed = workers.run(lambda env: env["ir.autovacuum"]._run_vacuum_cleaner())
    assert removed.get("res.users.login.attempt") == 1
    assert attempts(workers, login="old-one") == []
    assert len(attempts(workers, login="recent-one")) == 1


# -- pieces ---------------------------------------------------------------------------------------------

def test_client_address_follows_proxy_mode():
    environ = {"REMOTE_ADDR": "127.0.0.1",
               "HTTP_X_FORWARDED_FOR": "203.0.113.5, 10.0.0.1"}
    assert client_address(environ, proxy_mode=False) == "127.0.0.1"  # headers not trusted
    assert client_address(environ, proxy_mode=True) == "203.0.113.5"  # first hop
    assert client_address({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}) == "2001:db8:1:2::/64"
    assert client_address({"REMOTE_ADDR": "::ffff:192.0.2.1"}) == "192.0.2.1"
    assert client_address({"REMOTE_ADDR": "10.1.1.1", "HTTP_X_FORWARDED_FOR": "junk"},
                          proxy_mode=True) == "10.1.1.1"
    assert client_address({}) is None


def test_throttled_is_an_access_denied_with_a_clear_message():
    error = LoginThrottled(42)
    assert isinstance(error, AccessDenied) and error.retry_after == 42
    assert str(error) == "Too many failed logins; try again in 42 seconds."
    assert str(LoginThrottled(1)) == "Too many failed logins; try again in 1 second."
    state = ThrottleState(5, 50, 60.0, login_failures=5, login_idle=10.2)
    assert state.retry_after == 50
    assert ThrottleState(5, 50, 60.0, login_failures=4, login_idle=1.0).retry_after == 0
    assert ThrottleState(0, 0, 60.0, login_failures=99, login_idle=0.0,
                         address_failures=99, address_idle=0.0).retry_after == 0  # disabled
    assert ThrottleState(5, 50, 60.0, address_failures=50, address_idle=59.5).retry_after == 1


def test_a_failure_on_a_replica_is_replayed_on_the_primary(workers):
    """A read-only unit on a replica cannot write: recording asks the runner to re-run the
    unit on the primary (the error PostgreSQL gives a read-only transaction that writes)."""
    from psycopg import errors

    connection = connect(workers.conninfo)
    try:
        cr = Cursor(connection, readonly=True, on_replica=True)
        with pytest.raises(errors.ReadOnlySqlTransaction):
            throttle.record_failure(cr, "someone", "203.0.113.77", None, throttle.SOURCE_RPC)
        assert not cr.postrollback and not cr.postcommit
        connection.rollback()
    finally:
        connection.close()


def test_a_failure_survives_the_rollback_of_its_transaction(workers):
    """The refused unit rolls back; the failure is written after it, in its own
    transaction on the same connection (also when the connection is READ ONLY)."""
    login = next(_logins)
    connection = connect(workers.conninfo)
    try:
        connection.read_only = True
        with pytest.raises(AccessDenied), Cursor(connection, readonly=True) as cr:
            from agora.modules.registry_manager import registry_for
            from agora.orm.environment import Environment
            env = Environment(cr, 1, {}, registry=registry_for(cr))
            with throttle.bound_client_address("203.0.113.78"):
                env["res.users"]._login(login, "guess")
        assert connection.read_only  # given back as it was
    finally:
        connection.close()
    rows = attempts(workers, login=login)
    assert [(row["ip"], row["source"], row["user_id"]) for row in rows] == \
        [("203.0.113.78", "login", False)]
