"""Security headers on every kind of answer: HTML pages (CSP without inline scripts,
framing limited), JSON-RPC, XML-RPC, static files, errors; HSTS only over HTTPS; an
attachment keeps its own sandbox policy."""

from __future__ import annotations

import base64
import re
import xmlrpc.client
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import requests
from werkzeug.test import Client

from agora.db.manager import Databases
from agora.http.application import Application
from agora.http.security_headers import CONTENT_SECURITY_POLICY, STRICT_TRANSPORT_SECURITY
from agora.testing.addons import http_session, served_addons


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def assert_scripts_locked_down(policy: str) -> None:
    """Scripts only from this origin: no inline code, no eval, no other host."""
    parsed = directives(policy)
    scripts = parsed.get("script-src", parsed.get("default-src"))
    assert scripts == ["'self'"], policy
    assert parsed.get("frame-ancestors") in (["'self'"], ["'none'"]), policy
    assert parsed.get("default-src") in (["'self'"], ["'none'"]), policy


def assert_common(headers) -> None:
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] in ("SAMEORIGIN", "DENY")
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain http


@pytest.fixture
def client(agora_app) -> Client:
    return Client(agora_app)


@pytest.fixture
def proxied_app(agora_app, agora_server_url: str, agora_served_db: str) -> Iterator[Application]:
    databases = Databases(agora_server_url, pool_min=0, pool_max=2)
    yield Application(databases=databases, default_db=agora_served_db, proxy_mode=True)
    databases.close()


def test_the_policy_itself():
    assert_scripts_locked_down(CONTENT_SECURITY_POLICY)
    parsed = directives(CONTENT_SECURITY_POLICY)
    assert parsed["object-src"] == ["'none'"] and parsed["base-uri"] == ["'self'"]
    assert parsed["form-action"] == ["'self'"]
    assert not any("unsafe-eval" in value for values in parsed.values() for value in values)


def test_html_pages_have_a_script_tight_policy(client, agora_served_db):
    login_page = client.get("/web/login")
    assert login_page.status_code == 200 and login_page.mimetype == "text/html"
    assert_common(login_page.headers)
    assert_scripts_locked_down(login_page.headers["Content-Security-Policy"])
    # an HTML answer whose route sets nothing gets the framework's policy
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert missing.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert missing.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert_common(missing.headers)


def test_the_web_client_page_keeps_its_session_info_out_of_executable_script(
        client, agora_served_db):
    client.post("/web/session/authenticate", json={"jsonrpc": "2.0", "method": "call", "id": 1,
                "params": {"db": agora_served_db, "login": "admin", "password": "admin"}})
    page = client.get("/web")
    assert page.status_code == 200
    assert_common(page.headers)
    assert_scripts_locked_down(page.headers["Content-Security-Policy"])
    html = page.get_data(as_text=True)
    # every script is either an external module or a data block the browser never runs
    scripts = html.split("<script")[1:]
    assert scripts
    for script in scripts:
        opening = script.split(">", 1)[0]
        assert ' src="' in opening or 'type="application/json"' in opening, opening
    assert 'id="agora-session-info"' in html
    # no inline event handler, no javascript: URL
    assert re.search(r"<[^>]*\son[a-z]+\s*=", html) is None
    assert "javascript:" not in html.lower()


def test_json_rpc_answers_are_nosniff(client, agora_served_db):
    answer = client.post("/web/webclient/version_info", json={
        "jsonrpc": "2.0", "method": "call", "id": 1, "params": {}})
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert_common(answer.headers)
    # an error answer too
    answer = client.post("/web/dataset/call_kw", json={
        "jsonrpc": "2.0", "method": "call", "id": 1, "params": {}})
    assert "error" in answer.get_json()
    assert_common(answer.headers)


def test_xml_rpc_answers_are_nosniff(client, agora_served_db):
    body = xmlrpc.client.dumps((), "version")
    answer = client.post("/xmlrpc/2/common", data=body, content_type="text/xml")
    assert answer.status_code == 200 and answer.mimetype == "text/xml"
    assert_common(answer.headers)
    fault = client.post("/xmlrpc/2/common", data="<not xml", content_type="text/xml")
    assert b"<fault>" in fault.data
    assert_common(fault.headers)


def test_static_files_are_nosniff(client):
    answer = client.get("/web/static/src/webclient/main.js")
    assert answer.status_code == 200
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    answer.close()


def test_hsts_only_over_https(agora_app, proxied_app, agora_served_db):
    direct = Client(agora_app)
    assert "Strict-Transport-Security" not in direct.get("/web/login").headers
    # anybody can send X-Forwarded-Proto: it counts only behind a trusted proxy
    spoofed = direct.get("/web/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers
    over_tls = direct.get("/web/login", base_url="https://localhost")
    assert over_tls.headers["Strict-Transport-Security"] == STRICT_TRANSPORT_SECURITY
    behind_proxy = Client(proxied_app)
    answer = behind_proxy.post("/web/webclient/version_info", json={
        "jsonrpc": "2.0", "method": "call", "id": 1, "params": {}},
        headers={"X-Forwarded-Proto": "https"})
    assert answer.headers["Strict-Transport-Security"] == STRICT_TRANSPORT_SECURITY
    assert "Strict-Transport-Security" not in behind_proxy.get(
        "/web/login", headers={"X-Forwarded-Proto": "http"}).headers


# -- attachments: their own headers win -----------------------------------------------------
@pytest.fixture(scope="module")
def files(agora_server_url: str) -> Iterator[SimpleNamespace]:
    def populate(env):
        partner = env["res.partner"].create({"name": "Header files"})

        def attach(name: str, data: bytes, mimetype: str) -> int:
            return env["ir.attachment"].create({
                "name": name, "raw": data, "mimetype": mimetype,
                "res_model": "res.partner", "res_id": partner.id}).id
        return {
            "html": attach("page.html", b"<script>alert(1)</script>", "text/html"),
            "png": attach("dot.png", base64.b64decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="),
                "image/png"),
            "pdf": attach("doc.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        }

    with served_addons(agora_server_url, ["mail"], demo=False,
                       prefix="agora_headers") as served:
        yield SimpleNamespace(url=served.url, db=served.name, **served.run(populate))


def fetch(session: requests.Session, files: SimpleNamespace, key: str) -> requests.Response:
    answer = session.get(f"{files.url}/web/content/{getattr(files, key)}", timeout=60)
    assert answer.status_code == 200, answer.text[:300]
    return answer


def test_attachments_keep_their_sandbox_and_download_headers(files):
    session = http_session(files.url, files.db, "admin", "admin")
    html = fetch(session, files, "html")
    # the attachment's own policy, not the page policy: nothing in it may run
    assert html.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert html.headers["Content-Disposition"].startswith("attachment;")
    assert_common(html.headers)
    png = fetch(session, files, "png")
    assert png.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert png.headers["Content-Disposition"].startswith("inline;")
    assert_common(png.headers)
    # browsers refuse to show a PDF in a sandboxed document: no policy there
    pdf = fetch(session, files, "pdf")
    assert "Content-Security-Policy" not in pdf.headers
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert_common(pdf.headers)
