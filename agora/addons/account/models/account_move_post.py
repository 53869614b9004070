"""Posting, cancelling and reversing entries."""

from collections import defaultdict

from agora import exceptions, fields, models
from agora.addons.account.models.account_move import INVOICE_TYPES

REVERSE_TYPE = {"entry": "entry", "out_invoice": "out_refund", "out_refund": "out_invoice",
                "in_invoice": "in_refund", "in_refund": "in_invoice"}


class AccountMovePost(models.Model):
    _inherit = "account.move"

    def action_post(self):
        """Validate, number (gapless, per journal and year) and freeze the entries."""
        if not self:
            return False
        for move in self:
            move._check_postable()
        today = fields.Date.today()
        for move in self.filtered(lambda m: m.is_invoice() and not m.invoice_date):
            # the invoice date defaults to the posting day, as users expect
            move.write({"invoice_date": today})
        self._assign_numbers()
        posting = self.with_context(account_posting=True, account_skip_sync=True)
        posting.write({"state": "posted", "posted_before": True})
        posting.mapped("line_ids").write({"parent_state": "posted"})
        # nothing to pay: settled as soon as posted
        self.filtered(lambda m: m.is_invoice() and m.currency_id.is_zero(m.amount_total)
                      )._update_payment_state()
        return True

    def _check_postable(self) -> None:
        name = self.display_name
        if self.state != "draft":
            raise exceptions.UserError(f"Entry {name} is {self.state}: only drafts can be "
                                       "posted.")
        accountable = self.line_ids.filtered(
            lambda line: line.display_type not in ("line_section", "line_note"))
        if not accountable:
            raise exceptions.UserError(f"Entry {name} has no line to post.")
        if self.is_invoice():
            if not self.partner_id:
                raise exceptions.UserError(f"Invoice {name} needs a customer or vendor.")
            if not self.line_ids.filtered(lambda line: line.display_type == "product"):
                raise exceptions.UserError(f"Invoice {name} has no product line.")
            if self.currency_id.round(self.amount_total) < 0:
                other = "an invoice" if self.move_type in ("out_refund", "in_refund") \
                    else "a credit note"
                raise exceptions.UserError(
                    f"{name} has a negative total: make {other} instead.")
        if self.journal_id.company_id != self.company_id:
            raise exceptions.UserError(f"Entry {name}: its journal belongs to another company.")
        for line in accountable:
            if line.account_id.deprecated:
                raise exceptions.UserError(
                    f"Entry {name}: account {line.account_id.display_name} is deprecated.")
            if line.account_id.company_id != self.company_id:
                raise exceptions.UserError(
                    f"Entry {name}: account {line.account_id.display_name} belongs to another "
                    "company.")
        self._check_balanced()

    def _check_balanced(self) -> None:
        """Debits equal credits in the company's currency, and per document currency."""
        company_currency = self.company_id.currency_id
        total = company_currency.round(sum(self.line_ids.mapped("balance")))
        if total:
            raise exceptions.UserError(
                f"Entry {self.display_name} is not balanced: debits and credits differ by "
                f"{total:.{company_currency.decimal_places}f} {company_currency.name}.")
        per_currency: dict = defaultdict(float)
        for line in self.line_ids:
            per_currency[line.currency_id] += line.amount_currency
        for currency, amount in per_currency.items():
            if currency and currency.round(amount) and currency != company_currency:
                raise exceptions.UserError(
                    f"Entry {self.display_name} is not balanced in {currency.name}: "
                    f"{amount:.{currency.decimal_places}f} left.")

    def _assign_numbers(self) -> None:
        todo: dict[tuple[int, str], list] = defaultdict(list)
        for move in self.sorted(lambda m: (m.date, m.id)):
            if move.name and move.name != "/":
                continue  # re-posting a cancelled entry keeps its number
            date = move.invoice_date if move.is_invoice() and move.invoice_date else move.date
            todo[(move.journal_id.id, move.journal_id._number_prefix(move.move_type,
                                                                     date.year))].append(move)
        counter = self.env["account.journal.counter"]
        for (journal_id, prefix), moves in todo.items():
            numbers = counter._draw(journal_id, prefix, len(moves))
            for move, number in zip(moves, numbers, strict=True):
                move.with_context(account_posting=True, account_skip_sync=True).write(
                    {"name": f"{prefix}{number:05d}"})

    def button_cancel(self):
        posted = self.filtered(lambda m: m.state == "posted")
        if posted:
            raise exceptions.UserError(
                f"Posted entry {', '.join(posted.mapped('name'))} cannot be cancelled: "
                "reverse it instead.")
        self._set_state("cancel")
        return True

    def button_draft(self):
        if any(move.state != "cancel" for move in self):
            raise exceptions.UserError("Only cancelled entries can be reset to draft; a "
                                       "posted entry is corrected by reversing it.")
        self._set_state("draft")
        return True

    def _set_state(self, state: str) -> None:
        """The entries' state, and its copy on their items."""
        self.with_context(account_posting=True).write({"state": state})
        self.mapped("line_ids").with_context(account_posting=True,
                                             account_skip_sync=True).write(
            {"parent_state": state})

    # -- reversal -------------------------------------------------------------------------
    def _reverse_moves(self, default_values_list=None, cancel: bool = False):
        """Credit notes for invoices, mirrored entries otherwise. With ``cancel`` the
        reversals are posted and matched with the originals (which become "reversed")."""
        default_values_list = default_values_list or [{} for _move in self]
        reversals = self.browse()
        for move, defaults in zip(self, default_values_list, strict=True):
            if move.state != "posted":
                raise exceptions.UserError(f"Only posted entries can be reversed; "
                                           f"{move.display_name} is {move.state}.")
            reversals |= move._reverse_one(defaults)
        if cancel:
            # the reversal cancels the entry: payments matched with it are released
            # first (they stay as open credit), or the two could not be matched
            self.mapped("line_ids").filtered(
                lambda line: line.matched_debit_ids or line.matched_credit_ids
            ).remove_move_reconcile()
            reversals.action_post()
            for move, reversal in zip(self, reversals, strict=True):
                accounts = (move.line_ids | reversal.line_ids).filtered(
                    lambda line: line.account_id.reconcile).mapped("account_id")
                for account in accounts:
                    (move.line_ids | reversal.line_ids).filtered(
                        lambda line, a=account: line.account_id == a
                        and not line.reconciled).reconcile()
        return reversals

    def _reverse_one(self, defaults: dict):
        header = {"move_type": REVERSE_TYPE[self.move_type], "journal_id": self.journal_id.id,
                  "partner_id": self.partner_id.id or False, "currency_id": self.currency_id.id,
                  "company_id": self.company_id.id, "reversed_entry_id": self.id,
                  "ref": f"Reversal of: {self.name}", "date": fields.Date.today(),
                  "invoice_payment_term_id": self.invoice_payment_term_id.id or False,
                  "invoice_origin": self.invoice_origin}
        header.update(defaults)
        if self.move_type in INVOICE_TYPES:
            # the same products and prices: the credit note's type turns the signs round
            header["invoice_line_ids"] = [(0, 0, {
                "display_type": line.display_type, "name": line.name,
                "product_id": line.product_id.id or False,
                "product_uom_id": line.product_uom_id.id or False,
                "account_id": line.account_id.id or False, "quantity": line.quantity,
                "price_unit": line.price_unit, "discount": line.discount,
                "tax_ids": [(6, 0, line.tax_ids.ids)], "sequence": line.sequence,
            }) for line in self.invoice_line_ids]
        else:
            header["line_ids"] = [(0, 0, {
                "name": line.name, "account_id": line.account_id.id,
                "partner_id": line.partner_id.id or False, "balance": -line.balance,
                "amount_currency": -line.amount_currency, "currency_id": line.currency_id.id,
                "display_type": line.display_type,
                "tax_line_id": line.tax_line_id.id or False,
                "date_maturity": line.date_maturity,
            }) for line in self.line_ids]
        return self.create(header)
