"""Order lines: what was ordered, at what price and tax, and how much of it is invoiced."""

from agora import Command, api, exceptions, fields, models


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _description = "Sales Order Line"
    _order = "order_id, sequence, id"
    _sql_constraints = [
        ("accountable_has_product",
         "CHECK (display_type IS NOT NULL OR product_id IS NOT NULL)",
         "A sales order line needs a product (only sections and notes have none)."),
    ]

    order_id = fields.Many2one("sale.order", string="Order Reference", required=True,
                               ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    display_type = fields.Selection([("line_section", "Section"), ("line_note", "Note")])
    name = fields.Text(string="Description")
    product_id = fields.Many2one("product.product", string="Product", ondelete="restrict",
                                 index=True)
    product_template_id = fields.Many2one("product.template",
                                          related="product_id.product_tmpl_id")
    product_uom_qty = fields.Float(string="Quantity", digits=(16, 4), default=1.0)
    product_uom = fields.Many2one("uom.uom", string="Unit of Measure")
    price_unit = fields.Float(string="Unit Price", digits=(16, 4))
    discount = fields.Float(string="Discount (%)", digits=(16, 2))
    tax_id = fields.Many2many("account.tax", "sale_order_line_account_tax_rel", "order_line_id",
                              "tax_id", string="Taxes", domain=[("type_tax_use", "=", "sale")])
    currency_id = fields.Many2one("res.currency", related="order_id.currency_id")
    company_id = fields.Many2one("res.company", related="order_id.company_id")
    state = fields.Selection(related="order_id.state")
    price_subtotal = fields.Monetary(compute="_compute_amount", store=True)
    price_tax = fields.Monetary(string="Total Tax", compute="_compute_amount", store=True)
    price_total = fields.Monetary(compute="_compute_amount", store=True)
    qty_delivered = fields.Float(string="Delivered Quantity", digits=(16, 4), copy=False,
                                 help="Typed by hand until an inventory app records "
                                      "deliveries.")
    qty_invoiced = fields.Float(string="Invoiced Quantity", digits=(16, 4), readonly=True,
                                copy=False, help="Kept up to date by the invoices.")
    qty_to_invoice = fields.Float(compute="_compute_qty_to_invoice", digits=(16, 4))
    invoice_lines = fields.Many2many("account.move.line", "sale_order_line_invoice_rel",
                                     "order_line_id", "invoice_line_id", string="Invoice Lines",
                                     copy=False)
    invoice_status = fields.Selection(
        [("no", "Nothing to Invoice"), ("to invoice", "To Invoice"),
         ("invoiced", "Fully Invoiced")], compute="_compute_qty_to_invoice")

    @api.depends("product_uom_qty", "discount", "price_unit", "tax_id")
    def _compute_amount(self):
        for line in self:
            if line.display_type:
                line.price_subtotal = line.price_tax = line.price_total = 0.0
                continue
            currency = line.order_id.currency_id or self.env.company.currency_id
            price = line.price_unit * (1.0 - (line.discount or 0.0) / 100.0)
            result = line.tax_id._compute(price, line.product_uom_qty, currency,
                                          company=line.order_id.company_id or None)
            line.price_subtotal = currency.round(result.total_excluded)
            line.price_total = currency.round(result.total_included)
            line.price_tax = line.price_total - line.price_subtotal

    @api.depends("qty_invoiced", "qty_delivered", "product_uom_qty", "order_id.state")
    def _compute_qty_to_invoice(self):
        for line in self:
            if line.display_type or line.order_id.state != "sale":
                line.qty_to_invoice = 0.0
                line.invoice_status = "no"
                continue
            policy = line.product_id.product_tmpl_id.invoice_policy
            basis = line.qty_delivered if policy == "delivery" else line.product_uom_qty
            line.qty_to_invoice = basis - line.qty_invoiced
            if abs(line.qty_to_invoice) > 1e-6:
                line.invoice_status = "to invoice"
            elif line.qty_invoiced >= line.product_uom_qty - 1e-6:
                line.invoice_status = "invoiced"
            else:
                line.invoice_status = "no"

    @api.model_create_multi
    def create(self, vals_list):
        products = self.env["product.product"].browse(list({
            v["product_id"] for v in vals_list if v.get("product_id") and (
                "price_unit" not in v or "tax_id" not in v or not v.get("name")
                or not v.get("product_uom"))}))
        by_id = {product.id: product for product in products}
        prepared = []
        for vals in vals_list:
            product = by_id.get(vals.get("product_id"))
            if product is not None:
                # what the form's onchange would have filled in, for API callers
                vals = {**self._product_defaults(product, vals), **vals}
            prepared.append(vals)
        return super().create(self._with_amounts(prepared))

    def _with_amounts(self, vals_list: list[dict], orders=None) -> list[dict]:
        """Subtotal, tax and total computed before the insert (as the compute would after
        it): the rows go in complete, with no UPDATE at flush. Taxes are read once for
        all the lines. ``orders``: {order key: (currency, company)} when the orders are
        not in the database yet; by default each line's ``order_id`` is read."""
        tax_ids: dict[int, list[int]] = {}
        for index, vals in enumerate(vals_list):
            # not given: the product's taxes will be (applied later, in create)
            taxes = Command.ids_set_on_new(vals["tax_id"]) if "tax_id" in vals else None
            if vals.get("display_type") or taxes is None or "price_subtotal" in vals \
                    or "price_unit" not in vals or not vals.get("order_id"):
                continue
            tax_ids[index] = taxes
        if not tax_ids:
            return vals_list
        all_taxes = self.env["account.tax"].browse(
            list(dict.fromkeys(t for ids in tax_ids.values() for t in ids)))
        if orders is None:
            records = self.env["sale.order"].browse(
                list({vals_list[i]["order_id"] for i in tax_ids}))
            orders = {order.id: (order.currency_id, order.company_id) for order in records}
        result = list(vals_list)
        for index, ids in tax_ids.items():
            vals = vals_list[index]
            currency, company = orders[vals["order_id"]]
            price = vals.get("price_unit", 0.0) * (1.0 - (vals.get("discount") or 0.0) / 100.0)
            amounts = all_taxes.browse(ids)._compute(price, vals.get("product_uom_qty", 1.0),
                                                     currency, company=company)
            subtotal = currency.round(amounts.total_excluded)
            total = currency.round(amounts.total_included)
            result[index] = {**vals, "price_subtotal": subtotal, "price_total": total,
                             "price_tax": total - subtotal}
        return result

    def _product_defaults(self, product, vals: dict) -> dict:
        defaults = {"name": product.display_name, "product_uom": product.uom_id.id,
                    "tax_id": [(6, 0, product.taxes_id.ids)]}
        order = self.env["sale.order"].browse(vals["order_id"]) if vals.get("order_id") \
            else None
        pricelist = order.pricelist_id if order is not None else None
        quantity = vals.get("product_uom_qty", 1.0)
        defaults["price_unit"] = pricelist._get_product_price(product, quantity) \
            if pricelist else product.lst_price
        return defaults

    @api.onchange("product_id")
    def _onchange_product_id(self):
        for line in self:
            if line.product_id:
                for name, value in line._product_defaults(
                        line.product_id, {"order_id": line.order_id.id,
                                          "product_uom_qty": line.product_uom_qty}).items():
                    line[name] = value if name != "tax_id" else line.product_id.taxes_id

    def write(self, vals):
        locked = {"product_id", "product_uom_qty", "price_unit", "discount", "tax_id"} & set(vals)
        if locked and any(line.order_id.state == "cancel" for line in self):
            raise exceptions.UserError("Lines of a cancelled order cannot be changed.")
        result = super().write(vals)
        if {"qty_delivered", "product_uom_qty"} & set(vals):
            self.mapped("order_id")._update_invoice_status()
        return result

    def unlink(self):
        confirmed = self.filtered(lambda line: line.order_id.state == "sale"
                                  and not line.display_type)
        if confirmed:
            raise exceptions.UserError(
                f"Lines of confirmed order {confirmed[0].order_id.name} cannot be deleted; set "
                "their quantity to 0 instead.")
        return super().unlink()

    def _update_qty_invoiced(self) -> None:
        """Invoiced = quantities on invoices that are not cancelled, minus credit notes."""
        for line in self:
            quantity = 0.0
            for invoice_line in line.invoice_lines:
                move = invoice_line.move_id
                if move.state == "cancel":
                    continue
                sign = -1.0 if move.move_type == "out_refund" else 1.0
                quantity += sign * invoice_line.quantity
            if line.qty_invoiced != quantity:
                line.write({"qty_invoiced": quantity})
        self.mapped("order_id")._update_invoice_status()
