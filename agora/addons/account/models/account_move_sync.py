"""Invoices derive their tax and receivable/payable lines from their product lines.

After any change of a draft invoice's product lines, ``_sync_dynamic_lines`` recomputes:
- each product line's subtotal, total and accounting amounts (balance, debit, credit,
  amount in the document's currency);
- one tax line per (tax, account), summed over the document and rounded per the
  company's rounding method;
- one receivable (customer) or payable (vendor) line per installment of the payment
  terms, carrying the opposite of everything else, so the entry always balances, in the
  document's currency and in the company's.

Existing derived lines are updated in place, new ones created in one batch, stale ones
deleted: editing a quantity on an invoice of 200 lines rewrites a handful of rows.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from agora import exceptions, fields, models
from agora.addons.account.models.account_move import REFUND_TYPES


def amount_fields(balance: float, amount_currency: float) -> dict[str, float]:
    """Balance, debit and credit of a line (debit and credit are its two halves)."""
    return {"balance": balance, "debit": balance if balance > 0 else 0.0,
            "credit": -balance if balance < 0 else 0.0, "amount_currency": amount_currency,
            "amount_residual": balance, "amount_residual_currency": amount_currency}


class AccountMoveSync(models.Model):
    _inherit = "account.move"

    def _sync_dynamic_lines(self) -> None:
        if not self:
            return
        line_model = self.env["account.move.line"].with_context(account_skip_sync=True)
        to_create: list[dict[str, Any]] = []
        to_delete = line_model.browse()
        for move in self:
            if move.state != "draft":
                continue
            created, stale = move._sync_one(line_model)
            to_create.extend(created)
            to_delete |= stale
        if to_delete:
            to_delete.unlink()
        if to_create:
            line_model.create(to_create)

    def _to_company(self, amount: float, round_: bool = True) -> float:
        company_currency = self.company_id.currency_id
        if self.currency_id == company_currency:
            return company_currency.round(amount) if round_ else amount
        return self.currency_id._convert(amount, company_currency, self.company_id,
                                         self.invoice_date or self.date, round=round_)

    def _sync_one(self, line_model) -> tuple[list[dict[str, Any]], Any]:
        currency = self.currency_id
        sign = self._direction_sign()
        lines = self.line_ids
        product_lines = lines.filtered(lambda line: line.display_type == "product")
        tax_totals: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
        untaxed = 0.0
        untaxed_balance = 0.0
        balance_sum = 0.0
        currency_sum = 0.0
        for line in product_lines:
            values, result = self._product_line_amounts(line.tax_ids, line.price_unit,
                                                        line.quantity, line.discount)
            subtotal = values["price_subtotal"]
            amount_currency = values["amount_currency"]
            balance = values["balance"]
            if line.currency_id != currency:
                values["currency_id"] = currency.id
            _write_changed(line, values)
            untaxed += subtotal
            untaxed_balance += balance
            balance_sum += balance
            currency_sum += amount_currency
            for tax_amount in result.taxes:
                account_id = tax_amount.tax.account_id or line.account_id.id
                totals = tax_totals[(tax_amount.tax.id, account_id)]
                totals[0] += tax_amount.amount
                totals[1] += tax_amount.base
        to_create: list[dict[str, Any]] = []
        stale = line_model.browse()
        # tax lines: one per (tax, account)
        existing_tax = {(line.tax_line_id.id, line.account_id.id): line
                        for line in lines if line.display_type == "tax"}
        tax_total = 0.0
        names = {}
        if tax_totals:
            taxes = self.env["account.tax"].browse(list({key[0] for key in tax_totals}))
            names = {tax.id: tax.description or tax.name for tax in taxes}
        for key, (amount, base) in tax_totals.items():
            amount = currency.round(amount)
            line = existing_tax.pop(key, None)
            if not amount:
                if line:
                    stale |= line
                continue
            tax_total += amount
            amount_currency = sign * amount
            balance = self._to_company(amount_currency)
            balance_sum += balance
            currency_sum += amount_currency
            values = {"name": names[key[0]], "tax_base_amount": currency.round(base),
                      "price_subtotal": amount, "price_total": amount,
                      **amount_fields(balance, amount_currency)}
            if line:
                _write_changed(line, values)
            else:
                to_create.append(_derived_line(
                    move_id=self.id, display_type="tax", tax_line_id=key[0],
                    account_id=key[1], partner_id=self.commercial_partner_id.id or False,
                    currency_id=currency.id, **values))
        for line in existing_tax.values():
            stale |= line
        # receivable / payable lines: the opposite of everything else, per installment
        total = currency.round(untaxed + tax_total)
        term_lines = lines.filtered(lambda line: line.display_type == "payment_term")
        term_lines = term_lines.sorted(lambda line: (line.date_maturity or fields.Date.today(),
                                                     line.id))
        invoice_date = self.invoice_date or self.date
        if not product_lines:
            installments = []  # an empty document owes nothing: no receivable line
        elif self.invoice_payment_term_id:
            installments = self.invoice_payment_term_id._installments(
                invoice_date, -currency_sum, currency)
        else:
            installments = [(invoice_date, -currency_sum)]
        account = self._term_account()
        left_balance = -balance_sum
        for index, (due, amount_currency) in enumerate(installments):
            last = index == len(installments) - 1
            balance = left_balance if last else self._to_company(amount_currency)
            left_balance -= balance
            values = {"date_maturity": due, "account_id": account.id,
                      "partner_id": self.commercial_partner_id.id or False,
                      "name": self.payment_reference or "",
                      **amount_fields(currency.round(balance) if last else balance,
                                      currency.round(amount_currency))}
            if index < len(term_lines):
                _write_changed(term_lines[index], values)
            else:
                to_create.append(_derived_line(
                    move_id=self.id, display_type="payment_term", currency_id=currency.id,
                    **values))
        stale |= term_lines[len(installments):]
        due_date = installments[-1][0] if installments else invoice_date
        # signed amounts follow the receivable/payable side in the company's currency:
        # positive for customer invoices and vendor credit notes
        company_currency = self.company_id.currency_id
        header = {"amount_untaxed": currency.round(untaxed),
                  "amount_tax": currency.round(tax_total),
                  "amount_total": total, "amount_residual": total,
                  "amount_untaxed_signed": company_currency.round(-untaxed_balance),
                  "amount_total_signed": company_currency.round(-balance_sum),
                  "amount_residual_signed": company_currency.round(-balance_sum),
                  "invoice_date_due": due_date}
        _write_changed(self.with_context(account_posting=True), header)
        return to_create, stale

    def _product_line_amounts(self, taxes, price_unit: float, quantity: float,
                              discount: float) -> tuple[dict[str, Any], Any]:
        """A product line's subtotal, total and accounting amounts on this document, and
        the tax arithmetic they came from."""
        currency = self.currency_id
        price = (price_unit or 0.0) * (1.0 - (discount or 0.0) / 100.0)
        result = taxes._compute(price, quantity, currency, company=self.company_id,
                                is_refund=self.move_type in REFUND_TYPES)
        subtotal = currency.round(result.total_excluded)
        amount_currency = self._direction_sign() * subtotal
        balance = self._to_company(amount_currency)
        return ({"price_subtotal": subtotal, "price_total": currency.round(result.total_included),
                 **amount_fields(balance, amount_currency)}, result)

    def _term_account(self):
        partner = self.commercial_partner_id
        company = self.company_id
        if self.is_sale_document():
            account = partner.property_account_receivable_id or \
                company.account_default_receivable_id
        else:
            account = partner.property_account_payable_id or company.account_default_payable_id
        if not account:
            raise exceptions.UserError(
                f"Company {company.name} has no default receivable/payable account: install a "
                "chart of accounts.")
        return account


def _derived_line(**values: Any) -> dict[str, Any]:
    """Tax and receivable lines with the same columns: all of a document's new derived
    lines go in one INSERT."""
    return {"tax_line_id": False, "tax_base_amount": 0.0, "price_subtotal": 0.0,
            "price_total": 0.0, "date_maturity": False, "name": "", "quantity": 1.0, **values}


def _write_changed(record, values: dict[str, Any]) -> None:
    """Write only what differs: unchanged lines cost nothing at flush."""
    changed = {}
    for name, value in values.items():
        current = record[name]
        if hasattr(current, "_ids"):
            current = current.id or False
        if current != value:
            changed[name] = value
    if changed:
        record.write(changed)
