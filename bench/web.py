"""Web client bars of issue 5, measured in a real headless Chromium:

- a list of 80 records renders in under 300 ms after the RPC answer (the list view
  times RPC answer -> DOM in place and reports it in an ``agora:rendered`` event);
- the form of an order with 200 lines stays responsive: first render, and one line's
  quantity changed -> the row and totals updated (onchange round trip excluded, it is
  the server's time; it is reported separately as ``change_with_rpc_ms``).

Also counted: RPCs and SQL queries the server ran to show each screen (from the request
log), so "one call per screen" is visible. ``python -m bench web`` prints JSON.
"""

from __future__ import annotations

import logging
import os
import re
import statistics
from datetime import date
from typing import Any

from agora.db.manager import Databases
from agora.http.application import Application
from agora.orm.environment import SUPERUSER_ID
from agora.service.wsgi import load_controllers
from agora.testing.browser import chromium_executable, web_login
from agora.testing.database import new_database, remove_database, run_committed, server_url
from agora.testing.server import LiveServer, install_database

LIST_BAR_MS = 300.0
FORM_CHANGE_BAR_MS = 100.0
ROUNDS = 7

PROBE = """
window.__renders = [];
window.addEventListener('agora:rendered', (event) => window.__renders.push(event.detail));
"""


class RequestLog(logging.Handler):
    """Collects ``(path, queries)`` from the server's one-line-per-request log."""

    LINE = re.compile(r"^(\w+) (\S+) (\d+) [\d.]+ms (\d+)q$")

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[str, int]] = []

    def emit(self, record: logging.LogRecord) -> None:
        match = self.LINE.match(record.getMessage())
        if match:
            self.entries.append((match.group(2), int(match.group(4))))


def _order_with_lines(conninfo: str, lines: int) -> int:
    def create(env: Any) -> int:
        contact = env["demo.contact"].search([], limit=1)
        products = env["demo.product"].search([])
        return env["demo.order"].create({
            "name": "BENCH-200", "contact_id": contact.id, "date": date.today(),
            "line_ids": [(0, 0, {"product_id": products[i % len(products)].id,
                                 "quantity": 1 + i % 7, "price_unit": 12.5})
                         for i in range(lines)]}).id
    return run_committed(conninfo, create, SUPERUSER_ID)


def _screen(page: Any, log: RequestLog, action: Any) -> dict[str, int]:
    """RPCs and SQL queries caused by ``action()`` (waits for the client to be idle)."""
    start = len(log.entries)
    action()
    page.wait_for_function("() => window.__agoraRpc.pending === 0")
    entries = [entry for entry in log.entries[start:] if not entry[0].startswith(
        ("/web/static/", "/favicon"))]
    return {"rpcs": len(entries), "queries": sum(queries for _path, queries in entries)}


def run(rounds: int = ROUNDS) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    url = os.environ.get("AGORA_BENCH_DB_URL") or server_url()
    name, conninfo = new_database(url, prefix="agora_bench_web")
    log = RequestLog()
    logger = logging.getLogger("agora.http.requests")
    logger.addHandler(log)
    logger.setLevel(logging.INFO)
    databases = server = None
    try:
        install_database(url, name, ["demo"])
        order_id = _order_with_lines(conninfo, 200)
        action_id = run_committed(conninfo, lambda env: env.ref("demo.action_demo_orders").id,
                                  SUPERUSER_ID)
        load_controllers()
        databases = Databases(url, pool_min=0, pool_max=8)
        server = LiveServer(Application(databases=databases, default_db=name))
        list_url = f"{server.url}/web#action={action_id}&view_type=list"
        form_url = f"{server.url}/web#action={action_id}&view_type=form&id={order_id}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_executable(),
                                                 args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script(PROBE)
            web_login(page, server.url, "admin", "admin")
            list_ms, form_ms, change_ms, change_rpc_ms = [], [], [], []
            list_screen = form_screen = {}
            for _ in range(rounds):
                page.goto("about:blank")
                list_screen = _screen(page, log, lambda: (
                    page.goto(list_url), page.wait_for_selector("body.ag-ready"),
                    page.wait_for_function(
                        "() => window.__renders.some((r) => r.view === 'list')")))
                timing = page.evaluate(
                    "() => window.__renders.filter((r) => r.view === 'list').pop()")
                assert timing["records"] == 80, timing
                list_ms.append(timing["ms"])
            for round_number in range(rounds):
                page.goto("about:blank")
                form_screen = _screen(page, log, lambda: (
                    page.goto(form_url), page.wait_for_selector("body.ag-ready"),
                    page.wait_for_function(
                        "() => window.__renders.some((r) => r.view === 'form')")))
                form_ms.append(page.evaluate(
                    "() => window.__renders.filter((r) => r.view === 'form').pop().ms"))
                cell = page.locator(".ag-field[data-name=line_ids] tbody tr").nth(
                    50 + round_number).locator("[data-name=quantity] input, "
                                               "td[data-name=quantity]").first
                cell.click()
                page.keyboard.press("Control+A")
                page.keyboard.type(str(3 + round_number))
                started = page.evaluate("() => performance.now()")
                page.keyboard.press("Tab")
                page.wait_for_function(
                    "() => window.__renders.some((r) => r.view === 'form-change')")
                page.wait_for_function("() => window.__agoraRpc.pending === 0")
                change_ms.append(page.evaluate(
                    "() => window.__renders.filter((r) => r.view === 'form-change').pop().ms"))
                change_rpc_ms.append(page.evaluate("(t) => performance.now() - t", started))
                page.click(".ag-discard")  # leave the record unchanged for the next round
            browser.close()
        list_median = statistics.median(list_ms)
        change_median = statistics.median(change_ms)
        return {
            "chromium": chromium_executable(),
            "list_80": {"render_ms_median": round(list_median, 1),
                        "render_ms_all": [round(ms, 1) for ms in list_ms], **list_screen},
            "form_200_lines": {
                "first_render_ms_median": round(statistics.median(form_ms), 1),
                "line_change_ms_median": round(change_median, 1),
                "change_with_rpc_ms_median": round(statistics.median(change_rpc_ms), 1),
                **form_screen},
            "bars": {"list_80_under_300ms": list_median < LIST_BAR_MS,
                     "form_line_change_under_100ms": change_median < FORM_CHANGE_BAR_MS},
        }
    finally:
        logger.removeHandler(log)
        if server is not None:
            server.stop()
        if databases is not None:
            databases.close()
        remove_database(url, name)
