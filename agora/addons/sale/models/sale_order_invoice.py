"""From confirmed orders to customer invoices."""

from agora import exceptions, models


class SaleOrderInvoicing(models.Model):
    _inherit = "sale.order"

    def _create_invoices(self, grouped: bool = False, final: bool = False):
        """One draft invoice per order (what is left to invoice of every line: ordered or
        delivered quantities as the product says); returns the invoices. With ``final``,
        negative quantities (returned goods) make the invoice a credit note."""
        orders = self.filtered(lambda o: o.state == "sale")
        if orders != self:
            names = ", ".join((self - orders).mapped("name"))
            raise exceptions.UserError(f"Only confirmed orders can be invoiced: {names}.")
        journal = self.env["account.move"].with_context(
            default_move_type="out_invoice")._default_journal()
        if not journal:
            raise exceptions.UserError("No sales journal: install a chart of accounts first.")
        # the taxes' columns now, in one query: the invoices' lines are then created with
        # their taxes known (the invoice computes its tax lines without reading them back)
        orders.mapped("order_line.tax_id").mapped("sequence")
        vals_list = []
        for order in orders:
            lines = order.order_line.filtered(
                lambda line: not line.display_type and abs(line.qty_to_invoice) > 1e-6)
            if not lines:
                continue
            vals_list.append(order._prepare_invoice(journal, lines))
        if not vals_list:
            raise exceptions.UserError(
                "There is nothing to invoice: every line is invoiced already, or the products "
                "invoiced on delivery were not delivered yet.")
        # the invoice's chatter starts when it is posted (its origin is on the invoice):
        # no "created" note, no creator following a document made by the order
        moves = self.env["account.move"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True).create(vals_list)
        moves = moves.with_env(self.env)
        final_refunds = moves.filtered(lambda m: m.amount_total < 0) if final else moves.browse()
        for move in final_refunds:
            move.write({"move_type": "out_refund", "invoice_line_ids": [
                (1, line.id, {"quantity": -line.quantity}) for line in move.invoice_line_ids]})
        # what the new invoices invoice, from the values they were made of (no read-back)
        if final_refunds:
            orders.mapped("order_line")._update_qty_invoiced()
        else:
            invoiced: dict[int, float] = {}
            for vals in vals_list:
                for command in vals["invoice_line_ids"]:
                    values = command[2]
                    for link in values["sale_line_ids"]:
                        invoiced[link[1]] = invoiced.get(link[1], 0.0) + values["quantity"]
            for sale_line in self.env["sale.order.line"].browse(list(invoiced)):
                sale_line.write({"qty_invoiced": sale_line.qty_invoiced + invoiced[sale_line.id]})
        orders._update_invoice_status()
        return moves

    def _prepare_invoice(self, journal_id: int, lines) -> dict:
        self.ensure_one()
        return {
            "move_type": "out_invoice", "journal_id": journal_id,
            "partner_id": (self.partner_invoice_id or self.partner_id).id,
            "currency_id": self.currency_id.id, "company_id": self.company_id.id,
            "invoice_origin": self.name, "ref": self.client_order_ref or False,
            "invoice_payment_term_id": self.payment_term_id.id or False,
            "invoice_user_id": self.user_id.id or False, "narration": self.note or False,
            "invoice_line_ids": [(0, 0, line._prepare_invoice_line()) for line in lines],
        }

    def action_create_invoice(self):
        """The order form's "Create Invoice" button: invoice and open the result."""
        moves = self._create_invoices()
        return self._invoice_action(moves)

    def action_view_invoice(self):
        return self._invoice_action(self.mapped("invoice_ids"))

    def _invoice_action(self, moves):
        return moves._view_action("Invoices", {"default_move_type": "out_invoice"})


class SaleOrderLineInvoicing(models.Model):
    _inherit = "sale.order.line"

    def _prepare_invoice_line(self) -> dict:
        return {
            "display_type": "product", "sequence": self.sequence, "name": self.name,
            "product_id": self.product_id.id, "product_uom_id": self.product_uom.id or False,
            "quantity": self.qty_to_invoice, "price_unit": self.price_unit,
            "discount": self.discount, "tax_ids": [(6, 0, self.tax_id.ids)],
            "sale_line_ids": [(4, self.id)],
        }
