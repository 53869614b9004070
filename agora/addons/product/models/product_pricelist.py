"""Pricelists: the price of products for a customer, from the most specific matching rule."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from typing import Any

from agora import exceptions, fields, models


class ProductPricelist(models.Model):
    _name = "product.pricelist"
    _description = "Pricelist"
    _order = "sequence, id"

    name = fields.Char(string="Pricelist Name", required=True)
    sequence = fields.Integer(default=16)
    active = fields.Boolean(default=True)
    currency_id = fields.Many2one("res.currency", required=True,
                                  default=lambda self: self.env.company.currency_id.id)
    company_id = fields.Many2one("res.company", string="Company")
    item_ids = fields.One2many("product.pricelist.item", "pricelist_id", string="Pricelist Rules",
                               copy=True)

    # -- public pricing API (Odoo's names) -------------------------------------------------
    def _get_product_price(self, product: Any, quantity: float, uom: Any = None,
                           date: Date | datetime | None = None, **kwargs: Any) -> float:
        """The unit price of ``product`` (a product.product or product.template) for
        ``quantity`` of ``uom`` (default: the product's unit) on ``date`` (default today)."""
        self.ensure_one()
        product.ensure_one()
        return self._compute_price_rule(product, quantity, uom=uom, date=date)[product.id][0]

    def _get_products_price(self, products: Any, quantity: float, uom: Any = None,
                            date: Date | datetime | None = None, **kwargs: Any
                            ) -> dict[int, float]:
        """``{product id: unit price}`` of all ``products``, in a constant number of queries."""
        self.ensure_one()
        return {product_id: price for product_id, (price, _rule_id)
                in self._compute_price_rule(products, quantity, uom=uom, date=date).items()}

    def _get_product_rule(self, product: Any, quantity: float, uom: Any = None,
                          date: Date | datetime | None = None, **kwargs: Any) -> int | bool:
        """The id of the rule that prices ``product`` (False: its sales price applies)."""
        self.ensure_one()
        product.ensure_one()
        return self._compute_price_rule(product, quantity, uom=uom, date=date)[product.id][1]

    def _compute_price_rule(self, products: Any, quantity: float, uom: Any = None,
                            date: Date | datetime | None = None, **kwargs: Any
                            ) -> dict[int, tuple[float, int | bool]]:
        """``{product id: (price, rule id or False)}``: each product priced by the first rule
        that matches it (variant, then template, then its category or an ancestor of it,
        then global; within one level the highest minimum quantity), for ``quantity`` of
        ``uom`` on ``date``. The price is per ``uom``, in the pricelist's currency."""
        self.ensure_one()
        if not products:
            return {}
        if quantity is None or quantity < 0:
            raise exceptions.UserError(
                f"Pricelist {self.name!r}: the quantity to price must be zero or more, "
                f"got {quantity!r}.")
        on = date.date() if isinstance(date, datetime) else date or fields.Date.today()
        is_template = products._name == "product.template"
        templates = products if is_template else products.mapped("product_tmpl_id")
        # one read of what matching needs, for all products at once (prefetch)
        categories = templates.mapped("categ_id")
        rules = self._candidate_rules(products, templates, categories, on)
        ancestors = {category.id: [int(i) for i in (category.parent_path or "").split("/") if i]
                     for category in categories}
        results: dict[int, tuple[float, int | bool]] = {}
        rates: dict[int, float] = {}
        for product in products:
            template = product if is_template else product.product_tmpl_id
            product_uom = template.uom_id
            qty = quantity
            if uom and uom != product_uom:
                qty = uom._compute_quantity(quantity, product_uom, round=False)
            rule = self._first_matching_rule(rules, product, template, is_template,
                                             ancestors.get(template.categ_id.id, []), qty)
            base_price = self._base_price(template, "list_price", on, rates)
            if rule:
                cost = self._base_price(template, "standard_price", on, rates)
                price = rule._compute_price(base_price, cost)
            else:
                price = base_price
            if uom and uom != product_uom:
                price = product_uom._compute_price(price, uom)
            results[product.id] = (price, rule.id if rule else False)
        return results

    def _candidate_rules(self, products: Any, templates: Any, categories: Any, on: Date) -> Any:
        """Every rule of the pricelist that may apply to one of the products on ``on``."""
        category_ids = {int(i) for category in categories
                        for i in (category.parent_path or "").split("/") if i}
        target = ["|", "|", "|", ("applied_on", "=", "3_global"),
                  "&", ("applied_on", "=", "2_product_category"),
                  ("categ_id", "in", sorted(category_ids)),
                  "&", ("applied_on", "=", "1_product"), ("product_tmpl_id", "in", templates.ids),
                  "&", ("applied_on", "=", "0_product_variant"),
                  ("product_id", "in", templates.mapped("product_variant_ids").ids
                   if products._name == "product.template" else products.ids)]
        rules = self.env["product.pricelist.item"].search([
            ("pricelist_id", "=", self.id),
            "|", ("date_start", "=", False), ("date_start", "<=", on),
            "|", ("date_end", "=", False), ("date_end", ">=", on),
            *target,
        ])
        # load every rule's values now: matching reads them in memory for each product
        rules.read(["applied_on", "categ_id", "product_tmpl_id", "product_id", "min_quantity",
                    "compute_price", "base", "fixed_price", "percent_price", "price_discount",
                    "price_surcharge", "price_round", "price_min_margin", "price_max_margin"],
                   load=None)
        return rules

    @staticmethod
    def _first_matching_rule(rules: Any, product: Any, template: Any, is_template: bool,
                             category_path: list[int], qty: float) -> Any:
        """The most specific rule for one product: variant > template > nearest category >
        global, then the highest minimum quantity the ordered quantity reaches."""
        depth = {categ_id: position for position, categ_id in enumerate(category_path)}
        best = None
        best_key: tuple[Any, ...] | None = None
        for rule in rules:
            if rule.min_quantity and qty < rule.min_quantity:
                continue
            applied_on = rule.applied_on
            if applied_on == "0_product_variant":
                variant = template.product_variant_id if is_template else product
                if rule.product_id != variant:
                    continue
                specificity = 0
            elif applied_on == "1_product":
                if rule.product_tmpl_id != template:
                    continue
                specificity = 1
            elif applied_on == "2_product_category":
                if rule.categ_id.id not in depth:
                    continue
                # a deeper category is more specific than its parent
                specificity = 2 + (len(category_path) - depth[rule.categ_id.id]) / 1000.0
            else:
                specificity = 3
            key = (specificity, -rule.min_quantity)
            if best_key is None or key < best_key:
                best, best_key = rule, key
        return best

    def _base_price(self, template: Any, price_type: str, on: Date,
                    rates: dict[int, float]) -> float:
        """The template's price of ``price_type`` in the pricelist's currency; ``rates``
        caches one conversion rate per currency, so many products cost one rate lookup."""
        price = template[price_type] or 0.0
        currency = template.currency_id
        if currency and self.currency_id and currency != self.currency_id:
            if currency.id not in rates:
                rates[currency.id] = currency._convert(1.0, self.currency_id, on=on, round=False)
            price *= rates[currency.id]
        return price
