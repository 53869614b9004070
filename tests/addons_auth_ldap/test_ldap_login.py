"""LDAP logins over the real entry points (``/web/session/authenticate``, the ``/web/login``
form, XML-RPC with ``xmlrpc.client``) against a real OpenLDAP server: users created from a
template user at their first login, existing users, wrong passwords, ``create_user``
off, several directories in sequence order, audit events."""

from __future__ import annotations

import threading
import xmlrpc.client

import pytest

from tests.addons_auth_ldap.helpers import authenticate, login_form, refusal, unique


def _user(served, login):
    """The user ``login`` as stored (archived ones too), or None."""
    def read(env):
        users = env["res.users"].with_context(active_test=False).search([("login", "=", login)])
        if not users:
            return None
        env.cr.execute("SELECT password IS NULL FROM res_users WHERE id = %s", (users.id,))
        no_password = env.cr.fetchone()[0]
        return {"id": users.id, "name": users.name, "email": users.email,
                "active": users.active, "no_password": no_password,
                "groups": set(users.groups_id.ids), "company": users.company_id.id,
                "companies": set(users.company_ids.ids), "partner": users.partner_id.id}
    return served.run(read)


@pytest.fixture
def template(served):
    """An archived template user (internal user + access rights groups, two allowed
    companies) and a second company for the directory: ``(template id, company id)``."""
    def make(env):
        company = env["res.company"].create({"name": unique("LDAP Company ")})
        groups = env.ref("base.group_user") | env.ref("base.group_erp_manager")
        user = env["res.users"].create({
            "name": "LDAP Template", "login": unique("template"), "active": False,
            "email": "template@example.org", "groups_id": [(6, 0, groups.ids)],
            "company_id": env.ref("base.main_company").id,
            "company_ids": [(6, 0, [env.ref("base.main_company").id])]})
        return user.id, company.id
    return served.run(make)


def test_first_login_creates_a_copy_of_the_template_user(served, directory, person, template):
    template_id, company_id = template
    directory(user=template_id, company=company_id)
    someone = person("new", name="Grace Hopper", password="Pässwörd-ü-Secret-9")
    template_login = served.run(lambda env: env["res.users"].with_context(
        active_test=False).browse(template_id).login)
    before = _user(served, template_login)

    answer = authenticate(served, someone.uid, someone.password)
    assert answer.get("result", {}).get("uid"), answer
    user = _user(served, someone.uid)
    assert answer["result"]["uid"] == user["id"]
    assert user["name"] == "Grace Hopper" and user["email"] == someone.email
    assert user["active"] and user["no_password"]
    assert user["groups"] == before["groups"] and user["groups"]  # the template's groups
    assert user["company"] == company_id  # the directory's company...
    assert user["companies"] == before["companies"] | {company_id}  # ...allowed, with the template's
    assert user["partner"] != before["partner"]
    # the template is untouched, still archived
    assert _user(served, template_login) == before
    # the next login is the same user (found locally, checked against the directory)
    again = authenticate(served, someone.uid, someone.password)
    assert again["result"]["uid"] == user["id"]
    assert served.run(lambda env: env["res.users"].search_count(
        [("login", "=", someone.uid)])) == 1


def test_wrong_directory_password_is_refused_and_counted(served, directory, person):
    directory()
    someone = person("wrong")
    # unknown here, wrong in the directory: refused, nobody created
    assert refusal(authenticate(served, someone.uid, "not-the-password")) == "Access Denied"
    assert _user(served, someone.uid) is None
    uid = authenticate(served, someone.uid, someone.password)["result"]["uid"]
    # known here, wrong in the directory: refused
    assert refusal(authenticate(served, someone.uid, "still-not-it")) == "Access Denied"
    # both failures counted by the brute-force protection, for the login
    attempts = served.run(lambda env: env["res.users.login.attempt"].search_read(
        [("login", "=", someone.uid)], ["user_id", "source"], order="id"))
    # the successful login in between cleared the first one (as a local login does)
    assert [(row["user_id"] and row["user_id"][0], row["source"]) for row in attempts] == [
        (False, "login"), (uid, "login")]
    cleared = served.run(lambda env: env["res.users.login.attempt"].search(
        [("login", "=", someone.uid)], order="id").mapped("cleared"))
    assert cleared == [True, False]


def test_unknown_login_is_refused_when_create_user_is_off(served, directory, person):
    directory(create_user=False)
    stranger = person("stranger")
    assert refusal(authenticate(served, stranger.uid, stranger.password)) == "Access Denied"
    assert _user(served, stranger.uid) is None
    # an existing user (made by an administrator, no local password) logs in through it
    member = person("member")
    member_id = served.run(lambda env: env["res.users"].create({
        "name": "Member", "login": member.uid,
        "groups_id": [(6, 0, [env.ref("base.group_user").id])]}).id)
    assert authenticate(served, member.uid, member.password)["result"]["uid"] == member_id
    assert refusal(authenticate(served, member.uid, "wrong-one")) == "Access Denied"


def test_login_is_matched_whatever_its_case(served, directory, person):
    directory()
    someone = person("case")
    uid = authenticate(served, someone.uid.upper(), someone.password)["result"]["uid"]
    assert _user(served, someone.uid)["id"] == uid  # stored in lower case
    assert authenticate(served, someone.uid, someone.password)["result"]["uid"] == uid
    assert authenticate(served, someone.uid.title(), someone.password)["result"]["uid"] == uid


def test_local_password_and_directory_password_both_work(served, directory, person):
    directory()
    someone = person("both")
    local_password = "Local-Pass-For-Both-7"
    uid = served.run(lambda env: env["res.users"].create({
        "name": "Both", "login": someone.uid, "password": local_password,
        "groups_id": [(6, 0, [env.ref("base.group_user").id])]}).id)
    assert authenticate(served, someone.uid, local_password)["result"]["uid"] == uid
    assert authenticate(served, someone.uid, someone.password)["result"]["uid"] == uid
    assert refusal(authenticate(served, someone.uid, "neither-one")) == "Access Denied"
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    models = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/object")
    for password in (local_password, someone.password):
        assert common.authenticate(served.name, someone.uid, password, {}) == uid
        assert models.execute_kw(served.name, uid, password, "res.users", "context_get",
                                 [])["uid"] == uid
    with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
        models.execute_kw(served.name, uid, "neither-one", "res.users", "context_get", [])


def test_archived_user_cannot_log_in_with_the_directory(served, directory, person):
    directory()
    someone = person("archived")
    uid = authenticate(served, someone.uid, someone.password)["result"]["uid"]
    served.run(lambda env: env["res.users"].browse(uid).write({"active": False}))
    assert refusal(authenticate(served, someone.uid, someone.password)) == "Access Denied"
    assert refusal(authenticate(served, someone.uid.upper(), someone.password)) == \
        "Access Denied"
    models = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
        models.execute_kw(served.name, uid, someone.password, "res.users", "context_get", [])
    # and no second user was made for the login
    assert served.run(lambda env: env["res.users"].with_context(active_test=False)
                      .search_count([("login", "=ilike", someone.uid)])) == 1


def test_login_form(served, directory, person):
    directory()
    someone = person("form")
    refused, browser = login_form(served, someone.uid, "wrong-password")
    assert refused.status_code == 401 and "Wrong login or password." in refused.text
    assert "session_id" not in browser.cookies
    answer, browser = login_form(served, someone.uid, someone.password)
    assert answer.status_code == 303 and "session_id" in browser.cookies
    info = browser.post(f"{served.url}/web/session/get_session_info", timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 1, "params": {}}).json()["result"]
    assert info["username"] == someone.uid and info["name"] == someone.name


def test_xmlrpc_with_a_directory_password(served, directory, person, slapd, template):
    template_id, _company_id = template
    directory(user=template_id)
    someone = person("rpc")
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    models = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/object")
    assert common.authenticate(served.name, someone.uid, "wrong", {}) is False
    uid = common.authenticate(served.name, someone.uid, someone.password, {})
    assert uid and _user(served, someone.uid)["id"] == uid  # created by the RPC login
    assert common.login(served.name, someone.uid, someone.password) == uid
    read = models.execute_kw(served.name, uid, someone.password, "res.users", "read",
                             [[uid]], {"fields": ["name", "login"]})
    assert read == [{"id": uid, "name": someone.name, "login": someone.uid}]
    with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
        models.execute_kw(served.name, uid, "wrong", "res.users", "context_get", [])
    # the directory is asked at every call: a password changed there works at once, and
    # the old one stops working at once
    slapd.set_password(someone.dn, "Changed-In-The-Directory-5")
    with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
        models.execute_kw(served.name, uid, someone.password, "res.users", "context_get", [])
    assert models.execute_kw(served.name, uid, "Changed-In-The-Directory-5", "res.users",
                             "context_get", [])["uid"] == uid


def test_directories_are_tried_in_sequence_order(served, directory, person):
    def make_template(env, xmlid):
        return env["res.users"].create({
            "name": f"Template {xmlid}", "login": unique("tpl"), "active": False,
            "groups_id": [(6, 0, [env.ref(xmlid).id])]}).id
    first_template = served.run(lambda env: make_template(env, "base.group_user"))
    second_template = served.run(lambda env: make_template(env, "base.group_erp_manager"))
    first = directory(sequence=5, user=first_template)
    second = directory(sequence=10, user=second_template)
    groups = {xmlid: served.run(lambda env, x=xmlid: env.ref(x).id)
              for xmlid in ("base.group_user", "base.group_erp_manager")}

    one = person("seq")
    assert authenticate(served, one.uid, one.password)["result"]["uid"]
    assert _user(served, one.uid)["groups"] == {groups["base.group_user"]}
    served.run(lambda env: env["res.company.ldap"].browse(first).write({"sequence": 20}))
    two = person("seq")
    assert authenticate(served, two.uid, two.password)["result"]["uid"]
    assert _user(served, two.uid)["groups"] == {groups["base.group_erp_manager"]}
    # a directory that does not know the login does not stop the next one
    served.run(lambda env: env["res.company.ldap"].browse(second).write(
        {"ldap_base": "ou=nobody-here,dc=example,dc=org"}))
    three = person("seq")
    assert authenticate(served, three.uid, three.password)["result"]["uid"]
    assert _user(served, three.uid)["groups"] == {groups["base.group_user"]}


def test_simultaneous_first_logins_make_one_user(served, directory, person):
    directory()
    someone = person("race")
    answers = []

    def login():
        answers.append(authenticate(served, someone.uid, someone.password))
    threads = [threading.Thread(target=login) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    uids = {answer.get("result", {}).get("uid") for answer in answers}
    assert len(answers) == 4 and len(uids) == 1 and None not in uids, answers
    assert served.run(lambda env: env["res.users"].search_count(
        [("login", "=", someone.uid)])) == 1


def test_logins_are_audited(served, directory, person):
    directory()
    someone = person("audit")
    authenticate(served, someone.uid, "wrong-password")
    uid = authenticate(served, someone.uid, someone.password)["result"]["uid"]
    authenticate(served, someone.uid, someone.password)
    authenticate(served, someone.uid, "wrong-again")
    events = served.run(lambda env: [
        (row.event, row.uid or None, row.ip, (row.details or {}).get("method"),
         (row.details or {}).get("user_created"))
        for row in env["audit.log"].search([("login", "=", someone.uid),
                                            ("operation", "=", "security")], order="id")])
    assert events == [
        ("login_failed", None, "127.0.0.1", None, None),
        ("login", uid, "127.0.0.1", "ldap", True),   # first login: the user was created
        ("login", uid, "127.0.0.1", None, None),     # then a login like any other
        ("login_failed", uid, "127.0.0.1", None, None),
    ]
    # the creation itself is in the audit trail of res.users (as any user creation)
    assert served.run(lambda env: env["audit.log"].search_count(
        [("model", "=", "res.users"), ("res_id", "=", uid), ("operation", "=", "create")])) == 1


def test_a_directory_user_confirms_their_identity_with_the_directory_password(
        served, directory, person, template):
    """Identity checks (adding a passkey, turning 2FA off) take the password the user
    logs in with: for a directory's user, the directory's (they have no local one)."""
    template_id, company_id = template
    directory(user=template_id, company=company_id)
    someone = person("identity")
    uid = authenticate(served, someone.uid, someone.password)["result"]["uid"]

    def check(password):
        def run(env):
            try:
                env["res.users"].browse(uid)._check_identity(password)
            except Exception as exc:  # noqa: BLE001 - the refusal is the result
                return type(exc).__name__
            return "ok"
        return served.run(run)
    assert check("not the password") == "AccessDenied"
    assert check(someone.password) == "ok"
