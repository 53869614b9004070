"""odooly: the default web mode (``/web/session/authenticate`` then
``/web/dataset/call_kw/<model>/<method>`` with the session cookie), ``ir.model`` for its
model registry, ``ir.model.data`` for external ids; and its ``/jsonrpc`` mode."""

from __future__ import annotations

import odooly
import pytest

from tests.clients.conftest import ADMIN_UID, PASSWORD, VERSION, Served


@pytest.fixture
def client(served: Served) -> odooly.Client:
    return odooly.Client(served.url, db=served.db, user="admin", password=PASSWORD)


def _server_error(info: pytest.ExceptionInfo) -> dict:
    return info.value.args[0]["data"]


def test_login(served):
    with pytest.raises(odooly.Error, match="Invalid username or password"):
        odooly.Client(served.url, db=served.db, user="admin", password="wrong password")
    client = odooly.Client(served.url)  # no database: HEAD / first, then the db list
    assert client.server_version == "17.0" and client.version_info == 17.0
    assert client.login("admin", PASSWORD, database=served.db) == ADMIN_UID
    env = client.env
    assert (env.db_name, env.uid, env.user.login) == (served.db, ADMIN_UID, "admin")
    assert env.context == {"lang": "en_US", "tz": False, "uid": ADMIN_UID}
    info = env.session_info
    assert info["uid"] == ADMIN_UID and info["db"] == served.db and info["is_system"] is True
    assert info["user_context"]["uid"] == ADMIN_UID
    assert client.web_webclient.version_info() == VERSION
    assert served.db in client.database.list()


def test_models_and_fields(client):
    env = client.env
    assert {"res.partner", "res.partner.category"} <= set(env.models("res.partner"))
    assert "res.partner" in env and "ir.model" in env
    Partner = env["res.partner"]
    assert Partner.fields("name parent_id category_id", "type relation") == {
        "name": {"type": "char"}, "parent_id": {"type": "many2one", "relation": "res.partner"},
        "category_id": {"type": "many2many", "relation": "res.partner.category"}}
    assert {"id", "display_name", "name", "child_ids"} <= set(Partner.keys())
    with pytest.raises(odooly.Error, match="Model not found"):
        env["no.such.model"]
    assert env.modules("base") == {"installed": ["base"]}
    assert env.access("res.partner", "write") is True
    assert env["res.users"].context_get() == {"lang": "en_US", "tz": False, "uid": ADMIN_UID}


def test_records(client, token):
    env = client.env
    Partner, Tag = env["res.partner"], env["res.partner.category"]
    tags = Tag.create([{"name": f"{token} a"}, {"name": f"{token} b"}])
    assert isinstance(tags, odooly.RecordList) and tags.name == [f"{token} a", f"{token} b"]
    company = Partner.create({"name": f"{token} Co", "is_company": True, "category_id": tags,
                              "child_ids": [(0, 0, {"name": f"{token} Ann"})]})
    assert isinstance(company, odooly.Record)
    assert (company.name, company.is_company, company.type) == (f"{token} Co", True, "contact")
    assert company.category_id == tags and company.parent_id is False
    [ann] = company.child_ids
    assert ann.parent_id == company and ann.parent_id.name == f"{token} Co"
    assert ann.display_name == f"{token} Co, {token} Ann" and str(ann) == ann.display_name
    assert Partner.read(ann.id, "name email") == {"id": ann.id, "name": f"{token} Ann",
                                                  "email": False}
    assert Partner.read(ann.id, "{name} <{type}>") == f"{token} Ann <contact>"
    assert Partner.read([("name", "like", token)], "name", order="name") == [
        f"{token} Ann", f"{token} Co"]

    ann.email = "ann@example.com"  # one write per assignment
    ann.refresh()
    assert ann.email == "ann@example.com"
    company.category_id = tags[1:]
    assert Partner.browse(company.id).category_id.name == [f"{token} b"]
    assert company.write({"phone": "123"}) is True
    bob = Partner.create({"name": f"{token} Bob", "parent_id": company})
    assert sorted(Partner.browse(company.id).child_ids.name) == [f"{token} Ann",
                                                                   f"{token} Bob"]

    mine = Partner.search([("name", "like", token)], order="name")
    assert mine.name == [f"{token} Ann", f"{token} Bob", f"{token} Co"]
    assert Partner.search(["name like " + token, "is_company = True"]).ids == [company.id]
    assert Partner.search([("name", "like", token)], order="name desc", limit=1).ids == [
        company.id]
    assert mine[1:].ids == [bob.id, company.id]
    assert Partner.search_count([("name", "like", token)]) == 3
    assert mine.filtered("parent_id").ids == [ann.id, bob.id]
    assert mine.mapped("parent_id.name") == [f"{token} Co"]
    assert mine.sorted("name", reverse=True).ids == [company.id, bob.id, ann.id]
    assert Partner.get([("name", "=", f"{token} Bob")]) == bob
    assert Partner.search_read([("name", "like", token)], "name parent_id", order="name") == [
        {"id": ann.id, "name": f"{token} Ann", "parent_id": [company.id, f"{token} Co"]},
        {"id": bob.id, "name": f"{token} Bob", "parent_id": [company.id, f"{token} Co"]},
        {"id": company.id, "name": f"{token} Co", "parent_id": False}]
    assert Partner.name_search(f"{token} bo") == [[bob.id, f"{token} Co, {token} Bob"]]
    groups = Partner.read_group([("name", "like", token)], ["parent_id"], ["parent_id"])
    assert {(g["parent_id"] and g["parent_id"][0], g["parent_id_count"]) for g in groups} == {
        (company.id, 2), (False, 1)}
    assert Partner.default_get(["type", "active"]) == {"type": "contact", "active": True}

    copy = company.copy({"name": f"{token} Copy"})
    assert isinstance(copy, odooly.Record) and copy.name == f"{token} Copy"
    assert Partner.browse([copy.id, 2_000_000_000]).exists().ids == [copy.id]
    assert (copy + bob).unlink() is True
    assert Partner.browse([copy.id, bob.id]).exists().ids == []
    assert mine.exists().ids == [ann.id, company.id]


def test_external_ids(client):
    env = client.env
    admin = env.ref("base.user_admin")
    assert (admin._name, admin.id, admin.login) == ("res.users", ADMIN_UID, "admin")
    assert env["res.users"].get("base.user_admin") == admin
    assert admin._external_id == "base.user_admin"
    assert env["res.company"].browse(1)._external_id == "base.main_company"
    assert env.ref("base.no_such_id") is None


def test_errors_and_the_session_survives(client, token):
    env = client.env
    Partner = env["res.partner"]

    def still_working() -> None:
        assert env["res.users"].browse(ADMIN_UID).login == "admin"

    with pytest.raises(odooly.ServerError) as info:
        env.execute("res.partner", "_foo")
    assert _server_error(info)["name"] == "odoo.exceptions.AccessError"
    assert info.value.args[0]["code"] == 200 and "Traceback" in _server_error(info)["debug"]
    still_working()
    with pytest.raises(odooly.ServerError) as info:
        env.execute("no.such.model", "search", [])
    assert _server_error(info)["message"] == "Object no.such.model doesn't exist"
    with pytest.raises(odooly.ServerError) as info:
        Partner.no_such_method()
    assert "no_such_method" in _server_error(info)["message"]
    still_working()
    with pytest.raises(odooly.ServerError) as info:
        env["res.partner.category"].create({"color": 1})
    assert _server_error(info)["name"] == "odoo.exceptions.ValidationError"
    assert "'name'" in _server_error(info)["arguments"][0]
    still_working()
    env.session_destroy()  # odooly authenticates again on the next call
    assert Partner.search_count([("name", "like", token)]) == 0
    still_working()


def test_jsonrpc_mode(served, token):
    client = odooly.Client(f"{served.url}/jsonrpc", db=served.db, user="admin",
                           password=PASSWORD)
    env = client.env
    assert env.uid == ADMIN_UID and env.user.name == "Administrator"
    partner = env["res.partner"].create({"name": f"{token} json"})
    assert env["res.partner"].search([("name", "=", f"{token} json")]).ids == [partner.id]
    with pytest.raises(odooly.ServerError) as info:
        env.execute("res.partner", "_foo")
    assert _server_error(info)["name"] == "odoo.exceptions.AccessError"
    assert partner.unlink() is True
    assert env["res.partner"].search_count([("name", "like", token)]) == 0
