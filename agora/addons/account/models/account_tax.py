from agora import api, exceptions, fields, models
from agora.addons.account.tax_math import TaxResult, TaxSpec, compute_taxes


class AccountTax(models.Model):
    _name = "account.tax"
    _description = "Tax"
    _order = "sequence, id"

    name = fields.Char(string="Tax Name", required=True)
    type_tax_use = fields.Selection([("sale", "Sales"), ("purchase", "Purchases"),
                                     ("none", "None")], string="Tax Type", required=True,
                                    default="sale")
    amount_type = fields.Selection([("percent", "Percentage of Price"), ("fixed", "Fixed")],
                                   string="Tax Computation", required=True, default="percent")
    amount = fields.Float(digits=(16, 4), required=True, default=0.0)
    price_include = fields.Boolean(string="Included in Price",
                                   help="The price typed on the line already contains the tax.")
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=1)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    account_id = fields.Many2one("account.account", string="Tax Account", ondelete="restrict",
                                 help="Where the tax amounts of invoices and bills go.")
    refund_account_id = fields.Many2one("account.account", string="Tax Account on Credit Notes",
                                        ondelete="restrict")
    description = fields.Char(string="Label on Invoices")

    @api.constrains("amount", "amount_type")
    def _check_amount(self):
        for tax in self:
            if tax.amount_type == "percent" and not -100 < tax.amount <= 100:
                raise exceptions.ValidationError(
                    f"Tax {tax.name}: a percentage must lie in (-100, 100], got {tax.amount}.")

    def _specs(self, is_refund: bool = False) -> list[TaxSpec]:
        return [TaxSpec(tax.id, tax.description or tax.name, tax.amount_type, tax.amount,
                        tax.price_include,
                        ((tax.refund_account_id or tax.account_id) if is_refund
                         else tax.account_id).id or None)
                for tax in self.sorted(lambda t: (t.sequence, t.id))]

    def _compute(self, price_unit: float, quantity: float, currency, *, company=None,
                 is_refund: bool = False) -> TaxResult:
        """The arithmetic of :mod:`tax_math` with the company's rounding choice."""
        company = company or self.env.company
        per_line = company.tax_calculation_rounding_method != "round_globally"
        return compute_taxes(self._specs(is_refund), price_unit, quantity, currency.round,
                             per_line)

    def compute_all(self, price_unit: float, currency=None, quantity: float = 1.0,
                    product=None, partner=None, is_refund: bool = False) -> dict:
        """Odoo's answer shape: totals and one dict per tax (id, name, amount, base,
        account_id)."""
        currency = currency or self.env.company.currency_id
        result = self._compute(price_unit, quantity, currency, is_refund=is_refund)
        return {
            "total_excluded": result.total_excluded,
            "total_included": result.total_included,
            "total_void": result.total_excluded,
            "taxes": [{"id": a.tax.id, "name": a.tax.name, "amount": a.amount, "base": a.base,
                       "account_id": a.tax.account_id, "price_include": a.tax.price_include}
                      for a in result.taxes],
        }
