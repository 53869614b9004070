"""``GET /web/content/<id>``: an attachment's bytes (Odoo's URL), ``?download=true`` to
save it rather than show it.

The caller must be allowed to read the attachment through the ORM (model access and
record rules) and, when it belongs to a record (``res_model``/``res_id``), that record
too: ``ir.attachment`` itself has no record rules, so without the second check any
employee could fetch the files of records hidden from them. Types a browser would run
(HTML, SVG, XML) are always sent as downloads, never rendered, so an uploaded file cannot
script the application's origin.
"""

from __future__ import annotations

from urllib.parse import quote

from werkzeug.wrappers import Response

from agora import exceptions, http

DEFAULT_MIMETYPE = "application/octet-stream"

#: types the browser would render as active content on our origin
_ACTIVE_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml",
                 "application/xml")


class AttachmentController(http.Controller):
    @http.route("/web/content/<int:attachment_id>", methods=["GET"], auth="user",
                readonly=True)
    def content(self, request: http.HttpRequest, attachment_id: int) -> Response:
        attachment = readable_attachment(request.env, attachment_id)
        data = attachment.raw or b""
        mimetype = (attachment.mimetype or DEFAULT_MIMETYPE).strip().lower() or DEFAULT_MIMETYPE
        download = request.args.get("download", "").lower() in ("1", "true", "yes") \
            or is_active_content(mimetype)
        headers = {
            "Content-Disposition": content_disposition(attachment.name or f"file-{attachment.id}",
                                                       download),
            "Content-Length": str(len(data)),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        }
        if not mimetype.startswith("application/pdf"):
            # even if a browser ignored the attachment disposition of active content
            # (HTML, SVG), nothing would run; PDFs are left out: browsers refuse to show
            # one in a sandboxed document
            headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return Response(data, headers=headers, content_type=_with_charset(mimetype))


def readable_attachment(env, attachment_id: int):
    """The attachment ``attachment_id`` if the user may read it and the record it is
    attached to; AccessError (403) or MissingError (404) otherwise."""
    attachments = env["ir.attachment"]
    attachments.check_access("read")  # no access to attachments at all: no existence hints
    attachment = attachments.browse(attachment_id).exists()
    if not attachment:
        raise exceptions.MissingError(f"ir.attachment: attachment {attachment_id} does not exist.")
    attachment.check_access("read")
    res_model, res_id = attachment.res_model, attachment.res_id
    if res_model:
        if res_model not in env:
            raise exceptions.AccessError(
                f"ir.attachment: attachment {attachment_id} belongs to {res_model!r}, "
                "which is not installed.")
        if res_id:
            # a record deleted since leaves only the attachment's own access to check
            record = env[res_model].browse(res_id).exists()
            record.check_access("read")
        else:
            env[res_model].check_access("read")
    return attachment


def is_active_content(mimetype: str) -> bool:
    base = mimetype.split(";", 1)[0].strip().lower()
    return base in _ACTIVE_TYPES or base.endswith("+xml") or "html" in base


def content_disposition(filename: str, download: bool) -> str:
    """``attachment``/``inline`` with the name both as ASCII fallback and RFC 5987
    UTF-8 (quotes, backslashes and control characters cannot break the header)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in filename) or "file"
    kind = "attachment" if download else "inline"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _with_charset(mimetype: str) -> str:
    # text without a declared charset would make the browser guess (and sniff)
    if mimetype.startswith("text/") and "charset" not in mimetype:
        return f"{mimetype}; charset=utf-8"
    return mimetype
