"""Plain ``xmlrpc.client`` scripts, as in Odoo's external API documentation: integer fault
codes on ``/xmlrpc/2/<service>``, string fault codes on the legacy ``/xmlrpc/<service>``
(odoo-client-lib, erppeek)."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import pytest

from tests.clients.conftest import ADMIN_UID, PASSWORD, VERSION, Served


class Script:
    """What a user writes: one proxy per service, ``execute_kw`` for everything."""

    def __init__(self, served: Served, prefix: str = "/xmlrpc/2", allow_none: bool = False):
        self.db = served.db
        self.common = xmlrpc.client.ServerProxy(f"{served.url}{prefix}/common",
                                                allow_none=allow_none)
        self.models = xmlrpc.client.ServerProxy(f"{served.url}{prefix}/object",
                                                allow_none=allow_none)
        self.dbs = xmlrpc.client.ServerProxy(f"{served.url}{prefix}/db", allow_none=allow_none)
        self.uid = self.common.login(self.db, "admin", PASSWORD)

    def __call__(self, model: str, method: str, args: list[Any] | None = None,
                 kwargs: dict[str, Any] | None = None) -> Any:
        return self.models.execute_kw(self.db, self.uid, PASSWORD, model, method,
                                      args or [], kwargs or {})

    def fault(self, model: str, method: str, args: list[Any] | None = None,
              kwargs: dict[str, Any] | None = None, password: str = PASSWORD
              ) -> xmlrpc.client.Fault:
        with pytest.raises(xmlrpc.client.Fault) as info:
            self.models.execute_kw(self.db, self.uid, password, model, method,
                                   args or [], kwargs or {})
        return info.value


@pytest.fixture
def rpc(served: Served) -> Script:
    return Script(served)


@pytest.fixture
def legacy(served: Served) -> Script:
    return Script(served, prefix="/xmlrpc")


# -- common and db services -----------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["/xmlrpc/2", "/xmlrpc"])
def test_version_login_and_db_list(served, prefix):
    common = xmlrpc.client.ServerProxy(f"{served.url}{prefix}/common")
    assert common.version() == VERSION
    assert common.login(served.db, "admin", PASSWORD) == ADMIN_UID
    assert common.login(served.db, "admin", "wrong password") is False
    assert common.login(served.db, "nobody-here", PASSWORD) is False
    assert common.authenticate(served.db, "admin", PASSWORD, {}) == ADMIN_UID
    assert common.authenticate(served.db, "admin", "wrong password", {}) is False
    db = xmlrpc.client.ServerProxy(f"{served.url}{prefix}/db")
    assert served.db in db.list()
    assert db.server_version() == "17.0"  # erppeek


def test_nil_in_params_is_accepted(served, token):
    """erppeek marshals with allow_none: ``<nil/>`` arrives for missing arguments."""
    script = Script(served, allow_none=True)
    new_id = script("res.partner", "create", [{"name": f"{token} nil"}])
    assert script.models.execute_kw(served.db, ADMIN_UID, PASSWORD, "res.partner", "search",
                                    [[("id", "=", new_id)]], None) == [new_id]
    assert script.models.execute_kw(served.db, ADMIN_UID, PASSWORD, "res.partner", "read",
                                    [[new_id], None])[0]["name"] == f"{token} nil"
    assert script("res.partner", "search", [[("id", "=", new_id)], 0, None, None]) == [new_id]
    assert script("res.partner", "search", [[("id", "=", new_id)]],
                  {"context": None}) == [new_id]


# -- describing models ------------------------------------------------------------------------

def test_fields_get(rpc):
    fields = rpc("res.partner", "fields_get")
    assert all("type" in info for info in fields.values())
    assert fields["id"]["type"] == "integer" and fields["display_name"]["type"] == "char"
    assert fields["parent_id"]["type"] == "many2one"
    assert fields["parent_id"]["relation"] == "res.partner"
    assert fields["child_ids"]["type"] == "one2many"
    assert fields["category_id"]["relation"] == "res.partner.category"
    assert fields["type"]["selection"][0] == ["contact", "Contact"]
    some = rpc("res.partner", "fields_get", [["name", "type"]],
               {"attributes": ["type", "string", "required"]})
    assert some == {"name": {"type": "char", "string": "Name", "required": False},
                    "type": {"type": "selection", "string": "Type", "required": False}}
    assert "name" in rpc("res.partner", "fields_get_keys")  # erppeek


def test_users_context_and_introspection(rpc):
    assert rpc("res.users", "context_get") == {"lang": "en_US", "tz": False, "uid": ADMIN_UID}
    [user] = rpc("res.users", "read", [[ADMIN_UID], ["login", "name", "company_id"]])
    assert (user["login"], user["name"]) == ("admin", "Administrator")
    assert user["company_id"][0] == 1 and isinstance(user["company_id"][1], str)
    models = rpc("ir.model", "search_read",
                 [[("model", "in", ["res.partner", "ir.cron", "ir.module.module"])]],
                 {"fields": ["model", "name", "transient"]})
    assert {m["model"]: m["transient"] for m in models} == {
        "res.partner": False, "ir.cron": False, "ir.module.module": False}
    assert all(isinstance(m["name"], str) and m["name"] for m in models)
    [partner_model] = [m for m in models if m["model"] == "res.partner"]
    assert rpc("ir.model", "read", [[partner_model["id"]], ["model", "transient"]]) == [
        {"id": partner_model["id"], "model": "res.partner", "transient": False}]
    assert rpc("ir.model.data", "check_object_reference", ["base", "user_admin", True]) == [
        "res.users", ADMIN_UID]
    installed = rpc("ir.module.module", "search_read", [[("state", "=", "installed")]],
                    {"fields": ["name"]})
    assert {"base", "demo"} <= {m["name"] for m in installed}
    assert isinstance(rpc("ir.cron", "search", [[]]), list)


# -- CRUD -------------------------------------------------------------------------------------

def test_create_read_write_unlink(rpc, token):
    company = rpc("res.partner", "create", [{"name": f"{token} Co", "is_company": True}])
    assert isinstance(company, int)
    people = rpc("res.partner", "create", [[{"name": f"{token} Ann", "parent_id": company},
                                            {"name": f"{token} Bob", "parent_id": company}]])
    assert isinstance(people, list) and len(people) == 2
    rows = rpc("res.partner", "read", [people, ["name", "parent_id", "complete_name"]])
    assert rows == [
        {"id": people[0], "name": f"{token} Ann", "parent_id": [company, f"{token} Co"],
         "complete_name": f"{token} Co, {token} Ann"},
        {"id": people[1], "name": f"{token} Bob", "parent_id": [company, f"{token} Co"],
         "complete_name": f"{token} Co, {token} Bob"}]
    classic = rpc("res.partner", "read", [people[:1], ["parent_id", "category_id"]],
                  {"load": "_classic_write"})
    assert classic == [{"id": people[0], "parent_id": company, "category_id": []}]
    [one] = rpc("res.partner", "read", [company])  # a bare id, every field
    assert one["name"] == f"{token} Co" and one["child_ids"] == people
    assert one["email"] is False and one["create_date"][4] == "-" and len(one["create_date"]) == 19
    assert set(rpc("res.partner", "read", [[company], []])[0]) == set(one)
    assert rpc("res.partner", "read", [False, ["name"]]) == []  # browse(False): no records
    assert rpc("res.partner", "write", [people, {"function": "Buyer"}]) is True
    assert [r["function"] for r in rpc("res.partner", "read", [people, ["function"]])] == [
        "Buyer", "Buyer"]
    copy = rpc("res.partner", "copy", [company, {"name": f"{token} Copy"}])
    assert isinstance(copy, int)  # Odoo 17 answers copy() with the new id
    assert rpc("res.partner", "exists", [[copy, 2_000_000_000]]) == [copy]
    assert rpc("res.partner", "unlink", [people + [copy]]) is True
    assert rpc("res.partner", "search", [[("id", "in", people + [copy])]]) == []
    assert rpc("res.partner", "read", [[company], ["child_ids"]])[0]["child_ids"] == []


def test_x2many_commands(rpc, token):
    tags = rpc("res.partner.category", "create",
               [[{"name": f"{token} t{i}"} for i in range(3)]])
    company = rpc("res.partner", "create", [{
        "name": f"{token} Co", "is_company": True, "category_id": [(6, 0, tags[:2])],
        "child_ids": [(0, 0, {"name": f"{token} c1"}), (0, 0, {"name": f"{token} c2"})]}])

    def read() -> dict[str, Any]:
        return rpc("res.partner", "read", [[company], ["category_id", "child_ids"]])[0]
    c1, c2 = read()["child_ids"]
    assert read()["category_id"] == tags[:2]
    rpc("res.partner", "write", [[company], {
        "category_id": [(3, tags[0]), (4, tags[2])],
        "child_ids": [(1, c1, {"name": f"{token} c1b"}), (2, c2), (0, 0, {"name": f"{token} c3"})]}])
    after = read()
    c3 = after["child_ids"][-1]
    assert after["category_id"] == tags[1:] and after["child_ids"] == [c1, c3]
    assert rpc("res.partner", "read", [[c1], ["name"]])[0]["name"] == f"{token} c1b"
    assert rpc("res.partner", "search", [[("id", "=", c2)]]) == []  # (2, id) deletes
    rpc("res.partner", "write", [[company], {"category_id": [(5,)], "child_ids": [(3, c1)]}])
    assert read() == {"id": company, "category_id": [], "child_ids": [c3]}
    # (3, id) only unlinks: the contact stays, without its company (parent_id is not cascade)
    assert rpc("res.partner", "read", [[c1], ["parent_id"]]) == [{"id": c1, "parent_id": False}]
    rpc("res.partner", "write", [[company], {"child_ids": [(6, 0, [c1])], "category_id": tags}])
    assert read() == {"id": company, "category_id": tags, "child_ids": [c1]}
    assert rpc("res.partner", "read", [[c3], ["parent_id"]]) == [{"id": c3, "parent_id": False}]


# -- searching --------------------------------------------------------------------------------

@pytest.fixture
def family(rpc, token) -> dict[str, int]:
    """A company with two contacts and a tag, a lone person, an archived person."""
    tag = rpc("res.partner.category", "create", [{"name": f"{token} vip"}])
    co = rpc("res.partner", "create", [{"name": f"{token} Acme", "is_company": True,
                                        "category_id": [(4, tag)]}])
    ann, bob = rpc("res.partner", "create", [[
        {"name": f"{token} Ann", "parent_id": co, "email": "ann@acme.example"},
        {"name": f"{token} Bob", "parent_id": co, "is_company": False}]])
    solo = rpc("res.partner", "create", [{"name": f"{token} Solo"}])
    gone = rpc("res.partner", "create", [{"name": f"{token} Gone", "active": False}])
    return {"co": co, "ann": ann, "bob": bob, "solo": solo, "gone": gone, "tag": tag}


def test_domains(rpc, token, family):
    f = family
    mine = [("name", "like", token)]
    cases = [
        ([("name", "=", f"{token} Ann")], {"ann"}),
        ([("name", "!=", f"{token} Ann")], {"co", "bob", "solo"}),
        ([("name", "ilike", f"{token} b".upper())], {"bob"}),
        ([("id", "in", [f["ann"], f["solo"], f["gone"]])], {"ann", "solo"}),
        ([("id", "not in", [f["ann"], f["solo"]])], {"co", "bob"}),
        ([("id", "child_of", f["co"])], {"co", "ann", "bob"}),
        ([("id", "parent_of", f["ann"])], {"co", "ann"}),
        (["|", ("name", "=", f"{token} Ann"), ("name", "=", f"{token} Solo")], {"ann", "solo"}),
        (["!", ("parent_id", "=", False)], {"ann", "bob"}),
        ([("parent_id.name", "=", f"{token} Acme")], {"ann", "bob"}),
        ([("category_id.name", "=", f"{token} vip")], {"co"}),
        ([("category_id", "in", [f["tag"]])], {"co"}),
        ([("email", "=like", "ann@%")], {"ann"}),
        ([("email", "!=", False)], {"ann"}),
        ([("is_company", "=", False)], {"ann", "bob", "solo"}),
        ([("name", "not ilike", "ann")], {"co", "bob", "solo"}),
        ([("active", "=", False)], {"gone"}),
    ]
    names = {value: key for key, value in f.items()}
    for domain, expected in cases:
        found = rpc("res.partner", "search", [mine + domain])
        assert {names[i] for i in found} == expected, domain
    every = rpc("res.partner", "search", [mine], {"context": {"active_test": False}})
    assert {names[i] for i in every} == {"co", "ann", "bob", "solo", "gone"}


def test_search_limit_offset_order_and_count(rpc, token, family):
    mine = [("name", "like", token)]
    by_name = [family[k] for k in ("co", "ann", "bob", "solo")]  # Acme < Ann < Bob < Solo
    assert rpc("res.partner", "search", [mine], {"order": "name"}) == by_name
    assert rpc("res.partner", "search", [mine], {"order": "name desc"}) == by_name[::-1]
    assert rpc("res.partner", "search", [mine, 1, 2, "name"]) == by_name[1:3]  # positional
    assert rpc("res.partner", "search", [mine], {"offset": 3, "order": "name"}) == by_name[3:]
    assert rpc("res.partner", "search", [mine, 0, False, False]) == \
        rpc("res.partner", "search", [mine])  # odoo-client-lib sends False for "none"
    assert rpc("res.partner", "search", [mine], {"limit": False, "order": False,
                                                 "offset": 0}) == rpc("res.partner", "search",
                                                                      [mine])
    by_kind = rpc("res.partner", "search", [mine], {"order": "is_company desc, name"})
    assert by_kind == [family["co"], family["ann"], family["bob"], family["solo"]]
    assert rpc("res.partner", "search_count", [mine]) == 4
    assert rpc("res.partner", "search_count", [mine], {"limit": 2}) == 2
    rows = rpc("res.partner", "search_read", [mine, ["name"], 0, 2, "name desc"])
    assert rows == [{"id": family["solo"], "name": f"{token} Solo"},
                    {"id": family["bob"], "name": f"{token} Bob"}]
    rows = rpc("res.partner", "search_read", [], {"domain": mine + [("parent_id", "!=", False)],
                                                  "fields": ["parent_id"], "order": "name"})
    assert [r["parent_id"] for r in rows] == [[family["co"], f"{token} Acme"]] * 2
    fault = rpc.fault("res.partner", "search", [mine], {"order": "name; drop table res_partner"})
    assert fault.faultCode == 2 and "order" in fault.faultString


def test_name_search_read_group_default_get(rpc, token, family):
    assert rpc("res.partner", "name_search", [f"{token} ann"]) == [
        [family["ann"], f"{token} Acme, {token} Ann"]]
    assert rpc("res.partner", "name_search", [], {
        "name": token, "args": [("is_company", "=", True)], "operator": "ilike",
        "limit": 5}) == [[family["co"], f"{token} Acme"]]
    assert len(rpc("res.partner", "name_search", [token], {"limit": 2})) == 2
    mine = [("name", "like", token)]
    groups = rpc("res.partner", "read_group", [mine, ["is_company"], ["is_company"]])
    # NULL and False are one group (Bob is False, Ann and Solo were created without a value)
    assert [(g["is_company"], g["is_company_count"]) for g in groups] == [(False, 3), (True, 1)]
    assert rpc("res.partner", "search_count", [groups[0]["__domain"]]) == 3
    groups = rpc("res.partner", "read_group", [mine, ["parent_id"], ["parent_id"]],
                 {"lazy": False, "orderby": "parent_id"})
    assert {(g["parent_id"] and g["parent_id"][0], g["__count"]) for g in groups} == {
        (family["co"], 2), (False, 2)}
    groups = rpc("res.partner", "read_group", [mine, [], ["is_company", "type"]],
                 {"orderby": "is_company_count desc"})
    assert groups[0]["is_company_count"] == 3 and groups[0]["__context"] == {
        "group_by": ["type"]}
    assert rpc("res.partner", "default_get", [["type", "active", "parent_id"]]) == {
        "type": "contact", "active": True}


# -- errors -----------------------------------------------------------------------------------

def test_errors_have_odoo_fault_codes_and_the_connection_survives(rpc, token):
    def still_working() -> None:
        assert rpc("res.users", "read", [[ADMIN_UID], ["login"]]) == [
            {"id": ADMIN_UID, "login": "admin"}]

    fault = rpc.fault("res.partner", "_compute_display_name", [[1]])
    assert fault.faultCode == 4 and "Private methods" in fault.faultString
    still_working()
    fault = rpc.fault("res.partner", "sudo", [[1]])
    assert fault.faultCode == 4
    fault = rpc.fault("no.such.model", "search", [[]])
    assert fault.faultCode == 2 and "no.such.model doesn't exist" in fault.faultString
    fault = rpc.fault("res.partner", "no_such_method", [[]])
    assert fault.faultCode == 2 and "no_such_method" in fault.faultString
    still_working()
    fault = rpc.fault("res.partner.category", "create", [{"color": 3}])  # name is required
    assert fault.faultCode == 2 and "'name'" in fault.faultString
    parent = rpc("res.partner", "create", [{"name": f"{token} P"}])
    fault = rpc.fault("res.partner", "write", [[parent], {"parent_id": parent}])
    assert fault.faultCode == 2 and "own parent" in fault.faultString
    child = rpc("res.partner", "create", [{"name": f"{token} C", "parent_id": parent}])
    fault = rpc.fault("res.partner", "write", [[parent], {"parent_id": child}])
    assert fault.faultCode == 2 and "own parent" in fault.faultString
    fault = rpc.fault("res.partner", "read", [[2_000_000_000], ["name"]])
    assert fault.faultCode == 2 and "does not exist" in fault.faultString
    fault = rpc.fault("res.partner", "search", [[]], password="wrong password")
    assert fault.faultCode == 3 and fault.faultString == "Access Denied"
    still_working()
    assert rpc("res.partner", "read", [[parent], ["parent_id"]]) == [
        {"id": parent, "parent_id": False}]  # the failed write left nothing behind


def test_legacy_routes(legacy, token):
    assert legacy.uid == ADMIN_UID
    new_id = legacy.models.execute(legacy.db, ADMIN_UID, PASSWORD, "res.partner", "create",
                                   {"name": f"{token} legacy"})
    assert legacy.models.execute(legacy.db, ADMIN_UID, PASSWORD, "res.partner", "read",
                                 [new_id], ["name"]) == [{"id": new_id, "name": f"{token} legacy"}]
    assert legacy("res.partner", "search_count", [[("name", "=", f"{token} legacy")]]) == 1

    fault = legacy.fault("res.partner", "_foo")
    assert fault.faultCode == ("warning -- AccessError\n\nPrivate methods (such as "
                               "res.partner._foo) cannot be called remotely.")
    assert fault.faultString == ""
    fault = legacy.fault("res.partner.category", "create", [{"color": 1}])
    assert fault.faultCode.startswith("warning -- UserError\n\n") and "'name'" in fault.faultCode
    fault = legacy.fault("no.such.model", "search", [[]])
    assert fault.faultCode == "warning -- UserError\n\nObject no.such.model doesn't exist"
    fault = legacy.fault("res.partner", "read", [[2_000_000_000]])
    assert fault.faultCode.startswith("warning -- MissingError\n\n")
    fault = legacy.fault("res.partner", "search", [[]], password="wrong password")
    assert (fault.faultCode, fault.faultString) == ("AccessDenied", "Access Denied")
    assert legacy.models.execute(legacy.db, ADMIN_UID, PASSWORD, "res.partner", "unlink",
                                 [new_id]) is True


def test_company_partner_has_the_company_name(rpc):
    [company] = rpc("res.company", "read", [[1], ["name", "partner_id"]])
    [partner] = rpc("res.partner", "read", [[company["partner_id"][0]], ["name"]])
    assert partner["name"] == company["name"]


def test_password_hashes_are_never_read_back_even_by_admin(rpc):
    [admin] = rpc("res.users", "read", [[ADMIN_UID], ["login", "password"]])
    assert admin == {"id": ADMIN_UID, "login": "admin", "password": False}
    rows = rpc("res.users", "search_read", [[("id", "=", ADMIN_UID)]])
    assert rows[0]["password"] is False and rows[0]["login"] == "admin"


def test_check_access_rights(rpc):
    assert rpc("res.partner", "check_access_rights", ["unlink"]) is True
    assert rpc("ir.model.data", "check_access_rights", ["read"],
               {"raise_exception": False}) is True
