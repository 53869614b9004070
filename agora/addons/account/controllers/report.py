"""``GET /report/pdf/account.report_invoice/<ids>``: invoices as a PDF download (Odoo's
URL, ids separated by commas)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from agora import exceptions, http

#: more than this many invoices in one request is refused (one PDF is built in memory)
MAX_DOCUMENTS = 500


class InvoiceReportController(http.Controller):
    @http.route("/report/pdf/account.report_invoice/<string:docids>", methods=["GET"],
                auth="user", readonly=True)
    def report_invoice_pdf(self, request: http.HttpRequest, docids: str) -> Response:
        ids = parse_ids(docids)
        moves = request.env["account.move"].browse(ids)
        moves.browse().check_access("read")  # no existence hints for users without access
        missing = sorted(set(ids) - set(moves.exists().ids))
        if missing:
            raise exceptions.MissingError(
                f"account.move: invoices {', '.join(map(str, missing))} do not exist.")
        pdf = moves._render_invoice_pdf()
        filename = moves._invoice_report_filename()
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Content-Length": str(len(pdf)),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        })


def parse_ids(docids: str) -> list[int]:
    """``"7,8,9"`` -> ``[7, 8, 9]`` (order kept, repeats dropped); anything else is a
    404, as for a record that does not exist."""
    parts = docids.split(",")
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise exceptions.MissingError(f"/report/pdf: invalid invoice ids {docids!r}.")
    ids = list(dict.fromkeys(int(part) for part in parts))
    if len(ids) > MAX_DOCUMENTS:
        raise exceptions.UserError(
            f"/report/pdf: at most {MAX_DOCUMENTS} invoices per PDF, got {len(ids)}.")
    return ids
