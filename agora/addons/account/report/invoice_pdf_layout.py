"""Draw invoices with fpdf2 (pure Python: no browser, no wkhtmltopdf).

The built-in PDF fonts only know Latin-1: other characters are printed as "?" rather
than failing the whole document."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from agora.addons.account.report.invoice_document import InvoiceDocument, InvoiceLine

FONT = "Helvetica"
#: column widths in mm of the lines table (A4 portrait, 15 mm margins: 180 mm)
COLUMNS = (("Description", 72, "L"), ("Quantity", 20, "R"), ("Unit Price", 26, "R"),
           ("Taxes", 30, "C"), ("Amount", 32, "R"))


def latin1(text: object) -> str:
    return str(text if text is not None else "").encode("latin-1", "replace").decode("latin-1")


class InvoicePdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.draft = False
        self.number = ""
        self.alias_nb_pages()

    def header(self) -> None:
        if self.draft:  # a watermark on every page of a draft: it is not a valid invoice
            with self.local_context(text_color=(225, 225, 225)):
                self.set_font(FONT, "B", 90)
                with self.rotation(45, x=self.w / 2, y=self.h / 2):
                    self.text(self.w / 2 - 62, self.h / 2 + 12, "DRAFT")
            self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, latin1(f"{self.number}   Page {self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(0, 0, 0)


def render_invoices(documents: list[InvoiceDocument]) -> bytes:
    """One PDF with every document, each starting on its own page (uncompressed, so
    its text can be searched)."""
    pdf = InvoicePdf()
    pdf.set_compression(False)
    pdf.set_title(latin1(documents[0].number if len(documents) == 1 else "Invoices"))
    pdf.set_creator("Agora")
    for document in documents:
        pdf.draft = document.draft
        pdf.number = latin1(document.number)
        pdf.add_page()
        _draw(pdf, document)
    return bytes(pdf.output())


def _draw(pdf: InvoicePdf, doc: InvoiceDocument) -> None:
    _addresses(pdf, doc)
    _heading(pdf, doc)
    _lines(pdf, doc)
    _totals(pdf, doc)
    _footer_notes(pdf, doc)


def _addresses(pdf: InvoicePdf, doc: InvoiceDocument) -> None:
    top = pdf.get_y()
    pdf.set_font(FONT, "B", 12)
    pdf.cell(90, 6, latin1(doc.company_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    for line in doc.company_address:
        pdf.cell(90, 4.5, latin1(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    company_bottom = pdf.get_y()
    pdf.set_xy(115, top + 14)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(80, 5, latin1(doc.partner_name), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    for line in doc.partner_address:
        pdf.cell(80, 4.5, latin1(line), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, max(company_bottom, pdf.get_y()) + 8)


def _heading(pdf: InvoicePdf, doc: InvoiceDocument) -> None:
    pdf.set_font(FONT, "B", 16)
    title = f"Draft {doc.title}" if doc.draft else f"{doc.title} {doc.number}"
    pdf.cell(0, 9, latin1(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    facts = [("Invoice Date", doc.invoice_date), ("Due Date", doc.due_date),
             ("Source", doc.origin), ("Reference", doc.reference)]
    facts = [(label, value) for label, value in facts if value]
    if facts:
        pdf.set_font(FONT, "B", 9)
        for label, _value in facts:
            pdf.cell(45, 5, latin1(label))
        pdf.ln(5)
        pdf.set_font(FONT, "", 9)
        for _label, value in facts:
            pdf.cell(45, 5, latin1(value.isoformat() if hasattr(value, "isoformat") else value))
        pdf.ln(9)


def _table_header(pdf: InvoicePdf) -> None:
    pdf.set_font(FONT, "B", 9)
    pdf.set_fill_color(235, 235, 235)
    for title, width, align in COLUMNS:
        pdf.cell(width, 7, title, border="B", align=align, fill=True)
    pdf.ln(7)
    pdf.set_font(FONT, "", 9)


def _lines(pdf: InvoicePdf, doc: InvoiceDocument) -> None:
    _table_header(pdf)
    for line in doc.lines:
        _line(pdf, doc, line)
    pdf.ln(3)


def _line(pdf: InvoicePdf, doc: InvoiceDocument, line: InvoiceLine) -> None:
    total_width = sum(width for _t, width, _a in COLUMNS)
    if line.quantity is None:  # section or note: text across the table
        if pdf.will_page_break(5):
            pdf.add_page()
            _table_header(pdf)
        pdf.set_font(FONT, "B" if line.section else "I", 9)
        pdf.multi_cell(total_width, 5, latin1(line.description), align="L", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 9)
        return
    price = f"{line.unit_price:,.2f}"
    if line.discount:
        price += f" -{line.discount:g}%"
    cells = [latin1(line.description), f"{line.quantity:,.2f}".rstrip("0").rstrip("."), price,
             latin1(line.taxes), doc.money(line.subtotal or 0.0)]
    # the description may wrap: measure its height first, then draw the row at that height
    lines_needed = len(pdf.multi_cell(COLUMNS[0][1], 5, cells[0], align="L", dry_run=True,
                                      output="LINES"))
    height = 5 * max(1, lines_needed)
    if pdf.will_page_break(height):
        pdf.add_page()
        _table_header(pdf)  # the columns' titles again on every page of lines
    x, y = pdf.get_x(), pdf.get_y()
    pdf.multi_cell(COLUMNS[0][1], 5, cells[0], align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
    for (_title, width, align), text in zip(COLUMNS[1:], cells[1:], strict=True):
        pdf.cell(width, 5, text, align=align)
    pdf.set_xy(x, y + height)
    pdf.set_draw_color(220, 220, 220)
    pdf.line(x, y + height, x + total_width, y + height)
    pdf.set_draw_color(0, 0, 0)


def _totals(pdf: InvoicePdf, doc: InvoiceDocument) -> None:
    rows = [("Untaxed Amount", doc.amount_untaxed, "")]
    rows += [(name, amount, "") for name, amount in doc.taxes]
    rows.append(("Total", doc.amount_total, "B"))
    if not doc.draft:
        rows.append(("Amount Due", doc.amount_due, "B"))
    if pdf.will_page_break(6 * len(rows)):
        pdf.add_page()
    for label, amount, style in rows:
        pdf.set_x(105)
        pdf.set_font(FONT, style, 10)
        pdf.cell(50, 6, latin1(label), border="T" if style else "")
        pdf.cell(40, 6, latin1(doc.money(amount)), border="T" if style else "", align="R",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)


def _footer_notes(pdf: InvoicePdf, doc: InvoiceDocument) -> None:
    pdf.set_font(FONT, "", 9)
    if doc.payment_reference and not doc.draft:
        pdf.multi_cell(0, 5, latin1(f"Please use the following reference for your payment: "
                                    f"{doc.payment_reference}"), new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.ln(2)
    if doc.terms:
        pdf.set_font(FONT, "B", 9)
        pdf.cell(0, 5, "Terms and Conditions", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(0, 4.5, latin1(doc.terms), align="L", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
