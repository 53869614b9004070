"""Payments: money received from customers or paid to vendors, through a bank or cash
journal. Posting a payment posts its entry: the bank/cash account against the partner's
receivable or payable account."""

from agora import api, exceptions, fields, models


class AccountPayment(models.Model):
    _name = "account.payment"
    _description = "Payment"
    _order = "date desc, id desc"

    name = fields.Char(related="move_id.name", string="Number")
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True,
                              ondelete="restrict", index=True)
    state = fields.Selection([("draft", "Draft"), ("posted", "Posted"),
                              ("cancel", "Cancelled")], required=True, default="draft",
                             readonly=True)
    payment_type = fields.Selection([("inbound", "Receive"), ("outbound", "Send")],
                                    required=True, default="inbound")
    partner_type = fields.Selection([("customer", "Customer"), ("supplier", "Vendor")],
                                    required=True, default="customer")
    partner_id = fields.Many2one("res.partner", required=True, ondelete="restrict")
    amount = fields.Monetary(required=True)
    currency_id = fields.Many2one("res.currency", required=True,
                                  default=lambda self: self.env.company.currency_id.id)
    date = fields.Date(required=True, default=fields.Date.today)
    journal_id = fields.Many2one("account.journal", required=True,
                                 domain=[("type", "in", ("bank", "cash"))],
                                 default=lambda self: self._default_journal())
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.company)
    ref = fields.Char(string="Memo")
    destination_account_id = fields.Many2one("account.account",
                                             compute="_compute_destination_account")

    def _default_journal(self):
        return self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1).id \
            or False

    @api.depends("partner_id", "partner_type")
    def _compute_destination_account(self):
        for payment in self:
            partner = payment.partner_id.commercial_partner_id
            company = payment.company_id or self.env.company
            if payment.partner_type == "customer":
                account = partner.property_account_receivable_id or \
                    company.account_default_receivable_id
            else:
                account = partner.property_account_payable_id or \
                    company.account_default_payable_id
            payment.destination_account_id = account

    @api.constrains("amount")
    def _check_amount(self):
        for payment in self:
            if payment.amount <= 0:
                raise exceptions.ValidationError(
                    f"Payment amounts are positive; got {payment.amount} (choose Send or "
                    "Receive for the direction).")

    def action_post(self):
        for payment in self:
            if payment.state != "draft":
                raise exceptions.UserError(f"Payment {payment.name or payment.id} is "
                                           f"{payment.state}: only drafts can be posted.")
            if not payment.journal_id.default_account_id:
                raise exceptions.UserError(
                    f"Journal {payment.journal_id.name} has no bank/cash account.")
            if not payment.move_id:
                payment.with_context(account_posting=True).write(
                    {"move_id": self.env["account.move"].create(payment._move_values()).id})
        self.mapped("move_id").action_post()
        self.with_context(account_posting=True).write({"state": "posted"})
        return True

    def write(self, vals):
        if not self.env.context.get("account_posting"):
            workflow = sorted(set(vals) & {"state", "move_id"})
            if workflow:
                raise exceptions.UserError(
                    f"account.payment: {', '.join(workflow)} cannot be written directly; "
                    "use Post or Cancel.")
            frozen = sorted(set(vals) - {"ref"})
            posted = self.filtered(lambda payment: payment.state == "posted")
            if frozen and posted:
                raise exceptions.UserError(
                    f"Posted payment {', '.join(posted.mapped('name'))} cannot be modified "
                    f"({', '.join(frozen)}): reverse its entry instead.")
        return super().write(vals)

    def _move_values(self) -> dict:
        sign = 1 if self.payment_type == "inbound" else -1
        company = self.company_id
        amount_currency = sign * self.amount
        balance = self.currency_id._convert(amount_currency, company.currency_id, company,
                                            self.date)
        partner = self.partner_id.commercial_partner_id
        label = self.ref or f"{'Customer' if self.partner_type == 'customer' else 'Vendor'} " \
            f"payment {partner.display_name}"
        common = {"partner_id": partner.id, "currency_id": self.currency_id.id,
                  "name": label, "date_maturity": self.date}
        return {
            "move_type": "entry", "journal_id": self.journal_id.id, "date": self.date,
            "partner_id": partner.id, "currency_id": self.currency_id.id, "ref": self.ref,
            "company_id": company.id,
            "line_ids": [
                (0, 0, {**common, "account_id": self.journal_id.default_account_id.id,
                        "balance": balance, "amount_currency": amount_currency}),
                (0, 0, {**common, "account_id": self.destination_account_id.id,
                        "balance": -balance, "amount_currency": -amount_currency}),
            ]}

    def action_cancel(self):
        if any(payment.state == "posted" for payment in self):
            raise exceptions.UserError("A posted payment is undone by reversing its entry.")
        self.with_context(account_posting=True).write({"state": "cancel"})
        return True

    def _counterpart_lines(self):
        return self.mapped("move_id.line_ids").filtered(
            lambda line: line.account_id.reconcile)


class AccountPaymentRegister(models.TransientModel):
    _name = "account.payment.register"
    _description = "Register Payment"

    line_ids = fields.Many2many("account.move.line", "account_payment_register_line_rel",
                                "wizard_id", "line_id", string="Journal items")
    amount = fields.Monetary()
    currency_id = fields.Many2one("res.currency")
    payment_date = fields.Date(required=True, default=fields.Date.today)
    journal_id = fields.Many2one("account.journal", required=True,
                                 domain=[("type", "in", ("bank", "cash"))],
                                 default=lambda self: self.env["account.payment"]
                                 ._default_journal())
    communication = fields.Char(string="Memo")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "account.move" and context.get("active_ids"):
            moves = self.env["account.move"].browse(context["active_ids"])
            lines = moves._open_term_lines()
            values["line_ids"] = [(6, 0, lines.ids)]
            currencies = lines.mapped("currency_id") or moves[:1].currency_id
            if len(currencies) == 1:
                values["amount"] = abs(sum(lines.mapped("amount_residual_currency")))
                values["currency_id"] = currencies.id
            else:
                # documents in several currencies: their amounts only add up in the
                # company's currency
                company = moves[:1].company_id or self.env.company
                values["amount"] = company.currency_id.round(
                    abs(sum(lines.mapped("amount_residual"))))
                values["currency_id"] = company.currency_id.id
            values["communication"] = ", ".join(m.payment_reference or m.name for m in moves)
        return values

    def action_create_payments(self):
        """One payment for the selected invoices' open amount (or the amount typed, for a
        partial payment), posted and matched with them."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: not line.reconciled)
        if not lines:
            raise exceptions.UserError("Nothing left to pay on these documents.")
        partners = lines.mapped("partner_id.commercial_partner_id")
        if len(partners) != 1:
            raise exceptions.UserError("Register the payments of different partners one "
                                       "partner at a time.")
        accounts = lines.mapped("account_id")
        if len(accounts) != 1:
            raise exceptions.UserError(
                "Register payments of customer invoices and vendor bills separately: the "
                f"selected documents are on several accounts "
                f"({', '.join(accounts.mapped('display_name'))}).")
        if self.amount <= 0:
            raise exceptions.UserError(f"The amount to pay must be positive, got {self.amount}.")
        outstanding = sum(lines.mapped("amount_residual_currency"))
        payment = self.env["account.payment"].create({
            "payment_type": "inbound" if outstanding > 0 else "outbound",
            "partner_type": "customer" if lines[0].account_id.account_type ==
            "asset_receivable" else "supplier",
            "partner_id": partners.id, "amount": self.amount,
            "currency_id": (self.currency_id or lines[0].currency_id).id,
            "date": self.payment_date, "journal_id": self.journal_id.id,
            "company_id": lines[0].company_id.id, "ref": self.communication})
        payment.action_post()
        counterpart = payment._counterpart_lines().filtered(
            lambda line: line.account_id == lines[0].account_id)
        (lines | counterpart).reconcile()
        return {"type": "ir.actions.act_window", "res_model": "account.payment",
                "res_id": payment.id, "view_mode": "form", "views": [[False, "form"]],
                "target": "current"}


class AccountMovePaymentActions(models.Model):
    _inherit = "account.move"

    def _open_term_lines(self):
        return self.mapped("line_ids").filtered(
            lambda line: line.display_type == "payment_term" and not line.reconciled
            and line.parent_state == "posted")

    def action_register_payment(self):
        if any(move.state != "posted" for move in self):
            raise exceptions.UserError("Only posted invoices can be paid.")
        return {"name": "Register Payment", "type": "ir.actions.act_window",
                "res_model": "account.payment.register", "view_mode": "form",
                "views": [[False, "form"]], "target": "new",
                "context": {"active_model": "account.move", "active_ids": self.ids}}
