"""Browser tests: a real headless Chromium driven by Playwright.

Debian's ``chromium`` (``/usr/bin/chromium``) is used when present, else Playwright's
own download. Every page collects JavaScript errors (a test fails on any uncaught one)
and leaves a screenshot under the test output directory (``AGORA_TEST_OUTPUT``, default
``test-output/`` in the working directory) named after the test.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SYSTEM_CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def output_directory() -> Path:
    directory = Path(os.environ.get("AGORA_TEST_OUTPUT", "test-output")).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def chromium_executable() -> str | None:
    for candidate in SYSTEM_CHROMIUM:
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def agora_browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


class PageErrors(list):
    """Uncaught JavaScript errors and failed requests of a page."""


@pytest.fixture
def agora_page(agora_browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context and page; screenshot at the end, JS errors fail the test."""
    context = agora_browser.new_context(viewport={"width": 1400, "height": 900},
                                        locale="en-US", timezone_id="Europe/Brussels")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = PageErrors()
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("console", lambda message: errors.append(f"console error: {message.text}")
            if message.type == "error" and not _expected_console_error(message.text) else None)
    page.agora_errors = errors
    yield page
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        page.screenshot(path=str(output_directory() / "screenshots" / f"{name}.png"),
                        full_page=True)
    finally:
        context.close()
    assert not errors, "JavaScript errors in the page:\n" + "\n".join(errors)


def _expected_console_error(text: str) -> bool:
    # the browser logs failed HTTP answers the test provoked on purpose (a 401 login)
    return "Failed to load resource" in text


def web_login(page: Any, base_url: str, login: str, password: str,
              target: str = "/web") -> None:
    """Log in through the login form and wait for the client to be ready."""
    page.goto(f"{base_url}{target}")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click(".ag-login-submit")
    page.wait_for_selector("body.ag-ready")


def wait_idle(page: Any) -> None:
    """Wait until the client has no RPC in flight."""
    page.wait_for_function("() => !window.__agoraRpc || window.__agoraRpc.pending === 0")


def click_for_new_view(page: Any, selector: str) -> None:
    """Click ``selector`` and wait for the view it opens: a view that did not exist before
    the click (or a test could act on the old one just before it is replaced), with no
    RPC in flight."""
    page.eval_on_selector_all(".ag-view", "(views) => views.forEach((v) => v.dataset.stale = 1)")
    page.click(selector)
    page.wait_for_selector(".ag-view:not([data-stale])")
    wait_idle(page)
