"""What an invoice PDF shows, as plain values: the layout never touches the ORM."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class InvoiceLine:
    description: str
    quantity: float | None = None  # None: a section or note line (text only)
    unit_price: float | None = None
    discount: float = 0.0
    taxes: str = ""
    subtotal: float | None = None
    section: bool = False


@dataclass
class InvoiceDocument:
    title: str  # "Invoice", "Credit Note", "Vendor Bill"...
    number: str
    draft: bool
    currency: str
    decimal_places: int
    company_name: str
    company_address: list[str]
    partner_name: str
    partner_address: list[str]
    invoice_date: date | None
    due_date: date | None
    origin: str = ""
    reference: str = ""
    payment_reference: str = ""
    lines: list[InvoiceLine] = field(default_factory=list)
    amount_untaxed: float = 0.0
    taxes: list[tuple[str, float]] = field(default_factory=list)
    amount_total: float = 0.0
    amount_due: float = 0.0
    terms: str = ""

    def money(self, amount: float) -> str:
        return f"{amount:,.{self.decimal_places}f} {self.currency}"
