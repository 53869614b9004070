"""Accounting reports (trial balance, general ledger, aged balances, profit and loss,
balance sheet) and the invoice PDF."""

from agora.addons.account.report import (  # noqa: F401
    aged_partner_balance,
    balance_sheet,
    common,
    general_ledger,
    invoice_pdf,
    profit_and_loss,
    trial_balance,
)
