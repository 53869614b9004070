"""Matching debits with credits: invoices with payments, entries with their reversals.

A partial reconciliation records that ``amount`` of a debit line pays a credit line; the
lines' residual amounts shrink accordingly. When every line of a group reaches zero they
share a full reconciliation and the invoices among their entries are "paid".
"""

from agora import api, exceptions, fields, models


class AccountPartialReconcile(models.Model):
    _name = "account.partial.reconcile"
    _description = "Partial Reconcile"

    debit_move_id = fields.Many2one("account.move.line", required=True, index=True,
                                    ondelete="cascade")
    credit_move_id = fields.Many2one("account.move.line", required=True, index=True,
                                     ondelete="cascade")
    amount = fields.Monetary(currency_field="company_currency_id",
                             help="In the company's currency, always positive.")
    debit_amount_currency = fields.Monetary(currency_field="debit_currency_id")
    credit_amount_currency = fields.Monetary(currency_field="credit_currency_id")
    debit_currency_id = fields.Many2one("res.currency", related="debit_move_id.currency_id")
    credit_currency_id = fields.Many2one("res.currency", related="credit_move_id.currency_id")
    company_id = fields.Many2one("res.company", index=True)
    company_currency_id = fields.Many2one("res.currency", related="company_id.currency_id")
    full_reconcile_id = fields.Many2one("account.full.reconcile", index=True,
                                        ondelete="set null")
    max_date = fields.Date(help="The later of the two lines' dates.")


class AccountFullReconcile(models.Model):
    _name = "account.full.reconcile"
    _description = "Full Reconcile"

    name = fields.Char(default="/")
    partial_reconcile_ids = fields.One2many("account.partial.reconcile", "full_reconcile_id")
    reconciled_line_ids = fields.One2many("account.move.line", "full_reconcile_id")


class AccountMoveLineReconcile(models.Model):
    _inherit = "account.move.line"

    def reconcile(self):
        """Match the debits and credits of ``self`` (posted lines of one reconcilable
        account and partner), oldest first; returns the partial reconciliations."""
        lines = self.filtered(lambda line: not line.reconciled)
        if not lines:
            return self.env["account.partial.reconcile"]
        lines._check_reconcilable()
        company_currency = lines[0].company_id.currency_id
        debits = lines.filtered(lambda line: line.amount_residual > 0).sorted(_age)
        credits = lines.filtered(lambda line: line.amount_residual < 0).sorted(_age)
        residual = {line.id: line.amount_residual for line in lines}
        residual_currency = {line.id: line.amount_residual_currency for line in lines}
        partial_vals = []
        di = ci = 0
        while di < len(debits) and ci < len(credits):
            debit, credit = debits[di], credits[ci]
            amount = min(residual[debit.id], -residual[credit.id])
            same_currency = debit.currency_id == credit.currency_id
            if same_currency:
                amount_currency = min(residual_currency[debit.id], -residual_currency[credit.id])
                debit_cur = credit_cur = amount_currency
            else:
                debit_cur = _share(residual_currency[debit.id], amount, residual[debit.id])
                credit_cur = -_share(residual_currency[credit.id], -amount, residual[credit.id])
            partial_vals.append({
                "debit_move_id": debit.id, "credit_move_id": credit.id, "amount": amount,
                "debit_amount_currency": debit_cur, "credit_amount_currency": credit_cur,
                "company_id": debit.company_id.id, "max_date": max(debit.date, credit.date)})
            residual[debit.id] = company_currency.round(residual[debit.id] - amount)
            residual[credit.id] = company_currency.round(residual[credit.id] + amount)
            residual_currency[debit.id] = debit.currency_id.round(
                residual_currency[debit.id] - debit_cur)
            residual_currency[credit.id] = credit.currency_id.round(
                residual_currency[credit.id] + credit_cur)
            if not residual[debit.id]:
                di += 1
            if not residual[credit.id]:
                ci += 1
        partials = self.env["account.partial.reconcile"].create(partial_vals)
        posting = lines.with_context(account_posting=True, account_skip_sync=True)
        for line in posting:
            values = {"amount_residual": residual[line.id],
                      "amount_residual_currency": residual_currency[line.id]
                      if residual[line.id] else 0.0}
            values["reconciled"] = not residual[line.id]
            line.write(values)
        if all(not residual[line.id] for line in lines):
            group_lines, group_partials = lines._reconciled_group()
            if all(line.reconciled for line in group_lines):
                # earlier partial payments belong to the same full reconciliation
                full = self.env["account.full.reconcile"].create({})
                group_partials.write({"full_reconcile_id": full.id})
                group_lines.with_context(account_posting=True, account_skip_sync=True).write(
                    {"full_reconcile_id": full.id})
        lines.mapped("move_id")._update_payment_state()
        return partials

    def _reconciled_group(self):
        """The lines and partial reconciliations connected to ``self`` by matches."""
        partial_model = self.env["account.partial.reconcile"]
        group = self
        partials = partial_model.browse()
        frontier = self
        while frontier:
            found = partial_model.search(["|", ("debit_move_id", "in", frontier.ids),
                                          ("credit_move_id", "in", frontier.ids)])
            partials |= found
            reached = found.mapped("debit_move_id") | found.mapped("credit_move_id")
            frontier = reached - group
            group |= reached
        return group, partials

    def _check_reconcilable(self) -> None:
        accounts = self.mapped("account_id")
        if len(accounts) != 1:
            raise exceptions.UserError(
                "Only items of one account can be reconciled together, got "
                f"{', '.join(accounts.mapped('display_name'))}.")
        if not accounts.reconcile:
            raise exceptions.UserError(
                f"Account {accounts.display_name} does not allow reconciliation.")
        if any(line.parent_state != "posted" for line in self):
            raise exceptions.UserError("Only items of posted entries can be reconciled.")
        partners = self.mapped("partner_id.commercial_partner_id")
        if len(partners) > 1:
            raise exceptions.UserError(
                "Items of different partners cannot be reconciled together: "
                f"{', '.join(partners.mapped('display_name'))}.")

    def remove_move_reconcile(self):
        """Undo every match these lines take part in."""
        partials = self.mapped("matched_debit_ids") | self.mapped("matched_credit_ids")
        lines = partials.mapped("debit_move_id") | partials.mapped("credit_move_id")
        fulls = partials.mapped("full_reconcile_id")
        partials.unlink()
        fulls.unlink()
        posting = lines.with_context(account_posting=True, account_skip_sync=True)
        for line in posting:
            line.write({"amount_residual": line.balance,
                        "amount_residual_currency": line.amount_currency,
                        "reconciled": False, "full_reconcile_id": False})
        lines.mapped("move_id")._update_payment_state()
        return True


class AccountMovePaymentState(models.Model):
    _inherit = "account.move"

    @api.private
    def _update_payment_state(self) -> None:
        for move in self.filtered(lambda m: m.is_invoice() and m.state == "posted"):
            terms = move.line_ids.filtered(lambda line: line.display_type == "payment_term")
            residual_currency = sum(terms.mapped("amount_residual_currency"))
            residual = sum(terms.mapped("amount_residual"))
            currency = move.currency_id
            amount_due = currency.round(abs(residual_currency))
            if currency.is_zero(residual_currency):
                reversals = terms.mapped("matched_debit_ids.debit_move_id.move_id") | \
                    terms.mapped("matched_credit_ids.credit_move_id.move_id")
                state = "reversed" if reversals.filtered(
                    lambda m, move=move: m.reversed_entry_id == move) else "paid"
            elif amount_due < currency.round(move.amount_total):
                state = "partial"
            else:
                state = "not_paid"
            move.with_context(account_posting=True).write({
                "payment_state": state, "amount_residual": amount_due,
                "amount_residual_signed": move.company_id.currency_id.round(residual)})


def _age(line):
    return (line.date_maturity or line.date, line.id)


def _share(total: float, part: float, whole: float) -> float:
    """The part of ``total`` (in another currency) that ``part`` of ``whole`` stands for."""
    return total * part / whole if whole else 0.0
