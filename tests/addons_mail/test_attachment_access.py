"""Attachments are visible to whoever may see their record, through every ORM read path."""

from collections.abc import Iterator

import pytest

from agora.orm.environment import Environment
from agora.orm.exceptions import AccessError
from agora.testing.addons import installed_database, rolled_back_env


@pytest.fixture(scope="module")
def mail_db(agora_server_url: str) -> Iterator[str]:
    with installed_database(agora_server_url, ["contacts"],
                            prefix="agora_att_access") as conninfo:
        yield conninfo


@pytest.fixture
def setup(mail_db):
    with rolled_back_env(mail_db) as env:
        employee = env["res.users"].create({
            "name": "Attachment Reader", "login": "att_reader",
            "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
        server = env["ir.mail_server"].create({"name": "Secret relay", "smtp_host": "x"})
        partner = env["res.partner"].create({"name": "Open partner"})
        attach = env["ir.attachment"].create([
            {"name": "secret.txt", "raw": b"secret", "res_model": "ir.mail_server",
             "res_id": server.id},
            {"name": "open.txt", "raw": b"open", "res_model": "res.partner",
             "res_id": partner.id},
            {"name": "orphan.txt", "raw": b"mine"},
            {"name": "public.txt", "raw": b"all", "public": True, "res_model": "ir.mail_server",
             "res_id": server.id},
        ])
        yield env, Environment(env.cr, employee.id, {}, registry=env.registry), attach


def test_reading_by_id_follows_the_record(setup):
    _admin, user, (secret, open_, orphan, public) = setup
    attachments = user["ir.attachment"]
    assert attachments.browse(open_.id).read(["name"])[0]["name"] == "open.txt"
    assert attachments.browse(public.id).read(["name"])[0]["name"] == "public.txt"
    for refused in (secret, orphan):
        with pytest.raises(AccessError, match="cannot read"):
            attachments.browse(refused.id).read(["datas"])
        with pytest.raises(AccessError):
            attachments.browse(refused.id).web_read({"raw": {}})


def test_searches_leave_out_what_is_not_visible(setup):
    _admin, user, (secret, open_, orphan, public) = setup
    ids = {secret.id, open_.id, orphan.id, public.id}
    found = user["ir.attachment"].search([("id", "in", list(ids))])
    assert set(found.ids) == {open_.id, public.id}
    rows = user["ir.attachment"].search_read([("id", "in", list(ids))], ["name"])
    assert {row["name"] for row in rows} == {"open.txt", "public.txt"}
    page = user["ir.attachment"].web_search_read([("id", "in", list(ids))], {"name": {}})
    assert {row["name"] for row in page["records"]} == {"open.txt", "public.txt"}


def test_own_orphan_attachment_and_administrators(setup):
    admin, user, (secret, _open, orphan, _public) = setup
    mine = user["ir.attachment"].create({"name": "mine.txt", "raw": b"x"})
    assert mine.read(["name"])[0]["name"] == "mine.txt"
    assert admin["ir.attachment"].browse([secret.id, orphan.id]).read(["name"])


def test_changing_needs_write_access_to_the_record(setup):
    _admin, user, (secret, open_, _orphan, public) = setup
    user["ir.attachment"].browse(open_.id).write({"description": "ok"})
    with pytest.raises(AccessError):
        user["ir.attachment"].browse(public.id).write({"name": "renamed"})
    with pytest.raises(AccessError):
        user["ir.attachment"].browse(secret.id).unlink()


def test_a_message_cannot_carry_a_file_its_author_cannot_read(setup):
    admin, user, (secret, open_, _orphan, _public) = setup
    partner = user["res.partner"].browse(open_.res_id)
    with pytest.raises(AccessError):
        partner.message_post(body="look", attachment_ids=[secret.id])
    message = partner.message_post(body="fine", attachment_ids=[open_.id])
    assert message.attachment_ids.ids == [open_.id]
