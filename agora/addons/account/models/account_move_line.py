"""Journal items. A line's accounting amount is its ``balance`` (debit minus credit) in
the company's currency; ``amount_currency`` is the same in the document's currency.

Date, journal, company and the entry's state are stored on each line (reports group and
filter lines by them without joining); the entry keeps them in step.
"""

from agora import Command, api, exceptions, fields, models
from agora.addons.account.models.account_move import INVOICE_TYPES

#: fields of a line frozen once its entry is posted
FROZEN_WHEN_POSTED = frozenset({
    "account_id", "partner_id", "balance", "debit", "credit", "amount_currency", "currency_id",
    "quantity", "price_unit", "discount", "tax_ids", "tax_line_id", "move_id", "date",
    "journal_id", "company_id", "product_id", "display_type", "price_subtotal", "price_total",
    "amount_residual", "amount_residual_currency", "reconciled", "full_reconcile_id"})
#: inputs of the invoice synchronisation
SYNC_INPUTS = frozenset({"quantity", "price_unit", "discount", "tax_ids", "account_id",
                         "display_type", "currency_id"})


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _description = "Journal Item"
    _order = "date desc, move_id desc, sequence, id"
    _sql_constraints = [
        ("accountable_has_account",
         "CHECK (display_type IN ('line_section', 'line_note') OR account_id IS NOT NULL)",
         "A journal item needs an account (only section and note lines have none)."),
        ("debit_credit_one_side", "CHECK (debit = 0 OR credit = 0)",
         "A journal item is either a debit or a credit, never both."),
    ]

    move_id = fields.Many2one("account.move", string="Journal Entry", required=True,
                              ondelete="cascade", index=True)
    move_name = fields.Char(related="move_id.name", string="Number")
    sequence = fields.Integer(default=10)
    display_type = fields.Selection(
        [("product", "Product"), ("tax", "Tax"), ("payment_term", "Payment Term"),
         ("line_section", "Section"), ("line_note", "Note")],
        required=True, default="product")
    name = fields.Char(string="Label")
    account_id = fields.Many2one("account.account", index=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", index=True, ondelete="restrict")
    # copies of the entry's header (see the module's documentation)
    date = fields.Date(index=True, readonly=True)
    journal_id = fields.Many2one("account.journal", index=True, readonly=True)
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    parent_state = fields.Selection([("draft", "Draft"), ("posted", "Posted"),
                                     ("cancel", "Cancelled")], readonly=True, index=True,
                                    default="draft", copy=False)
    move_type = fields.Selection(related="move_id.move_type")
    # invoicing
    product_id = fields.Many2one("product.product", ondelete="restrict")
    product_uom_id = fields.Many2one("uom.uom", string="Unit of Measure")
    quantity = fields.Float(digits=(16, 4), default=1.0)
    price_unit = fields.Float(string="Unit Price", digits=(16, 4))
    discount = fields.Float(string="Discount (%)", digits=(16, 2))
    tax_ids = fields.Many2many("account.tax", "account_move_line_account_tax_rel",
                               "account_move_line_id", "account_tax_id", string="Taxes")
    tax_line_id = fields.Many2one("account.tax", string="Originator Tax", ondelete="restrict",
                                  index=True)
    tax_base_amount = fields.Monetary(currency_field="currency_id", readonly=True)
    price_subtotal = fields.Monetary(string="Subtotal", currency_field="currency_id",
                                     readonly=True)
    price_total = fields.Monetary(string="Total", currency_field="currency_id", readonly=True)
    # accounting amounts
    currency_id = fields.Many2one("res.currency", required=True,
                                  default=lambda self: self.env.company.currency_id.id)
    company_currency_id = fields.Many2one("res.currency", related="company_id.currency_id")
    amount_currency = fields.Monetary(currency_field="currency_id")
    balance = fields.Monetary(currency_field="company_currency_id")
    debit = fields.Monetary(currency_field="company_currency_id")
    credit = fields.Monetary(currency_field="company_currency_id")
    date_maturity = fields.Date(string="Due Date", index=True)
    # reconciliation
    amount_residual = fields.Monetary(currency_field="company_currency_id", readonly=True,
                                      copy=False)
    amount_residual_currency = fields.Monetary(currency_field="currency_id", readonly=True,
                                               copy=False)
    reconciled = fields.Boolean(readonly=True, index=True, copy=False)
    full_reconcile_id = fields.Many2one("account.full.reconcile", readonly=True, index=True,
                                        ondelete="set null", copy=False)
    matched_debit_ids = fields.One2many("account.partial.reconcile", "credit_move_id",
                                        string="Matched Debits", copy=False)
    matched_credit_ids = fields.One2many("account.partial.reconcile", "debit_move_id",
                                         string="Matched Credits", copy=False)

    # -- CRUD ---------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        moves = self.env["account.move"].browse(list({v["move_id"] for v in vals_list
                                                      if v.get("move_id")}))
        by_id = {move.id: move for move in moves}
        product_ids = list({v["product_id"] for v in vals_list if v.get("product_id")})
        if product_ids:
            # load every line's product and template at once: the default account is
            # looked up per line below, which would otherwise read them one by one
            self.env["product.product"].browse(product_ids).mapped("product_tmpl_id.categ_id")
        prepared = []
        for vals in vals_list:
            vals = _normalize_amounts(dict(vals))
            move = by_id.get(vals.get("move_id"))
            if move is not None:
                if move.state == "posted" and not self.env.context.get("account_posting"):
                    raise exceptions.UserError(
                        f"Posted entry {move.name} cannot get new lines: reverse it instead.")
                vals.setdefault("date", move.date)
                vals.setdefault("journal_id", move.journal_id.id)
                vals.setdefault("company_id", move.company_id.id)
                vals.setdefault("parent_state", move.state)
                vals.setdefault("currency_id", move.currency_id.id)
                if "partner_id" not in vals and move.commercial_partner_id:
                    vals["partner_id"] = move.commercial_partner_id.id
                if vals.get("display_type", "product") == "product" and not vals.get(
                        "account_id") and move.is_invoice():
                    vals["account_id"] = self._default_product_account(move, vals)
                vals = self._with_amounts(move, vals)
            prepared.append(vals)
        lines = super().create(prepared)
        if not self.env.context.get("account_skip_sync"):
            lines.mapped("move_id").filtered(
                lambda m: m.is_invoice() and m.state == "draft")._sync_dynamic_lines()
        return lines

    def _with_amounts(self, move, vals: dict) -> dict:
        """A draft invoice's new product line gets its amounts before the insert, as the
        invoice's synchronisation would give them right after (it then changes nothing)."""
        if vals.get("display_type", "product") != "product" or not move.is_invoice() \
                or move.state != "draft" or "price_subtotal" in vals or "balance" in vals:
            return vals
        tax_ids = Command.ids_set_on_new(vals.get("tax_ids"))
        if tax_ids is None:
            return vals
        values, _result = move._product_line_amounts(
            self.env["account.tax"].browse(tax_ids), vals.get("price_unit", 0.0),
            vals.get("quantity", 1.0), vals.get("discount", 0.0))
        return {**vals, **values}

    def _default_product_account(self, move, vals: dict):
        product = self.env["product.product"].browse(vals.get("product_id")) \
            if vals.get("product_id") else None
        if product:
            template = product.product_tmpl_id
            account = template.property_account_income_id if move.is_sale_document() \
                else template.property_account_expense_id
            if not account and template.categ_id:
                categ = template.categ_id
                account = categ.property_account_income_categ_id if move.is_sale_document() \
                    else categ.property_account_expense_categ_id
            if account:
                return account.id
        if move.journal_id.default_account_id:
            return move.journal_id.default_account_id.id
        raise exceptions.UserError(
            f"Journal {move.journal_id.name} has no default account: set one, or an income/"
            "expense account on the product.")

    def write(self, vals):
        vals = _normalize_amounts(dict(vals))
        if not self.env.context.get("account_posting"):
            if "parent_state" in vals:
                raise exceptions.UserError(
                    "account.move.line: parent_state cannot be written directly; it follows "
                    "its entry's Post, Cancel and Reset to Draft.")
            frozen = sorted(set(vals) & FROZEN_WHEN_POSTED)
            if frozen and any(line.parent_state == "posted" for line in self):
                raise exceptions.UserError(
                    f"Items of a posted entry cannot be modified ({', '.join(frozen)}): "
                    "reverse the entry instead.")
        result = super().write(vals)
        if set(vals) & SYNC_INPUTS and not self.env.context.get("account_skip_sync"):
            self.mapped("move_id").filtered(
                lambda m: m.is_invoice() and m.state == "draft")._sync_dynamic_lines()
        return result

    def unlink(self):
        if any(line.parent_state == "posted" for line in self):
            raise exceptions.UserError("Items of a posted entry cannot be deleted: reverse "
                                       "the entry instead.")
        moves = self.mapped("move_id")
        result = super().unlink()
        if not self.env.context.get("account_skip_sync"):
            moves.exists().filtered(
                lambda m: m.is_invoice() and m.state == "draft")._sync_dynamic_lines()
        return result

    # -- form helpers -------------------------------------------------------------------
    @api.onchange("product_id")
    def _onchange_product_id(self):
        for line in self:
            product = line.product_id
            if not product:
                continue
            move = line.move_id
            line.name = product.display_name
            line.product_uom_id = product.uom_id
            if move.move_type in ("in_invoice", "in_refund"):
                line.price_unit = product.standard_price
                line.tax_ids = product.supplier_taxes_id
            else:
                line.price_unit = product.lst_price
                line.tax_ids = product.taxes_id


def _normalize_amounts(vals: dict) -> dict:
    """Debit/credit given: balance follows; balance given: debit/credit follow."""
    if "balance" in vals:
        balance = vals["balance"] or 0.0
        vals["debit"], vals["credit"] = (balance, 0.0) if balance > 0 else (0.0, -balance)
    elif "debit" in vals or "credit" in vals:
        debit, credit = vals.get("debit") or 0.0, vals.get("credit") or 0.0
        balance = debit - credit
        vals["balance"] = balance
        vals["debit"], vals["credit"] = (balance, 0.0) if balance > 0 else (0.0, -balance)
    else:
        return vals
    vals.setdefault("amount_currency", vals["balance"])
    vals.setdefault("amount_residual", vals["balance"])
    vals.setdefault("amount_residual_currency", vals["amount_currency"])
    return vals


__all__ = ["INVOICE_TYPES", "AccountMoveLine"]
