from datetime import date, timedelta

from agora import api, exceptions, fields, models


class AccountPaymentTerm(models.Model):
    _name = "account.payment.term"
    _description = "Payment Terms"
    _order = "sequence, id"

    name = fields.Char(string="Payment Terms", required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    note = fields.Text(string="Description on the Invoice")
    company_id = fields.Many2one("res.company")
    line_ids = fields.One2many("account.payment.term.line", "payment_id", string="Terms")

    @api.constrains("line_ids")
    def _check_lines(self):
        for term in self:
            percents = sum(line.value_amount for line in term.line_ids
                           if line.value == "percent")
            if term.line_ids and abs(percents - 100.0) > 1e-6:
                raise exceptions.ValidationError(
                    f"Payment terms {term.name}: the percentages must add up to 100, "
                    f"they add up to {percents:g}.")

    def _installments(self, invoice_date: date, total: float, currency) -> list[tuple[date, float]]:
        """(due date, amount) of each installment; the last one takes the rounding rest."""
        self.ensure_one()
        lines = self.line_ids.sorted(lambda line: (line.nb_days, line.id))
        if not lines:
            return [(invoice_date, total)]
        result: list[tuple[date, float]] = []
        left = total
        for index, line in enumerate(lines):
            due = invoice_date + timedelta(days=line.nb_days)
            amount = left if index == len(lines) - 1 else \
                currency.round(total * line.value_amount / 100.0)
            result.append((due, amount))
            left -= amount
        return result


class AccountPaymentTermLine(models.Model):
    _name = "account.payment.term.line"
    _description = "Payment Terms Line"
    _order = "nb_days, id"

    payment_id = fields.Many2one("account.payment.term", required=True, ondelete="cascade")
    value = fields.Selection([("percent", "Percent")], required=True, default="percent")
    value_amount = fields.Float(string="Due", digits=(16, 4), default=100.0)
    nb_days = fields.Integer(string="Days after invoice date", default=0)

    @api.constrains("nb_days", "value_amount")
    def _check_values(self):
        for line in self:
            if line.nb_days < 0 or not 0 < line.value_amount <= 100:
                raise exceptions.ValidationError(
                    "Payment term lines need 0 or more days and a share in (0, 100].")
