"""Attachments in the chatter: ``chatter_read`` lists each message's files (one batched
read, whatever the number of messages), and ``GET /web/content/<id>`` serves the bytes
only to users who may read the attachment and its record, forcing a download for types a
browser would run."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from agora.addons.mail.controllers.attachment import content_disposition, is_active_content
from agora.testing.addons import http_session, served_addons
from agora.testing.queries import assert_queries

#: chatter_read's budget: 14 before attachments, +1 for the messages' attachments
CHATTER_QUERIES = 15


def attach(env, record, name: str, data: bytes, **values: Any):
    return env["ir.attachment"].create({
        "name": name, "raw": data, "res_model": record._name, "res_id": record.id, **values})


# -- chatter_read ------------------------------------------------------------------------
def test_chatter_read_returns_each_messages_attachments(env):
    partner = env["res.partner"].create({"name": "With files"})
    notes = attach(env, partner, "notes.txt", b"hello")
    sheet = attach(env, partner, "sheet.csv", b"a,b\n1,2\n")
    partner.message_post(body="two files", attachment_ids=[notes.id, sheet.id])
    partner.message_post(body="no file")
    env.flush_all()
    env.invalidate_all()
    data = env["res.partner"].browse(partner.id).chatter_read()
    no_file, two_files = data["messages"][0], data["messages"][1]
    assert "no file" in no_file["body"] and "two files" in two_files["body"]
    assert no_file["attachment_ids"] == []
    files = sorted(two_files["attachment_ids"], key=lambda a: a["name"])
    assert files == [
        {"id": notes.id, "name": "notes.txt", "mimetype": "text/plain", "file_size": 5},
        {"id": sheet.id, "name": "sheet.csv", "mimetype": "text/csv", "file_size": 8},
    ]
    assert all("raw" not in f and "datas" not in f for f in files)  # bytes never travel here


def test_chatter_read_cost_is_flat_with_attachments(env):
    def thread(messages: int):
        partner = env["res.partner"].create({"name": f"Files x{messages}"})
        for index in range(messages):
            files = [attach(env, partner, f"f{index}-{n}.txt", b"x" * (n + 1)) for n in range(2)]
            partner.message_post(body=f"m{index}", attachment_ids=[f.id for f in files])
        env.flush_all()
        return partner

    counts = []
    for partner in (thread(3), thread(25)):
        env.invalidate_all()
        with assert_queries(env.cr, CHATTER_QUERIES) as queries:
            data = env["res.partner"].browse(partner.id).chatter_read(message_limit=30)
        with_files = [m for m in data["messages"] if m["attachment_ids"]]
        assert all(len(m["attachment_ids"]) == 2 for m in with_files)
        counts.append(len(queries))
    assert len(with_files) == 25
    assert counts[0] == counts[1]
    print(f"chatter_read with attachments: {counts[1]} queries")


# -- helpers of the route ----------------------------------------------------------------
@pytest.mark.parametrize(("mimetype", "active"), [
    ("text/html", True), ("TEXT/HTML; charset=utf-8", True), ("image/svg+xml", True),
    ("application/xhtml+xml", True), ("text/xml", True), ("application/xml", True),
    ("application/atom+xml", True), ("text/plain", False), ("image/png", False),
    ("application/pdf", False)])
def test_active_content_types(mimetype, active):
    assert is_active_content(mimetype) is active


def test_content_disposition_cannot_break_the_header():
    header = content_disposition('évil"\r\nX-Injected: 1.txt', download=True)
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="_vil___X-Injected: 1.txt"; ')
    assert header.endswith("filename*=UTF-8''%C3%A9vil%22%0D%0AX-Injected%3A%201.txt")
    assert content_disposition("a.txt", download=False).startswith('inline; filename="a.txt"')


# -- the route, on a live server ---------------------------------------------------------
@pytest.fixture(scope="module")
def content_server(agora_server_url: str) -> Iterator[dict[str, Any]]:
    """A served database with contacts, attachments of several kinds and users: an
    employee, a portal user, and a record only Settings can read."""
    def populate(env):
        partner = env["res.partner"].create({"name": "Files Inc"})
        text = attach(env, partner, "hello.txt", "héllo wörld\n".encode())
        page = attach(env, partner, "page.html", b"<script>alert(1)</script>")
        svg = attach(env, partner, "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
        blob = env["ir.attachment"].create({"name": "blob", "raw": b"\x00\x01",
                                            "mimetype": False, "res_model": "res.partner",
                                            "res_id": partner.id})
        blob.write({"mimetype": False})
        param = env["ir.config_parameter"].search([], limit=1) or \
            env["ir.config_parameter"].create({"key": "att.test", "value": "1"})
        secret = attach(env, param, "secret.txt", b"settings only")
        for login, group in (("att-employee", "base.group_user"),
                             ("att-portal", "base.group_portal")):
            env["res.users"].create({"name": login, "login": login, "password": "pw-" + login,
                                     "groups_id": [(6, 0, [env.ref(group).id])]})
        return {"text": text.id, "page": page.id, "svg": svg.id, "blob": blob.id,
                "secret": secret.id}

    with served_addons(agora_server_url, ["contacts"], demo=False,
                       prefix="agora_mail_content") as served:
        yield {"url": served.url, "db": served.name, **served.run(populate)}


def login(server: dict[str, Any], user: str) -> requests.Session:
    return http_session(server["url"], server["db"], user,
                        "admin" if user == "admin" else "pw-" + user)


def fetch(session: requests.Session, server: dict[str, Any], attachment_id: int,
          query: str = "") -> requests.Response:
    return session.get(f"{server['url']}/web/content/{attachment_id}{query}", timeout=60)


def test_content_serves_the_bytes_with_their_type(content_server):
    for user in ("admin", "att-employee"):
        answer = fetch(login(content_server, user), content_server, content_server["text"])
        assert answer.status_code == 200, (user, answer.text[:200])
        assert answer.content == "héllo wörld\n".encode()
        assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Content-Disposition"].startswith('inline; filename="hello.txt"')


def test_download_parameter_asks_to_save(content_server):
    answer = fetch(login(content_server, "admin"), content_server, content_server["text"],
                   "?download=true")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="hello.txt"')


def test_html_and_svg_are_always_downloads(content_server):
    session = login(content_server, "admin")
    for key, mimetype in (("page", "text/html"), ("svg", "image/svg+xml")):
        answer = fetch(session, content_server, content_server[key])
        assert answer.status_code == 200
        assert answer.headers["Content-Disposition"].startswith("attachment;"), key
        assert answer.headers["Content-Type"].startswith(mimetype)
        assert "sandbox" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_type_is_octet_stream(content_server):
    answer = fetch(login(content_server, "admin"), content_server, content_server["blob"])
    assert answer.status_code == 200 and answer.content == b"\x00\x01"
    assert answer.headers["Content-Type"] == "application/octet-stream"


def test_unknown_id_is_404(content_server):
    assert fetch(login(content_server, "admin"), content_server, 987654321).status_code == 404


def test_users_who_may_not_read_get_no_bytes(content_server):
    portal = login(content_server, "att-portal")
    answer = fetch(portal, content_server, content_server["text"])
    assert answer.status_code == 403 and b"llo w" not in answer.content
    # nor do they learn which ids exist
    assert fetch(portal, content_server, 987654321).status_code == 403
    # an employee may read attachments, but not those of a record hidden from them
    answer = fetch(login(content_server, "att-employee"), content_server,
                   content_server["secret"])
    assert answer.status_code == 403 and b"settings only" not in answer.content
    assert fetch(login(content_server, "admin"), content_server,
                 content_server["secret"]).content == b"settings only"


def test_content_needs_a_session(content_server):
    answer = requests.get(f"{content_server['url']}/web/content/{content_server['text']}",
                          timeout=60)
    assert answer.status_code == 401 and b"llo w" not in answer.content


def test_attachments_round_trip_through_base64_as_the_client_sends_them(env):
    # what the composer does: one create of base64 contents, then message_post
    partner = env["res.partner"].create({"name": "Client upload"})
    files = env["ir.attachment"].create([
        {"name": name, "datas": base64.b64encode(data).decode(), "res_model": "res.partner",
         "res_id": partner.id} for name, data in (("a.txt", b"alpha"), ("b.bin", b"\xff"))])
    message = partner.message_post(body="uploaded", attachment_ids=files.ids)
    assert sorted(message.attachment_ids.mapped("name")) == ["a.txt", "b.bin"]
    assert {a.name: a.raw for a in message.attachment_ids} == {"a.txt": b"alpha",
                                                               "b.bin": b"\xff"}
    assert files.mapped("mimetype") == ["text/plain", "application/octet-stream"]
