"""odoorpc (JSON-RPC only): ``/web/webclient/version_info``, ``common.login`` and
``res.users.context_get`` on ``/jsonrpc``, then ``object.execute_kw`` for every call,
records read with ``load='_classic_write'``, ``default_get`` for empty records and
``ir.model.data.check_object_reference`` for ``env.ref``."""

from __future__ import annotations

import odoorpc
import pytest
from odoorpc.error import RPCError

from tests.clients.conftest import ADMIN_UID, PASSWORD, Served


@pytest.fixture
def odoo(served: Served) -> odoorpc.ODOO:
    client = odoorpc.ODOO(served.host, port=served.port, timeout=30)
    client.login(served.db, "admin", PASSWORD)
    return client


def test_version_db_list_and_login(served):
    client = odoorpc.ODOO(served.host, port=served.port, timeout=30)
    assert client.version == "17.0"
    assert served.db in client.db.list()
    with pytest.raises(RPCError, match="Wrong login ID or password"):
        client.login(served.db, "admin", "wrong password")
    client.login(served.db, "admin", PASSWORD)
    env = client.env
    assert (env.db, env.uid) == (served.db, ADMIN_UID)
    assert env.context == {"lang": "en_US", "tz": False, "uid": ADMIN_UID}
    assert env.lang == "en_US"
    assert env.user.login == "admin" and env.user.name == "Administrator"
    assert env.user.company_id.id == 1 and env.user.company_id.name
    assert "res.partner" in env and "no.such.model" not in env
    assert client.logout() is True


def test_records(odoo, token):
    Partner, Tag = odoo.env["res.partner"], odoo.env["res.partner.category"]
    assert Partner._columns["parent_id"].relation == "res.partner"
    tag_ids = Tag.create([{"name": f"{token} a"}, {"name": f"{token} b"}])
    assert isinstance(tag_ids, list) and len(tag_ids) == 2
    company_id = Partner.create({"name": f"{token} Co", "is_company": True,
                                 "category_id": [(6, 0, tag_ids)]})
    assert isinstance(company_id, int)
    company = Partner.browse(company_id)
    assert (company.name, company.is_company, company.type) == (f"{token} Co", True, "contact")
    assert company.parent_id.ids == [] and not company.email
    assert sorted(company.category_id.ids) == sorted(tag_ids)
    assert sorted(tag.name for tag in company.category_id) == [f"{token} a", f"{token} b"]

    company.child_ids = [(0, 0, {"name": f"{token} Ann"}), (0, 0, {"name": f"{token} Bob"})]
    company = Partner.browse(company_id)
    assert [c.name for c in company.child_ids] == [f"{token} Ann", f"{token} Bob"]
    ann = company.child_ids[0]
    assert ann.parent_id.id == company_id and ann.commercial_partner_id.id == company_id
    assert ann.display_name == f"{token} Co, {token} Ann"

    ann.email = "ann@example.com"  # auto_commit: one write per assignment
    company.child_ids -= ann  # (3, id): Ann leaves the company but is not deleted
    assert [c.name for c in Partner.browse(company_id).child_ids] == [f"{token} Bob"]
    fresh = Partner.browse(ann.id)
    assert (fresh.email, fresh.parent_id.ids, fresh.display_name) == (
        "ann@example.com", [], f"{token} Ann")

    company.category_id -= Tag.browse(tag_ids[0])
    assert Partner.browse(company_id).category_id.ids == [tag_ids[1]]
    company = Partner.browse(company_id)
    company.category_id += Tag.browse(tag_ids[0])
    assert sorted(Partner.browse(company_id).category_id.ids) == sorted(tag_ids)

    rows = Partner.read([ann.id], ["parent_id", "category_id", "name"], load="_classic_write")
    assert rows == [{"id": ann.id, "parent_id": False, "category_id": [],
                     "name": f"{token} Ann"}]
    [row] = odoo.execute("res.partner", "read", [company_id], ["child_ids"])
    assert len(row["child_ids"]) == 1
    assert odoo.execute_kw("res.partner", "search_read", [[("id", "=", company_id)]],
                           {"fields": ["display_name"]}) == [
        {"id": company_id, "display_name": f"{token} Co"}]

    new = Partner.browse(False)  # an empty record: defaults from default_get
    assert new.type == "contact" and new.active is True and not new.ids

    ids = Partner.search([("name", "like", token)])
    assert Partner.browse(ids).unlink() is True
    assert Partner.search([("name", "like", token)]) == []
    assert Tag.browse(tag_ids).unlink() is True


def test_search_and_model_methods(odoo, token):
    Partner = odoo.env["res.partner"]
    ids = Partner.create([{"name": f"{token} {name}", "is_company": name == "Acme"}
                          for name in ("Acme", "Bea", "Cid", "Dan")])
    mine = [("name", "like", token)]
    assert Partner.search(mine, order="name desc") == ids[::-1]
    assert Partner.search(mine, offset=1, limit=2, order="name") == ids[1:3]
    assert Partner.search(mine + ["|", ("name", "ilike", "bea"), ("is_company", "=", True)],
                          order="name") == ids[:2]
    assert Partner.search_count(mine) == 4
    assert Partner.search_read(mine + [("id", "in", ids[2:])], ["name"], order="name") == [
        {"id": ids[2], "name": f"{token} Cid"}, {"id": ids[3], "name": f"{token} Dan"}]
    assert Partner.name_search(f"{token} c") == [[ids[2], f"{token} Cid"]]
    groups = Partner.read_group(mine, ["is_company"], ["is_company"])
    assert [(g["is_company"], g["is_company_count"]) for g in groups] == [(False, 3), (True, 1)]
    assert Partner.default_get(["type", "active"]) == {"type": "contact", "active": True}
    Partner.browse(ids[3]).active = False
    assert Partner.search_count(mine) == 3
    assert Partner.with_context(active_test=False).search_count(mine) == 4
    assert odoo.env["res.users"].context_get() == {"lang": "en_US", "tz": False,
                                                  "uid": ADMIN_UID}
    assert odoo.env["ir.cron"].search([]) is not None
    assert odoo.env["ir.module.module"].search([("name", "=", "base")])


def test_env_ref(odoo):
    admin = odoo.env.ref("base.user_admin")
    assert (admin._name, admin.id, admin.login) == ("res.users", ADMIN_UID, "admin")
    company = odoo.env.ref("base.main_company")
    assert company._name == "res.company" and company.id == 1
    assert odoo.env.ref("base.main_partner").id == company.partner_id.id
    with pytest.raises(RPCError, match="base.no_such_id"):
        odoo.env.ref("base.no_such_id")


def test_errors_and_the_session_survives(served, odoo, token):
    def still_working() -> None:
        assert odoo.env["res.users"].browse(ADMIN_UID).login == "admin"

    with pytest.raises(RPCError) as info:
        odoo.execute("res.partner", "_foo")
    assert info.value.info["data"]["name"] == "odoo.exceptions.AccessError"
    assert "Private methods" in str(info.value)
    still_working()
    with pytest.raises(RPCError) as info:
        odoo.execute("no.such.model", "search", [])
    assert info.value.info["data"]["name"] == "odoo.exceptions.UserError"
    assert str(info.value) == "Object no.such.model doesn't exist"
    with pytest.raises(RPCError, match="no_such_method"):
        odoo.execute("res.partner", "no_such_method", [])
    still_working()
    with pytest.raises(RPCError) as info:
        odoo.env["res.partner.category"].create({"color": 1})
    assert info.value.info["data"]["name"] == "odoo.exceptions.ValidationError"
    assert "'name'" in info.value.info["data"]["message"]
    with pytest.raises(RPCError) as info:  # a wrong password on a raw call
        odoo.json("/jsonrpc", {"service": "object", "method": "execute", "args": [
            served.db, ADMIN_UID, "wrong password", "res.partner", "search", []]})
    assert info.value.info["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert info.value.info["code"] == 200
    still_working()
    assert odoo.env["res.partner"].search_count([("name", "like", token)]) == 0
