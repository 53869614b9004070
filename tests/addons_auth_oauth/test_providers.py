"""The provider records and the module's footprint: Settings-only access (the client
secret), checks on the issuer and the scope, the Settings menu, deleting a provider, and
the login page of databases without the module (or with none chosen) left intact."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from agora.db.sql import SQL
from agora.http.application import Application
from agora.orm.exceptions import ValidationError
from agora.testing.addons import changed_modules
from tests.addons_auth_oauth.helpers import Browser, link, link_of, make_user, unique

MODEL = "auth.oauth.provider"


def test_only_settings_administrators_read_or_write_providers(served, provider_id):
    employee = Browser(served)
    employee.password_login(make_user(served).login)
    for method, args, kwargs in (("search_read", [[]], {"fields": ["name"]}),
                                 ("read", [[provider_id], ["client_secret"]], {}),
                                 ("write", [[provider_id], {"enabled": False}], {}),
                                 ("create", [{"name": "x", "client_id": "x",
                                              "issuer": "https://x.example"}], {})):
        answer = employee.call(MODEL, method, *args, **kwargs)
        assert answer["error"]["data"]["name"].endswith("AccessError"), (method, answer)
    manager = Browser(served)  # user administrators (not Settings) are refused too
    manager.password_login(make_user(served, groups=("base.group_erp_manager",)).login)
    assert "error" in manager.call(MODEL, "read", [provider_id], ["client_secret"])
    admin = Browser(served)
    admin.password_login("admin", "admin")
    read = admin.call(MODEL, "read", [provider_id], ["client_secret", "scope", "enabled"])
    assert read["result"][0]["scope"] == "openid email profile"
    assert read["result"][0]["client_secret"] and read["result"][0]["enabled"] is True
    assert admin.call(MODEL, "write", [provider_id], {"body": "Company SSO"})["result"]


def test_employees_read_their_own_link(served, provider_id):
    user = make_user(served)
    sub = unique("reader")
    link(served, user.id, provider_id, sub)
    browser = Browser(served)
    browser.password_login(user.login)
    read = browser.call("res.users", "read", [user.id], ["oauth_provider_id", "oauth_uid"])
    assert read["result"][0]["oauth_provider_id"] == [provider_id, "Mock ID"]
    assert read["result"][0]["oauth_uid"] == sub


@pytest.mark.parametrize("values, field", [
    ({"issuer": "http://idp.example.com"}, "issuer"),
    ({"issuer": "idp.example.com"}, "issuer"),
    ({"discovery_url": "http://idp.example.com/.well-known/openid-configuration"},
     "discovery_url"),
    ({"scope": "email profile"}, "scope"),
])
def test_insecure_urls_and_scopes_without_openid_are_refused(served, values, field):
    def create(env):
        env[MODEL].create({"name": "Bad", "client_id": "c",
                           "issuer": "https://idp.example.com", **values})
    with pytest.raises(ValidationError) as refused:
        served.run(create)
    assert refused.value.field == field


def test_loopback_http_and_https_issuers_are_accepted(served):
    def create(env):
        records = env[MODEL].create([
            {"name": "Local", "client_id": "c", "issuer": "http://127.0.0.1:8080/realms/x"},
            {"name": "Cloud", "client_id": "c", "issuer": "https://login.example.com"}])
        found = records.mapped("scope")
        records.unlink()
        return found
    assert served.run(create) == ["openid email profile"] * 2


def test_deleting_a_provider_unlinks_its_users(served, make_provider):
    doomed = make_provider(name="Doomed")
    user = make_user(served)
    link(served, user.id, doomed, unique("orphan"))
    served.run(lambda env: env[MODEL].browse(doomed).unlink())
    assert link_of(served, user.id) == (False, False)


def test_settings_menu_and_views(served):
    def read(env):
        menu = env.ref("auth_oauth.menu_oauth_providers")
        action = env.ref("auth_oauth.action_oauth_provider")
        return (menu.parent_id.id == env.ref("base.menu_administration").id,
                env.ref("base.group_system") in menu.groups_id,
                action.res_model, menu.action.id == action.id if menu.action else None)
    assert served.run(read) == (True, True, MODEL, True)
    admin = Browser(served)
    admin.password_login("admin", "admin")
    views = admin.call(MODEL, "get_views", [[False, "list"], [False, "form"]])["result"]
    assert "client_secret" in views["views"]["form"]["arch"]
    assert 'password="True"' in views["views"]["form"]["arch"]
    menu_id = served.run(lambda env: env.ref("auth_oauth.menu_oauth_providers").id)
    assert str(menu_id) in admin.call("ir.ui.menu", "load_menus")["result"]
    employee = Browser(served)
    employee.password_login(make_user(served).login)
    assert str(menu_id) not in employee.call("ir.ui.menu", "load_menus")["result"]


def test_login_page_without_the_module(agora_live_server, agora_served_db):
    """The demo database has no auth_oauth: its login page is the plain one, and the
    module's routes do not exist there."""
    browser = Browser(type("Served", (), {"url": agora_live_server.url,
                                          "name": agora_served_db})())
    page = browser.get("/web/login")
    assert page.status_code == 200 and 'name="password"' in page.text
    assert "ag-login-providers" not in page.text
    start = browser.get(f"/auth_oauth/login/1?db={agora_served_db}", allow_redirects=False)
    assert start.status_code == 404


def test_login_page_with_no_database_chosen(agora_app, served, provider_id):
    """Several databases and no default: no provider before a database is chosen; once
    the form names the one with the module, its providers show."""
    app = Application(databases=agora_app.databases, default_db=None)
    assert len(app.served_databases()) > 1
    client = Client(app)
    page = client.get("/web/login")
    assert page.status_code == 200 and "ag-login-providers" not in page.get_data(as_text=True)
    client.get("/web/login")
    answer = client.post("/web/login", data={
        "db": served.name, "login": "nobody", "password": "wrong",
        "csrf_token": client.get_cookie("agora_login_csrf", path="/web/login").value})
    assert answer.status_code == 401
    assert f"/auth_oauth/login/{provider_id}?db={served.name}" in answer.get_data(as_text=True)


def test_uninstall_leaves_nothing_behind(agora_server_url):
    with changed_modules(agora_server_url, ["auth_oauth"], uninstall=["auth_oauth"],
                         prefix="agora_auth_oauth_uninstall") as env:
        env.cr.execute(SQL("SELECT to_regclass('auth_oauth_pending'),"
                           " to_regclass('auth_oauth_provider')"))
        assert env.cr.fetchone() == (None, None)
        env.cr.execute(SQL("SELECT column_name FROM information_schema.columns"
                           " WHERE table_name = 'res_users' AND column_name LIKE 'oauth%%'"))
        assert env.cr.fetchall() == []
        assert MODEL not in env.registry.models
