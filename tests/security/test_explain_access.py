"""``ir.model.access.explain_access``: why a user may or may not read/write a record —
which access lines, which record rules — on a database where base is really installed
(its access lines and its multi-company rule), checked against the real enforcement."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.exceptions import AccessError, InvalidValueError
from agora.rpc.dispatch import call_kw
from agora.security import audit
from agora.testing.addons import installed_database, rolled_back_env
from agora.testing.database import run_committed

MODEL = "ir.model.access"


@pytest.fixture(scope="module")
def setup(agora_server_url: str) -> Iterator[SimpleNamespace]:
    with installed_database(agora_server_url, ["base"], prefix="agora_explain") as db:
        def populate(env: Environment) -> dict[str, int]:
            main = env.ref("base.main_company")
            beta = env["res.company"].create({"name": "Beta", "currency_id": main.currency_id.id})

            def user(login: str, company, *groups: str) -> int:
                return env["res.users"].create({
                    "name": login.title(), "login": login, "company_id": company.id,
                    "company_ids": [(6, 0, [company.id])],
                    "groups_id": [(6, 0, [env.ref(g).id for g in groups])]}).id
            partners = env["res.partner"]
            return {
                "alice": user("alice", main, "base.group_user"),
                "bob": user("bob", beta, "base.group_user"),
                "sysadmin": user("sysadmin", main, "base.group_system"),
                "main": main.id, "beta": beta.id,
                "p_main": partners.create({"name": "Main Customer", "company_id": main.id}).id,
                "p_beta": partners.create({"name": "Beta Customer", "company_id": beta.id}).id,
                "p_shared": partners.create({"name": "Shared Supplier"}).id,
            }
        yield SimpleNamespace(conninfo=db, **run_committed(db, populate))


@pytest.fixture
def env(setup: SimpleNamespace) -> Iterator[Environment]:
    with rolled_back_env(setup.conninfo) as env:
        yield env


@pytest.fixture
def explain(env: Environment, setup: SimpleNamespace):
    """``explain(user, model, res_id, operation)`` asked by a Settings member."""
    def ask(user_id: int, model: str, res_id: int | None = None, operation: str = "read",
            **kwargs):
        answer = env[MODEL].with_user(setup.sysadmin).explain_access(
            user_id, model, res_id, operation, **kwargs)
        # the explanation and the enforcement agree (it says so otherwise)
        assert answer["consistent"] is True, answer
        return answer
    return ask


def test_allowed_by_an_access_line_and_the_multi_company_rule(explain, setup):
    answer = explain(setup.alice, "res.partner", setup.p_main, "read")
    assert answer["allowed"] is True and answer["exists"] is True
    acl = answer["model_access"]
    assert acl["allowed"] is True
    assert [line["name"] for line in acl["lines"] if line["decisive"]] == [
        "res.partner user"]
    portal = next(line for line in acl["lines"] if line["group"] == "Portal")
    assert portal["grants"] is True and portal["applies"] is False
    [rule] = answer["record_rules"]["global"]
    assert rule["name"] == "Contacts: multi-company" and rule["matches"] is True
    assert rule["evaluated"] == ["|", ["company_id", "=", False],
                                 ["company_id", "in", [setup.main]]] or rule["evaluated"] == [
        "|", ("company_id", "=", False), ("company_id", "in", [setup.main])]
    assert answer["record_rules"]["allowed"] is True
    assert "res.partner user" in answer["reason"]
    assert "Internal User" in answer["user"]["groups"]


def test_refused_by_a_missing_access_line(explain, setup, env):
    group = env.ref("base.group_portal")
    answer = explain(setup.alice, "res.groups", group.id, "write")
    assert answer["allowed"] is False
    acl = answer["model_access"]
    assert acl["allowed"] is False
    assert not [line for line in acl["lines"] if line["decisive"]]
    user_line = next(line for line in acl["lines"] if line["name"] == "res.groups user")
    assert user_line["applies"] is True and user_line["grants"] is False
    assert "Access Rights" in acl["reason"]  # the group that has it
    assert "May not write any res.groups record" in answer["reason"]
    assert "enforcement_error" in answer

    # deleting partners: the user line does not grant it, the manager line does
    answer = explain(setup.alice, "res.partner", setup.p_main, "unlink")
    assert answer["allowed"] is False and "Access Rights" in answer["reason"]


def test_refused_by_a_record_rule_naming_it(explain, setup, env):
    model_id = env["ir.model"].search([("model", "=", "res.partner")]).id
    env["ir.rule"].create({"name": "Test: no secret partners", "model_id": model_id,
                           "domain_force": "[('name', 'not ilike', 'secret')]",
                           "perm_write": False, "perm_create": False, "perm_unlink": False})
    secret = env["res.partner"].create({"name": "Secret Agent", "company_id": setup.main})
    answer = explain(setup.alice, "res.partner", secret.id, "read")
    assert answer["allowed"] is False
    rules = {rule["name"]: rule for rule in answer["record_rules"]["global"]}
    assert rules["Test: no secret partners"]["matches"] is False
    assert rules["Contacts: multi-company"]["matches"] is True
    assert "'Test: no secret partners'" in answer["reason"]
    assert "'Contacts: multi-company'" not in answer["reason"]
    # the rule does not apply to write: writing is allowed
    assert explain(setup.alice, "res.partner", secret.id, "write")["allowed"] is True

    # a group rule: alice's group may only write partners she created
    env["ir.rule"].create({"name": "Test: own partners", "model_id": model_id,
                           "domain_force": "[('create_uid', '=', user.id)]",
                           "groups": [(4, env.ref("base.group_user").id)],
                           "perm_read": False, "perm_create": False, "perm_unlink": False})
    answer = explain(setup.alice, "res.partner", setup.p_main, "write")
    assert answer["allowed"] is False
    [group_rule] = answer["record_rules"]["group"]
    assert group_rule["applies"] is True and group_rule["matches"] is False
    assert group_rule["groups"] == ["Internal User"]
    assert "'Test: own partners'" in answer["reason"]
    # a Settings member is in that group too (implied) yet the rule stands: refused
    answer = explain(setup.sysadmin, "res.partner", setup.p_main, "write")
    assert answer["allowed"] is False
    own = env["res.partner"].with_user(setup.alice).create({"name": "Alice's own",
                                                            "company_id": setup.main})
    assert explain(setup.alice, "res.partner", own.id, "write")["allowed"] is True


def test_multi_company_rule(explain, setup):
    # bob works in Beta only: the main company's contact is refused, Beta's allowed,
    # a contact without company is everyone's
    answer = explain(setup.bob, "res.partner", setup.p_main, "read")
    assert answer["allowed"] is False
    assert answer["record_rules"]["company_ids"] == [setup.beta]
    assert "'Contacts: multi-company'" in answer["reason"]
    assert explain(setup.bob, "res.partner", setup.p_beta, "read")["allowed"] is True
    assert explain(setup.bob, "res.partner", setup.p_shared, "read")["allowed"] is True
    assert explain(setup.alice, "res.partner", setup.p_beta, "read")["allowed"] is False
    # asking for a company the user may not use: refused, and why
    answer = explain(setup.alice, "res.partner", setup.p_beta, "read",
                     company_ids=[setup.beta])
    assert answer["allowed"] is False
    assert "unauthorized" in answer["record_rules"]["reason"]


def test_the_model_as_a_whole_the_superuser_and_missing_records(explain, setup):
    answer = explain(setup.alice, "res.partner", None, "read")
    assert answer["allowed"] is True
    assert answer["record_rules"]["allowed"] == "depends on the record"
    answer = explain(SUPERUSER_ID, "res.groups", None, "unlink")
    assert answer["allowed"] is True and answer["superuser"] is True
    answer = explain(setup.alice, "res.partner", 10**9, "read")
    assert answer["allowed"] is False and answer["exists"] is False


def test_only_settings_members_may_ask_and_asking_logs_no_refusal(env, setup):
    with pytest.raises(AccessError):
        env[MODEL].with_user(setup.alice).explain_access(setup.bob, "res.partner",
                                                         setup.p_main, "read")
    with pytest.raises(InvalidValueError):
        env[MODEL].with_user(setup.sysadmin).explain_access(setup.bob, "no.such.model")
    with pytest.raises(InvalidValueError):
        env[MODEL].with_user(setup.sysadmin).explain_access(setup.bob, "res.partner",
                                                            setup.p_main, "fly")
    pending = len(audit.pending_events(env.cr))
    # over RPC, the way a client calls it (positional arguments, an @api.model method)
    answer = call_kw(env(user=setup.sysadmin), MODEL, "explain_access",
                     [setup.bob, "res.partner", setup.p_main, "read"])
    assert answer["allowed"] is False and answer["consistent"] is True
    # the real check run to confirm the answer is a question, not a refused attempt
    assert len(audit.pending_events(env.cr)) == pending


def test_the_explain_access_dialog(env, setup):
    """Settings › Technical › Explain Access: the dialog's button fills in the text."""
    model = env["ir.model"].search([("model", "=", "res.partner")])
    wizard = env["access.explain.wizard"].with_user(setup.sysadmin).create({
        "user_id": setup.bob, "model_id": model.id, "res_id": setup.p_main,
        "operation": "read"})
    action = wizard.action_explain()
    assert action["res_id"] == wizard.id and action["target"] == "new"
    assert wizard.allowed is False
    assert wizard.result.startswith("REFUSED")
    assert "'Contacts: multi-company'" in wizard.result
    assert "+ res.partner user [Internal User] grants read" in wizard.result
    menu = env.ref("base.menu_access_explain")
    assert menu.parent_id == env.ref("base.menu_custom")
    assert env.ref("base.menu_audit_log").action
    with pytest.raises(AccessError):
        env["access.explain.wizard"].with_user(setup.alice).create({
            "user_id": setup.bob, "model_id": model.id, "operation": "read"})
