"""Files attached to records (or to nothing), content-addressed by their SHA-256.

Storage is chosen by the system parameter ``ir_attachment.location``:

- ``db`` (default): the bytes live in PostgreSQL, once per distinct content, in
  ``ir.attachment.blob`` keyed by checksum, so every worker on every machine sees them;
- ``file``: the bytes are written once under
  ``<data dir>/filestore/<dbname>/<ab>/<checksum>`` (``ab`` = first two hex digits) and
  ``store_fname`` is ``<ab>/<checksum>``. The data dir comes from the context key
  ``agora_data_dir``, else ``$AGORA_DATA_DIR`` (else the default data dir). Identical
  content is stored once; reading verifies the checksum.

Files and blobs are never deleted with an attachment (others may share them);
``_gc_blobs`` removes the blobs no attachment refers to any more.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from agora import api, fields, models
from agora.conf import default_data_dir
from agora.orm.exceptions import UserError, ValidationError

_CHECKSUM = re.compile(r"^[0-9a-f]{64}$")


class Base64(fields.Binary):
    """Binary content exchanged as base64 (Odoo's ``datas``): the record gives base64
    bytes, ``read`` a base64 string; writes take base64 strings or bytes."""

    def convert_to_cache(self, value: Any, record: Any) -> Any:
        if value is None or value is False:
            return None
        if isinstance(value, str):
            value = value.encode("ascii", "replace")
        if isinstance(value, bytes | bytearray | memoryview):
            value = bytes(value)
            try:
                base64.b64decode(value, validate=True)
            except binascii.Error:
                raise self.invalid(value[:40], "base64 data") from None
            return value
        raise self.invalid(value, "base64 data")

    def convert_to_read(self, value: Any, record: Any, use_display_name: bool = True) -> Any:
        return value.decode("ascii") if value else False


class IrAttachment(models.Model):
    _name = "ir.attachment"
    _description = "Attachment"
    _order = "id desc"

    name = fields.Char(required=True)
    description = fields.Text()
    res_model = fields.Char(string="Resource Model", index=True)
    res_field = fields.Char(string="Resource Field", index=True)
    res_id = fields.Integer(string="Resource ID", index=True)
    company_id = fields.Many2one("res.company", string="Company")
    type = fields.Selection([("binary", "File"), ("url", "URL")], required=True,
                            default="binary")
    url = fields.Char(string="Url", size=1024)
    public = fields.Boolean(string="Is public document")
    mimetype = fields.Char(string="Mime Type")
    file_size = fields.Integer(readonly=True)
    checksum = fields.Char(size=64, index=True, readonly=True)
    store_fname = fields.Char(string="Stored Filename", readonly=True)
    raw = fields.Binary(string="File Content (raw)", compute="_compute_raw",
                        inverse="_inverse_raw")
    datas = Base64(string="File Content (base64)", compute="_compute_datas",
                   inverse="_inverse_datas")

    # -- storage -------------------------------------------------------------------------
    @api.model
    def _storage(self) -> str:
        location = self.env["ir.config_parameter"].sudo().get_param(
            "ir_attachment.location", "db") if "ir.config_parameter" in self.env else "db"
        if location not in ("db", "file"):
            raise UserError(f"ir.attachment: unknown storage {location!r} "
                            "(ir_attachment.location must be 'db' or 'file')",
                            model=self._name)
        return location

    @api.model
    def _filestore(self) -> Path:
        """``<data dir>/filestore/<dbname>``."""
        data_dir = self.env.context.get("agora_data_dir") or os.environ.get("AGORA_DATA_DIR")
        root = Path(data_dir).expanduser() if data_dir else default_data_dir()
        return root / "filestore" / self.env.cr.dbname

    @api.model
    def _full_path(self, store_fname: str) -> Path:
        prefix, _slash, checksum = store_fname.partition("/")
        if not _CHECKSUM.match(checksum) or prefix != checksum[:2]:
            raise UserError(f"ir.attachment: invalid stored file name {store_fname!r}",
                            model=self._name)
        return self._filestore() / prefix / checksum

    @api.model
    def _file_write(self, data: bytes, checksum: str) -> str:
        """Write ``data`` under its checksum, once; return the stored file name."""
        store_fname = f"{checksum[:2]}/{checksum}"
        path = self._full_path(store_fname)
        if path.exists():
            try:
                self._file_read(store_fname, checksum)
                return store_fname
            except UserError:
                pass  # a damaged copy: write it again
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return store_fname

    @api.model
    def _file_read(self, store_fname: str, checksum: str | None = None) -> bytes:
        path = self._full_path(store_fname)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise UserError(f"ir.attachment: file {store_fname} is missing from the "
                            f"file store {self._filestore()}", model=self._name) from None
        expected = checksum or store_fname.rpartition("/")[2]
        if hashlib.sha256(data).hexdigest() != expected:
            raise UserError(f"ir.attachment: file {store_fname} is corrupted (checksum "
                            "mismatch)", model=self._name)
        return data

    # -- content -------------------------------------------------------------------------
    @api.depends("store_fname", "checksum")
    def _compute_raw(self) -> None:
        in_db = [a for a in self if not a.store_fname and a.file_size and a.checksum]
        blobs = self._blob_read({a.checksum for a in in_db}) if in_db else {}
        for attachment in self:
            if attachment.store_fname:
                attachment.raw = attachment._file_read(attachment.store_fname,
                                                       attachment.checksum or None)
            else:
                attachment.raw = blobs.get(attachment.checksum) or False

    def _blob_read(self, checksums: set[str]) -> dict[str, bytes]:
        """Contents stored in the database, by checksum (one query for the batch)."""
        self.env.cr.execute("SELECT checksum, data FROM ir_attachment_blob "
                            "WHERE checksum = ANY(%s)", (list(checksums),))
        return {checksum: bytes(data) for checksum, data in self.env.cr.fetchall()}

    def _blob_write(self, data: bytes, checksum: str) -> None:
        """Store ``data`` once: identical contents share one row (concurrent writers of the
        same content both succeed)."""
        self.env.cr.execute("INSERT INTO ir_attachment_blob (checksum, data) VALUES (%s, %s) "
                            "ON CONFLICT (checksum) DO NOTHING", (checksum, data))

    @api.model
    def _gc_blobs(self) -> int:
        """Delete database blobs no attachment refers to; return how many."""
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM ir_attachment_blob b WHERE NOT EXISTS (SELECT 1 FROM ir_attachment a "
            "WHERE a.checksum = b.checksum AND a.store_fname IS NULL)")
        return self.env.cr.rowcount

    def _inverse_raw(self) -> None:
        for attachment in self:
            attachment._set_content(attachment.raw or b"")

    @api.depends("raw")
    def _compute_datas(self) -> None:
        for attachment in self:
            raw = attachment.raw
            attachment.datas = base64.b64encode(raw) if raw else False

    def _inverse_datas(self) -> None:
        for attachment in self:
            datas = attachment.datas
            attachment._set_content(base64.b64decode(datas) if datas else b"")

    def _set_content(self, data: bytes) -> None:
        self.ensure_one()
        data = bytes(data or b"")
        checksum = hashlib.sha256(data).hexdigest()
        values: dict[str, Any] = {"checksum": checksum, "file_size": len(data)}
        if data and self._storage() == "file":
            values.update(store_fname=self._file_write(data, checksum))
        else:
            if data:
                self._blob_write(data, checksum)
            values.update(store_fname=False)
        if not self.mimetype:
            values["mimetype"] = self._guess_mimetype()
        self.write(values)
        # The computed contents now follow the stored values.
        for name in ("raw", "datas"):
            self.env.cache[self._fields[name]].pop(self.id, None)

    def _guess_mimetype(self) -> str:
        if self.type == "url":
            guessed = mimetypes.guess_type(self.url or "")[0]
        else:
            guessed = mimetypes.guess_type(self.name or "")[0]
        return guessed or "application/octet-stream"

    @api.model_create_multi
    def create(self, vals_list):
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            if not vals.get("mimetype") and not any(k in vals for k in ("raw", "datas")):
                name = vals.get("url") if vals.get("type") == "url" else vals.get("name")
                vals["mimetype"] = mimetypes.guess_type(name or "")[0] or \
                    "application/octet-stream"
        return super().create(vals_list)

    @api.constrains("type", "url")
    def _check_url(self) -> None:
        for attachment in self:
            if attachment.type == "url" and not attachment.url:
                raise ValidationError("ir.attachment: a URL attachment needs a url",
                                      model=self._name, field="url")

    def _force_storage(self) -> int:
        """Move every binary attachment to the current storage; return how many moved."""
        storage = self._storage()
        domain = [("type", "=", "binary")]
        domain.append(("store_fname", "=", False) if storage == "file"
                      else ("store_fname", "!=", False))
        moved = 0
        for attachment in self.sudo().search(domain):
            raw = attachment.raw
            if raw:
                attachment._set_content(raw)
                moved += 1
        return moved


class IrAttachmentBlob(models.Model):
    """Attachment contents kept in the database, one row per distinct content."""

    _name = "ir.attachment.blob"
    _description = "Attachment content"
    _log_access = False
    _rec_name = "checksum"
    _sql_constraints = [("checksum_uniq", "unique(checksum)",
                         "Each content is stored once.")]

    checksum = fields.Char(size=64, required=True)
    data = fields.Binary()
