import base64
import hashlib

import pytest

from agora.orm.exceptions import UserError


def test_db_storage_raw_and_datas(env):
    data = b"hello, world\n"
    att = env["ir.attachment"].create({"name": "hello.txt", "raw": data,
                                       "res_model": "res.partner", "res_id": 1})
    digest = hashlib.sha256(data).hexdigest()
    assert att.checksum == digest
    assert att.file_size == len(data)
    assert att.mimetype == "text/plain"
    assert att.store_fname is False
    env.cr.execute("SELECT data FROM ir_attachment_blob WHERE checksum = %s", (digest,))
    assert bytes(env.cr.fetchone()[0]) == data  # in the database, keyed by content
    assert att.raw == data
    assert att.datas == base64.b64encode(data)
    assert att.read(["datas"])[0]["datas"] == base64.b64encode(data).decode()

    att.write({"datas": base64.b64encode(b"\x89PNG...").decode()})
    env.invalidate_all()
    assert att.raw == b"\x89PNG..."
    assert att.checksum == hashlib.sha256(b"\x89PNG...").hexdigest()
    assert att.mimetype == "text/plain"  # an explicit/first mimetype is kept

    other = env["ir.attachment"].create({"name": "a.pdf", "datas": base64.b64encode(b"%PDF")})
    assert other.mimetype == "application/pdf"
    assert other.raw == b"%PDF"
    bare = env["ir.attachment"].create({"name": "noext"})
    assert bare.mimetype == "application/octet-stream"
    url = env["ir.attachment"].create({"name": "logo", "type": "url",
                                       "url": "https://example.com/logo.png"})
    assert url.mimetype == "image/png" and url.raw is False


def test_invalid_base64_refused(env):
    with pytest.raises(UserError):
        env["ir.attachment"].create({"name": "x", "datas": "not base64!!"})


def test_file_storage_content_addressed(env, tmp_path):
    env["ir.config_parameter"].set_param("ir_attachment.location", "file")
    attachments = env["ir.attachment"].with_context(agora_data_dir=str(tmp_path))
    data = b"same bytes" * 100
    first = attachments.create({"name": "a.bin", "raw": data})
    second = attachments.create({"name": "b.bin", "raw": data})
    digest = hashlib.sha256(data).hexdigest()
    assert first.store_fname == second.store_fname == f"{digest[:2]}/{digest}"
    env.cr.execute("SELECT count(*) FROM ir_attachment_blob WHERE checksum = %s", (digest,))
    assert env.cr.fetchone()[0] == 0  # not in the database
    path = tmp_path / "filestore" / env.cr.dbname / digest[:2] / digest
    assert path.read_bytes() == data
    assert [p.name for p in path.parent.iterdir()] == [digest]  # written once

    env.invalidate_all()
    assert first.raw == data and second.datas == base64.b64encode(data)

    path.write_bytes(b"tampered")
    env.invalidate_all()
    with pytest.raises(UserError, match="corrupted"):
        first.raw  # noqa: B018
    # writing the same content again repairs the damaged copy
    attachments.create({"name": "c.bin", "raw": data})
    assert path.read_bytes() == data

    # back to the database: existing files can be moved
    env["ir.config_parameter"].set_param("ir_attachment.location", "db")
    env.invalidate_all()
    assert attachments.browse(first.id)._force_storage() >= 2
    env.invalidate_all()
    assert first.store_fname is False and first.raw == data
    env.cr.execute("SELECT count(*) FROM ir_attachment_blob WHERE checksum = %s", (digest,))
    assert env.cr.fetchone()[0] == 1


def test_unknown_location_refused(env):
    env["ir.config_parameter"].set_param("ir_attachment.location", "s3")
    with pytest.raises(UserError, match="unknown storage"):
        env["ir.attachment"].create({"name": "x", "raw": b"1"})


def test_identical_contents_are_stored_once_in_the_database(env):
    attachments = env["ir.attachment"]
    first = attachments.create({"name": "a.txt", "raw": b"same bytes"})
    second = attachments.create({"name": "b.txt", "raw": b"same bytes"})
    other = attachments.create({"name": "c.txt", "raw": b"other bytes"})
    env.flush_all()
    env.cr.execute("SELECT count(*) FROM ir_attachment_blob WHERE checksum = ANY(%s)",
                   ([first.checksum, other.checksum],))
    assert env.cr.fetchone()[0] == 2
    assert first.checksum == second.checksum != other.checksum
    env.invalidate_all()
    assert second.raw == b"same bytes" and other.raw == b"other bytes"
    first.unlink()
    assert attachments._gc_blobs() == 0  # still used by the second attachment
    second.unlink()
    assert attachments._gc_blobs() == 1
    env.invalidate_all()
    assert other.raw == b"other bytes"
