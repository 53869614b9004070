"""TOTP two-factor in a real headless Chromium: a user enrols from the user menu (the
secret read from the page's otpauth URI, codes computed by pyotp as a phone would), logs
out, and logs in again with password + code, then with "trust this device". Screenshots of
the QR code, the recovery codes and the code step are left in the test output directory."""

from __future__ import annotations

import pyotp

from agora.testing.browser import output_directory, web_login
from agora.testing.pytest_plugin import SERVED_USER_PASSWORD
from agora.testing.totp import fresh_code, secret_of


def shot(page, name: str) -> None:
    page.screenshot(path=str(output_directory() / "screenshots" / f"{name}.png"),
                    full_page=True)


def log_out(page) -> None:
    page.click(".ag-user-menu .ag-dropdown-toggle")
    page.click(".ag-logout")
    page.wait_for_selector("input[name=password]")


def password_step(page, base_url: str, login: str) -> None:
    page.goto(f"{base_url}/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", SERVED_USER_PASSWORD)
    page.click(".ag-login-submit")


def test_enrol_from_the_user_menu_then_log_in_with_a_code(agora_page, agora_live_server,
                                                          agora_served_user, agora_served_run):
    page, url = agora_page, agora_live_server.url
    uid, login = agora_served_user
    web_login(page, url, login, SERVED_USER_PASSWORD)
    page.click(".ag-user-menu .ag-dropdown-toggle")
    page.click(".ag-totp-menu")
    page.wait_for_selector(".ag-totp-state[data-state=disabled]")
    page.fill(".ag-totp-password", SERVED_USER_PASSWORD)
    page.click(".ag-totp-enable")
    qr = page.wait_for_selector("img.ag-totp-qr")
    uri = qr.get_attribute("data-uri")
    assert uri.startswith("otpauth://totp/") and login in uri
    secret = secret_of(uri)
    # the key shown for typing by hand is the URI's, and the QR image really rendered
    assert page.inner_text(".ag-totp-secret").replace(" ", "") == secret
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", qr)
    shot(page, "totp_enrol_qr")
    # a wrong code first: refused in the dialog, 2FA stays off
    good = pyotp.TOTP(secret).now()
    page.fill(".ag-totp-code", f"{(int(good) + 1) % 10**6:06d}")
    page.click(".ag-totp-confirm")
    page.wait_for_selector(".ag-totp-error:has-text('Invalid authentication code')")
    page.fill(".ag-totp-code", fresh_code(agora_served_run, uid, secret))
    page.click(".ag-totp-confirm")
    page.wait_for_selector(".ag-totp-recovery-codes")
    codes = page.locator(".ag-totp-recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    shot(page, "totp_recovery_codes")
    page.click(".ag-totp-done")
    page.wait_for_selector(".ag-totp-state[data-state=enabled]")
    assert "10 recovery codes left" in page.inner_text(".ag-totp-facts")
    page.click(".ag-dialog-close")
    assert agora_served_run(lambda env: env["res.users"].browse(uid).totp_enabled) is True

    # the session that enrolled lives on; log out and in again: the code is asked
    log_out(page)
    password_step(page, url, login)
    page.wait_for_selector(".ag-login-second-factor input[name=totp_code]")
    assert page.locator("input[name=password]").count() == 0
    assert page.is_visible("input[name=trust_device]")
    shot(page, "totp_login_code_step")
    page.fill("input[name=totp_code]", fresh_code(agora_served_run, uid, secret))
    page.click(".ag-login-submit")
    page.wait_for_selector("body.ag-ready")
    assert page.locator(".ag-user-menu").inner_text().strip().startswith("Served User")
    assert not [c for c in page.context.cookies() if c["name"] == "agora_trusted_device"]

    # a recovery code works in the same field
    log_out(page)
    password_step(page, url, login)
    page.fill("input[name=totp_code]", codes[0])
    page.click(".ag-login-submit")
    page.wait_for_selector("body.ag-ready")


def test_trusted_device_skips_the_code(agora_page, agora_browser, agora_live_server,
                                       agora_served_user, agora_served_run):
    page, url = agora_page, agora_live_server.url
    uid, login = agora_served_user

    def enrol(env):
        me = env(user=uid, su=False)["res.users"].browse(uid)
        return me.totp_enrol(SERVED_USER_PASSWORD)["secret"]
    secret = agora_served_run(enrol)
    agora_served_run(lambda env: env(user=uid, su=False)["res.users"].browse(uid).totp_confirm(
        pyotp.TOTP(secret).now()))

    password_step(page, url, login)
    page.fill("input[name=totp_code]", "000000")  # wrong: asked again, attempts counted
    page.click(".ag-login-submit")
    page.wait_for_selector(".ag-login-error:has-text('Invalid authentication code')")
    assert "30 days" in page.inner_text(".ag-login-trust")
    page.fill("input[name=totp_code]", fresh_code(agora_served_run, uid, secret))
    page.check("input[name=trust_device]")
    page.click(".ag-login-submit")
    page.wait_for_selector("body.ag-ready")
    trusted = [c for c in page.context.cookies() if c["name"] == "agora_trusted_device"]
    assert trusted and trusted[0]["httpOnly"] and trusted[0]["sameSite"] == "Lax"

    # this browser: password only from now on
    log_out(page)
    password_step(page, url, login)
    page.wait_for_selector("body.ag-ready")

    # another browser still gets the code step
    other = agora_browser.new_context()
    try:
        fresh = other.new_page()
        password_step(fresh, url, login)
        fresh.wait_for_selector("input[name=totp_code]")
    finally:
        other.close()
