"""General ledger: every posted journal item of the period, account by account, with the
balance brought forward and a running balance."""

from __future__ import annotations

from typing import Any

from agora import api, exceptions, models
from agora.addons.account.report.trial_balance import PROFIT_AND_LOSS_GROUPS
from agora.db.sql import SQL


class AccountReportGeneralLedger(models.AbstractModel):
    _name = "account.report.general_ledger"
    _inherit = "account.report.common"
    _description = "General Ledger"

    @api.model
    @api.readonly
    def get_lines(self, date_from: Any, date_to: Any, account_ids: list[int] | None = None,
                  company_id: int | None = None) -> dict[str, Any]:
        """``{"accounts": [...], "totals": {...}}``: per account (``account_ids``, or every
        account with entries) its ``initial_balance``, its ``lines`` (``date``,
        ``move_name``, ``partner_name``, ``name``, ``debit``, ``credit`` and the running
        ``balance``), period ``debit``/``credit`` and ``ending_balance``. Two queries
        (balances brought forward, then the period's items), whatever the volume."""
        start, end = self._report_period(date_from, date_to)
        company = self._report_company(company_id)
        currency = company.currency_id
        domain = self._account_domain(account_ids)
        year_start = self._fiscal_year_start(start)
        accounts: dict[int, dict[str, Any]] = {}
        earlier_years_result = 0.0
        for account_id, brought_forward, earlier_years in self._brought_forward(
                company, domain, start, year_start):
            accounts[account_id] = {"initial_balance": brought_forward, "lines": []}
            earlier_years_result += earlier_years
        for row in self._period_items(company, domain, start, end):
            account_id = row.pop("account_id")
            accounts.setdefault(account_id, {"initial_balance": 0.0, "lines": []})[
                "lines"].append(row)
        info = self._accounts_by_id(company, accounts)
        unaffected = self._unaffected_earnings(info)
        if not currency.is_zero(earlier_years_result) and unaffected is not None and (
                not domain or unaffected["id"] in domain[0][2]):
            # as after a year-end closing: earlier years' income and expense are part of
            # the undistributed earnings (when that account is among those reported)
            accounts.setdefault(unaffected["id"], {"initial_balance": 0.0, "lines": []})[
                "initial_balance"] += earlier_years_result
        result = []
        for account_id, entry in accounts.items():
            account = info[account_id]
            if not entry["lines"] and currency.is_zero(entry["initial_balance"]):
                continue
            running = self._amount(currency, entry["initial_balance"])
            debit = credit = 0.0
            for line in entry["lines"]:
                line["debit"] = self._amount(currency, line["debit"])
                line["credit"] = self._amount(currency, line["credit"])
                debit += line["debit"]
                credit += line["credit"]
                running = self._amount(currency, running + line["debit"] - line["credit"])
                line["balance"] = running
            result.append({"account_id": account_id, "code": account["code"],
                           "name": account["name"], "account_type": account["account_type"],
                           "initial_balance": self._amount(currency, entry["initial_balance"]),
                           "debit": self._amount(currency, debit),
                           "credit": self._amount(currency, credit),
                           "ending_balance": running, "lines": entry["lines"]})
        result.sort(key=lambda entry: (entry["code"], entry["account_id"]))
        totals = {key: self._amount(currency, sum(entry[key] for entry in result))
                  for key in ("initial_balance", "debit", "credit", "ending_balance")}
        return {"company_id": company.id, "currency": currency.name, "date_from": start,
                "date_to": end, "accounts": result, "totals": totals}

    def _account_domain(self, account_ids: Any) -> list:
        if account_ids in (None, False):
            return []
        if not isinstance(account_ids, list | tuple) or not all(
                isinstance(i, int) and not isinstance(i, bool) for i in account_ids):
            raise exceptions.ValidationError(
                f"{self._name}: account_ids must be a list of account ids, got {account_ids!r}.")
        return [("account_id", "in", list(account_ids))]

    def _brought_forward(self, company, domain: list, start, year_start
                         ) -> list[tuple[int, float, float]]:
        """``(account, balance before start, earlier years' result)``: income and expense
        accounts only bring forward the current fiscal year; what they made before is
        the third value."""
        query, alias = self._posted_lines(company, [*domain, ("date", "<", start)])
        group = SQL.identifier(query.left_join(
            f"{alias}__gl_account", self.env["account.account"]._table,
            SQL("%s = %s", SQL.identifier(alias, "account_id"),
                SQL.identifier(f"{alias}__gl_account", "id"))), "internal_group")
        account = SQL.identifier(alias, "account_id")
        balance = SQL.identifier(alias, "balance")
        earlier = SQL("%s = ANY(%s) AND %s < %s", group, list(PROFIT_AND_LOSS_GROUPS),
                      SQL.identifier(alias, "date"), year_start)
        rows = self._fetch(query, [
            account,
            SQL("SUM(CASE WHEN %s THEN 0 ELSE %s END)", earlier, balance),
            SQL("SUM(CASE WHEN %s THEN %s ELSE 0 END)", earlier, balance),
        ], group_by=[account])
        return [(account_id, float(kept), float(earlier_years))
                for account_id, kept, earlier_years in rows]

    def _period_items(self, company, domain: list, start, end) -> list[dict[str, Any]]:
        query, alias = self._posted_lines(company, [*domain, ("date", ">=", start),
                                                    ("date", "<=", end)])
        move = query.left_join(f"{alias}__gl_move", self.env["account.move"]._table, SQL(
            "%s = %s", SQL.identifier(alias, "move_id"),
            SQL.identifier(f"{alias}__gl_move", "id")))
        partner = query.left_join(f"{alias}__gl_partner", self.env["res.partner"]._table, SQL(
            "%s = %s", SQL.identifier(alias, "partner_id"),
            SQL.identifier(f"{alias}__gl_partner", "id")))
        columns = [("id", alias, "id"), ("account_id", alias, "account_id"),
                   ("date", alias, "date"), ("move_id", alias, "move_id"),
                   ("move_name", move, "name"), ("partner_id", alias, "partner_id"),
                   ("partner_name", partner, "name"), ("name", alias, "name"),
                   ("debit", alias, "debit"), ("credit", alias, "credit")]
        rows = self._fetch(query, [SQL.identifier(table, column) for _k, table, column in columns],
                           order=[SQL.identifier(alias, "account_id"), SQL.identifier(alias, "date"),
                                  SQL.identifier(move, "name"), SQL.identifier(alias, "id")])
        keys = [key for key, _table, _column in columns]
        items = []
        for row in rows:
            item = dict(zip(keys, row, strict=True))
            item["debit"], item["credit"] = float(item["debit"]), float(item["credit"])
            item["partner_name"] = item["partner_name"] or ""
            item["name"] = item["name"] or ""
            item["partner_id"] = item["partner_id"] or False
            items.append(item)
        return items
