"""Journal entries: customer invoices, vendor bills, credit notes and plain entries.

Invoices keep themselves balanced: after any change of their product lines the tax lines
and the receivable/payable ("payment term") lines are derived again
(see account_move_sync.py). Posting numbers the entry without gaps and freezes it: a
posted entry is only corrected by reversing it.
"""

from datetime import date

from agora import api, exceptions, fields, models

MOVE_TYPES = [("entry", "Journal Entry"), ("out_invoice", "Customer Invoice"),
              ("out_refund", "Customer Credit Note"), ("in_invoice", "Vendor Bill"),
              ("in_refund", "Vendor Credit Note")]
SALE_TYPES = ("out_invoice", "out_refund")
PURCHASE_TYPES = ("in_invoice", "in_refund")
INVOICE_TYPES = SALE_TYPES + PURCHASE_TYPES
REFUND_TYPES = ("out_refund", "in_refund")
JOURNAL_TYPE_OF = {"out_invoice": "sale", "out_refund": "sale", "in_invoice": "purchase",
                   "in_refund": "purchase", "entry": "general"}

#: what may still change on a posted entry: free text
POSTED_WRITABLE = frozenset({
    "ref", "narration", "payment_reference", "invoice_user_id", "reversal_reason",
    "invoice_origin", "message_follower_ids"})
#: kept by posting, cancelling and reconciliation only, never written directly
WORKFLOW_FIELDS = frozenset({"state", "posted_before", "payment_state", "amount_residual",
                             "amount_residual_signed"})


class AccountMove(models.Model):
    _name = "account.move"
    _description = "Journal Entry"
    _order = "date desc, name desc, id desc"

    name = fields.Char(string="Number", default="/", copy=False, index=True, readonly=True)
    ref = fields.Char(string="Reference", copy=False)
    date = fields.Date(required=True, index=True, default=fields.Date.today, copy=False)
    state = fields.Selection([("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")],
                             string="Status", required=True, default="draft", copy=False,
                             readonly=True, index=True, tracking=True)
    move_type = fields.Selection(MOVE_TYPES, string="Type", required=True, default="entry",
                                 index=True)
    journal_id = fields.Many2one("account.journal", required=True, index=True,
                                 default=lambda self: self._default_journal())
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one("res.currency", required=True,
                                  default=lambda self: self._default_currency())
    company_currency_id = fields.Many2one("res.currency", related="company_id.currency_id",
                                          string="Company Currency")
    partner_id = fields.Many2one("res.partner", index=True, ondelete="restrict", tracking=True)
    commercial_partner_id = fields.Many2one("res.partner", compute="_compute_commercial_partner",
                                            store=True, index=True)
    line_ids = fields.One2many("account.move.line", "move_id", string="Journal Items",
                               copy=True)
    invoice_line_ids = fields.One2many(
        "account.move.line", "move_id", string="Invoice Lines",
        domain=[("display_type", "in", ("product", "line_section", "line_note"))])
    invoice_date = fields.Date(string="Invoice/Bill Date", copy=False, index=True)
    invoice_date_due = fields.Date(string="Due Date", readonly=True, index=True)
    invoice_payment_term_id = fields.Many2one("account.payment.term", string="Payment Terms")
    invoice_origin = fields.Char(string="Source Document", copy=False)
    invoice_user_id = fields.Many2one("res.users", string="Salesperson",
                                      default=lambda self: self.env.uid)
    payment_reference = fields.Char(copy=False)
    narration = fields.Html(string="Terms and Conditions")
    # Totals in the document's currency, kept by the line synchronisation and reconciliation
    amount_untaxed = fields.Monetary(string="Untaxed Amount", readonly=True, copy=False)
    amount_tax = fields.Monetary(string="Tax", readonly=True, copy=False)
    amount_total = fields.Monetary(string="Total", readonly=True, copy=False)
    amount_residual = fields.Monetary(string="Amount Due", readonly=True, copy=False)
    # ... and signed, in the company's currency (negative for credit notes)
    amount_untaxed_signed = fields.Monetary(currency_field="company_currency_id", readonly=True,
                                            copy=False)
    amount_total_signed = fields.Monetary(currency_field="company_currency_id", readonly=True,
                                          copy=False)
    amount_residual_signed = fields.Monetary(currency_field="company_currency_id",
                                             readonly=True, copy=False)
    payment_state = fields.Selection(
        [("not_paid", "Not Paid"), ("partial", "Partially Paid"), ("paid", "Paid"),
         ("reversed", "Reversed")], string="Payment Status", default="not_paid",
        readonly=True, copy=False, index=True)
    reversed_entry_id = fields.Many2one("account.move", string="Reversal of", readonly=True,
                                        copy=False, index=True)
    reversal_move_ids = fields.One2many("account.move", "reversed_entry_id",
                                        string="Reversals")
    reversal_reason = fields.Char(copy=False)
    posted_before = fields.Boolean(copy=False, readonly=True)

    _sql_constraints = [
        ("unique_name", "EXCLUDE (journal_id WITH =, name WITH =) WHERE (name <> '/')",
         "Two entries of a journal cannot have the same number."),
    ]

    # -- defaults ---------------------------------------------------------------------
    def _default_journal(self):
        move_type = self.env.context.get("default_move_type", "entry")
        journal_type = JOURNAL_TYPE_OF.get(move_type, "general")
        company = self.env.company
        journals = self.env["account.journal"]
        # the journal's columns come with the search: lines read its default account next
        journal = journals.search_fetch(
            [("type", "=", journal_type), ("company_id", "=", company.id)],
            [f.name for f in journals._prefetch_fields], limit=1)
        return journal.id or False

    def _default_currency(self):
        return self.env.company.currency_id.id

    @api.depends("partner_id")
    def _compute_commercial_partner(self):
        for move in self:
            move.commercial_partner_id = move.partner_id.commercial_partner_id \
                if move.partner_id else False

    def _compute_display_name(self):
        display = self._fields["display_name"]
        labels = dict(MOVE_TYPES)
        for move in self:
            name = move.name if move.name and move.name != "/" else \
                f"Draft {labels.get(move.move_type, 'Entry')} ({move.id})"
            self.env.transaction.set_computed(display, move._ids, name)

    # -- kinds --------------------------------------------------------------------------
    def is_invoice(self, include_receipts: bool = False) -> bool:
        return self.move_type in INVOICE_TYPES

    def is_sale_document(self, include_receipts: bool = False) -> bool:
        return self.move_type in SALE_TYPES

    def is_purchase_document(self, include_receipts: bool = False) -> bool:
        return self.move_type in PURCHASE_TYPES

    def _direction_sign(self) -> int:
        """Sign of a product line's balance: income is credited on a customer invoice,
        expense debited on a vendor bill; credit notes turn it round."""
        return -1 if self.move_type in ("out_invoice", "in_refund") else 1

    # -- CRUD ---------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._with_type_defaults(vals) for vals in vals_list]
        vals_list = self._with_commercial_partners(vals_list)
        moves = super(AccountMove, self.with_context(account_skip_sync=True)).create(vals_list)
        moves = moves.with_env(self.env)
        moves.filtered(lambda m: m.is_invoice())._sync_dynamic_lines()
        return moves

    def _with_commercial_partners(self, vals_list: list[dict]) -> list[dict]:
        """The commercial partner (a stored computed field) given before the insert, the
        partners read once for all the entries; and the new entries' invoice lines given
        as journal items, so the entry knows its items without reading them back."""
        partner_ids = [vals["partner_id"] for vals in vals_list
                       if vals.get("partner_id") and "commercial_partner_id" not in vals]
        partners = self.env["res.partner"].browse(list(dict.fromkeys(partner_ids)))
        result = []
        for vals in vals_list:
            if vals.get("partner_id") and "commercial_partner_id" not in vals:
                partner = partners._browse((vals["partner_id"],), partners._ids)
                vals = {**vals, "commercial_partner_id": partner.commercial_partner_id.id}
            invoice_lines = vals.get("invoice_line_ids")
            if isinstance(invoice_lines, list) and invoice_lines and all(
                    isinstance(c, list | tuple) and c[0] == 0 for c in invoice_lines):
                lines = vals.get("line_ids") or []
                if all(isinstance(c, list | tuple) and c[0] == 0 for c in lines):
                    vals = {k: v for k, v in vals.items() if k != "invoice_line_ids"}
                    vals["line_ids"] = [*invoice_lines, *lines]
            result.append(vals)
        return result

    def _with_type_defaults(self, vals: dict) -> dict:
        move_type = vals.get("move_type") or self.env.context.get("default_move_type", "entry")
        if move_type not in JOURNAL_TYPE_OF:
            raise exceptions.UserError(f"account.move: unknown move type {move_type!r}; "
                                       f"expected one of {', '.join(JOURNAL_TYPE_OF)}.")
        if "journal_id" not in vals:
            vals = {**vals, "journal_id": self.with_context(
                default_move_type=move_type)._default_journal()}
            if not vals["journal_id"]:
                raise exceptions.UserError(
                    f"account.move: no {JOURNAL_TYPE_OF[move_type]} journal in company "
                    f"{self.env.company.name}; install a chart of accounts first.")
        if move_type in INVOICE_TYPES and vals.get("invoice_date") and "date" not in vals:
            # an invoice is booked on its own date, in the period it belongs to
            vals = {**vals, "date": vals["invoice_date"]}
        return {**vals, "move_type": move_type}

    def write(self, vals):
        self._check_posted_write(vals)
        if vals.get("invoice_date") and "date" not in vals and self and all(
                move.is_invoice() for move in self):
            invoice_date = vals["invoice_date"]
            if isinstance(invoice_date, str):
                invoice_date = date.fromisoformat(invoice_date[:10])
            if any(move.date != invoice_date for move in self):
                vals = {**vals, "date": invoice_date}
        result = super(AccountMove, self.with_context(account_skip_sync=True)).write(vals)
        touched = set(vals) & {"line_ids", "invoice_line_ids", "currency_id", "date",
                               "invoice_date", "invoice_payment_term_id", "partner_id",
                               "move_type", "company_id", "journal_id"}
        if touched:
            moves = self.with_env(self.env)
            header = {name: vals[name] for name in ("date", "partner_id", "company_id",
                                                    "journal_id") if name in vals}
            if header:
                moves._propagate_to_lines(header)
            moves.filtered(lambda m: m.is_invoice() and m.state == "draft")._sync_dynamic_lines()
        return result

    def _check_posted_write(self, vals: dict) -> None:
        if self.env.context.get("account_posting"):
            return
        workflow = sorted(set(vals) & WORKFLOW_FIELDS)
        if workflow:
            raise exceptions.UserError(
                f"account.move: {', '.join(workflow)} cannot be written directly; they follow "
                "Post, Cancel, Reset to Draft and payments.")
        frozen = sorted(set(vals) - POSTED_WRITABLE)
        if frozen and any(move.state == "posted" for move in self):
            names = ", ".join(m.name for m in self if m.state == "posted")
            raise exceptions.UserError(
                f"Posted entry {names} cannot be modified ({', '.join(frozen)}): "
                "reverse it with a credit note or a reversal entry instead.")

    def _propagate_to_lines(self, header: dict) -> None:
        """Lines carry copies of their entry's date, partner and company (stored for
        reports and reconciliation)."""
        values = {k: v for k, v in header.items() if k != "partner_id"}
        if "partner_id" in header:
            values["partner_id"] = header["partner_id"]
        lines = self.mapped("line_ids").filtered(
            lambda line: line.display_type not in ("line_section", "line_note"))
        if lines and values:
            lines.with_context(account_skip_sync=True, account_posting=True).write(values)

    def unlink(self):
        posted = self.filtered(lambda m: m.state == "posted")
        if posted:
            raise exceptions.UserError(
                f"Posted entries cannot be deleted ({', '.join(posted.mapped('name'))}): "
                "reverse them instead.")
        if any(move.posted_before for move in self):
            raise exceptions.UserError(
                "An entry that was posted once keeps its number: cancel it instead of "
                "deleting it.")
        self.mapped("line_ids").with_context(account_skip_sync=True).unlink()
        return super().unlink()

    def copy_data(self, default=None):
        default = dict(default or {})
        default.setdefault("invoice_date", False)
        return super().copy_data(default)
