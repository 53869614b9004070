"""odoo-client-lib (``odoolib``): ``common.login`` then ``object.execute_kw`` with every
call, over the legacy ``/xmlrpc/<service>`` routes (string fault codes) or ``/jsonrpc``."""

from __future__ import annotations

import xmlrpc.client

import odoolib
import pytest
from odoolib.tools import AuthenticationError, JsonRPCException

from tests.clients.conftest import ADMIN_UID, PASSWORD, VERSION, Served

PROTOCOLS = ["xmlrpc", "jsonrpc"]


def _connect(served: Served, protocol: str, password: str = PASSWORD) -> odoolib.Connection:
    return odoolib.get_connection(hostname=served.host, port=served.port, protocol=protocol,
                                  database=served.db, login="admin", password=password)


@pytest.fixture(params=PROTOCOLS)
def connection(request, served: Served) -> odoolib.Connection:
    connection = _connect(served, request.param)
    connection.check_login()
    return connection


def _error_text(exc: BaseException) -> str:
    """What a caller can read from the library's error of either protocol."""
    if isinstance(exc, xmlrpc.client.Fault):
        return exc.faultCode
    assert isinstance(exc, JsonRPCException)
    return f"{exc.error['data']['name']}: {exc.error['data']['message']}"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_login_and_services(served, protocol):
    bad = _connect(served, protocol, password="wrong password")
    with pytest.raises(AuthenticationError, match="Authentication failure"):
        bad.check_login()
    good = _connect(served, protocol)
    good.check_login()
    assert good.user_id == ADMIN_UID
    assert good.get_user_context() == {"lang": "en_US", "tz": False, "uid": ADMIN_UID}
    assert good.get_service("common").version() == VERSION
    assert served.db in good.get_service("db").list()
    assert good.get_service("db").server_version() == "17.0"


def test_crud_and_search(connection, token):
    partners = connection.get_model("res.partner")
    company = partners.create({"name": f"{token} Co", "is_company": True})
    people = partners.create([{"name": f"{token} Ann", "parent_id": company},
                              {"name": f"{token} Bob", "parent_id": company}])
    assert isinstance(company, int) and len(people) == 2
    # read of one id answers one dict; of a list, the rows in the order asked
    assert partners.read(company, ["name", "is_company"]) == {
        "id": company, "name": f"{token} Co", "is_company": True}
    assert partners.read(people[::-1], ["name"]) == [
        {"id": people[1], "name": f"{token} Bob"}, {"id": people[0], "name": f"{token} Ann"}]
    assert partners.read([people[0]], ["parent_id"], load="_classic_write") == [
        {"id": people[0], "parent_id": company}]
    assert partners.write(people, {"function": "Buyer"}) is True
    mine = [("name", "like", token)]
    assert partners.search(mine, 0, False, "name") == [*people, company]  # Ann, Bob, Co
    assert partners.search(mine, order="name desc", limit=1) == [company]
    assert partners.search(mine, 1, 1, "name") == [people[1]]
    assert partners.search_count(mine) == 3
    assert partners.search_count(mine + [("parent_id.name", "=", f"{token} Co")]) == 2
    # the library's own search_read: search(domain, 0, False, False) then read(ids, [])
    rows = partners.search_read(mine + [("function", "=", "Buyer")], ["name", "function"],
                                context={"lang": "en_US"})
    assert sorted((r["name"], r["function"]) for r in rows) == [
        (f"{token} Ann", "Buyer"), (f"{token} Bob", "Buyer")]
    everything = partners.search_read([("id", "=", company)])
    assert everything[0]["child_ids"] == people and "display_name" in everything[0]
    assert partners.name_search(f"{token} bob") == [[people[1], f"{token} Co, {token} Bob"]]
    groups = partners.read_group(mine, ["parent_id"], ["parent_id"], lazy=False)
    assert {(g["parent_id"] and g["parent_id"][0], g["__count"]) for g in groups} == {
        (company, 2), (False, 1)}
    assert partners.fields_get(["name"], attributes=["type"]) == {"name": {"type": "char"}}
    assert partners.write([company], {"child_ids": [(1, people[0], {"email": "a@b.c"}),
                                                    (2, people[1])]}) is True
    assert partners.read(company, ["child_ids"])["child_ids"] == [people[0]]
    assert partners.unlink([company, people[0]]) is True
    assert partners.search(mine) == []


def test_errors_and_the_connection_survives(connection, token):
    partners = connection.get_model("res.partner")
    xml = connection.connector.PROTOCOL == "xmlrpc"

    def still_working() -> None:
        assert connection.get_model("res.users").read(ADMIN_UID, ["login"]) == {
            "id": ADMIN_UID, "login": "admin"}

    with pytest.raises((xmlrpc.client.Fault, JsonRPCException)) as info:
        partners._foo()
    assert _error_text(info.value) == (
        "warning -- AccessError\n\n" if xml else "odoo.exceptions.AccessError: "
    ) + "Private methods (such as res.partner._foo) cannot be called remotely."
    still_working()
    with pytest.raises((xmlrpc.client.Fault, JsonRPCException)) as info:
        connection.get_model("no.such.model").search([])
    assert _error_text(info.value) == (
        "warning -- UserError\n\n" if xml else "odoo.exceptions.UserError: "
    ) + "Object no.such.model doesn't exist"
    with pytest.raises((xmlrpc.client.Fault, JsonRPCException)) as info:
        connection.get_model("res.partner.category").create({"color": 1})
    text = _error_text(info.value)
    assert text.startswith("warning -- UserError\n\n" if xml else
                           "odoo.exceptions.ValidationError: ") and "'name'" in text
    with pytest.raises((xmlrpc.client.Fault, JsonRPCException)) as info:
        partners.read([2_000_000_000], ["name"])
    assert _error_text(info.value).startswith(
        "warning -- MissingError\n\n" if xml else "odoo.exceptions.MissingError: ")
    still_working()
    connection.password = "wrong password"
    with pytest.raises((xmlrpc.client.Fault, JsonRPCException)) as info:
        partners.search([])
    assert _error_text(info.value) == ("AccessDenied" if xml else
                                       "odoo.exceptions.AccessDenied: Access Denied")
    connection.password = PASSWORD
    still_working()
    assert partners.search_count([("name", "like", token)]) == 0
