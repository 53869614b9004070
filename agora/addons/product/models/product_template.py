"""The product as sold and bought: one template, one variant (variants are not in scope)."""

from __future__ import annotations

from typing import Any

from agora import api, exceptions, fields, models

# Prices have no decimal.precision model yet: two decimals, as Odoo's default "Product Price"
PRICE_DIGITS = (16, 2)
# What a template passes down to its variant rather than storing itself
VARIANT_FIELDS = ("default_code", "barcode")


class ProductTemplate(models.Model):
    _name = "product.template"
    _description = "Product"
    _order = "priority desc, name, id"

    name = fields.Char(required=True, index=True)
    sequence = fields.Integer(default=1)
    priority = fields.Selection([("0", "Normal"), ("1", "Favorite")], default="0")
    description = fields.Html()
    description_sale = fields.Text(string="Sales Description",
                                   help="Printed on quotations and invoices.")
    description_purchase = fields.Text(string="Purchase Description")
    type = fields.Selection([("consu", "Goods"), ("service", "Service")], string="Product Type",
                            required=True, default="consu")
    categ_id = fields.Many2one("product.category", string="Product Category", required=True,
                               index=True, default=lambda self: self._default_category())
    list_price = fields.Float(string="Sales Price", digits=PRICE_DIGITS, default=1.0)
    standard_price = fields.Float(string="Cost", digits=PRICE_DIGITS, default=0.0)
    uom_id = fields.Many2one("uom.uom", string="Unit of Measure", required=True,
                             default=lambda self: self._default_uom())
    uom_po_id = fields.Many2one("uom.uom", string="Purchase Unit", required=True,
                                default=lambda self: self._default_uom())
    uom_name = fields.Char(related="uom_id.name", string="Unit of Measure Name")
    sale_ok = fields.Boolean(string="Can be Sold", default=True)
    purchase_ok = fields.Boolean(string="Can be Purchased", default=True)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one("res.company", string="Company", index=True)
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    weight = fields.Float(digits=(16, 3))
    volume = fields.Float(digits=(16, 3))
    # stored copies of the variant's code and barcode, so templates search and sort on them
    default_code = fields.Char(string="Internal Reference", compute="_compute_variant_codes",
                               inverse="_set_variant_codes", store=True, index=True)
    barcode = fields.Char(compute="_compute_variant_codes", inverse="_set_variant_codes",
                          store=True)
    product_variant_ids = fields.One2many("product.product", "product_tmpl_id",
                                          string="Products")
    product_variant_id = fields.Many2one("product.product", string="Product",
                                         compute="_compute_product_variant_id")
    product_variant_count = fields.Integer(string="# Variants",
                                           compute="_compute_product_variant_id")

    def _default_category(self) -> int | bool:
        category = self.env.ref("product.product_category_all", raise_if_not_found=False)
        return category.id if category else False

    def _default_uom(self) -> int | bool:
        unit = self.env.ref("uom.product_uom_unit", raise_if_not_found=False)
        return unit.id if unit else False

    def _compute_currency_id(self) -> None:
        main_currency = self.env.company.currency_id
        for template in self:
            template.currency_id = template.company_id.currency_id or main_currency

    @api.depends("product_variant_ids.default_code", "product_variant_ids.barcode")
    def _compute_variant_codes(self) -> None:
        for template in self.with_context(active_test=False):
            # an archived product keeps its code: look at archived variants too
            variants = template.product_variant_ids
            single = variants[:1] if len(variants) == 1 else variants.browse()
            template.default_code = single.default_code or False
            template.barcode = single.barcode or False

    @api.depends("name", "default_code")
    def _compute_display_name(self) -> None:
        for template in self:
            template.display_name = f"[{template.default_code}] {template.name}" \
                if template.default_code else template.name or ""

    @api.onchange("uom_id")
    def _onchange_uom_id(self) -> None:
        for template in self:
            if template.uom_id and template.uom_po_id.category_id != template.uom_id.category_id:
                template.uom_po_id = template.uom_id

    @api.constrains("uom_id", "uom_po_id")
    def _check_uom_categories(self) -> None:
        for template in self:
            if template.uom_po_id and template.uom_id.category_id != \
                    template.uom_po_id.category_id:
                raise exceptions.ValidationError(
                    f"Product {template.name!r}: the purchase unit {template.uom_po_id.name!r} "
                    f"and the unit {template.uom_id.name!r} must be of the same category.")

    def _set_variant_codes(self) -> None:
        # create() and write() already route these to the variant; kept for any other
        # path that sets the field and calls its inverse
        for template in self:
            template.with_context(active_test=False).product_variant_ids.write(
                {"default_code": template.default_code, "barcode": template.barcode})

    @api.depends("product_variant_ids")
    def _compute_product_variant_id(self) -> None:
        for template in self:
            variants = template.product_variant_ids
            template.product_variant_id = variants[:1]
            template.product_variant_count = len(variants)

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        variant_vals = []
        template_vals = []
        for vals in vals_list:
            vals = dict(vals)
            if vals.get("uom_id") and not vals.get("uom_po_id"):
                # bought in the unit it is sold in unless told otherwise
                vals["uom_po_id"] = vals["uom_id"]
            variant_vals.append({name: vals.pop(name) for name in VARIANT_FIELDS if name in vals})
            template_vals.append(vals)
        templates = super().create(template_vals)
        # product.product creates its own template first (through _inherits) and passes
        # this flag, so that template does not get a second variant
        if self.env.context.get("create_product_product", True):
            self.env["product.product"].create([
                {**own, "product_tmpl_id": template.id, "active": template.active}
                for template, own in zip(templates, variant_vals, strict=True)])
        return templates

    def write(self, vals: dict[str, Any]) -> bool:
        vals = dict(vals)
        own = {name: vals.pop(name) for name in VARIANT_FIELDS if name in vals}
        result = super().write(vals) if vals else True
        if own:
            # a template has exactly one variant: its code and barcode are the variant's
            self.with_context(active_test=False).mapped("product_variant_ids").write(own)
        if "active" in vals:
            self.with_context(active_test=False).mapped("product_variant_ids").write(
                {"active": vals["active"]})
        return result

    def copy(self, default: dict[str, Any] | None = None) -> Any:
        default = dict(default or {})
        default.setdefault("name", f"{self.name} (copy)")
        return super().copy(default)

    @api.model
    def name_search(self, name: str = "", domain: Any = None, operator: str = "ilike",
                    limit: int | None = 100, args: Any = None) -> list[tuple[int, str]]:
        """Match the internal reference as well as the name (Odoo's behaviour)."""
        domain = list(domain or args or [])
        if not name or operator not in ("ilike", "like", "=ilike", "=like", "="):
            return super().name_search(name, domain, operator, limit)
        templates = self.search(["&", "|", ("default_code", operator, name),
                                 ("name", operator, name), *(domain or [(1, "=", 1)])],
                                limit=limit)
        return [(template.id, template.display_name) for template in templates]

    def _price_compute(self, price_type: str = "list_price") -> dict[int, float]:
        """``{template id: price}`` of ``price_type`` (list_price or standard_price)."""
        return {template.id: template[price_type] or 0.0 for template in self}
