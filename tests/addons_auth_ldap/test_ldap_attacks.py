"""Attacks on LDAP logins, against a real OpenLDAP server: filter injection, empty
passwords (an unauthenticated bind the directory would accept), guessing during a
brute-force cooldown (refused before any LDAP traffic), reading the configuration's bind
password without being a Settings administrator."""

from __future__ import annotations

import subprocess
import time
import xmlrpc.client

import ldap3
import pytest

from tests.addons_auth_ldap.helpers import (
    COOLDOWN,
    LOGIN_LIMIT,
    authenticate,
    login_form,
    refusal,
    unique,
)
from tests.addons_auth_ldap.slapd import LDAPWHOAMI, READER_DN, READER_PASSWORD

THROTTLED = "Too many failed logins"


def _logins_like(served, pattern):
    return served.run(lambda env: env["res.users"].with_context(active_test=False)
                      .search([("login", "=like", pattern)]).mapped("login"))


def _user_count(served):
    return served.run(lambda env: env["res.users"].with_context(active_test=False)
                      .search_count([]))


# -- filter injection -----------------------------------------------------------------------------
INJECTION_FILTER = "(&(objectClass=inetOrgPerson)(uid=%s))"


def _injections(uid):
    """Logins that, pasted unescaped into INJECTION_FILTER, find the entry ``uid``."""
    return ["*", uid[0] + "*", "*)(uid=*", f"{uid})(|(uid=*)", "*)(objectClass=*",
            f"{uid[:3]}*{uid[-2:]}"]


def test_filter_injection_never_logs_anyone_in(served, directory, person, slapd):
    """Under a base with one person, every injection below, unescaped, would find that
    person and bind with their password: the attacker, who knows a password but not the
    login (or wants a login that is not theirs), would get in. Escaped, they find nothing."""
    unit = slapd.add_unit(unique("solo"))
    victim = person("solo", parent=unit)
    directory(ldap_base=unit, ldap_filter=INJECTION_FILTER)
    server = ldap3.Server(slapd.host, port=slapd.port, get_info=ldap3.NONE)
    users_before = _user_count(served)
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    for login in _injections(victim.uid):
        # the control: unescaped, the filter finds exactly the victim
        with ldap3.Connection(server, READER_DN, READER_PASSWORD, auto_bind=True) as reader:
            reader.search(unit, INJECTION_FILTER.replace("%s", login), attributes=["uid"])
            assert [entry.entry_dn for entry in reader.entries] == [victim.dn], login
        assert refusal(authenticate(served, login, victim.password)) == "Access Denied", login
        assert common.authenticate(served.name, login, victim.password, {}) is False, login
        answer, browser = login_form(served, login, victim.password)
        assert answer.status_code == 401 and "session_id" not in browser.cookies, login
    assert _user_count(served) == users_before  # nobody was created
    # the victim's own login works (the directory and the configuration are right)
    assert authenticate(served, victim.uid, victim.password)["result"]["uid"]


def test_injection_from_the_brief_and_a_local_admin(served, directory, person):
    """``admin)(|(uid=*`` and friends against the whole directory: refused, and the
    local administrator is not reachable through them."""
    directory()
    someone = person("inj")
    admin_id = served.run(lambda env: env.ref("base.user_admin").id)
    logins = ["*", "admin)(|(uid=*", "admin*", "*)(|(uid=*", "admin)(uid=*))(|(uid=*",
              f"{someone.uid})(|(uid=*", f"{someone.uid}*", "\\2a", "*\\2a"]
    # other tests' guesses of the same logins must not put them in a cooldown here
    served.run(lambda env: env["res.users.login.attempt"].search(
        [("login", "in", logins)]).unlink())
    for login in logins:
        for password in (someone.password, "admin"):
            answer = authenticate(served, login, password)
            assert refusal(answer) == "Access Denied", (login, answer)
    assert not _logins_like(served, "%*%") and not _logins_like(served, "%(%")
    # the real administrator still logs in, with the local password
    assert authenticate(served, "admin", "admin")["result"]["uid"] == admin_id


def test_special_characters_in_a_real_login_are_matched_literally(served, directory, person):
    """Escaping is not refusing: a login made of filter characters logs in as itself."""
    directory()
    odd = person(uid=unique("pat(ops)*\\"))
    uid = authenticate(served, odd.uid, odd.password)["result"]["uid"]
    assert served.run(lambda env: env["res.users"].browse(uid).login) == odd.uid
    # and its wildcard neighbours do not
    assert refusal(authenticate(served, "pat(ops)*", odd.password)) == "Access Denied"


def test_oversized_logins_and_passwords_never_reach_the_directory(served, directory, person,
                                                                  slapd):
    directory()
    someone = person("big")
    connections = slapd.connections()
    assert refusal(authenticate(served, "u" * 100_000, someone.password)) == "Access Denied"
    assert refusal(authenticate(served, someone.uid, "p" * 100_000)) == "Access Denied"
    assert slapd.connections() == connections


# -- empty passwords --------------------------------------------------------------------------------
def test_an_empty_password_is_never_sent_to_the_directory(served, directory, person, slapd):
    directory()
    someone = person("empty")
    uid = authenticate(served, someone.uid, someone.password)["result"]["uid"]
    # the control: this directory answers a bind with the DN and no password with success
    who = subprocess.run([LDAPWHOAMI, "-x", "-H", f"ldap://{slapd.host}:{slapd.port}",
                          "-D", someone.dn, "-w", ""], capture_output=True, text=True,
                         timeout=30)
    assert who.returncode == 0 and who.stdout.strip() == "anonymous", who
    newcomer = person("empty")
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    models = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/object")
    for login in (someone.uid, newcomer.uid):
        assert refusal(authenticate(served, login, "")) == "Access Denied"
        assert common.authenticate(served.name, login, "", {}) is False
        answer, _browser = login_form(served, login, "")
        assert answer.status_code == 401
    with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
        models.execute_kw(served.name, uid, "", "res.users", "context_get", [])
    assert not _logins_like(served, newcomer.uid)


# -- brute force -------------------------------------------------------------------------------------
def _attempts(served, login):
    return served.run(lambda env: env["res.users.login.attempt"].search_count(
        [("login", "=", login)]))


def test_cooldown_refuses_before_any_ldap_traffic(served, directory, person, slapd):
    directory()
    # a user who logged in before (known here, no local password)
    known = person("guess")
    uid = authenticate(served, known.uid, known.password)["result"]["uid"]
    for _ in range(LOGIN_LIMIT):
        assert refusal(authenticate(served, known.uid, "wrong-guess")) == "Access Denied"
    assert _attempts(served, known.uid) == LOGIN_LIMIT  # wrong LDAP passwords count
    connections = slapd.connections()
    assert THROTTLED in refusal(authenticate(served, known.uid, known.password))
    answer, _browser = login_form(served, known.uid, known.password)
    assert answer.status_code == 401 and THROTTLED in answer.text
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    assert common.authenticate(served.name, known.uid, known.password, {}) is False
    models = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault, match=THROTTLED):
        models.execute_kw(served.name, uid, known.password, "res.users", "context_get", [])
    # someone the directory knows and this database not yet: the same
    newcomer = person("guess")
    for _ in range(LOGIN_LIMIT):
        assert refusal(authenticate(served, newcomer.uid, "wrong-guess")) == "Access Denied"
    connections_after_guesses = slapd.connections()
    assert THROTTLED in refusal(authenticate(served, newcomer.uid, newcomer.password))
    assert not _logins_like(served, newcomer.uid)
    # no connection reached the directory during the cooldowns, nothing more was counted
    assert connections_after_guesses > connections
    assert slapd.connections() == connections_after_guesses
    assert _attempts(served, known.uid) == LOGIN_LIMIT
    assert _attempts(served, newcomer.uid) == LOGIN_LIMIT
    time.sleep(COOLDOWN + 0.5)
    assert authenticate(served, known.uid, known.password)["result"]["uid"] == uid
    assert authenticate(served, newcomer.uid, newcomer.password)["result"]["uid"]


def test_wrong_ldap_passwords_over_xmlrpc_count_too(served, directory, person, slapd):
    directory()
    someone = person("rpcguess")
    uid = authenticate(served, someone.uid, someone.password)["result"]["uid"]
    models = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/object")
    for _ in range(LOGIN_LIMIT):
        with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
            models.execute_kw(served.name, uid, "wrong-guess", "res.users", "context_get", [])
    sources = served.run(lambda env: env["res.users.login.attempt"].search(
        [("login", "=", someone.uid)]).mapped("source"))
    assert sources == ["rpc"] * LOGIN_LIMIT
    connections = slapd.connections()
    with pytest.raises(xmlrpc.client.Fault, match=THROTTLED):
        models.execute_kw(served.name, uid, someone.password, "res.users", "context_get", [])
    assert slapd.connections() == connections
    time.sleep(COOLDOWN + 0.5)
    assert models.execute_kw(served.name, uid, someone.password, "res.users", "context_get",
                             [])["uid"] == uid


# -- the configuration's secrets --------------------------------------------------------------------
def test_only_settings_administrators_reach_the_configuration(served, directory):
    config_id = directory()

    def make_user(env, xmlid):
        login = unique("cfg")
        env["res.users"].create({"name": login, "login": login, "password": f"Pw-{login}-77",
                                 "groups_id": [(6, 0, [env.ref(xmlid).id])]})
        return login, f"Pw-{login}-77"
    models = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/object")
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    for xmlid in ("base.group_user", "base.group_erp_manager"):
        login, password = served.run(lambda env, x=xmlid: make_user(env, x))
        uid = common.authenticate(served.name, login, password, {})
        for method, args, kwargs in [
                ("search_read", [[]], {"fields": ["ldap_server", "ldap_password"]}),
                ("read", [[config_id]], {"fields": ["ldap_password"]}),
                ("write", [[config_id], {"ldap_server": "evil.example"}], {}),
                ("create", [{"ldap_server": "evil.example", "ldap_base": "dc=x",
                             "ldap_filter": "(uid=%s)"}], {}),
                ("unlink", [[config_id]], {}),
                ("test_ldap_connection", [[config_id]], {})]:
            with pytest.raises(xmlrpc.client.Fault) as refused:
                models.execute_kw(served.name, uid, password, "res.company.ldap", method,
                                  args, kwargs)
            assert "res.company.ldap" in refused.value.faultString, (xmlid, method)
        # nor through the company's one2many, which a plain read of companies leaves out
        with pytest.raises(xmlrpc.client.Fault, match="ldaps"):
            models.execute_kw(served.name, uid, password, "res.company", "read", [[1]],
                              {"fields": ["name", "ldaps"]})
        company = models.execute_kw(served.name, uid, password, "res.company", "read", [[1]])
        assert company[0]["name"] and "ldaps" not in company[0]
    # an administrator reads and changes it (the bind password included)
    admin = common.authenticate(served.name, "admin", "admin", {})
    rows = models.execute_kw(served.name, admin, "admin", "res.company.ldap", "read",
                             [[config_id]], {"fields": ["ldap_password", "company"]})
    assert rows[0]["ldap_password"] == READER_PASSWORD
    ldaps = models.execute_kw(served.name, admin, "admin", "res.company", "read",
                              [[rows[0]["company"][0]]], {"fields": ["ldaps"]})
    assert config_id in ldaps[0]["ldaps"]
