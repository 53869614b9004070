"""One pricing rule of a pricelist: where it applies, from which quantity, and how it prices."""

from __future__ import annotations

from typing import Any

from agora import api, exceptions, fields, models
from agora.addons.product.models.product_template import PRICE_DIGITS
from agora.addons.uom.rounding import float_round

APPLIED_ON = [("3_global", "All Products"), ("2_product_category", "Product Category"),
              ("1_product", "Product"), ("0_product_variant", "Product Variant")]


class ProductPricelistItem(models.Model):
    _name = "product.pricelist.item"
    _description = "Pricelist rule"
    # the most specific rule first, then the highest minimum quantity (Odoo's order)
    _order = "applied_on, min_quantity desc, categ_id desc, id desc"

    pricelist_id = fields.Many2one("product.pricelist", string="Pricelist", required=True,
                                   index=True, ondelete="cascade")
    # not stored: deleting a pricelist removes its rules by ON DELETE CASCADE, and the ORM
    # would then try to recompute stored copies on rules that no longer exist
    company_id = fields.Many2one("res.company", related="pricelist_id.company_id")
    currency_id = fields.Many2one("res.currency", related="pricelist_id.currency_id")
    applied_on = fields.Selection(APPLIED_ON, string="Apply On", required=True,
                                  default="3_global")
    categ_id = fields.Many2one("product.category", string="Product Category",
                               ondelete="cascade")
    product_tmpl_id = fields.Many2one("product.template", string="Product", ondelete="cascade")
    product_id = fields.Many2one("product.product", string="Product Variant",
                                 ondelete="cascade")
    min_quantity = fields.Float(string="Min. Quantity", default=0.0,
                                help="The rule applies from this quantity, in the product's unit.")
    date_start = fields.Date(string="Start Date")
    date_end = fields.Date(string="End Date")
    compute_price = fields.Selection([("fixed", "Fixed Price"), ("percentage", "Discount"),
                                      ("formula", "Formula")], string="Price Type",
                                     required=True, default="fixed")
    base = fields.Selection([("list_price", "Sales Price"), ("standard_price", "Cost")],
                            string="Based on", required=True, default="list_price")
    fixed_price = fields.Float(digits=PRICE_DIGITS)
    percent_price = fields.Float(string="Percentage Price")
    price_discount = fields.Float(string="Price Discount", digits=(16, 2))
    price_surcharge = fields.Float(string="Price Surcharge", digits=PRICE_DIGITS)
    price_round = fields.Float(string="Price Rounding", digits=PRICE_DIGITS,
                               help="Round the price to a multiple of this (0.05, 1.0...).")
    price_min_margin = fields.Float(string="Min. Price Margin", digits=PRICE_DIGITS)
    price_max_margin = fields.Float(string="Max. Price Margin", digits=PRICE_DIGITS)
    name = fields.Char(string="Name", compute="_compute_name_and_price")
    price = fields.Char(string="Price", compute="_compute_name_and_price")

    @api.depends("applied_on", "categ_id", "product_tmpl_id", "product_id", "compute_price",
                 "fixed_price", "percent_price", "price_discount", "price_surcharge")
    def _compute_name_and_price(self) -> None:
        for item in self:
            if item.applied_on == "0_product_variant" and item.product_id:
                item.name = item.product_id.display_name
            elif item.applied_on == "1_product" and item.product_tmpl_id:
                item.name = item.product_tmpl_id.display_name
            elif item.applied_on == "2_product_category" and item.categ_id:
                item.name = f"Category: {item.categ_id.display_name}"
            else:
                item.name = "All Products"
            if item.compute_price == "fixed":
                item.price = f"{item.fixed_price:.2f}"
            elif item.compute_price == "percentage":
                item.price = f"{item.percent_price:g} % discount"
            else:
                item.price = f"{item.price_discount:g} % discount and {item.price_surcharge:g} " \
                             "surcharge"

    @api.constrains("applied_on", "categ_id", "product_tmpl_id", "product_id")
    def _check_target(self) -> None:
        required = {"2_product_category": "categ_id", "1_product": "product_tmpl_id",
                    "0_product_variant": "product_id"}
        for item in self:
            name = required.get(item.applied_on)
            if name and not item[name]:
                raise exceptions.ValidationError(
                    f"Pricelist rule of {item.pricelist_id.name!r} applies on "
                    f"{dict(APPLIED_ON)[item.applied_on]!r} but has no {name} set.")

    @api.constrains("date_start", "date_end", "min_quantity", "price_round")
    def _check_values(self) -> None:
        for item in self:
            if item.date_start and item.date_end and item.date_start > item.date_end:
                raise exceptions.ValidationError(
                    f"Pricelist rule of {item.pricelist_id.name!r}: the start date "
                    f"{item.date_start} is after the end date {item.date_end}.")
            if item.min_quantity < 0:
                raise exceptions.ValidationError(
                    f"Pricelist rule of {item.pricelist_id.name!r}: the minimum quantity "
                    "cannot be negative.")
            if item.price_round < 0:
                raise exceptions.ValidationError(
                    f"Pricelist rule of {item.pricelist_id.name!r}: the price rounding "
                    "cannot be negative.")

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        return super().create([self._clear_other_targets(self._infer_applied_on(dict(vals)))
                               for vals in vals_list])

    def write(self, vals: dict[str, Any]) -> bool:
        return super().write(self._clear_other_targets(dict(vals)))

    @staticmethod
    def _infer_applied_on(vals: dict[str, Any]) -> dict[str, Any]:
        # a rule given a product but no "applied_on" is meant for that product, not all
        if "applied_on" not in vals:
            for name, applied_on in (("product_id", "0_product_variant"),
                                     ("product_tmpl_id", "1_product"),
                                     ("categ_id", "2_product_category")):
                if vals.get(name):
                    vals["applied_on"] = applied_on
                    break
        return vals

    @staticmethod
    def _clear_other_targets(vals: dict[str, Any]) -> dict[str, Any]:
        # a rule keeps only the target its "applied_on" uses: a stale product on a
        # category rule would mislead whoever reads it
        applied_on = vals.get("applied_on")
        targets = {"3_global": (), "2_product_category": ("categ_id",),
                   "1_product": ("product_tmpl_id",), "0_product_variant": ("product_id",)}
        if applied_on in targets:
            for name in ("categ_id", "product_tmpl_id", "product_id"):
                if name not in targets[applied_on]:
                    vals[name] = False
        return vals

    # -- pricing ---------------------------------------------------------------------------
    def _compute_price(self, base_price: float, cost: float) -> float:
        """The price this rule gives to a product whose base prices (per its own unit, in
        the pricelist's currency) are ``base_price`` (sales) and ``cost``."""
        self.ensure_one()
        if self.compute_price == "fixed":
            return self.fixed_price
        price = cost if self.base == "standard_price" else base_price
        if self.compute_price == "percentage":
            return price - price * self.percent_price / 100.0
        margin_base = price
        price = price - price * self.price_discount / 100.0
        if self.price_round:
            price = float_round(price, self.price_round, "HALF-UP")
        price += self.price_surcharge
        if self.price_min_margin:
            price = max(price, margin_base + self.price_min_margin)
        if self.price_max_margin:
            price = min(price, margin_base + self.price_max_margin)
        return price
