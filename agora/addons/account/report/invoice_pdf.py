"""Invoices as PDF: ``moves._render_invoice_pdf()`` and the invoice's Print button.

The data of every document comes from a fixed number of batched reads (prefetching),
whatever the number of invoices or lines."""

from __future__ import annotations

import re
from typing import Any

import lxml.html

from agora import exceptions, models
from agora.addons.account.models.account_move import INVOICE_TYPES
from agora.addons.account.report.invoice_document import InvoiceDocument, InvoiceLine
from agora.addons.account.report.invoice_pdf_layout import render_invoices

#: the Odoo report name, kept in the URL so Odoo habits and links carry over
REPORT_URL = "/report/pdf/account.report_invoice"
TITLES = {"out_invoice": "Invoice", "out_refund": "Credit Note", "in_invoice": "Vendor Bill",
          "in_refund": "Vendor Credit Note"}


class AccountMoveInvoicePdf(models.Model):
    _inherit = "account.move"

    def _render_invoice_pdf(self) -> bytes:
        """The PDF of these invoices, one after the other (drafts marked "Draft")."""
        if not self:
            raise exceptions.UserError("account.move: no invoice to print.")
        self.check_access("read")
        others = [move.display_name for move in self if move.move_type not in INVOICE_TYPES]
        if others:
            raise exceptions.UserError(
                f"Only invoices, bills and credit notes can be printed as invoices, not "
                f"{', '.join(others)}.")
        return render_invoices([move._invoice_document() for move in self])

    def action_invoice_print(self) -> dict[str, Any]:
        """Open the PDF in a new browser tab (the web client follows URL actions)."""
        if not self:
            raise exceptions.UserError("account.move: select the invoices to print.")
        ids = ",".join(str(move_id) for move_id in self.ids)
        return {"type": "ir.actions.act_url", "url": f"{REPORT_URL}/{ids}", "target": "new"}

    def _invoice_report_filename(self) -> str:
        """``INV_2026_00001.pdf`` for one invoice (characters other than letters, digits,
        ``-`` and ``.`` become ``_``), ``Invoices.pdf`` for several."""
        if len(self) != 1:
            return "Invoices.pdf"
        name = self.name if self.name and self.name != "/" else \
            f"Draft_{TITLES.get(self.move_type, 'Invoice')}_{self.id}"
        return re.sub(r"[^A-Za-z0-9.-]+", "_", name).strip("_") + ".pdf"

    # -- the document's values --------------------------------------------------------------
    def _invoice_document(self) -> InvoiceDocument:
        self.ensure_one()
        currency = self.currency_id
        company = self.company_id
        partner = self.partner_id
        sign = self._direction_sign()
        lines, taxes = [], {}
        for line in self.line_ids.sorted(lambda item: (item.sequence, item.id)):
            if line.display_type in ("line_section", "line_note"):
                lines.append(InvoiceLine(description=line.name or "",
                                         section=line.display_type == "line_section"))
            elif line.display_type == "product":
                lines.append(InvoiceLine(
                    description=line.name or line.product_id.display_name or "",
                    quantity=line.quantity, unit_price=line.price_unit,
                    discount=line.discount, subtotal=line.price_subtotal,
                    taxes=", ".join(tax.name for tax in line.tax_ids)))
            elif line.display_type == "tax":
                name = line.tax_line_id.name or line.name or "Tax"
                taxes[name] = taxes.get(name, 0.0) + sign * line.amount_currency
        return InvoiceDocument(
            title=TITLES[self.move_type], number=self.name if self.name != "/" else "",
            draft=self.state == "draft", currency=currency.name,
            decimal_places=currency.decimal_places,
            company_name=company.name, company_address=_address(company.partner_id),
            partner_name=partner.display_name or "", partner_address=_address(partner),
            invoice_date=self.invoice_date, due_date=self.invoice_date_due,
            origin=self.invoice_origin or "", reference=self.ref or "",
            payment_reference=self.payment_reference or self.name
            if self.name != "/" else "",
            lines=lines, amount_untaxed=self.amount_untaxed,
            taxes=[(name, currency.round(amount)) for name, amount in taxes.items()],
            amount_total=self.amount_total, amount_due=self.amount_residual,
            terms=_plain_text(self.narration))


def _address(partner) -> list[str]:
    if not partner:
        return []
    city = " ".join(part for part in (partner.zip, partner.city) if part)
    return [part for part in (partner.street, partner.street2, city,
                              partner.state_id.name if partner.state_id else "",
                              partner.country_id.name if partner.country_id else "") if part]


def _plain_text(html: str | None) -> str:
    """Terms are stored as (sanitised) HTML; the PDF prints their text, a paragraph per
    line."""
    if not html or not html.strip():
        return ""
    root = lxml.html.fromstring(f"<div>{html}</div>")
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    for element in root.iter("p", "div", "li"):
        element.tail = "\n" + (element.tail or "")
    text = root.text_content()
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
