"""Hot paths of the client's start: the /web page and the menu tree cost a fixed number
of SQL queries, whatever the number of menus."""

from __future__ import annotations

import logging

import requests

from agora.testing.queries import assert_queries


def request_queries(caplog, call) -> int:
    with caplog.at_level(logging.INFO, logger="agora.http.requests"):
        caplog.clear()
        call()
    lines = [record.getMessage() for record in caplog.records
             if record.name == "agora.http.requests"]
    assert len(lines) == 1, lines
    return int(lines[0].rsplit(" ", 1)[1].rstrip("q"))


def test_web_page_queries(agora_live_server, agora_served_db, caplog):
    client = requests.Session()
    client.post(f"{agora_live_server.url}/web/session/authenticate", json={
        "jsonrpc": "2.0", "params": {"db": agora_served_db, "login": "admin",
                                     "password": "admin"}})
    client.get(f"{agora_live_server.url}/web")  # warm the registry and caches
    queries = request_queries(caplog, lambda: client.get(f"{agora_live_server.url}/web"))
    # session lookup, registry/cache signals, the user, partner and companies, and the
    # group closure for is_system/is_admin (one query per level of implied groups)
    assert queries <= 14, queries


def test_load_menus_costs_the_same_for_more_menus(agora_served_run):
    def count(env):
        menus = env["ir.ui.menu"].with_user(env.ref("base.user_admin"))
        menus.load_menus()
        env.invalidate_all()
        with assert_queries(env.cr, 100) as log:
            tree = menus.load_menus()
        return len(log), len(tree)

    before, size = agora_served_run(count)

    def add_menus(env):
        parent = env.ref("demo.menu_demo_root")
        action = env.ref("demo.action_demo_orders")
        env["ir.ui.menu"].create([{"name": f"Extra {i}", "parent_id": parent.id,
                                   "action": f"{action._name},{action.id}"}
                                  for i in range(20)])
    agora_served_run(add_menus)
    try:
        after, bigger = agora_served_run(count)
    finally:
        agora_served_run(lambda env: env["ir.ui.menu"].search(
            [("name", "=like", "Extra %")]).unlink())
    assert bigger == size + 20
    assert after == before, (before, after)
    assert before <= 8, before
