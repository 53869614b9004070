"""The generic chart of accounts every company gets: accounts, taxes, journals and the
company's defaults. Country charts can come later as their own addons."""

from __future__ import annotations

from typing import Any

ACCOUNTS = [
    # code, name, type, reconcile
    ("1100", "Accounts Receivable", "asset_receivable", True),
    ("1200", "Bank", "asset_cash", False),
    ("1210", "Cash", "asset_cash", False),
    ("1300", "Stock Valuation", "asset_current", False),
    ("1400", "Tax Paid", "asset_current", False),
    ("1500", "Fixed Assets", "asset_fixed", False),
    ("2100", "Accounts Payable", "liability_payable", True),
    ("2200", "Tax Received", "liability_current", False),
    ("3000", "Capital", "equity", False),
    ("3900", "Undistributed Profits/Losses", "equity_unaffected", False),
    ("4000", "Product Sales", "income", False),
    ("4900", "Other Income", "income_other", False),
    ("5000", "Cost of Goods Sold", "expense_direct_cost", False),
    ("6000", "Expenses", "expense", False),
    ("6800", "Depreciation", "expense_depreciation", False),
]


def install_generic_chart(env: Any, company: Any) -> None:
    """Create the chart for ``company`` unless it has one (idempotent)."""
    company = company.sudo()
    if company.chart_template:
        return
    env = company.env
    accounts = env["account.account"].create([
        {"code": code, "name": name, "account_type": kind, "reconcile": reconcile,
         "company_id": company.id} for code, name, kind, reconcile in ACCOUNTS])
    by_code = {account.code: account.id for account in accounts}
    taxes = env["account.tax"].create([
        {"name": "15%", "type_tax_use": "sale", "amount": 15.0, "sequence": 1,
         "account_id": by_code["2200"], "company_id": company.id},
        {"name": "15%", "type_tax_use": "purchase", "amount": 15.0, "sequence": 1,
         "account_id": by_code["1400"], "company_id": company.id},
        {"name": "15% (included)", "type_tax_use": "sale", "amount": 15.0, "sequence": 2,
         "price_include": True, "account_id": by_code["2200"], "company_id": company.id},
        {"name": "0% (exempt)", "type_tax_use": "sale", "amount": 0.0, "sequence": 3,
         "account_id": by_code["2200"], "company_id": company.id},
        {"name": "Eco fee 1.00", "type_tax_use": "sale", "amount_type": "fixed", "amount": 1.0,
         "sequence": 4, "account_id": by_code["2200"], "company_id": company.id},
    ])
    env["account.journal"].create([
        {"name": "Customer Invoices", "code": "INV", "type": "sale", "sequence": 5,
         "default_account_id": by_code["4000"], "refund_sequence": True,
         "company_id": company.id},
        {"name": "Vendor Bills", "code": "BILL", "type": "purchase", "sequence": 6,
         "default_account_id": by_code["6000"], "refund_sequence": True,
         "company_id": company.id},
        {"name": "Miscellaneous Operations", "code": "MISC", "type": "general", "sequence": 7,
         "company_id": company.id},
        {"name": "Bank", "code": "BNK1", "type": "bank", "sequence": 10,
         "default_account_id": by_code["1200"], "company_id": company.id},
        {"name": "Cash", "code": "CSH1", "type": "cash", "sequence": 11,
         "default_account_id": by_code["1210"], "company_id": company.id},
    ])
    company.write({
        "chart_template": "generic",
        "account_sale_tax_id": taxes[0].id, "account_purchase_tax_id": taxes[1].id,
        "account_default_receivable_id": by_code["1100"],
        "account_default_payable_id": by_code["2100"],
        "account_default_income_id": by_code["4000"],
        "account_default_expense_id": by_code["6000"],
    })
