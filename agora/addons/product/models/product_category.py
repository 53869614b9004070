from __future__ import annotations

from agora import api, exceptions, fields, models


class ProductCategory(models.Model):
    _name = "product.category"
    _description = "Product category"
    _order = "complete_name"
    _rec_name = "complete_name"
    _parent_name = "parent_id"
    _parent_store = True

    name = fields.Char(required=True, index=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, index=True,
                                recursive=True)
    parent_id = fields.Many2one("product.category", string="Parent Category", index=True,
                                ondelete="cascade")
    child_id = fields.One2many("product.category", "parent_id", string="Child Categories")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self) -> None:
        for category in self:
            if category.parent_id:
                category.complete_name = f"{category.parent_id.complete_name} / {category.name}"
            else:
                category.complete_name = category.name

    @api.constrains("parent_id")
    def _check_category_recursion(self) -> None:
        for category in self:
            seen = set()
            node = category
            while node:
                if node.id in seen:
                    raise exceptions.ValidationError(
                        f"Category {category.name!r} cannot be its own ancestor.")
                seen.add(node.id)
                node = node.parent_id
