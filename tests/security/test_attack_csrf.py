"""Cross-site request forgery: a logged-in user's browser made to post on behalf of
another site.

- Form routes (``type='http'``, ``csrf`` on by default) refuse a post without the token
  of the session in the cookie: no token, a forged, tampered, expired or another
  session's token; nothing is written.
- Every route that takes unsafe methods without that token says why it needs none
  (credentials in the body, JSON-only, double-submit login, logout).
- ``/web/login`` refuses a post without its double-submit cookie (login CSRF).
- In a real headless Chromium, a page of another site (``http://localhost:<port>``,
  served by the test, while the server is ``http://127.0.0.1:<port>``) posts forms and fires ``fetch`` at the server while the victim is logged
  in: JSON-RPC writes, JSON-2 and REST calls, the form route, logout and login — none
  changes anything. A same-origin page making the same call does write (the control)."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from werkzeug.wrappers import Response

from agora.http.routing import Controller, route
from agora.testing.addons import http_session, served_addons_fixture
from agora.testing.browser import web_login

served = served_addons_fixture(["contacts"], prefix="agora_attack_csrf")


class CsrfTarget(Controller):
    """A form route as addons write them: POST, auth='user', CSRF checked by default."""

    @route("/test/security/rename", methods=["POST"], auth="user")
    def rename(self, request):
        partner = request.env["res.partner"].browse(int(request.form["id"]))
        partner.write({"name": request.form["name"]})
        return Response("renamed")

    @route("/test/security/token", methods=["GET"], auth="user")
    def token(self, request):
        return Response(request.csrf_token())


#: routes that accept unsafe methods without the session's CSRF token, and why that is safe
NO_TOKEN_NEEDED = {
    "/xmlrpc/<service>": "credentials travel in the body, no cookie is used",
    "/xmlrpc/2/<service>": "credentials travel in the body, no cookie is used",
    "/json/2/<model>/<method>": "bearer key, or a session cookie with a JSON body only",
    "/api/v1/<model>": "bearer key, or a session cookie with a JSON body only",
    "/api/v1/<model>/<record_id>": "bearer key; PATCH/DELETE need a CORS preflight",
    "/api/v1/<model>/<record_id>/<method>": "bearer key, or a session cookie with JSON",
    "/web/login": "double-submit cookie (SameSite=Strict) checked by the route",
    "/web/session/logout": "ends the session only",
}


@pytest.fixture(scope="module")
def canary(served) -> int:
    return served.run(lambda env: env["res.partner"].create({"name": "CSRF canary"}).id)


def canary_name(served, canary) -> str:
    return served.run(lambda env: env["res.partner"].browse(canary).name)


@pytest.fixture
def admin_session(served):
    return http_session(served.url, served.name, "admin", "admin")


def post_form(session, served, canary, **extra) -> requests.Response:
    data = {"id": str(canary), "name": "forged by another site", **extra.pop("data", {})}
    return session.post(f"{served.url}/test/security/rename", data=data, timeout=30,
                        allow_redirects=False, **extra)


def test_form_routes_refuse_posts_without_the_session_token(served, canary, admin_session):
    token = admin_session.get(f"{served.url}/test/security/token", timeout=30).text
    mac, _, expiry = token.rpartition("o")
    other = http_session(served.url, served.name, "admin", "admin")
    other_token = other.get(f"{served.url}/test/security/token", timeout=30).text
    forged = [
        {},  # no token at all
        {"data": {"csrf_token": "forged"}},
        {"data": {"csrf_token": f"{mac}o{int(expiry) + 3600}"}},  # expiry pushed back
        {"data": {"csrf_token": f"{'0' * len(mac)}o{expiry}"}},  # MAC made up
        {"data": {"csrf_token": f"{mac}o{int(time.time()) - 10}"}},  # expired
        {"data": {"csrf_token": other_token}},  # another session's token
        {"headers": {"X-CSRF-Token": other_token}},
        {"params": {"csrf_token": token}},  # in the URL: leaks through logs, not accepted
        {"headers": {"X-HTTP-Method-Override": "GET"}},
    ]
    for extra in forged:
        response = post_form(admin_session, served, canary, **extra)
        assert response.status_code == 400, (extra, response.status_code, response.text)
        assert canary_name(served, canary) == "CSRF canary", extra
    # the control: the session's own token, in the form or the header, is accepted
    try:
        assert post_form(admin_session, served, canary,
                         data={"csrf_token": token}).status_code == 200
        assert canary_name(served, canary) == "forged by another site"
        response = post_form(admin_session, served, canary, headers={"X-CSRF-Token": token})
        assert response.status_code == 200
    finally:
        served.run(lambda env: env["res.partner"].browse(canary).write({"name": "CSRF canary"}))
    # without any session: not even a chance to present a token
    response = post_form(requests.Session(), served, canary, data={"csrf_token": token})
    assert response.status_code == 401
    assert canary_name(served, canary) == "CSRF canary"


def test_every_unsafe_route_without_a_token_is_accounted_for(served):
    from agora.http.application import Application
    from agora.service.wsgi import load_controllers

    load_controllers()
    app = Application()
    unprotected = {}
    for info, _handler, controller in app.endpoints.values():
        if type(controller).__module__.startswith("tests."):
            continue  # test fixtures
        methods = set(info.methods or ("GET", "POST"))  # no list: every method
        if info.type != "http" or info.csrf or not methods & {"POST", "PUT", "PATCH",
                                                               "DELETE"}:
            continue
        for path in info.paths:
            unprotected[path] = type(controller).__name__
    unexplained = {p: c for p, c in unprotected.items() if p not in NO_TOKEN_NEEDED}
    assert not unexplained, f"form routes without CSRF protection: {unexplained}"


def test_session_cookie_callers_of_the_apis_must_send_json(served, canary, admin_session):
    """A cross-site form can post with the cookie (where SameSite does not stop it) but
    only as a form or text: the JSON APIs refuse such bodies."""
    for path, body in [
            ("/json/2/res.partner/write", {"ids": [canary], "vals": {"name": "forged"}}),
            (f"/api/v1/res.partner/{canary}/action_archive", {})]:
        for content_type, data in [("application/x-www-form-urlencoded", "a=b"),
                                   ("text/plain", json.dumps(body)),
                                   ("multipart/form-data; boundary=x", "--x--")]:
            response = admin_session.post(f"{served.url}{path}", data=data, timeout=30,
                                          headers={"Content-Type": content_type})
            assert response.status_code == 415, (path, content_type, response.text)
    assert canary_name(served, canary) == "CSRF canary"
    assert served.run(lambda env: env["res.partner"].browse(canary).active)


def test_login_form_needs_its_double_submit_cookie(served):
    url = f"{served.url}/web/login"
    form = {"login": "admin", "password": "admin", "db": served.name}
    for cookies, token in [({}, ""), ({}, "guessed"), ({"agora_login_csrf": "a"}, "b"),
                           ({"agora_login_csrf": ""}, "")]:
        session = requests.Session()
        for name, value in cookies.items():
            session.cookies.set(name, value, path="/web/login")
        response = session.post(url, data={**form, "csrf_token": token}, timeout=30,
                                allow_redirects=False)
        assert response.status_code == 401 and "expired" in response.text, (cookies, token)
        assert "session_id" not in session.cookies, (cookies, token)
    # the control: the cookie the form came with and its token log in
    session = requests.Session()
    page = session.get(url, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    response = session.post(url, data={**form, "csrf_token": token}, timeout=30,
                            allow_redirects=False)
    assert response.status_code == 303 and "session_id" in session.cookies


# -- in the browser: another site's page ---------------------------------------------------------
class _AttackerSite(BaseHTTPRequestHandler):
    """Serves whatever page the test wrote last."""

    html = "<html></html>"

    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        body = type(self).html.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def attacker() -> str:
    """Another site on loopback: ``http://localhost:<port>`` while the server under attack
    is ``http://127.0.0.1:<port>`` — a different site for the browser's cookie rules, on
    the same (loopback) network, so that only the cookie rules decide."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AttackerSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def attacker_page(page, attacker: str, html: str) -> None:
    """Open ``html`` as a page of the attacker's site."""
    _AttackerSite.html = html
    page.goto(f"{attacker}/evil.html")


def auto_form(action: str, fields: dict[str, str], enctype: str = "") -> str:
    inputs = "".join(f'<input type="hidden" name="{name}" value="{value}">'
                     for name, value in fields.items())
    encoding = f' enctype="{enctype}"' if enctype else ""
    return (f'<html><body><form id="f" method="POST" action="{action}"{encoding}>{inputs}'
            "</form><script>document.getElementById('f').submit()</script></body></html>")


def jsonrpc_write(canary: int, name: str) -> dict:
    return {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
        "model": "res.partner", "method": "write", "args": [[canary], {"name": name}],
        "kwargs": {}}}


def forget_blocked_requests(page) -> None:
    """The browser logs the requests it blocked (CORS): that is the point, not an error."""
    page.agora_errors[:] = [e for e in page.agora_errors
                            if "CORS" not in e and "Failed to fetch" not in e
                            and "Failed to load resource" not in e]


@pytest.fixture
def victim(agora_page, served):
    web_login(agora_page, served.url, "admin", "admin")
    return agora_page


def test_session_cookie_callers_of_json_rpc_must_send_json(served, canary, admin_session):
    """Same rule for the JSON-RPC routes (as Odoo, which dispatches them on the JSON
    content type): a form or text body with the session cookie is refused, unread."""
    body = json.dumps(jsonrpc_write(canary, "forged as text"))
    for content_type, data in [("text/plain", body),
                               ("application/x-www-form-urlencoded", body),
                               ("multipart/form-data; boundary=x", "--x--")]:
        response = admin_session.post(f"{served.url}/web/dataset/call_kw", data=data,
                                      timeout=30, headers={"Content-Type": content_type})
        assert response.status_code == 415, (content_type, response.text)
        assert "application/json" in response.json()["error"]["data"]["message"]
    assert canary_name(served, canary) == "CSRF canary"
    # the same call as JSON is served (the refusal is the content type, nothing else);
    # on a record of its own, so the module's canary stays untouched
    own = served.run(lambda env: env["res.partner"].create({"name": "JSON control"}).id)
    answer = admin_session.post(f"{served.url}/web/dataset/call_kw", timeout=30,
                                data=json.dumps(jsonrpc_write(own, "written as JSON")),
                                headers={"Content-Type": "application/json"}).json()
    assert "error" not in answer, answer
    assert canary_name(served, own) == "written as JSON"


def test_another_site_cannot_write_through_the_json_rpc_session(victim, attacker, served,
                                                                 canary):
    url = served.url
    # a form can send a JSON body as text/plain: name + "=" + value
    body = json.dumps(jsonrpc_write(canary, "forged by form"))
    name, value = body[:-2], body[-2:]  # '..."kwargs": {' + '}}'
    html = (f'<html><body><form id="f" method="POST" action="{url}/web/dataset/call_kw" '
            f'enctype="text/plain"><input type="hidden" name=\'{name}\' value=\'{value}\'>'
            "</form><script>document.getElementById('f').submit()</script></body></html>")
    attacker_page(victim, attacker, html)
    victim.wait_for_url(f"{url}/web/dataset/call_kw")
    assert canary_name(served, canary) == "CSRF canary"

    attacker_page(victim, attacker, "<html><body>hello</body></html>")
    outcome = victim.evaluate("""async ([url, body]) => {
        try {
            await fetch(url + '/web/dataset/call_kw', {method: 'POST', mode: 'no-cors',
                credentials: 'include', headers: {'Content-Type': 'text/plain'}, body});
            return 'sent';
        } catch (error) { return String(error); }
    }""", [url, json.dumps(jsonrpc_write(canary, "forged by fetch"))])
    assert outcome == "sent"  # the browser sent it ... without the victim's cookie
    assert canary_name(served, canary) == "CSRF canary"
    forget_blocked_requests(victim)
    # the victim is still logged in as themselves
    assert uid_of(served, session_cookies(victim, served)) == 2

    # the control: the same call from the server's own origin does write
    victim.goto(f"{url}/web")
    try:
        victim.evaluate("""async ([url, body]) => {
            await fetch(url + '/web/dataset/call_kw', {method: 'POST', credentials: 'include',
                headers: {'Content-Type': 'application/json'}, body});
        }""", [url, json.dumps(jsonrpc_write(canary, "written by the user"))])
        assert canary_name(served, canary) == "written by the user"
    finally:
        served.run(lambda env: env["res.partner"].browse(canary).write({"name": "CSRF canary"}))


def test_another_site_cannot_use_the_apis_or_the_form_routes(victim, attacker, served,
                                                               canary):
    url = served.url
    attacker_page(victim, attacker, "<html><body>hello</body></html>")
    results = victim.evaluate("""async ([url, id]) => {
        const attempts = [
            [url + '/api/v1/res.partner/' + id, {method: 'DELETE'}],
            [url + '/api/v1/res.partner/' + id, {method: 'PATCH',
                headers: {'Content-Type': 'application/json'}, body: '{"name": "forged"}'}],
            [url + '/json/2/res.partner/unlink', {method: 'POST',
                headers: {'Content-Type': 'application/json'}, body: '{"ids": [' + id + ']}'}],
            [url + '/json/2/res.partner/unlink', {method: 'POST', mode: 'no-cors',
                headers: {'Content-Type': 'text/plain'}, body: '{"ids": [' + id + ']}'}],
        ];
        const out = [];
        for (const [target, options] of attempts) {
            try { await fetch(target, {credentials: 'include', ...options}); out.push('sent'); }
            catch (error) { out.push('blocked'); }
        }
        return out;
    }""", [url, canary])
    # the first three need a CORS preflight the server never grants: never sent
    assert results[:3] == ["blocked", "blocked", "blocked"], results
    forget_blocked_requests(victim)
    assert served.run(lambda env: env["res.partner"].browse(canary).exists().ids) == [canary]

    attacker_page(victim, attacker, auto_form(f"{url}/test/security/rename",
                                    {"id": str(canary), "name": "forged by form"}))
    victim.wait_for_url(f"{url}/test/security/rename")
    assert canary_name(served, canary) == "CSRF canary"
    forget_blocked_requests(victim)


def session_cookies(page, served) -> dict[str, str]:
    return {c["name"]: c["value"] for c in page.context.cookies(served.url)}


def uid_of(served, cookies: dict[str, str]) -> int | None:
    response = requests.post(f"{served.url}/web/session/get_session_info", cookies=cookies,
                             json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}},
                             timeout=30)
    return (response.json().get("result") or {}).get("uid")


def test_another_site_cannot_end_the_session_by_post(victim, attacker, served):
    before = session_cookies(victim, served)
    attacker_page(victim, attacker, auto_form(f"{served.url}/web/session/logout", {}))
    victim.wait_for_url(re.compile(r".*/web/login.*"))
    assert uid_of(served, before) == 2, "a cross-site POST ended the session on the server"


def test_another_site_cannot_drop_the_session_cookie(victim, attacker, served):
    attacker_page(victim, attacker, auto_form(f"{served.url}/web/session/logout", {}))
    victim.wait_for_url(re.compile(r".*/web/login.*"))
    assert uid_of(served, session_cookies(victim, served)) == 2


def test_another_site_cannot_log_the_victim_in_as_someone_else(victim, attacker, served):
    """Login CSRF: the victim would type their data into the attacker's account."""
    served.run(lambda env: env["res.users"].search([("login", "=", "csrf_attacker")]) or
               env["res.users"].create({"name": "Attacker", "login": "csrf_attacker",
                                        "password": "attacker-pw-9",
                                        "groups_id": [(6, 0, [env.ref("base.group_user").id])]}))
    attacker_page(victim, attacker, auto_form(f"{served.url}/web/login", {
        "login": "csrf_attacker", "password": "attacker-pw-9", "db": served.name,
        "csrf_token": "guessed"}))
    victim.wait_for_url(re.compile(r".*/web/login.*"))
    assert "expired" in victim.content()
    assert uid_of(served, session_cookies(victim, served)) == 2, \
        "the victim was logged in as the attacker"
