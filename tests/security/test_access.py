"""Access control of the base module: ir.model.access, ir.rule, field groups."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

import agora.addons.base  # noqa: F401  (defines the base models)
from agora.addons.base.access_policy import install_policy
from agora.addons.base.models.ir_rule import RuleDomainError, eval_rule_domain
from agora.db.cursor import Cursor
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.exceptions import AccessError, ValidationError
from agora.orm.registry import Registry
from agora.testing.database import (
    populated_database,
    rolled_back_cursor,
)
from agora.testing.queries import assert_queries

MULTI_COMPANY = "['|', ('company_id', '=', False), ('company_id', 'in', company_ids)]"


@pytest.fixture(scope="module")
def setup(agora_server_url) -> Iterator[SimpleNamespace]:
    registry = Registry("agora_sec_x")
    registry.load(Registry.definitions_of(["base"]))
    install_policy(registry)
    with populated_database(agora_server_url, registry, "agora_sec",
                            lambda env: _create_data(env, registry)) as setup:
        yield setup


def _create_data(env: Environment, registry: Registry) -> dict[str, int]:
    env["ir.model"]._reflect(registry, {})
    data = env["ir.model.data"]

    def xmlid(name: str, record) -> None:
        data.create({"module": "base", "name": name, "model": record._name,
                     "res_id": record.id, "noupdate": True})

    eur = env["res.currency"].create({"name": "EUR", "symbol": "€"})
    alpha = env["res.company"].create({"name": "Alpha", "currency_id": eur.id})
    beta = env["res.company"].create({"name": "Beta", "currency_id": eur.id})
    groups = env["res.groups"]
    g_user = groups.create({"name": "Internal User"})
    g_erp = groups.create({"name": "Access Rights", "implied_ids": [(6, 0, [g_user.id])]})
    g_system = groups.create({"name": "Settings", "implied_ids": [(6, 0, [g_erp.id])]})
    g_reader = groups.create({"name": "Readers"})
    g_sales = groups.create({"name": "Sales"})
    xmlid("group_user", g_user)
    xmlid("group_erp_manager", g_erp)
    xmlid("group_system", g_system)
    users = env["res.users"]

    def user(login: str, company, companies, group_ids) -> int:
        return users.create({
            "name": login.title(), "login": login, "company_id": company.id,
            "company_ids": [(6, 0, [c.id for c in companies])],
            "groups_id": [(6, 0, [g.id for g in group_ids])]}).id

    root = user("__system__", alpha, [alpha], [g_system])
    assert root == SUPERUSER_ID
    ids = {
        "alice": user("alice", alpha, [alpha], [g_user]),
        "bob": user("bob", beta, [beta], [g_user]),
        "carol": user("carol", alpha, [alpha], [g_reader]),
        "dave": user("dave", alpha, [alpha], []),
        "multi": user("multi", alpha, [alpha, beta], [g_user]),
        "admin": user("admin", alpha, [alpha], [g_system]),
    }
    model = {m.model: m.id for m in env["ir.model"].search([])}
    access = env["ir.model.access"]
    access.create([
        {"name": "partner user", "model_id": model["res.partner"], "group_id": g_user.id,
         "perm_read": True, "perm_write": True, "perm_create": True, "perm_unlink": True},
        {"name": "partner reader", "model_id": model["res.partner"], "group_id": g_reader.id,
         "perm_read": True},
        {"name": "users read", "model_id": model["res.users"], "group_id": g_user.id,
         "perm_read": True},
        {"name": "users system", "model_id": model["res.users"], "group_id": g_system.id,
         "perm_read": True, "perm_write": True, "perm_create": True, "perm_unlink": True},
        {"name": "company read (everyone)", "model_id": model["res.company"],
         "perm_read": True},
        # an inactive line grants nothing
        {"name": "currency (archived)", "model_id": model["res.currency"], "active": False,
         "perm_read": True},
    ])
    rule = env["ir.rule"].create({"name": "Partner multi-company",
                                  "model_id": model["res.partner"],
                                  "domain_force": MULTI_COMPANY})
    partners = env["res.partner"]
    pa = partners.create({"name": "Acme (Alpha)", "company_id": alpha.id, "ref": "T"})
    pb = partners.create({"name": "Bolt (Beta)", "company_id": beta.id, "ref": "T"})
    pshared = partners.create({"name": "Shared", "ref": "T", "is_company": True})
    return {**ids, "alpha": alpha.id, "beta": beta.id, "pa": pa.id, "pb": pb.id,
            "pshared": pshared.id, "eur": eur.id, "g_user": g_user.id, "g_reader": g_reader.id,
            "g_sales": g_sales.id, "rule": rule.id, "partner_model": model["res.partner"]}


@pytest.fixture
def cr(setup) -> Iterator[Cursor]:
    with rolled_back_cursor(setup.conninfo) as cursor:
        yield cursor


@pytest.fixture
def env(cr, setup) -> Environment:
    return Environment(cr, SUPERUSER_ID, {}, registry=setup.registry)


def as_user(env: Environment, uid: int, **context) -> Environment:
    return Environment(env.cr, uid, context, registry=env.registry)


def tagged(model) -> list[str]:
    """Names of the test partners visible to ``model``'s user."""
    return sorted(model.search([("ref", "=", "T")]).mapped("name"))


# -- model access ----------------------------------------------------------------------------

def test_user_without_access_is_refused_each_operation(env, setup):
    partners = as_user(env, setup.dave)["res.partner"]
    with pytest.raises(AccessError) as info:
        partners.create({"name": "X"})
    assert "create 'Contact' (res.partner)" in str(info.value)
    with pytest.raises(AccessError, match=r"access 'Contact' \(res.partner\)"):
        partners.search([])
    with pytest.raises(AccessError, match="access"):
        partners.browse(setup.pa).read(["name"])
    with pytest.raises(AccessError) as info:
        partners.browse(setup.pa).write({"name": "Y"})
    message = str(info.value)
    assert message.startswith("You are not allowed to modify 'Contact' (res.partner) records.")
    assert "Internal User" in message and "model access" in message
    with pytest.raises(AccessError, match=r"delete 'Contact' \(res.partner\)"):
        partners.browse(setup.pa).unlink()
    with pytest.raises(AccessError):
        partners.search_count([])
    with pytest.raises(AccessError):
        partners.read_group([], ["ref"], ["company_id"])


def test_model_without_any_access_line_is_refused(env, setup):
    currencies = as_user(env, setup.alice)["res.currency"]
    with pytest.raises(AccessError) as info:
        currencies.search([])
    assert str(info.value) == ("You are not allowed to access 'Currency' (res.currency) "
                               "records. No group has read access (model access).")
    # the superuser is never checked
    assert env["res.currency"].search([("name", "=", "EUR")])


def test_read_only_access(env, setup):
    partners = as_user(env, setup.carol)["res.partner"]
    assert tagged(partners) == ["Acme (Alpha)", "Shared"]
    assert partners.browse(setup.pa).read(["name"])[0]["name"] == "Acme (Alpha)"
    with pytest.raises(AccessError, match="modify"):
        partners.browse(setup.pa).write({"name": "Changed"})
    with pytest.raises(AccessError, match="create"):
        partners.create({"name": "New"})
    with pytest.raises(AccessError, match="delete"):
        partners.browse(setup.pa).unlink()
    assert env["res.partner"].browse(setup.pa).name == "Acme (Alpha)"


# -- record rules ----------------------------------------------------------------------------

def test_rules_hide_other_companies_records(env, setup):
    partners = as_user(env, setup.alice)["res.partner"]
    assert tagged(partners) == ["Acme (Alpha)", "Shared"]
    assert tagged(as_user(env, setup.bob)["res.partner"]) == ["Bolt (Beta)", "Shared"]
    assert partners.search_count([("ref", "=", "T")]) == 2
    assert [r["name"] for r in partners.search_read([("ref", "=", "T")], ["name"])] == \
        ["Acme (Alpha)", "Shared"]
    groups = partners.read_group([("ref", "=", "T")], ["ref"], ["company_id"])
    assert sorted((g["company_id"] and g["company_id"][0], g["company_id_count"])
                  for g in groups) == sorted([(setup.alpha, 1), (False, 1)])
    assert partners.name_search("Bolt") == []
    # the superuser sees everything
    assert tagged(env["res.partner"]) == ["Acme (Alpha)", "Bolt (Beta)", "Shared"]


def test_rules_refuse_reading_a_hidden_record(env, setup):
    beta_partner = as_user(env, setup.alice)["res.partner"].browse(setup.pb)
    with pytest.raises(AccessError) as info:
        beta_partner.read(["name"])
    assert "'Partner multi-company'" in str(info.value)
    assert "(res.partner)" in str(info.value) and "read" in str(info.value)
    with pytest.raises(AccessError, match="Partner multi-company"):
        beta_partner.name  # noqa: B018
    # a record that does not exist is still a MissingError
    from agora.orm.exceptions import MissingError
    with pytest.raises(MissingError):
        as_user(env, setup.alice)["res.partner"].browse(10 ** 8).read(["name"])


def test_rules_refuse_write_and_unlink(env, setup):
    partners = as_user(env, setup.alice)["res.partner"]
    with pytest.raises(AccessError) as info:
        partners.browse([setup.pa, setup.pb]).write({"phone": "1"})
    message = str(info.value)
    assert "modify 'Contact' (res.partner)" in message and "'Partner multi-company'" in message
    assert str(setup.pb) in message and str(setup.pa) not in message
    with pytest.raises(AccessError, match="delete .*Partner multi-company"):
        partners.browse(setup.pb).unlink()
    # records of the user's company are fine
    partners.browse(setup.pa).write({"phone": "2"})
    assert env["res.partner"].browse(setup.pa).phone == "2"
    assert env["res.partner"].browse(setup.pb).phone is False


def test_create_rules_checked_on_new_records(env, setup):
    partners = as_user(env, setup.alice)["res.partner"]
    ok = partners.create({"name": "Mine", "company_id": setup.alpha})
    assert ok.company_id.id == setup.alpha
    with pytest.raises(AccessError, match="create 'Contact' .*Partner multi-company"):
        partners.create({"name": "Theirs", "company_id": setup.beta})


def test_allowed_company_ids_context(env, setup):
    both = as_user(env, setup.multi)["res.partner"]
    assert tagged(both) == ["Acme (Alpha)", "Bolt (Beta)", "Shared"]
    only_beta = as_user(env, setup.multi, allowed_company_ids=[setup.beta])["res.partner"]
    assert tagged(only_beta) == ["Bolt (Beta)", "Shared"]
    with pytest.raises(AccessError, match="unauthorized"):
        as_user(env, setup.alice, allowed_company_ids=[setup.beta])["res.partner"].search([])


def test_global_rules_are_anded_with_ored_group_rules(env, setup):
    env["ir.rule"].create([
        {"name": "Users see companies", "model_id": setup.partner_model,
         "groups": [(6, 0, [setup.g_user])], "domain_force": "[('is_company', '=', True)]"},
        {"name": "Sales see people", "model_id": setup.partner_model,
         "groups": [(6, 0, [setup.g_sales])],
         "domain_force": "[('is_company', '=', False)]"},
        {"name": "Write only", "model_id": setup.partner_model, "perm_read": False,
         "groups": [(6, 0, [setup.g_reader])], "domain_force": "[(0, '=', 1)]"},
    ])
    # group rule of alice's group ANDed with the global multi-company rule
    assert tagged(as_user(env, setup.alice)["res.partner"]) == ["Shared"]
    # in both groups: the group rules are ORed, the global rule still applies (no Bolt)
    env["res.users"].browse(setup.alice).write({"groups_id": [(4, setup.g_sales)]})
    assert tagged(as_user(env, setup.alice)["res.partner"]) == ["Acme (Alpha)", "Shared"]
    # group rules of groups the user is not in do not apply; read-only rules neither
    assert tagged(as_user(env, setup.carol)["res.partner"]) == ["Acme (Alpha)", "Shared"]
    # a user in none of the rules' groups: only global rules
    env["res.users"].browse(setup.bob).write({"groups_id": [(6, 0, [setup.g_reader])]})
    assert tagged(as_user(env, setup.bob)["res.partner"]) == ["Bolt (Beta)", "Shared"]


def test_sudo_bypasses_everything(env, setup):
    dave = as_user(env, setup.dave)
    assert not dave.su
    partners = dave["res.partner"].sudo()
    assert tagged(partners) == ["Acme (Alpha)", "Bolt (Beta)", "Shared"]
    partners.browse(setup.pb).write({"phone": "3"})
    assert partners.browse(setup.pb).phone == "3"
    alice = env["res.partner"].with_user(setup.alice)
    assert tagged(alice) == ["Acme (Alpha)", "Shared"]
    assert tagged(alice.sudo()) == ["Acme (Alpha)", "Bolt (Beta)", "Shared"]
    assert tagged(env["res.partner"]) == ["Acme (Alpha)", "Bolt (Beta)", "Shared"]


# -- field groups ----------------------------------------------------------------------------

def test_field_groups_hide_and_refuse(env, setup):
    env["res.users"].browse(setup.alice).write({"password": "stored-hash"})
    users = as_user(env, setup.alice)["res.users"]
    alice = users.browse(setup.alice)
    assert "password" not in users.fields_get()
    assert "login" in users.fields_get()
    values = alice.read()[0]
    assert "password" not in values and values["login"] == "alice"
    with pytest.raises(AccessError) as info:
        alice.read(["login", "password"])
    assert "'password'" in str(info.value) and "(res.users)" in str(info.value)
    with pytest.raises(AccessError, match="'password'"):
        alice.password  # noqa: B018
    with pytest.raises(AccessError, match="'password'"):
        users.search_read([("id", "=", setup.alice)], ["password"])
    # searching or ordering on it would reveal the value (prefix by prefix): refused too
    with pytest.raises(AccessError, match="'password'"):
        users.search([("password", "=like", "stored%")])
    with pytest.raises(AccessError, match="'password'"):
        users.search([("password", "!=", False)])
    with pytest.raises(AccessError, match="'password'"):
        users.search([], order="password")
    with pytest.raises(AccessError, match="'password'"):
        users.read_group([], ["login"], ["password"])
    # admin is in base.group_system (write access to res.users too)
    admin_users = as_user(env, setup.admin)["res.users"]
    assert "password" in admin_users.fields_get()
    # only ever stored hashed, and never read back, not even by Settings
    assert admin_users.browse(setup.alice).read(["password"])[0]["password"] is False
    assert admin_users.browse(setup.alice).password.startswith("$argon2id$")
    admin_users.browse(setup.alice).write({"password": "other-Pass-42"})
    # even with write access to the model, the field stays out of reach for writing
    with pytest.raises(AccessError, match="modify 'User'"):
        users.browse(setup.alice).write({"tz": "UTC"})
    env["ir.model.access"].create({
        "name": "users write", "model_id": env["ir.model"].search([("model", "=", "res.users")]).id,
        "group_id": setup.g_user, "perm_read": True, "perm_write": True})
    users.browse(setup.alice).write({"tz": "UTC"})
    with pytest.raises(AccessError, match="modify field 'password'"):
        users.browse(setup.alice).write({"password": "x"})
    from agora.security.passwords import verify_password
    assert verify_password("other-Pass-42", env["res.users"].browse(setup.alice).password)[0]


# -- performance ------------------------------------------------------------------------------

def test_repeated_search_does_not_requery_access(env, setup, cr):
    partners = as_user(env, setup.alice)["res.partner"]
    assert tagged(partners) == ["Acme (Alpha)", "Shared"]  # warms the memo
    with assert_queries(cr, 1) as log:
        assert len(partners.search([("ref", "=", "T")])) == 2
    assert not any("ir_model_access" in code or "ir_rule" in code for code, _ in log)
    # another user in the same transaction: groups and lines are loaded once for them
    bob = as_user(env, setup.bob)["res.partner"]
    with assert_queries(cr, 5):
        bob.search([("ref", "=", "T")])
    with assert_queries(cr, 1):
        bob.search([("ref", "=", "T")])


def test_access_changes_apply_within_the_transaction(env, setup):
    partners = as_user(env, setup.carol)["res.partner"]
    with pytest.raises(AccessError):
        partners.create({"name": "Nope", "company_id": setup.alpha})
    env["ir.model.access"].create({
        "name": "readers create", "model_id": setup.partner_model,
        "group_id": setup.g_reader, "perm_create": True})
    assert partners.create({"name": "Yes", "company_id": setup.alpha})
    env["ir.rule"].browse(setup.rule).write({"active": False})
    assert "Bolt (Beta)" in tagged(partners)


def test_kernel_default_is_no_policy(env, setup):
    registry = Registry("agora_sec_nopolicy")
    registry.load(Registry.definitions_of(["base"]))
    assert registry.access_policy is None


# -- rule domain evaluation -------------------------------------------------------------------

def test_rule_domain_evaluation_is_safe(env, setup):
    user = env["res.users"].browse(setup.alice)
    names = {"user": user, "company_ids": [setup.alpha], "company_id": setup.alpha}
    assert eval_rule_domain("[('user_id', '=', user.id)]", names) == [
        ("user_id", "=", setup.alice)]
    assert eval_rule_domain(
        "['|', ('company_id', '=', user.company_id.id), ('partner_id', '=', user.partner_id.id),"
        " ('x', 'in', company_ids), ('y', '=', -1), ('z', '=', company_id),"
        " ('w', 'in', user.company_ids.ids), ('v', '=', user.company_id)]", names) == [
        "|", ("company_id", "=", setup.alpha), ("partner_id", "=", user.partner_id.id),
        ("x", "in", [setup.alpha]), ("y", "=", -1), ("z", "=", setup.alpha),
        ("w", "in", [setup.alpha]), ("v", "=", setup.alpha)]
    assert eval_rule_domain("", names) == []
    for bad in ("__import__('os').system('true')", "[user.write({'login': 'x'})]",
                "[user._name]", "[user.password]", "[(1).__class__]", "[open]",
                "[x for x in company_ids]", "[lambda: 1]", "{'a': 1}", "user.id",
                "[('a', '=', time.time())]", "[company_ids[company_id]]"):
        with pytest.raises(RuleDomainError):
            eval_rule_domain(bad, names)


def test_invalid_rule_domain_is_refused(env, setup):
    with pytest.raises(ValidationError, match="not allowed"):
        env["ir.rule"].create({"name": "bad", "model_id": setup.partner_model,
                               "domain_force": "[('a', '=', __import__('os'))]"})
