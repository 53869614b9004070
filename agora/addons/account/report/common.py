"""What every accounting report shares: the company it is about, its dates, and the
posted journal items it reads (one aggregated query, access rules applied)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from agora import exceptions, models
from agora.db.sql import SQL

#: lines that carry no amount (invoice layout only)
LAYOUT_TYPES = ("line_section", "line_note")


class AccountReportCommon(models.AbstractModel):
    _name = "account.report.common"
    _description = "Accounting report helpers"

    def _report_company(self, company_id: int | None = None):
        """The company reported on: the current one by default; another only when the
        user may work in it (the same check as switching companies)."""
        if company_id in (None, False):
            return self.env.company
        if isinstance(company_id, bool) or not isinstance(company_id, int):
            raise exceptions.ValidationError(
                f"{self._name}: company_id must be a company id, got {company_id!r}.")
        company = self.with_context(allowed_company_ids=[company_id]).env.companies
        if not company.sudo().exists():
            raise exceptions.MissingError(f"{self._name}: company {company_id} does not exist.")
        return company

    def _report_date(self, value: Any, name: str) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            parsed = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise exceptions.ValidationError(
                f"{self._name}: {name} must be a date (YYYY-MM-DD), got {value!r}.")
        return parsed

    def _report_period(self, date_from: Any, date_to: Any) -> tuple[date, date]:
        start = self._report_date(date_from, "date_from")
        end = self._report_date(date_to, "date_to")
        if start > end:
            raise exceptions.ValidationError(
                f"{self._name}: date_from {start} is after date_to {end}.")
        return start, end

    @staticmethod
    def _fiscal_year_start(day: date) -> date:
        """Income and expense start again from zero each fiscal year (calendar years:
        companies have no fiscal year setting yet)."""
        return day.replace(month=1, day=1)

    def _posted_lines(self, company, domain: list) -> tuple[Any, str]:
        """``(query, alias)`` over the posted, accountable journal items of ``company``
        matching ``domain``, as the current user may read them."""
        lines = self.env["account.move.line"].with_context(allowed_company_ids=company.ids)
        lines.browse().check_access("read")
        query = lines._search([("parent_state", "=", "posted"), ("company_id", "=", company.id),
                               ("display_type", "not in", LAYOUT_TYPES), *domain], order=False)
        return query, query.alias

    def _fetch(self, query: Any, columns: list[SQL], group_by: list[SQL] | None = None,
               order: list[SQL] | None = None) -> list[tuple]:
        if query.is_empty:
            return []
        if group_by:
            query.group_by = SQL.join(", ", group_by)
        query.order = SQL.join(", ", order) if order else None
        self.env.cr.execute(query.select(*columns))
        return self.env.cr.fetchall()

    def _accounts_by_id(self, company, account_ids) -> dict[int, dict[str, Any]]:
        """Code, name, type and group of the accounts, and of the company's undistributed
        earnings account (one query, whatever their number)."""
        rows = self.env["account.account"].search_read(
            ["|", ("id", "in", list(account_ids)),
             "&", ("account_type", "=", "equity_unaffected"), ("company_id", "=", company.id)],
            ["code", "name", "account_type", "internal_group"])
        return {row["id"]: row for row in rows}

    @staticmethod
    def _unaffected_earnings(accounts: dict[int, dict[str, Any]]) -> dict[str, Any] | None:
        """Where earlier years' income and expense end up once a year is closed."""
        found = [row for row in accounts.values() if row["account_type"] == "equity_unaffected"]
        return min(found, key=lambda row: (row["code"], row["id"])) if found else None

    @staticmethod
    def _amount(currency, value: Any) -> float:
        return currency.round(float(value or 0.0)) + 0.0  # + 0.0: never -0.0
