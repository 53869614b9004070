"""What the access tests of messages, followers and activities share.

The records: two companies, two employees of company A, and three contacts: one of
company A (``mine``: readable and writable), one of company B (``hidden``: neither),
and one of company A that a write rule keeps from being changed (``readonly``: readable
only). The checks: a row refused by id however it is asked, and the cost of a search
that filters rows by their document."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from agora.orm.environment import Environment
from agora.orm.exceptions import AccessError, MissingError
from agora.testing.queries import assert_queries

#: the ``ref`` of the contacts the write rule protects
READ_ONLY_REF = "read-only"


def make_world(env: Environment, prefix: str) -> SimpleNamespace:
    a = env.ref("base.main_company")
    b = env["res.company"].create({"name": f"Company B ({prefix})"})

    def user(login: str):
        return env["res.users"].create({
            "name": login.title(), "login": f"{prefix}_{login}", "company_id": a.id,
            "company_ids": [(6, 0, [a.id])],
            "groups_id": [(6, 0, [env.ref("base.group_user").id])]})

    employee, other = user("employee"), user("other")
    model = env["ir.model"].search([("model", "=", "res.partner")])
    env["ir.rule"].create({
        "name": "Contacts: the read-only ones are not changed (test)", "model_id": model.id,
        "domain_force": f"['|', ('ref', '=', False), ('ref', '!=', '{READ_ONLY_REF}')]",
        "perm_read": False, "perm_create": False, "perm_unlink": False})
    partners = env["res.partner"]
    mine = partners.create({"name": "Mine", "company_id": a.id})
    hidden = partners.create({"name": "Hidden", "company_id": b.id})
    readonly = partners.create({"name": "Read only", "company_id": a.id,
                                "ref": READ_ONLY_REF})
    outsider = partners.create({"name": "Outsider", "email": "out@x.example"})
    env.flush_all()
    return SimpleNamespace(a=a, b=b, employee=employee, other=other, mine=mine,
                           hidden=hidden, readonly=readonly, outsider=outsider)


def assert_refused_by_id(env: Environment, rows: Any, hidden_id: int, field: str) -> None:
    """The user's ``rows`` (an empty recordset of theirs) refuse the row ``hidden_id``
    whatever way it is asked: ``web_read`` while the superuser has it cached, reading
    ``field`` once the cache is dropped; an id that does not exist is missing."""
    env[rows._name].browse(hidden_id).mapped(field)  # cached by the superuser
    with pytest.raises(AccessError):
        rows.browse(hidden_id).web_read({field: {}})
    env.invalidate_all()
    with pytest.raises(AccessError):
        getattr(rows.browse(hidden_id), field)
    with pytest.raises(MissingError):
        rows.browse(10 ** 8).read([field])


def search_read_cost(env: Environment, rows: Any, domain: list[Any], fields: list[str],
                     limit: int = 3) -> tuple[list[str], int]:
    """The queries of ``rows.search_read(domain, fields)`` once warm (rights and rules
    known, nothing cached), and the number of rows it found."""
    rows.search_read(domain, fields)
    env.invalidate_all()
    with assert_queries(env.cr, limit) as log:
        found = rows.search_read(domain, fields)
    return [code for code, _params in log], len(found)


def assert_search_cost_is_flat(env: Environment, rows: Any, domain: list[Any],
                               fields: list[str], add: Callable[[], int],
                               limit: int = 3) -> list[str]:
    """The user's ``search_read`` costs the same before and after ``add()`` creates more
    matching rows (it returns how many), the filter inside the first query; the
    superuser's as many queries, without the filter. Returns the user's queries."""
    few, found = search_read_cost(env, rows, domain, fields, limit)
    added = add()
    env.flush_all()
    many, found_more = search_read_cost(env, rows, domain, fields, limit)
    assert found_more == found + added and len(many) == len(few), (few, many)
    assert "EXISTS" in few[0], few[0]
    superuser, every = search_read_cost(env, env[rows._name], domain, fields, limit)
    assert len(superuser) == len(few) and every > found_more
    assert "EXISTS" not in superuser[0] and "res_partner" not in superuser[0], superuser[0]
    return few


def assert_read_by_id_costs_one_query(env: Environment, rows: Any, ids: list[int],
                                      field: str) -> None:
    """``read`` by id as the user costs the superuser's queries plus one (the check)."""
    rows.browse(ids).read([field])  # warm
    env.invalidate_all()
    with assert_queries(env.cr, 3) as log:
        rows.browse(ids).read([field])
    env.invalidate_all()
    with assert_queries(env.cr, 3) as superuser:
        env[rows._name].browse(ids).read([field])
    assert len(log) == len(superuser) + 1, (log, superuser)
