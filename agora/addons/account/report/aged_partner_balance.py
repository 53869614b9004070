"""Aged receivable / payable: what each partner still owes (or is owed) on a date,
bucketed by how many days past its due date it is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from agora import api, exceptions, fields, models
from agora.db.sql import SQL

ACCOUNT_TYPES = ("asset_receivable", "liability_payable")
#: (key, label, first day past due, last day past due)
BUCKETS = (("not_due", "Not due", None, 0), ("period_1", "1-30", 1, 30),
           ("period_2", "31-60", 31, 60), ("period_3", "61-90", 61, 90),
           ("period_4", "91-120", 91, 120), ("older", "Older", 121, None))
BUCKET_KEYS = tuple(key for key, _label, _first, _last in BUCKETS)


class AccountReportAgedPartnerBalance(models.AbstractModel):
    _name = "account.report.aged_partner_balance"
    _inherit = "account.report.common"
    _description = "Aged Partner Balance"

    @api.model
    @api.readonly
    def get_lines(self, account_type: str = "asset_receivable", date_at: Any = None,
                  company_id: int | None = None) -> dict[str, Any]:
        """``{"buckets": [...], "lines": [...], "totals": {...}}``: per partner, the
        amount still open on ``date_at`` (today by default) of the posted items on
        receivable (``asset_receivable``) or payable (``liability_payable``) accounts,
        split by days past due (``not_due``, ``period_1`` 1-30 ... ``period_4`` 91-120,
        ``older``) and ``total``. Payables are shown as positive amounts owed.

        "Open on date_at" counts only the matchings made by then: an invoice paid later
        is still open on an earlier date. One query for the amounts, one for the names."""
        if account_type not in ACCOUNT_TYPES:
            raise exceptions.ValidationError(
                f"{self._name}: account_type must be one of {', '.join(ACCOUNT_TYPES)}, "
                f"got {account_type!r}.")
        day = self._report_date(date_at or fields.Date.today(), "date_at")
        company = self._report_company(company_id)
        currency = company.currency_id
        sign = 1.0 if account_type == "asset_receivable" else -1.0
        query, alias = self._posted_lines(company, [("date", "<=", day),
                                                    ("account_id.account_type", "=", account_type)])
        residual = self._residual_on(alias, day)
        due = SQL("COALESCE(%s, %s)", SQL.identifier(alias, "date_maturity"),
                  SQL.identifier(alias, "date"))
        columns = [SQL.identifier(alias, "partner_id")]
        for _key, _label, first, last in BUCKETS:
            # past due by ``first`` to ``last`` days: due between day - last and day - first
            conditions = []
            if last is not None:
                conditions.append(SQL("%s >= %s", due, day - timedelta(days=last)))
            if first is not None:
                conditions.append(SQL("%s <= %s", due, day - timedelta(days=first)))
            columns.append(SQL("COALESCE(SUM(CASE WHEN %s THEN %s END), 0)",
                               SQL.join(" AND ", conditions), residual))
        partner = SQL.identifier(alias, "partner_id")
        rows = self._fetch(query, columns, group_by=[partner])
        names = self._partner_names(row[0] for row in rows if row[0])
        lines = []
        for partner_id, *amounts in rows:
            values = {key: self._amount(currency, sign * float(amount))
                      for key, amount in zip(BUCKET_KEYS, amounts, strict=True)}
            values["total"] = self._amount(currency, sum(values.values()))
            if all(currency.is_zero(amount) for amount in values.values()):
                continue
            lines.append({"partner_id": partner_id or False,
                          "partner_name": names.get(partner_id, "Unknown Partner"), **values})
        lines.sort(key=lambda line: (line["partner_name"].lower(), line["partner_id"] or 0))
        totals = {key: self._amount(currency, sum(line[key] for line in lines))
                  for key in (*BUCKET_KEYS, "total")}
        return {"company_id": company.id, "currency": currency.name, "date_at": day,
                "account_type": account_type,
                "buckets": [{"key": key, "label": label} for key, label, _f, _l in BUCKETS],
                "lines": lines, "totals": totals}

    def _residual_on(self, alias: str, day) -> SQL:
        """The item's amount minus what was matched with it on or before ``day``."""
        partials = SQL.identifier(self.env["account.partial.reconcile"]._table)
        line_id = SQL.identifier(alias, "id")
        return SQL(
            "(%s - COALESCE((SELECT SUM(p.amount) FROM %s p WHERE p.debit_move_id = %s "
            "AND p.max_date <= %s), 0) + COALESCE((SELECT SUM(p.amount) FROM %s p "
            "WHERE p.credit_move_id = %s AND p.max_date <= %s), 0))",
            SQL.identifier(alias, "balance"), partials, line_id, day, partials, line_id, day)

    def _partner_names(self, partner_ids) -> dict[int, str]:
        partners = self.env["res.partner"].browse(list(partner_ids))
        return {partner.id: partner.display_name for partner in partners}
