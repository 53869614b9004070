"""Balance sheet: assets, liabilities and equity on a date. Income and expense not yet
closed into equity are shown as unallocated earnings, so that assets always equal
liabilities plus equity."""

from __future__ import annotations

from typing import Any

from agora import api, models
from agora.db.sql import SQL

#: section -> sign that shows its usual balances as positive
SECTION_SIGNS = {"asset": 1.0, "liability": -1.0, "equity": -1.0}


class AccountReportBalanceSheet(models.AbstractModel):
    _name = "account.report.balance_sheet"
    _inherit = "account.report.common"
    _description = "Balance Sheet"

    @api.model
    @api.readonly
    def get_lines(self, date_at: Any, company_id: int | None = None) -> dict[str, Any]:
        """``{"asset", "liability", "equity": {"lines", "total"}, "total_liabilities_and_equity"}``
        on ``date_at``. Equity also lists ``Current Year Unallocated Earnings`` (income -
        expense of the fiscal year so far) and ``Previous Years Unallocated Earnings``
        (those of earlier years), as lines without account. One aggregated query and one
        read of the accounts."""
        day = self._report_date(date_at, "date_at")
        company = self._report_company(company_id)
        currency = company.currency_id
        year_start = self._fiscal_year_start(day)
        query, alias = self._posted_lines(company, [("date", "<=", day)])
        account = SQL.identifier(alias, "account_id")
        balance = SQL.identifier(alias, "balance")
        rows = self._fetch(query, [
            account, SQL("SUM(%s)", balance),
            SQL("COALESCE(SUM(CASE WHEN %s >= %s THEN %s END), 0)",
                SQL.identifier(alias, "date"), year_start, balance),
        ], group_by=[account])
        accounts = self._accounts_by_id(company, (row[0] for row in rows))
        sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTION_SIGNS}
        current_year = previous_years = 0.0
        for account_id, total, this_year in rows:
            info = accounts[account_id]
            group = info["internal_group"]
            if group in ("income", "expense"):
                current_year += float(this_year)
                previous_years += float(total) - float(this_year)
            elif group in sections:
                sections[group].append({
                    "account_id": account_id, "code": info["code"], "name": info["name"],
                    "account_type": info["account_type"],
                    "amount": self._amount(currency, SECTION_SIGNS[group] * float(total))})
        for section in sections.values():
            section.sort(key=lambda line: (line["code"], line["account_id"]))
        for name, amount in (("Current Year Unallocated Earnings", current_year),
                             ("Previous Years Unallocated Earnings", previous_years)):
            if not currency.is_zero(amount) or name.startswith("Current"):
                sections["equity"].append({
                    "account_id": False, "code": "", "name": name,
                    "account_type": "equity_unaffected",
                    "amount": self._amount(currency, -amount)})
        result: dict[str, Any] = {"company_id": company.id, "currency": currency.name,
                                  "date_at": day}
        for name, lines in sections.items():
            result[name] = {"lines": lines, "total": self._amount(
                currency, sum(line["amount"] for line in lines))}
        result["total_liabilities_and_equity"] = self._amount(
            currency, result["liability"]["total"] + result["equity"]["total"])
        return result
