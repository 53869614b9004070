"""Module install / upgrade / uninstall against a real database."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.modules import loader
from agora.modules.graph import closure, load_order, with_auto_install
from agora.modules.manifest import Manifest, ManifestError
from agora.modules.paths import add_addons_paths
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.testing.database import new_database, remove_database, rolled_back_cursor

ADDONS = Path(__file__).parent / "addons"


@pytest.fixture
def cr(agora_server_url):
    add_addons_paths([ADDONS])
    name, conninfo = new_database(agora_server_url, prefix="agora_mod")
    try:
        with rolled_back_cursor(conninfo) as cursor:
            yield cursor
    finally:
        remove_database(agora_server_url, name)


def _columns(cr: Cursor, table: str) -> set[str]:
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s",
               (table,))
    return {row[0] for row in cr.fetchall()}


def test_install_base_initialises_the_database(cr):
    start = time.perf_counter()
    registry = loader.install_modules(cr, ["base"])
    elapsed = time.perf_counter() - start
    cr.commit()  # deferred foreign keys (create_uid -> res_users) are checked here
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    # web (the client) depends on base only and installs itself with it, as in Odoo
    assert loader.installed_modules(cr) == ["base", "web"]
    admin = env.ref("base.user_admin")
    assert admin.login == "admin" and admin.partner_id.name == "Administrator"
    assert env.ref("base.user_root").id == SUPERUSER_ID
    assert env.ref("base.main_company").currency_id == env.ref("base.EUR")
    assert env["ir.model"].search_count([("model", "=", "res.partner")]) == 1
    fields = env["ir.model.fields"].search([("model", "=", "res.users"), ("name", "=", "login")])
    assert fields.ttype == "char" and fields.required
    assert env["ir.model.data"].check_object_reference("base", "user_admin") == (
        "res.users", admin.id)
    # generous here: the bar (< 5 s) is measured by `python -m bench modules`
    assert elapsed < 30


def test_extension_addon_adds_field_and_override_then_uninstall_restores(cr):
    loader.install_modules(cr, ["base"])
    registry = loader.install_modules(cr, ["test_partner_ext"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    assert "loyalty_points" in _columns(cr, "res_partner")
    partner = env["res.partner"].create({"name": "Extended"})
    assert partner.ref == "EXT" and partner.loyalty_points == 10
    assert "test_partner_ext" in loader.installed_modules(cr)

    registry = loader.uninstall_modules(cr, ["test_partner_ext"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    assert "loyalty_points" not in _columns(cr, "res_partner")
    assert "loyalty_points" not in env["res.partner"]._fields
    plain = env["res.partner"].create({"name": "Plain"})
    assert plain.ref is False
    assert env["res.partner"].browse(partner.id).name == "Extended"  # other data kept
    assert "test_partner_ext" not in loader.installed_modules(cr)
    assert not env["ir.model.fields"].search([("name", "=", "loyalty_points")])
    cr.commit()


def test_upgrade_keeps_data_and_reloads_registry(cr):
    loader.install_modules(cr, ["base", "test_partner_ext"])
    registry = loader.upgrade_modules(cr, ["base"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    assert "loyalty_points" in env["res.partner"]._fields  # dependents reloaded too
    assert env.ref("base.user_admin").login == "admin"


def test_bad_requests_are_refused(cr):
    with pytest.raises(ManifestError, match="not found"):
        loader.install_modules(cr, ["no_such_module"])
    cr.rollback()
    loader.install_modules(cr, ["base"])
    with pytest.raises(ManifestError, match="base module cannot be uninstalled"):
        loader.uninstall_modules(cr, ["base"])
    with pytest.raises(ManifestError, match="not installed"):
        loader.upgrade_modules(cr, ["test_partner_ext"])


def _manifest(name: str, depends=(), auto=False) -> Manifest:
    return Manifest(name=name, path=Path("/nonexistent") / name, title=name,
                    depends=tuple(depends), auto_install=auto)


def test_dependency_graph():
    manifests = {m.name: m for m in [
        _manifest("base"), _manifest("sale", ["base", "product"]), _manifest("product", ["base"]),
        _manifest("sale_product_glue", ["sale", "product"], auto=True),
        _manifest("loop_a", ["loop_b"]), _manifest("loop_b", ["loop_a"])]}
    wanted = with_auto_install(closure(["sale"], manifests), manifests)
    assert wanted == {"base", "product", "sale", "sale_product_glue"}
    assert load_order(wanted, manifests) == ["base", "product", "sale", "sale_product_glue"]
    with pytest.raises(ManifestError, match="circular"):
        load_order({"loop_a", "loop_b"}, manifests)
    with pytest.raises(ManifestError, match="'missing' not found"):
        closure(["missing"], manifests)


def test_other_processes_notice_module_changes(cr, agora_server_url):
    from agora.modules import registry_manager
    from agora.orm.registry import Registry

    loader.install_modules(cr, ["base"])
    cr.commit()
    first = registry_manager.registry_for(cr)
    assert registry_manager.registry_for(cr) is first  # unchanged: no reload
    # another "process" installs a module and bumps the signal
    other = Cursor(connect(url_for_cr(cr)))
    try:
        loader.install_modules(other, ["test_partner_ext"])
        other.commit()
    finally:
        other.close()
        other.connection.close()
    Registry.registries[cr.dbname] = first  # this process still holds the old one
    cr.rollback()  # a new transaction sees the other's commit
    reloaded = registry_manager.registry_for(cr)
    assert reloaded is not first
    assert "loyalty_points" in reloaded["res.partner"]._fields


def url_for_cr(cr: Cursor) -> str:
    from psycopg.conninfo import make_conninfo
    info = cr.connection.info
    return make_conninfo(host=info.host, port=info.port, user=info.user, dbname=info.dbname,
                         password=info.password or None)


def test_models_get_external_ids(cr):
    registry = loader.install_modules(cr, ["base", "test_partner_ext"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    assert env.ref("base.model_res_partner").model == "res.partner"
    assert env.ref("base.model_ir_module_module").model == "ir.module.module"


def test_scaffolded_addon_installs(cr, tmp_path):
    from click.testing import CliRunner

    from agora.cli.main import main
    result = CliRunner().invoke(main, ["scaffold", "library_book", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "library_book" / "__manifest__.py").is_file()
    add_addons_paths([tmp_path])
    registry = loader.install_modules(cr, ["library_book"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    # the scaffolded access CSV lets internal users work with the new model
    user = env["res.users"].create({"name": "Librarian", "login": "librarian",
                                    "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    as_user = Environment(cr, user.id, {}, registry=registry)
    book = as_user["library.book"].create({"name": "Dune"})
    assert as_user["library.book"].search([("name", "=", "Dune")]) == book
    bad = CliRunner().invoke(main, ["scaffold", "Bad-Name", str(tmp_path)])
    assert bad.exit_code != 0


def test_base_ships_countries_and_currencies(cr):
    registry = loader.install_modules(cr, ["base"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    france = env.ref("base.fr")
    assert france.name == "France" and france.currency_id == env.ref("base.EUR")
    assert env["res.country"].search_count([]) > 240
    assert env.ref("base.JPY").decimal_places == 0 and not env.ref("base.JPY").active
    assert env["res.currency"].search([]).mapped("name") == ["EUR", "USD"]  # active only
    assert env.ref("base.USD").round(1.005) == 1.01


def test_missing_external_dependency_is_refused(cr):
    loader.install_modules(cr, ["base"])
    with pytest.raises(ManifestError, match="needs agora_no_such_package"):
        loader.install_modules(cr, ["test_needs_missing"])


def test_environment_company_follows_allowed_company_ids(cr):
    from agora.orm.exceptions import AccessError
    registry = loader.install_modules(cr, ["base"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    main_company = env.ref("base.main_company")
    other = env["res.company"].create({"name": "Other Co"})
    admin = env.ref("base.user_admin")
    admin_env = Environment(cr, admin.id, {}, registry=registry)
    assert admin_env.company == main_company
    switched = Environment(cr, admin.id, {"allowed_company_ids": [main_company.id]},
                           registry=registry)
    assert switched.companies == main_company
    with pytest.raises(AccessError, match="unauthorized"):
        _ = Environment(cr, admin.id, {"allowed_company_ids": [other.id]}, registry=registry).company
    admin.write({"company_ids": [(4, other.id)]})
    both = Environment(cr, admin.id, {"allowed_company_ids": [other.id, main_company.id]},
                       registry=registry)
    assert both.company == other and set(both.companies.ids) == {other.id, main_company.id}


def test_passwords_are_hashed_and_checked(cr):
    from agora.orm.exceptions import AccessDenied
    registry = loader.install_modules(cr, ["base"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    cr.execute("SELECT password FROM res_users WHERE login = 'admin'")
    stored = cr.fetchone()[0]
    assert stored.startswith("$argon2id$") and "admin" not in stored
    users = env["res.users"]
    admin_id = env.ref("base.user_admin").id
    assert users._login("admin", "admin") == admin_id
    for login, password in (("admin", "wrong"), ("nobody", "admin"), ("", "")):
        with pytest.raises(AccessDenied):
            users._login(login, password)
    env.ref("base.user_admin").write({"password": "s3cret"})
    env.flush_all()
    assert users._login("admin", "s3cret") == admin_id
    with pytest.raises(AccessDenied):
        users._login("admin", "admin")


def test_access_policy_is_active_in_installed_databases(cr):
    from agora.orm.exceptions import AccessError
    registry = loader.install_modules(cr, ["base"])
    assert registry.access_policy is not None
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    user = env["res.users"].create({"name": "Plain", "login": "plain", "password": "x"})
    as_user = Environment(cr, user.id, {}, registry=registry)
    with pytest.raises(AccessError):
        as_user["ir.model.data"].search([])  # no access line grants it to anyone


def test_base_rules_separate_companies(cr):
    registry = loader.install_modules(cr, ["base"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    main_company = env.ref("base.main_company")
    other = env["res.company"].create({"name": "Other Co"})
    mine = env["res.partner"].create({"name": "Ours", "company_id": main_company.id})
    theirs = env["res.partner"].create({"name": "Theirs", "company_id": other.id})
    shared = env["res.partner"].create({"name": "Shared"})
    user = env["res.users"].create({
        "name": "Employee", "login": "employee", "company_id": main_company.id,
        "company_ids": [(6, 0, [main_company.id])],
        "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    partners = Environment(cr, user.id, {}, registry=registry)["res.partner"]
    visible = partners.search([("id", "in", [mine.id, theirs.id, shared.id])])
    assert set(visible.ids) == {mine.id, shared.id}
    from agora.orm.exceptions import AccessError
    with pytest.raises(AccessError):
        partners.browse(theirs.id).write({"name": "Hijacked"})
    with pytest.raises(AccessError):
        partners.browse(mine.id).unlink()  # internal users may not delete contacts


def test_upgrade_applies_changed_data_and_removes_dropped_records(cr, tmp_path):
    addon = tmp_path / "test_data_upgrade"
    (addon / "data").mkdir(parents=True)
    (addon / "__init__.py").write_text("")
    (addon / "__manifest__.py").write_text(
        '{"name": "Data upgrade", "depends": ["base"], "data": ["data/tags.xml"]}')
    tags = addon / "data" / "tags.xml"
    tags.write_text("""<odoo>
        <record id="tag_a" model="res.partner.category"><field name="name">A</field></record>
        <record id="tag_b" model="res.partner.category"><field name="name">B</field></record>
        <data noupdate="1">
            <record id="tag_keep" model="res.partner.category"><field name="name">Keep</field></record>
        </data></odoo>""")
    add_addons_paths([tmp_path])
    registry = loader.install_modules(cr, ["base", "test_data_upgrade"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    tag_b = env.ref("test_data_upgrade.tag_b")
    env.ref("test_data_upgrade.tag_keep").write({"name": "Changed by a user"})
    tags.write_text("""<odoo>
        <record id="tag_a" model="res.partner.category"><field name="name">A2</field></record>
        <data noupdate="1">
            <record id="tag_keep" model="res.partner.category"><field name="name">Keep</field></record>
        </data></odoo>""")
    registry = loader.upgrade_modules(cr, ["test_data_upgrade"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    assert env.ref("test_data_upgrade.tag_a").name == "A2"
    assert not env["res.partner.category"].browse(tag_b.id).exists()
    assert env.ref("test_data_upgrade.tag_b", raise_if_not_found=False) is None
    assert env.ref("test_data_upgrade.tag_keep").name == "Changed by a user"


def test_every_base_model_has_access_rights(cr):
    registry = loader.install_modules(cr, ["base"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    covered = set(env["ir.model.access"].search([]).mapped("model_id.model"))
    stored = {name for name, model in registry.models.items() if model._auto}
    assert stored - covered == set()


def test_pip_installed_addons_are_found_through_entry_points(cr, monkeypatch):
    from importlib.metadata import EntryPoint

    from agora.modules import paths
    entry = EntryPoint(name="ep_addon", value="tests.modules.ep_pkg", group="agora.addons")
    monkeypatch.setattr(paths, "entry_points",
                        lambda group: [entry] if group == "agora.addons" else [])
    assert paths.discover()["ep_addon"].python_package == "tests.modules.ep_pkg"
    registry = loader.install_modules(cr, ["ep_addon"])
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    assert env["ep.thing"].create({"name": "x"}).name == "x"
    assert env["ir.model"].search([("model", "=", "ep.thing")]).modules == "ep_addon"
    loader.uninstall_modules(cr, ["ep_addon"])
    cr.execute("SELECT to_regclass('ep_thing')")
    assert cr.fetchone()[0] is None  # the module's table is gone
