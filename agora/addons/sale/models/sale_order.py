"""Quotations and sales orders."""

from agora import api, exceptions, fields, models

STATES = [("draft", "Quotation"), ("sent", "Quotation Sent"), ("sale", "Sales Order"),
          ("cancel", "Cancelled")]


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Sales Order"
    _order = "date_order desc, id desc"

    name = fields.Char(string="Order Reference", required=True, copy=False, readonly=True,
                       default="New", index=True)
    state = fields.Selection(STATES, string="Status", readonly=True, copy=False, index=True,
                             default="draft", tracking=True)
    date_order = fields.Datetime(string="Order Date", required=True, copy=False,
                                 default=fields.Datetime.now)
    validity_date = fields.Date(string="Expiration")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True,
                                 tracking=True)
    partner_invoice_id = fields.Many2one("res.partner", string="Invoice Address")
    partner_shipping_id = fields.Many2one("res.partner", string="Delivery Address")
    pricelist_id = fields.Many2one("product.pricelist", string="Pricelist")
    currency_id = fields.Many2one("res.currency", required=True,
                                  default=lambda self: self.env.company.currency_id.id)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True, tracking=True,
                              default=lambda self: self.env.uid)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    order_line = fields.One2many("sale.order.line", "order_id", string="Order Lines", copy=True)
    note = fields.Html(string="Terms and conditions")
    payment_term_id = fields.Many2one("account.payment.term", string="Payment Terms")
    client_order_ref = fields.Char(string="Customer Reference", copy=False)
    origin = fields.Char(string="Source Document")
    amount_untaxed = fields.Monetary(compute="_compute_amounts", store=True, tracking=True)
    amount_tax = fields.Monetary(string="Taxes", compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(string="Total", compute="_compute_amounts", store=True)
    invoice_status = fields.Selection(
        [("no", "Nothing to Invoice"), ("to invoice", "To Invoice"),
         ("invoiced", "Fully Invoiced")], readonly=True, copy=False, default="no", index=True,
        help="Kept up to date when the order is confirmed and when its invoices change.")
    invoice_ids = fields.Many2many("account.move", compute="_compute_invoices",
                                   string="Invoices")
    invoice_count = fields.Integer(compute="_compute_invoices", string="Invoice Count")

    @api.depends("order_line.price_subtotal", "order_line.price_tax")
    def _compute_amounts(self):
        for order in self:
            lines = order.order_line
            order.amount_untaxed = order.currency_id.round(sum(lines.mapped("price_subtotal")))
            order.amount_tax = order.currency_id.round(sum(lines.mapped("price_tax")))
            order.amount_total = order.amount_untaxed + order.amount_tax

    @api.depends("order_line.invoice_lines")
    def _compute_invoices(self):
        for order in self:
            moves = order.order_line.mapped("invoice_lines.move_id").filtered(
                lambda m: m.move_type in ("out_invoice", "out_refund"))
            order.invoice_ids = moves
            order.invoice_count = len(moves)

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"]
        prepared = []
        for vals in vals_list:
            vals = dict(vals)
            if vals.get("name", "New") == "New":
                vals["name"] = sequence.next_by_code("sale.order") or "New"
            if vals.get("partner_id") and not vals.get("partner_invoice_id"):
                vals["partner_invoice_id"] = vals["partner_id"]
            if vals.get("partner_id") and not vals.get("partner_shipping_id"):
                vals["partner_shipping_id"] = vals["partner_id"]
            prepared.append(vals)
        return super().create(self._with_amounts(prepared))

    def _with_amounts(self, vals_list: list[dict]) -> list[dict]:
        """Orders created with their lines get the lines' amounts and their own totals
        before the insert, so nothing is recomputed (nor written again) at flush."""
        company = self.env.company
        lines, owners = [], []
        keyed: dict[int, tuple] = {}
        for index, vals in enumerate(vals_list):
            commands = vals.get("order_line")
            if not isinstance(commands, list) or not commands or any(
                    not isinstance(c, list | tuple) or c[0] != 0 for c in commands) \
                    or "amount_total" in vals:
                continue
            currency = self.env["res.currency"].browse(vals.get("currency_id")) \
                if vals.get("currency_id") else company.currency_id
            # keys start at 1: a line's "order_id" must be truthy
            keyed[index + 1] = (currency, self.env["res.company"].browse(vals["company_id"])
                            if vals.get("company_id") else company)
            for command in commands:
                lines.append({**command[2], "order_id": index + 1})
                owners.append(index)
        if not lines:
            return vals_list
        lines = self.env["sale.order.line"]._with_amounts(lines, keyed)
        result = [dict(vals) for vals in vals_list]
        for key in keyed:
            result[key - 1]["order_line"] = []
        totals = {key - 1: [0.0, 0.0] for key in keyed}
        for owner, line in zip(owners, lines, strict=True):
            line = {k: v for k, v in line.items() if k != "order_id"}
            result[owner]["order_line"].append((0, 0, line))
            totals[owner][0] += line.get("price_subtotal", 0.0)
            totals[owner][1] += line.get("price_tax", 0.0)
        for index, (untaxed, tax) in totals.items():
            currency = keyed[index + 1][0]
            if any("price_subtotal" not in c[2] for c in result[index]["order_line"]
                   if not c[2].get("display_type")):
                continue  # some line's taxes were not given plainly: the compute decides
            result[index].update({"amount_untaxed": currency.round(untaxed),
                                  "amount_tax": currency.round(tax),
                                  "amount_total": currency.round(untaxed) + currency.round(tax)})
        return result

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        for order in self:
            partner = order.partner_id
            order.partner_invoice_id = partner
            order.partner_shipping_id = partner
            if partner.property_payment_term_id:
                order.payment_term_id = partner.property_payment_term_id

    # -- workflow -----------------------------------------------------------------------
    def action_confirm(self):
        """Quotation → sales order."""
        for order in self:
            if order.state not in ("draft", "sent"):
                raise exceptions.UserError(
                    f"Order {order.name} is {dict(STATES)[order.state].lower()}: only "
                    "quotations can be confirmed.")
            if not order.order_line.filtered(lambda line: not line.display_type):
                raise exceptions.UserError(
                    f"Order {order.name} has no product line: add one before confirming.")
        self.write({"state": "sale", "date_order": fields.Datetime.now()})
        self._update_invoice_status()
        return True

    def action_cancel(self):
        invoiced = self.filtered(lambda o: o.invoice_ids.filtered(
            lambda m: m.state == "posted"))
        if invoiced:
            raise exceptions.UserError(
                f"Order {', '.join(invoiced.mapped('name'))} has posted invoices: reverse them "
                "before cancelling the order.")
        self.mapped("invoice_ids").filtered(lambda m: m.state == "draft").button_cancel()
        self.write({"state": "cancel"})
        self._update_invoice_status()
        return True

    def action_draft(self):
        if any(order.state != "cancel" for order in self):
            raise exceptions.UserError("Only cancelled orders can be set back to quotation.")
        self.write({"state": "draft"})
        return True

    def action_quotation_send(self):
        """E-mail the quotation to the customer with the sale's template; a draft becomes
        "sent"."""
        template = self.env.ref("sale.email_template_edi_sale")
        for order in self:
            if not order.partner_id.email:
                raise exceptions.UserError(
                    f"Customer {order.partner_id.display_name} has no e-mail address.")
            order.message_post_with_template(template.id)
        self.filtered(lambda o: o.state == "draft").write({"state": "sent"})
        return True

    def _update_invoice_status(self) -> None:
        for order in self:
            if order.state != "sale":
                status = "no"
            else:
                lines = order.order_line.filtered(lambda line: not line.display_type)
                statuses = set(lines.mapped("invoice_status"))
                if "to invoice" in statuses:
                    status = "to invoice"
                elif statuses and statuses <= {"invoiced"}:
                    status = "invoiced"
                else:
                    status = "no"
            if order.invoice_status != status:
                order.write({"invoice_status": status})
