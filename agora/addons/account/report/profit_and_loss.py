"""Profit and loss: income and expenses of a period, by account, with the net profit."""

from __future__ import annotations

from typing import Any

from agora import api, models
from agora.db.sql import SQL

#: section -> (account types in it, sign that shows its usual amounts as positive)
SECTIONS = {
    "income": (("income", "income_other"), -1.0),
    "expense": (("expense_direct_cost", "expense", "expense_depreciation"), 1.0),
}


class AccountReportProfitAndLoss(models.AbstractModel):
    _name = "account.report.profit_and_loss"
    _inherit = "account.report.common"
    _description = "Profit and Loss"

    @api.model
    @api.readonly
    def get_lines(self, date_from: Any, date_to: Any, company_id: int | None = None
                  ) -> dict[str, Any]:
        """``{"income": section, "expense": section, "net_profit": float}``; a section has
        ``lines`` (per account: ``code``, ``name``, ``account_type``, ``amount``),
        ``subtotals`` per account type and ``total``. Income and expenses are positive
        in their usual direction; ``net_profit`` = income - expense."""
        start, end = self._report_period(date_from, date_to)
        company = self._report_company(company_id)
        currency = company.currency_id
        query, alias = self._posted_lines(company, [
            ("date", ">=", start), ("date", "<=", end),
            ("account_id.internal_group", "in", ("income", "expense"))])
        account = SQL.identifier(alias, "account_id")
        rows = self._fetch(query, [account, SQL("SUM(%s)", SQL.identifier(alias, "balance"))],
                           group_by=[account])
        accounts = self._accounts_by_id(company, (row[0] for row in rows))
        result: dict[str, Any] = {"company_id": company.id, "currency": currency.name,
                                  "date_from": start, "date_to": end}
        for section, (types, sign) in SECTIONS.items():
            lines = [{"account_id": account_id, "code": accounts[account_id]["code"],
                      "name": accounts[account_id]["name"],
                      "account_type": accounts[account_id]["account_type"],
                      "amount": self._amount(currency, sign * float(balance))}
                     for account_id, balance in rows
                     if accounts[account_id]["account_type"] in types]
            lines.sort(key=lambda line: (line["code"], line["account_id"]))
            subtotals = {kind: self._amount(currency, sum(
                line["amount"] for line in lines if line["account_type"] == kind))
                for kind in types}
            result[section] = {"lines": lines, "subtotals": subtotals,
                               "total": self._amount(currency, sum(subtotals.values()))}
        result["net_profit"] = self._amount(
            currency, result["income"]["total"] - result["expense"]["total"])
        return result
