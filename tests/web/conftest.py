"""Browser tests run the real client in headless Chromium against a live server on the
served demo database (admin / admin)."""

from __future__ import annotations

import pytest

from agora.testing.browser import click_for_new_view, web_login

RENDER_PROBE = """
window.__renders = [];
window.addEventListener('agora:rendered', (event) => window.__renders.push(event.detail));
"""


@pytest.fixture
def web(agora_page, agora_live_server):
    """The admin logged in to the client; ``web.url`` is the server's base URL."""
    agora_page.add_init_script(RENDER_PROBE)
    web_login(agora_page, agora_live_server.url, "admin", "admin")
    agora_page.base_url = agora_live_server.url
    return agora_page


def renders(page, view: str) -> list[dict]:
    return page.evaluate("(view) => window.__renders.filter((r) => r.view === view)", view)


def open_menu(page, app: str, menu: str) -> None:
    """From anywhere: home, the app's tile, then one of its menus."""
    page.click(".ag-navbar-home")
    # The tile opens the app's first action; each click waits for a view that did not
    # exist before it, or a test could type into a view just before its successor
    # replaces it.
    click_for_new_view(page, f".ag-app-tile:has-text('{app}')")
    click_for_new_view(page, f".ag-navbar-menus >> text={menu}")

