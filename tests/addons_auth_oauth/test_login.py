"""Logging in with a real OpenID Connect provider over real HTTP: the login page's links,
the authorization code flow with PKCE, state and nonce, users linked by (provider, sub)
or by a verified email where the provider allows it, unknown accounts refused, and the
TOTP step for users with 2FA."""

from __future__ import annotations

import base64
import hashlib
import html
from urllib.parse import parse_qs, urlparse

from agora.testing.totp import fresh_code
from tests.addons_auth_oauth.helpers import (
    Browser,
    error_of,
    form_value,
    link,
    link_of,
    linked_user_with_2fa,
    make_user,
    oidc_logins,
    unique,
)


def user_count(served) -> int:
    return served.run(lambda env: env["res.users"].with_context(active_test=False)
                      .search_count([]))


# -- the login page -------------------------------------------------------------------------
def test_login_page_links_enabled_providers_of_this_database(served, browser, make_provider):
    enabled = make_provider(name="Mock ID", body="Sign in with Mock ID")
    make_provider(name="Switched Off", enabled=False)
    page = browser.get("/web/login?redirect=/web%23menu_id%3D3")
    assert page.status_code == 200
    assert "Sign in with Mock ID" in page.text
    assert "Switched Off" not in page.text
    href = html.unescape(page.text.split('class="ag-btn ag-login-provider" href="')[1]
                         .split('"')[0])
    url = urlparse(href)
    assert url.path == f"/auth_oauth/login/{enabled}"
    assert parse_qs(url.query) == {"db": [served.name], "redirect": ["/web#menu_id=3"]}


def test_default_label_and_no_providers_without_enabled_ones(served, browser, make_provider):
    make_provider(name="Quiet", enabled=False)
    assert "ag-login-providers" not in browser.get("/web/login").text
    make_provider(name="Keycloak")
    assert "Log in with Keycloak" in browser.get("/web/login").text


# -- the flow -------------------------------------------------------------------------------
def test_linked_user_logs_in_with_pkce_state_and_nonce(served, browser, provider,
                                                       provider_id, client):
    user = make_user(served)
    sub = unique("alice")
    link(served, user.id, provider_id, sub)
    page = browser.start(provider_id)
    # what Agora asked the provider for
    asked = provider.gate.authorize_requests[-1]
    assert asked["response_type"] == "code" and asked["client_id"] == client.id
    assert asked["scope"] == "openid email profile"
    assert asked["redirect_uri"] == f"{served.url}/auth_oauth/signin"
    assert asked["code_challenge_method"] == "S256"
    assert len(asked["state"]) >= 43 and len(asked["nonce"]) >= 43
    # the flow's secrets are not in the browser's cookie (only a random binding token)
    flow_cookie = browser.http.cookies.get("agora_oidc_flow")
    assert flow_cookie and asked["state"] not in flow_cookie and asked["nonce"] not in flow_cookie
    final = browser.callback(browser.consent(page, sub))
    assert final.status_code == 200 and urlparse(final.url).path == "/web"
    assert browser.uid() == user.id
    # the token request carried the verifier of the challenge (the gate checked it too)
    verifier = provider.gate.token_requests[-1]["code_verifier"]
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert digest.rstrip(b"=").decode() == asked["code_challenge"]
    assert oidc_logins(served, user.id) == 1


def test_redirect_target_is_kept_and_foreign_ones_are_not(served, provider_id):
    user = make_user(served)
    sub = unique("bob")
    link(served, user.id, provider_id, sub)
    first = Browser(served)
    final = first.login_with(provider_id, sub, redirect="/web/login?x=1")
    assert urlparse(final.url).path == "/web/login" and first.uid() == user.id
    second = Browser(served)
    final = second.login_with(provider_id, sub, redirect="https://evil.example/steal")
    assert urlparse(final.url).netloc == urlparse(served.url).netloc
    assert urlparse(final.url).path == "/web" and second.uid() == user.id


def test_unknown_account_is_refused_and_nothing_is_created(served, browser, provider_id):
    before = user_count(served)
    final = browser.login_with(provider_id, unique("stranger"))
    assert final.status_code == 401
    assert "No user is linked to this Mock ID account" in error_of(final.text)
    assert browser.uid() is None
    assert user_count(served) == before
    # the page still offers the provider and the password form
    assert "Log in with Mock ID" in final.text and 'name="password"' in final.text


def test_archived_linked_user_is_refused(served, browser, provider_id):
    user = make_user(served)
    sub = unique("gone")
    link(served, user.id, provider_id, sub)
    served.run(lambda env: env["res.users"].browse(user.id).write({"active": False}))
    final = browser.login_with(provider_id, sub)
    assert final.status_code == 401 and "archived" in error_of(final.text)
    assert browser.uid() is None


def test_provider_refusing_the_login_is_shown(served, browser, provider_id):
    page = browser.start(provider_id)
    final = browser.callback(browser.consent(page, "", deny=True))
    assert final.status_code == 400
    assert "did not log you in" in error_of(final.text)
    assert browser.uid() is None


def test_unknown_or_disabled_provider_does_not_start(served, browser, make_provider):
    disabled = make_provider(enabled=False)
    for provider_id in (disabled, 999999):
        page = browser.get(f"/auth_oauth/login/{provider_id}?db={served.name}",
                           allow_redirects=False)
        assert page.status_code == 404
        assert "not allowed" in error_of(page.text)


# -- linking by a verified email ------------------------------------------------------------
def test_verified_email_links_only_where_the_provider_allows_it(served, provider,
                                                                 make_provider):
    user = make_user(served)
    sub = unique("mailer")
    provider.set_claims(sub, email=user.login.upper(), email_verified=True)
    strict = make_provider(name="Strict")
    final = Browser(served).login_with(strict, sub)
    assert final.status_code == 401 and link_of(served, user.id) == (False, False)
    trusting = make_provider(name="Trusting", link_by_email=True)
    browser = Browser(served)
    final = browser.login_with(trusting, sub)
    assert urlparse(final.url).path == "/web" and browser.uid() == user.id
    assert link_of(served, user.id) == (trusting, sub)
    # from now on the sub alone logs in, whatever the email says
    provider.set_claims(sub, email="changed@example.com", email_verified=False)
    again = Browser(served)
    again.login_with(trusting, sub)
    assert again.uid() == user.id


def test_email_link_needs_a_verified_email_of_exactly_one_free_user(served, provider,
                                                                   make_provider):
    trusting = make_provider(name="Trusting", link_by_email=True)
    user = make_user(served)
    unverified = unique("unverified")
    provider.set_claims(unverified, email=user.login, email_verified=False)
    as_string = unique("nostatus")
    provider.set_claims(as_string, email=user.login)
    # two users share the address (one by login, one by email)
    shared = f"{unique('shared')}@example.com"
    first = make_user(served, login=shared)
    second = make_user(served, email=shared)
    ambiguous = unique("ambiguous")
    provider.set_claims(ambiguous, email=shared, email_verified=True)
    # a user already linked to another account stays linked to it
    taken = make_user(served)
    link(served, taken.id, trusting, unique("original"))
    relinker = unique("relinker")
    provider.set_claims(relinker, email=taken.login, email_verified=True)
    # an address with LIKE wildcards matches itself only
    wildcard = unique("wildcard")
    provider.set_claims(wildcard, email="%@example.com", email_verified=True)
    for sub in (unverified, as_string, ambiguous, relinker, wildcard):
        browser = Browser(served)
        final = browser.login_with(trusting, sub)
        assert final.status_code == 401, sub
        assert "No user is linked" in error_of(final.text)
        assert browser.uid() is None
    for uid in (user.id, first.id, second.id):
        assert link_of(served, uid) == (False, False)
    assert link_of(served, taken.id)[0] == trusting


# -- two-factor users -----------------------------------------------------------------------
def test_user_with_2fa_gets_the_code_step_after_the_provider(served, provider_id):
    user, sub, secret = linked_user_with_2fa(served, provider_id, "twofactor")
    browser = Browser(served)
    page = browser.login_with(provider_id, sub)
    assert page.status_code == 200 and urlparse(page.url).path == "/auth_oauth/signin"
    assert 'name="step" value="totp"' in page.text and 'name="totp_code"' in page.text
    # not logged in before the code (asked of /web: get_session_info would end the
    # pending login, as for a password login)
    assert browser.get("/web", allow_redirects=False).status_code == 303
    wrong = browser.post("/web/login", data={
        "csrf_token": form_value(page.text, "csrf_token"), "step": "totp",
        "redirect": "/web", "totp_code": "000000"})
    assert wrong.status_code == 401 and "Invalid authentication code" in error_of(wrong.text)
    assert browser.get("/web", allow_redirects=False).status_code == 303
    final = browser.post("/web/login", data={
        "csrf_token": form_value(wrong.text, "csrf_token"), "step": "totp",
        "redirect": "/web", "totp_code": fresh_code(served.run, user.id, secret)})
    assert urlparse(final.url).path == "/web", error_of(final.text)
    assert browser.uid() == user.id
