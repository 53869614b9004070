"""The ``res.company.ldap`` configuration: what it accepts, its "Test Connection" button
(against the real slapd), its menu and views, who sees them."""

from __future__ import annotations

import xmlrpc.client

import pytest

from agora.orm.exceptions import ValidationError
from tests.addons_auth_ldap.helpers import unique
from tests.addons_auth_ldap.slapd import READER_DN, SUFFIX, free_port


@pytest.mark.parametrize("values, field", [
    ({"ldap_filter": "(uid=alice)"}, "ldap_filter"),          # no %s: everyone is alice
    ({"ldap_filter": "uid=%s"}, "ldap_filter"),               # not a filter
    ({"ldap_filter": "(&(uid=%s)"}, "ldap_filter"),           # unbalanced
    ({"ldap_server": "ldaps://ldap.example.org"}, "ldap_server"),
    ({"ldap_server": "ldap.example.org:389"}, None),           # a port is its own field...
    ({"ldap_server": "ldap example"}, "ldap_server"),
    ({"ldap_server_port": 0}, "ldap_server_port"),
    ({"ldap_server_port": 70000}, "ldap_server_port"),
])
def test_invalid_configurations_are_refused(served, values, field):
    def create(env):
        return env["res.company.ldap"].create({
            "ldap_server": "127.0.0.1", "ldap_base": SUFFIX, **values})
    if field is None:  # ...but "host:port" is a host name ldap3 would parse: allowed
        record_id = served.run(lambda env: create(env).id)
        served.run(lambda env: env["res.company.ldap"].browse(record_id).unlink())
        return
    with pytest.raises(ValidationError) as refused:
        served.run(create)
    assert refused.value.field == field and "res.company.ldap" in str(refused.value)


def test_defaults_are_odoo_s(served):
    def defaults(env):
        return env["res.company.ldap"].default_get(
            ["ldap_server", "ldap_server_port", "ldap_filter", "create_user", "sequence",
             "company"])
    assert served.run(defaults) == {
        "ldap_server": "127.0.0.1", "ldap_server_port": 389, "ldap_filter": "(uid=%s)",
        "create_user": True, "sequence": 10, "company": 1}


def test_the_test_connection_button(served, directory):
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    models = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/object")
    admin = common.authenticate(served.name, "admin", "admin", {})

    def press(config_id):
        return models.execute_kw(served.name, admin, "admin", "res.company.ldap",
                                 "test_ldap_connection", [[config_id]])
    answer = press(directory())
    assert answer["tag"] == "display_notification" and answer["params"]["type"] == "success"
    with pytest.raises(xmlrpc.client.Fault, match="invalidCredentials"):
        press(directory(ldap_password="wrong-reader-password"))
    with pytest.raises(xmlrpc.client.Fault, match="Connection refused"):
        press(directory(ldap_server_port=free_port()))
    with pytest.raises(xmlrpc.client.Fault, match="noSuchObject"):
        press(directory(ldap_base=f"ou=missing,{SUFFIX}"))
    # a bind DN without a password is never bound as (it would be anonymous)
    with pytest.raises(xmlrpc.client.Fault, match="no password"):
        press(directory(ldap_binddn=READER_DN, ldap_password=False))


def test_menu_and_views_are_for_settings_administrators(served):
    def menus_of(env, xmlid):
        login = unique("menu")
        user = env["res.users"].create({"name": login, "login": login,
                                        "groups_id": [(6, 0, [env.ref(xmlid).id])]})
        tree = env["ir.ui.menu"].with_user(user).load_menus()
        return {entry["name"] for key, entry in tree.items() if key != "root"}
    menu = served.run(lambda env: env.ref("auth_ldap.menu_ldap_servers"))
    assert menu is not None
    assert "LDAP Servers" in served.run(lambda env: menus_of(env, "base.group_system"))
    assert "LDAP Servers" not in served.run(lambda env: menus_of(env, "base.group_erp_manager"))
    assert "LDAP Servers" not in served.run(lambda env: menus_of(env, "base.group_user"))

    def views(env):
        action = env.ref("auth_ldap.action_ldap_installer")
        form = env["res.company.ldap"].get_views([[False, "form"], [False, "list"]])
        return action.res_model, form
    model, views_answer = served.run(views)
    assert model == "res.company.ldap"
    form = views_answer["views"]["form"]["arch"]
    for name in ("ldap_server", "ldap_server_port", "ldap_binddn", "ldap_password",
                 "ldap_filter", "ldap_base", "ldap_tls", "create_user", "user", "company",
                 "test_ldap_connection"):
        assert f'name="{name}"' in form, name
    assert 'password="True"' in form
