from agora import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    chart_template = fields.Char(readonly=True, help="The chart of accounts installed.")
    tax_calculation_rounding_method = fields.Selection(
        [("round_per_line", "Round per Line"), ("round_globally", "Round Globally")],
        string="Tax Rounding", default="round_per_line",
        help="Per line: each line's tax is rounded. Globally: the document's total per tax is "
             "rounded once.")
    account_sale_tax_id = fields.Many2one("account.tax", string="Default Sale Tax")
    account_purchase_tax_id = fields.Many2one("account.tax", string="Default Purchase Tax")
    account_default_receivable_id = fields.Many2one("account.account",
                                                    string="Default Receivable Account")
    account_default_payable_id = fields.Many2one("account.account",
                                                 string="Default Payable Account")
    account_default_income_id = fields.Many2one("account.account",
                                                string="Default Income Account")
    account_default_expense_id = fields.Many2one("account.account",
                                                 string="Default Expense Account")
    invoice_terms = fields.Html(string="Default Terms and Conditions")

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        from agora.addons.account.chart_template import install_generic_chart
        for company in companies:
            install_generic_chart(self.env, company)
        return companies


class ResPartner(models.Model):
    _inherit = "res.partner"

    property_account_receivable_id = fields.Many2one(
        "account.account", string="Account Receivable",
        domain=[("account_type", "=", "asset_receivable")],
        help="Leave empty to use the company's default receivable account.")
    property_account_payable_id = fields.Many2one(
        "account.account", string="Account Payable",
        domain=[("account_type", "=", "liability_payable")],
        help="Leave empty to use the company's default payable account.")
    property_payment_term_id = fields.Many2one("account.payment.term",
                                               string="Customer Payment Terms")
    property_supplier_payment_term_id = fields.Many2one("account.payment.term",
                                                        string="Vendor Payment Terms")


class ProductTemplate(models.Model):
    _inherit = "product.template"

    taxes_id = fields.Many2many("account.tax", "product_taxes_rel", "prod_id", "tax_id",
                                string="Customer Taxes",
                                domain=[("type_tax_use", "=", "sale")],
                                default=lambda self: self.env.company.account_sale_tax_id)
    supplier_taxes_id = fields.Many2many("account.tax", "product_supplier_taxes_rel", "prod_id",
                                         "tax_id", string="Vendor Taxes",
                                         domain=[("type_tax_use", "=", "purchase")],
                                         default=lambda self:
                                         self.env.company.account_purchase_tax_id)
    property_account_income_id = fields.Many2one("account.account", string="Income Account")
    property_account_expense_id = fields.Many2one("account.account", string="Expense Account")


class ProductCategory(models.Model):
    _inherit = "product.category"

    property_account_income_categ_id = fields.Many2one("account.account",
                                                       string="Income Account")
    property_account_expense_categ_id = fields.Many2one("account.account",
                                                        string="Expense Account")
