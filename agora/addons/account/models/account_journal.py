from agora import api, exceptions, fields, models

JOURNAL_TYPES = [("sale", "Sales"), ("purchase", "Purchase"), ("cash", "Cash"),
                 ("bank", "Bank"), ("general", "Miscellaneous")]


class AccountJournal(models.Model):
    _name = "account.journal"
    _description = "Journal"
    _order = "sequence, type, code"
    _sql_constraints = [("code_company_uniq", "unique(code, company_id)",
                         "A journal code must be unique per company.")]

    name = fields.Char(string="Journal Name", required=True)
    code = fields.Char(string="Short Code", size=5, required=True,
                       help="Starts the number of every entry of the journal: INV/2026/00001.")
    type = fields.Selection(JOURNAL_TYPES, required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one("res.currency", help="Leave empty for the company's.")
    default_account_id = fields.Many2one(
        "account.account", string="Default Account", ondelete="restrict",
        help="Income account of a sales journal, expense of a purchase journal, the bank or "
             "cash account of a bank or cash journal.")
    refund_sequence = fields.Boolean(
        string="Dedicated Credit Note Sequence",
        help="Credit notes get their own numbers, prefixed with R: RINV/2026/00001.")
    color = fields.Integer()

    @api.constrains("code")
    def _check_code(self):
        for journal in self:
            if not journal.code or "/" in journal.code or not journal.code.strip():
                raise exceptions.ValidationError(
                    f"Journal {journal.name}: the short code {journal.code!r} must be "
                    "non-empty and may not contain '/' (it starts the entry numbers).")

    def _number_prefix(self, move_type: str, year: int) -> str:
        """``INV/2026/`` or ``RINV/2026/`` for credit notes when they have their own."""
        self.ensure_one()
        refund = move_type in ("out_refund", "in_refund") and self.refund_sequence
        return f"{'R' if refund else ''}{self.code}/{year}/"
