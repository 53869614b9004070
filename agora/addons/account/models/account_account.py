from agora import api, exceptions, fields, models

ACCOUNT_TYPES = [
    ("asset_receivable", "Receivable"), ("asset_cash", "Bank and Cash"),
    ("asset_current", "Current Assets"), ("asset_non_current", "Non-current Assets"),
    ("asset_prepayments", "Prepayments"), ("asset_fixed", "Fixed Assets"),
    ("liability_payable", "Payable"), ("liability_credit_card", "Credit Card"),
    ("liability_current", "Current Liabilities"),
    ("liability_non_current", "Non-current Liabilities"),
    ("equity", "Equity"), ("equity_unaffected", "Current Year Earnings"),
    ("income", "Income"), ("income_other", "Other Income"), ("expense", "Expenses"),
    ("expense_depreciation", "Depreciation"), ("expense_direct_cost", "Cost of Revenue"),
    ("off_balance", "Off-Balance Sheet"),
]


def internal_group(account_type: str | None) -> str | None:
    """asset / liability / equity / income / expense / off_balance, from the type's prefix."""
    if not account_type:
        return None
    return "off_balance" if account_type == "off_balance" else account_type.split("_")[0]


class AccountAccount(models.Model):
    _name = "account.account"
    _description = "Account"
    _order = "code, id"
    _sql_constraints = [("code_company_uniq", "unique(code, company_id)",
                         "An account code must be unique per company.")]

    name = fields.Char(required=True, index=True)
    code = fields.Char(required=True, size=64, index=True)
    account_type = fields.Selection(ACCOUNT_TYPES, string="Type", required=True)
    internal_group = fields.Selection(
        [("asset", "Asset"), ("liability", "Liability"), ("equity", "Equity"),
         ("income", "Income"), ("expense", "Expense"), ("off_balance", "Off Balance")],
        compute="_compute_internal_group", store=True)
    reconcile = fields.Boolean(string="Allow Reconciliation",
                               help="Receivable, payable and outstanding accounts: their lines "
                                    "are matched with payments.")
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    currency_id = fields.Many2one("res.currency", string="Account Currency")
    deprecated = fields.Boolean()
    note = fields.Text(string="Internal Notes")

    @api.depends("account_type")
    def _compute_internal_group(self):
        for account in self:
            account.internal_group = internal_group(account.account_type)

    def _compute_display_name(self):
        display = self._fields["display_name"]
        for account in self:
            self.env.transaction.set_computed(display, account._ids,
                                              f"{account.code} {account.name}")

    @api.constrains("account_type", "reconcile")
    def _check_reconcile(self):
        for account in self:
            if account.account_type in ("asset_receivable", "liability_payable") \
                    and not account.reconcile:
                raise exceptions.ValidationError(
                    f"Account {account.code} {account.name}: receivable and payable accounts "
                    "must allow reconciliation.")

    @api.model
    def name_search(self, name="", domain=None, operator="ilike", limit=100, args=None):
        """Accounts are found by the start of their code as well as by name."""
        if not name or operator not in ("ilike", "like"):
            return super().name_search(name, domain, operator, limit, args)
        matching = ["|", ("code", "=ilike", f"{name}%"), ("name", operator, name)]
        extra = list(domain or args or [])
        records = self.search([*extra, *matching], limit=limit)
        return [(account.id, account.display_name) for account in records]
