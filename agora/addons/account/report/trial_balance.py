"""Trial balance: per account, the balance before the period, the period's debits and
credits, and the ending balance; debits and credits always total the same."""

from __future__ import annotations

from typing import Any

from agora import api, models
from agora.db.sql import SQL

PROFIT_AND_LOSS_GROUPS = ("income", "expense")


class AccountReportTrialBalance(models.AbstractModel):
    _name = "account.report.trial_balance"
    _inherit = "account.report.common"
    _description = "Trial Balance"

    @api.model
    @api.readonly
    def get_lines(self, date_from: Any, date_to: Any, company_id: int | None = None
                  ) -> dict[str, Any]:
        """``{"lines": [...], "totals": {...}}``; a line per account with entries up to
        ``date_to``: ``code``, ``name``, ``initial_balance`` (before ``date_from``),
        ``debit`` and ``credit`` (in the period) and ``ending_balance``.

        Income and expense accounts start each fiscal year at zero: what they made in
        earlier years is shown in the initial balance of the undistributed earnings
        account, as after a year-end closing."""
        start, end = self._report_period(date_from, date_to)
        company = self._report_company(company_id)
        currency = company.currency_id
        year_start = self._fiscal_year_start(start)
        query, alias = self._posted_lines(company, [("date", "<=", end)])
        date_column = SQL.identifier(alias, "date")

        def before(day, column: str) -> SQL:
            return SQL("COALESCE(SUM(CASE WHEN %s < %s THEN %s END), 0)",
                       date_column, day, SQL.identifier(alias, column))

        def within(column: str) -> SQL:
            return SQL("COALESCE(SUM(CASE WHEN %s >= %s THEN %s END), 0)",
                       date_column, start, SQL.identifier(alias, column))

        account_column = SQL.identifier(alias, "account_id")
        rows = self._fetch(query, [account_column, before(start, "balance"),
                                   before(year_start, "balance"), within("debit"),
                                   within("credit")], group_by=[account_column])
        accounts = self._accounts_by_id(company, (row[0] for row in rows))
        lines: dict[int | bool, dict[str, Any]] = {}
        earlier_years_result = 0.0
        for account_id, initial, before_year, debit, credit in rows:
            account = accounts[account_id]
            initial = float(initial)
            if account["internal_group"] in PROFIT_AND_LOSS_GROUPS:
                initial -= float(before_year)
                earlier_years_result += float(before_year)
            lines[account_id] = self._line(account, initial, float(debit), float(credit))
        if not currency.is_zero(earlier_years_result):
            self._carry_earlier_years(accounts, lines, earlier_years_result)
        for line in lines.values():
            for key in ("initial_balance", "debit", "credit"):
                line[key] = self._amount(currency, line[key])
            line["ending_balance"] = self._amount(
                currency, line["initial_balance"] + line["debit"] - line["credit"])
        ordered = sorted(lines.values(), key=lambda line: (line["code"], line["name"]))
        totals = {key: self._amount(currency, sum(line[key] for line in ordered))
                  for key in ("initial_balance", "debit", "credit", "ending_balance")}
        return {"company_id": company.id, "currency": currency.name, "date_from": start,
                "date_to": end, "lines": ordered, "totals": totals}

    @staticmethod
    def _line(account: dict[str, Any], initial: float, debit: float, credit: float
              ) -> dict[str, Any]:
        return {"account_id": account["id"], "code": account["code"], "name": account["name"],
                "account_type": account["account_type"], "initial_balance": initial,
                "debit": debit, "credit": credit}

    def _carry_earlier_years(self, accounts: dict, lines: dict, amount: float) -> None:
        """Add the income and expense of earlier fiscal years to the undistributed
        earnings account (a line without account when the chart has none)."""
        unaffected = self._unaffected_earnings(accounts)
        if unaffected is None:
            lines[False] = {"account_id": False, "code": "", "name": "Undistributed Profits/Losses",
                            "account_type": "equity_unaffected", "initial_balance": amount,
                            "debit": 0.0, "credit": 0.0}
            return
        lines.setdefault(unaffected["id"], self._line(unaffected, 0.0, 0.0, 0.0))[
            "initial_balance"] += amount
