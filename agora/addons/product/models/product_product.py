"""The product variant: what order lines, stock moves and invoices point to."""

from __future__ import annotations

import re
from typing import Any

from agora import api, fields, models
from agora.addons.product.models.product_template import PRICE_DIGITS

# "[CODE] Name", as display names show a product, typed back into a search box
_CODE_AND_NAME = re.compile(r"^\s*\[(?P<code>[^\]]+)\]\s*(?P<name>.*)$")
_POSITIVE_OPERATORS = ("ilike", "like", "=ilike", "=like", "=")


class ProductProduct(models.Model):
    _name = "product.product"
    _description = "Product Variant"
    _inherits = {"product.template": "product_tmpl_id"}
    _order = "default_code, id"
    _sql_constraints = [
        ("barcode_uniq", "unique(barcode)", "A barcode can only be assigned to one product."),
    ]

    product_tmpl_id = fields.Many2one("product.template", string="Product Template",
                                      required=True, ondelete="cascade", index=True)
    default_code = fields.Char(string="Internal Reference", index=True)
    barcode = fields.Char(copy=False, index=True)
    active = fields.Boolean(default=True)
    lst_price = fields.Float(string="Sales Price", digits=PRICE_DIGITS,
                             compute="_compute_product_lst_price",
                             inverse="_set_product_lst_price")

    @api.depends("product_tmpl_id.list_price")
    def _compute_product_lst_price(self) -> None:
        for product in self:
            product.lst_price = product.product_tmpl_id.list_price

    def _set_product_lst_price(self) -> None:
        for product in self:
            product.product_tmpl_id.list_price = product.lst_price

    @api.depends("default_code", "product_tmpl_id.name")
    def _compute_display_name(self) -> None:
        for product in self:
            name = product.product_tmpl_id.name or ""
            product.display_name = f"[{product.default_code}] {name}" if product.default_code \
                else name

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        # the template _inherits creates must not create a variant of its own
        products = super(ProductProduct, self.with_context(create_product_product=False)) \
            .create(vals_list)
        return products.with_env(self.env)

    def copy(self, default: dict[str, Any] | None = None) -> Any:
        """A copy of the product is the variant of a copy of its template (one variant per
        template: copying the template already made it)."""
        self.ensure_one()
        default = dict(default or {})
        own = {name: default.pop(name) for name in list(default)
               if name in self._own_field_names and name != "product_tmpl_id"}
        variant = self.product_tmpl_id.copy(default).product_variant_id
        if own:
            variant.write(own)
        return variant

    def unlink(self) -> bool:
        templates = self.mapped("product_tmpl_id")
        result = super().unlink()
        # one variant per template: a template left without variant goes with it
        orphans = templates.exists().filtered(
            lambda template: not template.with_context(active_test=False).product_variant_ids)
        if orphans:
            orphans.unlink()
        return result

    @api.model
    def name_search(self, name: str = "", domain: Any = None, operator: str = "ilike",
                    limit: int | None = 100, args: Any = None) -> list[tuple[int, str]]:
        """Match the internal reference or the name; an exact reference comes first."""
        domain = list(domain or args or [])
        if not name or operator not in _POSITIVE_OPERATORS:
            return super().name_search(name, domain, operator, limit)
        found = self.browse()
        exact = self.search(["&", ("default_code", "=", name), *self._wrap(domain)], limit=limit)
        found |= exact
        remaining = None if limit is None else limit - len(found)
        if remaining is None or remaining > 0:
            match = _CODE_AND_NAME.match(name)
            code_or_name = ["|", ("default_code", operator, name), ("name", operator, name)]
            if match:
                code_or_name = ["|", ("default_code", operator, match["code"]), *code_or_name]
            more = self.search(["&", "&", ("id", "not in", found.ids), *code_or_name,
                                *self._wrap(domain)], limit=remaining)
            found |= more
        return [(product.id, product.display_name) for product in found]

    @staticmethod
    def _wrap(domain: list[Any]) -> list[Any]:
        # an empty domain must still fill the "&" it is the right operand of
        return domain if domain else [(1, "=", 1)]
