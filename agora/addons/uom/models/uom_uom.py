"""A unit of measure and the conversions of quantities and prices between two units."""

from __future__ import annotations

from typing import Any

from agora import api, exceptions, fields, models
from agora.addons.uom.rounding import float_round


class UomUom(models.Model):
    _name = "uom.uom"
    _description = "Unit of measure"
    _order = "category_id, factor desc, id"
    _sql_constraints = [
        ("factor_gt_zero", "CHECK (factor > 0)",
         "A unit's ratio to its reference unit must be greater than zero."),
        ("rounding_gt_zero", "CHECK (rounding > 0)",
         "A unit's rounding precision must be greater than zero."),
    ]

    name = fields.Char(string="Unit of Measure", required=True)
    category_id = fields.Many2one("uom.category", string="Category", required=True,
                                  ondelete="restrict", index=True)
    # Odoo's convention: how many of this unit make one reference unit (a dozen: 1/12)
    factor = fields.Float(string="Ratio", required=True, default=1.0)
    factor_inv = fields.Float(string="Bigger Ratio", compute="_compute_factor_inv",
                              inverse="_inverse_factor_inv", store=False)
    uom_type = fields.Selection([("bigger", "Bigger than the reference Unit of Measure"),
                                 ("reference", "Reference Unit of Measure for this category"),
                                 ("smaller", "Smaller than the reference Unit of Measure")],
                                string="Type", required=True, default="reference")
    rounding = fields.Float(string="Rounding Precision", required=True, default=0.01)
    active = fields.Boolean(default=True)

    @api.depends("factor")
    def _compute_factor_inv(self) -> None:
        for unit in self:
            unit.factor_inv = 1.0 / unit.factor if unit.factor else 0.0

    def _inverse_factor_inv(self) -> None:
        for unit in self:
            if not unit.factor_inv or unit.factor_inv <= 0:
                raise exceptions.ValidationError(
                    f"Unit {unit.name!r}: the bigger ratio must be greater than zero.")
            unit.factor = 1.0 / unit.factor_inv

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        return super().create([self._reference_has_factor_one(dict(vals)) for vals in vals_list])

    def write(self, vals: dict[str, Any]) -> bool:
        return super().write(self._reference_has_factor_one(dict(vals)))

    @staticmethod
    def _reference_has_factor_one(vals: dict[str, Any]) -> dict[str, Any]:
        # the reference unit defines the category's scale: its ratio is 1 by definition
        if vals.get("uom_type") == "reference":
            vals["factor"] = 1.0
            vals.pop("factor_inv", None)
        return vals

    @api.constrains("category_id", "uom_type", "active")
    def _check_one_reference_per_category(self) -> None:
        categories = self.mapped("category_id")
        if not categories:
            return
        counts = {category.id: 0 for category in categories}
        references = self.search([("category_id", "in", categories.ids),
                                  ("uom_type", "=", "reference")])
        for unit in references:
            counts[unit.category_id.id] += 1
        for category in categories:
            if counts[category.id] > 1:
                raise exceptions.ValidationError(
                    f"Category {category.name!r} has {counts[category.id]} reference units of "
                    "measure: it must have exactly one.")
            if counts[category.id] == 0:
                raise exceptions.ValidationError(
                    f"Category {category.name!r} has no reference unit of measure: it must "
                    "have exactly one.")

    # -- conversions -----------------------------------------------------------------------
    def _check_same_category(self, to_unit: UomUom) -> None:
        if self.category_id != to_unit.category_id:
            raise exceptions.UserError(
                f"Cannot convert from {self.name!r} ({self.category_id.name}) to "
                f"{to_unit.name!r} ({to_unit.category_id.name}): units of different "
                "categories are not convertible.")

    def _compute_quantity(self, qty: float, to_unit: UomUom, round: bool = True,
                          rounding_method: str = "UP", raise_if_failure: bool = True) -> float:
        """``qty`` of this unit expressed in ``to_unit``, rounded to ``to_unit.rounding``.

        Odoo rounds UP by default so that converting a need never loses a fraction of it."""
        if not self or not qty:
            return qty
        self.ensure_one()
        if not to_unit or self == to_unit:
            return qty
        if self.category_id != to_unit.category_id:
            if raise_if_failure:
                self._check_same_category(to_unit)
            return qty
        amount = qty / self.factor * to_unit.factor
        if round:
            amount = float_round(amount, to_unit.rounding, rounding_method)
        return amount

    def _compute_price(self, price: float, to_unit: UomUom) -> float:
        """A price per this unit expressed per ``to_unit`` (12.0 per Unit -> 144.0 per Dozen)."""
        self.ensure_one()
        if not price or not to_unit or self == to_unit:
            return price
        self._check_same_category(to_unit)
        return price * self.factor / to_unit.factor
