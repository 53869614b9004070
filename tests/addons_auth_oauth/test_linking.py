"""Linking and unlinking from the user's "Linked accounts" page, over real HTTP against
the real provider: a user links their own user only, in the session that started the
flow, with the session's CSRF token; an account linked to someone else stays theirs;
unlinking is the user's own (or an administrator's) and keeps a way to log in."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from agora.db.sql import SQL
from agora.orm.exceptions import ConstraintError
from tests.addons_auth_oauth.helpers import (
    Browser,
    error_of,
    form_value,
    link,
    link_of,
    make_user,
    unique,
)


def pending_flows(served) -> int:
    def count(env):
        env.cr.execute(SQL("SELECT count(*) FROM auth_oauth_pending"))
        return env.cr.fetchone()[0]
    return served.run(count)


def start_link(browser: Browser, provider_id: int):
    """Open the confirmation and post it: the provider's consent page."""
    confirm = browser.get(f"/auth_oauth/link/{provider_id}")
    assert confirm.status_code == 200 and "ag-linked-confirm" in confirm.text
    return browser.post(f"/auth_oauth/link/{provider_id}",
                        data={"csrf_token": form_value(confirm.text, "csrf_token")})


def linked_events(served, uid: int) -> list[dict]:
    def read(env):
        env.cr.execute(SQL("SELECT details FROM audit_log WHERE event = 'oauth_linked'"
                           " AND uid = %s", uid))
        return [row[0] for row in env.cr.fetchall()]
    return served.run(read)


def test_user_links_their_own_account_then_logs_in_with_it(served, browser, provider_id):
    user = make_user(served)
    browser.password_login(user.login)
    page = browser.get("/auth_oauth/accounts")
    assert page.status_code == 200 and "no identity provider account is linked" in page.text
    assert f'href="/auth_oauth/link/{provider_id}"' in page.text
    sub = unique("linker")
    done = browser.callback(browser.consent(start_link(browser, provider_id), sub))
    assert urlparse(done.url).path == "/auth_oauth/accounts" and done.status_code == 200
    assert "Your account is linked" in done.text and sub in done.text
    assert link_of(served, user.id) == (provider_id, sub)
    assert linked_events(served, user.id)[-1]["provider_id"] == provider_id
    assert browser.uid() == user.id  # still the same session
    fresh = Browser(served)
    fresh.login_with(provider_id, sub)
    assert fresh.uid() == user.id


def test_confirmation_allows_forms_to_reach_the_provider_only(served, browser, provider,
                                                              provider_id):
    """The pages' CSP holds forms (and their redirects) to this origin; the
    confirmation lets its form lead to the provider's authorization endpoint, nowhere
    else."""
    browser.password_login(make_user(served).login)
    policy = browser.get(f"/auth_oauth/link/{provider_id}").headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.issuer};" in policy
    policy = browser.get("/auth_oauth/accounts").headers["Content-Security-Policy"]
    assert "form-action 'self';" in policy


def test_starting_a_link_needs_the_sessions_csrf_token(served, browser, provider_id):
    user = make_user(served)
    other = make_user(served)
    browser.password_login(user.login)
    stranger = Browser(served)
    stranger.password_login(other.login)
    foreign_token = form_value(stranger.get(f"/auth_oauth/link/{provider_id}").text,
                               "csrf_token")
    before = pending_flows(served)
    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": foreign_token}):
        answer = browser.post(f"/auth_oauth/link/{provider_id}", data=data,
                              allow_redirects=False)
        assert answer.status_code == 400, data
    assert pending_flows(served) == before
    # and the GET only asks (a cross-site link starts nothing)
    assert browser.get(f"/auth_oauth/link/{provider_id}",
                       allow_redirects=False).status_code == 200
    assert pending_flows(served) == before


def test_account_linked_to_another_user_is_refused(served, browser, provider_id):
    owner = make_user(served)
    sub = unique("owned")
    link(served, owner.id, provider_id, sub)
    user = make_user(served)
    browser.password_login(user.login)
    done = browser.callback(browser.consent(start_link(browser, provider_id), sub))
    assert done.status_code == 409
    assert "already linked to another user" in error_of(done.text)
    assert link_of(served, user.id) == (False, False)
    assert link_of(served, owner.id) == (provider_id, sub)
    assert browser.uid() == user.id


def test_link_ends_only_in_the_session_that_started_it(served, browser, provider_id):
    first = make_user(served)
    second = make_user(served)
    browser.password_login(first.login)
    page = start_link(browser, provider_id)
    browser.password_login(second.login)  # someone else logs in on this browser meanwhile
    done = browser.callback(browser.consent(page, unique("switch")))
    assert done.status_code == 403 and "Your session changed" in error_of(done.text)
    assert link_of(served, first.id) == (False, False)
    assert link_of(served, second.id) == (False, False)

    # logged out meanwhile: back to the login page, nothing linked
    browser.password_login(first.login)
    page = start_link(browser, provider_id)
    browser.get("/web/session/logout")
    done = browser.callback(browser.consent(page, unique("gone")))
    assert urlparse(done.url).path == "/web/login"
    assert link_of(served, first.id) == (False, False)


def test_failed_link_flow_is_shown_on_the_accounts_page(served, browser, provider,
                                                        provider_id):
    user = make_user(served)
    browser.password_login(user.login)
    provider.gate.rewrite_authorize = lambda params: {**params, "nonce": "replayed"}
    done = browser.callback(browser.consent(start_link(browser, provider_id),
                                            unique("tamper")))
    assert done.status_code == 400 and "nonce claim" in error_of(done.text)
    assert link_of(served, user.id) == (False, False)


def test_linking_again_replaces_the_users_own_link(served, browser, make_provider):
    first = make_provider(name="First")
    second = make_provider(name="Second")
    user = make_user(served)
    link(served, user.id, first, unique("old"))
    browser.password_login(user.login)
    sub = unique("new")
    browser.callback(browser.consent(start_link(browser, second), sub))
    assert link_of(served, user.id) == (second, sub)


def test_user_unlinks_from_the_accounts_page(served, browser, provider_id):
    user = make_user(served)
    sub = unique("leaving")
    link(served, user.id, provider_id, sub)
    browser.password_login(user.login)
    page = browser.get("/auth_oauth/accounts")
    assert "you log in with your <strong>Mock ID</strong> account" in page.text
    assert browser.post("/auth_oauth/unlink", data={}).status_code == 400  # no CSRF token
    assert link_of(served, user.id) == (provider_id, sub)
    done = browser.post("/auth_oauth/unlink",
                        data={"csrf_token": form_value(page.text, "csrf_token")})
    assert urlparse(done.url).path == "/auth_oauth/accounts" and "link was removed" in done.text
    assert link_of(served, user.id) == (False, False)
    stranger = Browser(served)
    assert stranger.login_with(provider_id, sub).status_code == 401
    assert stranger.uid() is None


def test_unlink_by_rpc_is_ones_own_or_an_administrators(served, provider_id):
    user = make_user(served)
    other = make_user(served)
    link(served, user.id, provider_id, unique("mine"))
    link(served, other.id, provider_id, unique("theirs"))
    browser = Browser(served)
    browser.password_login(user.login)
    refused = browser.call("res.users", "oauth_unlink", [other.id])
    assert refused["error"]["data"]["name"].endswith("AccessError"), refused
    assert link_of(served, other.id)[0] == provider_id
    # nor by writing the fields
    refused = browser.call("res.users", "write", [user.id], {"oauth_uid": "hijack"})
    assert "error" in refused and link_of(served, user.id)[1] != "hijack"
    assert browser.call("res.users", "oauth_unlink", [user.id])["result"] is True
    assert link_of(served, user.id) == (False, False)
    admin = Browser(served)
    admin.password_login("admin", "admin")
    assert admin.call("res.users", "oauth_unlink", [other.id])["result"] is True
    assert link_of(served, other.id) == (False, False)


def test_user_without_password_keeps_their_link(served, provider_id):
    user = make_user(served, password=None)
    sub = unique("only-oidc")
    link(served, user.id, provider_id, sub)
    browser = Browser(served)
    browser.login_with(provider_id, sub)
    assert browser.uid() == user.id
    refused = browser.call("res.users", "oauth_unlink", [user.id])
    assert "set one before unlinking" in refused["error"]["data"]["message"]
    assert link_of(served, user.id) == (provider_id, sub)


def test_accounts_pages_need_a_session(served, browser, provider_id):
    page = browser.get("/auth_oauth/accounts", allow_redirects=False)
    assert page.status_code == 303
    assert page.headers["Location"].startswith("/web/login?redirect=%2Fauth_oauth%2Faccounts")
    assert browser.post(f"/auth_oauth/link/{provider_id}", data={},
                        allow_redirects=False).status_code == 401


def test_one_account_links_one_user(served, provider_id):
    first = make_user(served)
    second = make_user(served)
    sub = unique("shared")
    link(served, first.id, provider_id, sub)
    with pytest.raises(ConstraintError):
        link(served, second.id, provider_id, sub)
    assert link_of(served, second.id) == (False, False)
