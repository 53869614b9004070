"""Invoices tell their orders how much is invoiced: on creation, posting, cancelling,
deletion and reversal."""

from agora import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    sale_line_ids = fields.Many2many("sale.order.line", "sale_order_line_invoice_rel",
                                     "invoice_line_id", "order_line_id",
                                     string="Sales Order Lines", readonly=True, copy=False)


class AccountMove(models.Model):
    _inherit = "account.move"

    def _sale_lines(self):
        return self.mapped("line_ids.sale_line_ids")

    def button_cancel(self):
        result = super().button_cancel()
        self._sale_lines()._update_qty_invoiced()
        return result

    def button_draft(self):
        result = super().button_draft()
        self._sale_lines()._update_qty_invoiced()
        return result

    def unlink(self):
        lines = self._sale_lines()
        result = super().unlink()
        lines.exists()._update_qty_invoiced()
        return result

    @api.private
    def _reverse_one(self, defaults: dict):
        reversal = super()._reverse_one(defaults)
        # the credit note's lines give back what the invoice's lines invoiced
        for original, mirrored in zip(self.invoice_line_ids, reversal.invoice_line_ids,
                                      strict=False):
            if original.sale_line_ids:
                mirrored.write({"sale_line_ids": [(6, 0, original.sale_line_ids.ids)]})
        reversal._sale_lines()._update_qty_invoiced()
        return reversal
