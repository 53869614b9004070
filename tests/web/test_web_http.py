"""The web addon's HTTP side: /web page, login form (CSRF, redirects, errors), logout,
static files and /web/action/load — driven with requests against a live server."""

from __future__ import annotations

import re

import requests


def login_form(session: requests.Session, url: str, redirect: str = "/web") -> str:
    answer = session.get(f"{url}/web/login", params={"redirect": redirect})
    assert answer.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', answer.text)
    assert match, "the login form carries a CSRF token"
    return match.group(1)


def test_web_without_session_redirects_to_login(agora_live_server):
    answer = requests.get(f"{agora_live_server.url}/web", allow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/web/login?redirect=%2Fweb")


def test_login_form_logs_in_and_serves_the_client(agora_live_server, agora_served_db):
    url = agora_live_server.url
    browser = requests.Session()
    token = login_form(browser, url)
    answer = browser.post(f"{url}/web/login", data={
        "csrf_token": token, "login": "admin", "password": "admin", "db": agora_served_db,
        "redirect": "/web"}, allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/web")
    page = browser.get(f"{url}/web")
    assert page.status_code == 200
    assert 'id="agora-session-info"' in page.text
    assert '"username": "admin"' in page.text
    assert page.headers["X-Frame-Options"] == "DENY"
    policy = page.headers["Content-Security-Policy"]
    # the central policy (no inline script, no plugins), with framing forbidden outright
    assert "frame-ancestors 'none'" in policy and "frame-ancestors 'self'" not in policy
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    # the client's entry module is served as JavaScript
    main = browser.get(f"{url}/web/static/src/webclient/main.js")
    assert main.status_code == 200 and main.headers["Content-Type"].startswith("text/javascript")
    # logging out ends the session: /web sends to the login form again
    browser.get(f"{url}/web/session/logout")
    assert browser.get(f"{url}/web", allow_redirects=False).status_code == 303


def test_login_form_refuses_a_post_without_its_csrf_cookie(agora_live_server, agora_served_db):
    answer = requests.post(f"{agora_live_server.url}/web/login", data={
        "csrf_token": "forged", "login": "admin", "password": "admin", "db": agora_served_db},
        allow_redirects=False)
    assert answer.status_code == 401
    assert "form expired" in answer.text
    assert "session_id" not in answer.cookies


def test_wrong_password_shows_the_form_again(agora_live_server, agora_served_db):
    url = agora_live_server.url
    browser = requests.Session()
    token = login_form(browser, url)
    answer = browser.post(f"{url}/web/login", data={
        "csrf_token": token, "login": "admin", "password": "nope", "db": agora_served_db},
        allow_redirects=False)
    assert answer.status_code == 401
    assert "Wrong login or password." in answer.text
    assert 'value="admin"' in answer.text  # the login typed is kept
    assert "session_id" not in browser.cookies


def test_login_redirect_stays_on_this_site(agora_live_server, agora_served_db):
    url = agora_live_server.url
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        browser = requests.Session()
        token = login_form(browser, url, redirect=evil)
        answer = browser.post(f"{url}/web/login", data={
            "csrf_token": token, "login": "admin", "password": "admin", "db": agora_served_db,
            "redirect": evil}, allow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["Location"].endswith("/web"), answer.headers["Location"]


def test_static_files_refuse_paths_outside_the_static_folder(agora_live_server):
    url = agora_live_server.url
    for path in ("/web/static/../__manifest__.py", "/web/static/%2e%2e/__manifest__.py",
                 "/nosuchaddon/static/x.js", "/web/static/src/nosuchfile.js"):
        assert requests.get(f"{url}{path}").status_code == 404, path


def test_static_files_revalidate_with_etags(agora_live_server):
    url = f"{agora_live_server.url}/web/static/src/core/dom.js"
    first = requests.get(url)
    assert first.status_code == 200 and first.headers.get("ETag")
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_action_load_by_external_id_and_errors(agora_live_server, agora_served_db):
    url = agora_live_server.url
    client = requests.Session()
    client.post(f"{url}/web/session/authenticate", json={"jsonrpc": "2.0", "params": {
        "db": agora_served_db, "login": "admin", "password": "admin"}})

    def load(action_id):
        return client.post(f"{url}/web/action/load", json={
            "jsonrpc": "2.0", "params": {"action_id": action_id}}).json()

    action = load("demo.action_demo_orders")["result"]
    assert action["type"] == "ir.actions.act_window"
    assert action["res_model"] == "demo.order"
    assert load(action["id"])["result"]["name"] == "Orders"
    missing = load("demo.no_such_action")["error"]["data"]
    assert missing["name"] == "odoo.exceptions.MissingError"
    assert "demo.no_such_action" in missing["message"]
    bad = load(["x"])["error"]["data"]
    assert bad["name"] == "odoo.exceptions.ValidationError"


def test_onchange_through_call_kw(agora_live_server, agora_served_db, agora_served_run):
    """What the form sends when a line's product changes: the price comes from the
    product (an @api.onchange handler), the subtotal from the compute."""
    url = agora_live_server.url
    client = requests.Session()
    client.post(f"{url}/web/session/authenticate", json={"jsonrpc": "2.0", "params": {
        "db": agora_served_db, "login": "admin", "password": "admin"}})
    product_id, price = agora_served_run(lambda env: (
        lambda product: (product.id, product.list_price))(
        env["demo.product"].search([("list_price", ">", 0)], limit=1)))
    spec = {"product_id": {"fields": {"display_name": {}}}, "quantity": {},
            "price_unit": {}, "subtotal": {}}
    answer = client.post(f"{url}/web/dataset/call_kw/demo.order.line/onchange", json={
        "jsonrpc": "2.0", "params": {
            "model": "demo.order.line", "method": "onchange",
            "args": [[], {"product_id": product_id, "quantity": 3, "price_unit": 0},
                     ["product_id"], spec],
            "kwargs": {}}}).json()
    value = answer["result"]["value"]
    assert value["price_unit"] == price
    assert value["subtotal"] == 3 * price
    bad = client.post(f"{url}/web/dataset/call_kw/demo.order.line/onchange", json={
        "jsonrpc": "2.0", "params": {
            "model": "demo.order.line", "method": "onchange",
            "args": [[], {"no_such_field": 1}, ["no_such_field"], spec], "kwargs": {}}}).json()
    assert "no_such_field" in bad["error"]["data"]["message"]
