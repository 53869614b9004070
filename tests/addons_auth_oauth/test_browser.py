"""The flows in headless Chromium, whose cookie rules are the ones that matter: the
provider (``localhost``) and Agora (``127.0.0.1``) are different sites, so the flow
cookie must be SameSite=Lax to come back with the callback, and the login form's
SameSite=Strict CSRF cookie set by the callback must still serve the TOTP step."""

from __future__ import annotations

import re

import pytest

from agora.testing.browser import web_login
from agora.testing.totp import fresh_code
from tests.addons_auth_oauth.helpers import (
    PASSWORD,
    link,
    link_of,
    linked_user_with_2fa,
    make_user,
    unique,
)


@pytest.fixture
def page(agora_page):
    # the provider's pages link a stylesheet on a CDN: no network in tests, fail fast
    agora_page.context.route(re.compile(r"^https://"), lambda route: route.abort())
    return agora_page


def authorize_as(page, sub: str) -> None:
    """On the provider's consent page: log in as ``sub``."""
    page.wait_for_selector("input[name=sub]")
    page.fill("input[name=sub]", sub)
    page.click("button[type=submit]:has-text('Authorize')")


def test_log_in_with_the_provider(page, served, provider_id):
    user = make_user(served, name="Olivia Idp")
    sub = unique("olivia")
    link(served, user.id, provider_id, sub)
    page.goto(f"{served.url}/web/login")
    page.click("a.ag-login-provider:has-text('Log in with Mock ID')")
    authorize_as(page, sub)
    page.wait_for_selector("body.ag-ready")
    assert page.url.startswith(f"{served.url}/web")
    assert "Olivia Idp" in page.locator(".ag-user-menu").inner_text()


def test_two_factor_step_after_the_provider(page, served, provider_id):
    user, sub, secret = linked_user_with_2fa(served, provider_id, "totp")
    page.goto(f"{served.url}/web/login")
    page.click("a.ag-login-provider")
    authorize_as(page, sub)
    page.wait_for_selector("input[name=totp_code]")
    page.fill("input[name=totp_code]", fresh_code(served.run, user.id, secret))
    page.click(".ag-login-submit")
    page.wait_for_selector("body.ag-ready")
    assert page.url.startswith(f"{served.url}/web")


def test_link_from_the_user_menu(page, served, provider_id):
    user = make_user(served)
    web_login(page, served.url, user.login, PASSWORD)
    page.click(".ag-user-menu .ag-dropdown-toggle")
    page.click(".ag-linked-accounts-menu")
    page.wait_for_selector(".ag-linked-accounts")
    page.click(f"a[href='/auth_oauth/link/{provider_id}']")
    page.click(".ag-linked-confirm button[type=submit]")
    sub = unique("menu")
    authorize_as(page, sub)
    page.wait_for_selector(".ag-linked-notice")
    assert "Your account is linked" in page.locator(".ag-linked-notice").inner_text()
    assert link_of(served, user.id) == (provider_id, sub)
