"""Passkeys in a real headless Chromium with its virtual authenticator (the DevTools
WebAuthn domain through Playwright's CDP session): register from the user menu, rename,
remove; log in without a password; use a passkey as the second step of a 2FA login.

WebAuthn needs a host name (browsers refuse an IP address as relying party id), so the
page talks to the live server as ``localhost``."""

from __future__ import annotations

import re

import pyotp

from agora.testing.browser import output_directory, web_login
from agora.testing.pytest_plugin import SERVED_USER_PASSWORD


def localhost(url: str) -> str:
    return url.replace("127.0.0.1", "localhost")


def add_authenticator(page) -> tuple[object, str]:
    """A platform authenticator that verifies the user at once (as a fingerprint would)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True}})
    return cdp, added["authenticatorId"]


def stored_credentials(cdp, authenticator_id: str) -> list[dict]:
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"]


def open_passkeys(page) -> None:
    page.click(".ag-user-menu .ag-dropdown-toggle")
    page.click(".ag-passkeys-menu")
    page.wait_for_selector(".ag-passkeys-add")


def log_out(page) -> None:
    page.click(".ag-user-menu .ag-dropdown-toggle")
    page.click(".ag-logout")
    page.wait_for_selector("input[name=password]")


def test_register_rename_remove_and_log_in_with_a_passkey(agora_page, agora_live_server,
                                                         agora_served_user,
                                                         agora_served_run):
    page, url = agora_page, localhost(agora_live_server.url)
    uid, login = agora_served_user
    cdp, first = add_authenticator(page)
    web_login(page, url, login, SERVED_USER_PASSWORD)
    open_passkeys(page)
    assert page.is_visible(".ag-passkey-none")
    page.fill(".ag-passkey-new-name", "Laptop")
    page.fill(".ag-passkey-password", SERVED_USER_PASSWORD)
    page.click(".ag-passkey-add")
    page.wait_for_selector(".ag-passkey-name:has-text('Laptop')")
    # dates in the user's locale and time zone (en-US, Europe/Brussels), not raw UTC
    dates = page.inner_text(".ag-passkey-dates")
    assert re.search(r"added \d{2}/\d{2}/\d{4}, \d{2}:\d{2} [AP]M, last used never", dates), dates
    [credential] = stored_credentials(cdp, first)
    assert credential["isResidentCredential"] and credential["rpId"] == "localhost"

    # a second device (the first one would refuse a second passkey of the same account)
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": first})
    cdp, second = add_authenticator(page)
    page.fill(".ag-passkey-new-name", "Phone")
    page.fill(".ag-passkey-password", "not my password")  # refused: who is this?
    page.click(".ag-passkey-add")
    page.wait_for_selector(".ag-passkeys-error:has-text('Wrong password')")
    page.fill(".ag-passkey-password", SERVED_USER_PASSWORD)
    page.click(".ag-passkey-add")
    page.wait_for_selector(".ag-passkey-name:has-text('Phone')")
    assert page.locator(".ag-passkey").count() == 2

    # rename the phone, remove the laptop (its authenticator is gone anyway)
    phone = page.locator(".ag-passkey:has-text('Phone')")
    phone.locator(".ag-passkey-rename").click()
    page.fill(".ag-passkey-rename-input", "Work phone")
    page.click(".ag-passkey-save")
    page.wait_for_selector(".ag-passkey-name:has-text('Work phone')")
    page.locator(".ag-passkey:has-text('Laptop')").locator(".ag-passkey-remove").click()
    page.click(".ag-dialog [name=confirm]")
    page.wait_for_function("() => document.querySelectorAll('.ag-passkey').length === 1")
    page.screenshot(path=str(output_directory() / "screenshots" / "passkeys_dialog.png"))
    names = agora_served_run(lambda env: env["res.users.passkey"].search(
        [("user_id", "=", uid)]).mapped("name"))
    assert names == ["Work phone"]
    page.click(".ag-dialog-close")

    # passwordless: no login, no password typed
    log_out(page)
    page.click(".ag-login-passkey-first")
    page.wait_for_selector("body.ag-ready")
    assert page.locator(".ag-user-menu").inner_text().strip().startswith("Served User")
    [credential] = stored_credentials(cdp, second)
    assert credential["signCount"] >= 1
    assert agora_served_run(lambda env: env["res.users.passkey"].search(
        [("user_id", "=", uid)]).sign_count) == credential["signCount"]


def test_passkey_as_the_second_factor(agora_page, agora_live_server, agora_served_user,
                                      agora_served_run):
    page, url = agora_page, localhost(agora_live_server.url)
    uid, login = agora_served_user
    add_authenticator(page)
    web_login(page, url, login, SERVED_USER_PASSWORD)
    open_passkeys(page)
    page.fill(".ag-passkey-new-name", "Laptop")
    page.fill(".ag-passkey-password", SERVED_USER_PASSWORD)
    page.click(".ag-passkey-add")
    page.wait_for_selector(".ag-passkey-name:has-text('Laptop')")
    page.click(".ag-dialog-close")

    def enable_totp(env):
        me = env(user=uid, su=False)["res.users"].browse(uid)
        secret = me.totp_enrol(SERVED_USER_PASSWORD)["secret"]
        me.totp_confirm(pyotp.TOTP(secret).now())
    agora_served_run(enable_totp)  # this ends the user's sessions
    page.goto(f"{url}/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", SERVED_USER_PASSWORD)
    page.click(".ag-login-submit")
    page.wait_for_selector("input[name=totp_code]")
    page.click(".ag-login-passkey-second")
    page.wait_for_selector("body.ag-ready")
    assert page.locator(".ag-user-menu").inner_text().strip().startswith("Served User")


def test_admin_sees_passkeys_and_turns_2fa_off_from_the_users_form(
        web, agora_served_user, agora_served_run):
    """Settings > Users & Companies > Users: the Security page lists the user's passkeys;
    the header button turns their 2FA off (a user who lost their phone)."""
    page = web  # the admin, logged in
    uid, login = agora_served_user

    def prepare(env):
        me = env(user=uid, su=False)["res.users"].browse(uid)
        me.totp_confirm(pyotp.TOTP(me.totp_enrol(SERVED_USER_PASSWORD)["secret"]).now())
        env["res.users.passkey"].sudo().create({
            "name": "Lost phone", "user_id": uid, "credential_identifier": f"cred-{uid}",
            "public_key": "pk"})
    agora_served_run(prepare)
    page.goto(f"{page.base_url}/web#model=res.users&id={uid}&view_type=form")
    page.wait_for_selector(".ag-form-view")
    page.click("text=Security")
    page.wait_for_function("() => [...document.querySelectorAll('.ag-form-view input')]"
                           ".some((input) => input.value === 'Lost phone')")
    assert page.locator(".ag-form-view .ag-add-line").count() == 0  # added by ceremony only
    page.click("button[name=action_totp_reset]")
    page.click(".ag-dialog [name=confirm]")
    page.wait_for_function(
        "() => !document.querySelector('button[name=action_totp_reset]')"
        " || document.querySelector('button[name=action_totp_reset]').offsetParent === null")
    assert agora_served_run(lambda env: env["res.users"].browse(uid).totp_enabled) is False
    # and the menu leads there
    page.click(".ag-navbar-home")
    page.click(".ag-app-tile:has-text('Settings')")
    page.click(".ag-navbar-menus .ag-dropdown-toggle:has-text('Users & Companies')")
    page.click(".ag-navbar-menus .ag-dropdown-item:has-text('Users')")
    page.wait_for_selector(f".ag-list-view td:has-text('{login}')")
