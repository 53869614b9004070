"""fields_get and default_get: what clients ask about a model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agora.orm import access, api
from agora.orm.exceptions import InvalidValueError, UserError
from agora.orm.fields.base import MISSING
from agora.orm.model_search import check_names

if TYPE_CHECKING:
    from agora.orm.models import BaseModel


class DescribeMixin:
    __slots__ = ()

    @api.model
    def fields_get(self: BaseModel, allfields: list[str] | None = None,
                   attributes: list[str] | None = None) -> dict[str, dict[str, Any]]:
        """``{name: {type, string, required, readonly, ...}}`` for the model's fields."""
        for name, value in (("allfields", allfields), ("attributes", attributes)):
            if value and (not isinstance(value, list | tuple)
                          or not all(isinstance(item, str) for item in value)):
                raise InvalidValueError(f"{self._name}.fields_get: {name} must be a list of "
                                        f"names, got {value!r}", model=self._name)
        names = allfields or list(self._fields)
        result: dict[str, dict[str, Any]] = {}
        for name in names:
            field = self._fields.get(name)
            if field is None:
                continue  # Odoo ignores unknown names here
            if field.groups and not access.accessible_fields(self, [field]):
                continue  # restricted to groups the user is not in: not shown
            info = field.describe()
            if field.type == "selection" and "selection" not in info:
                info["selection"] = [list(pair) for pair in field.get_selection(self)]
            if attributes:
                info = {key: value for key, value in info.items() if key in attributes}
            result[name] = info
        return result

    @api.model
    @api.readonly
    def get_views(self: BaseModel, views: list[list[Any]],
                  options: dict[str, Any] | None = None) -> dict[str, Any]:
        """The view definitions the web client asks for: ``views`` is a list of
        ``[view_id or False, view_type]``; answers ``{"views": {type: {arch, id, model}},
        "models": {name: {"fields": ...}}}``. Views are data of the base module, which
        the ORM does not import: the work is done by ``ir.ui.view``."""
        if "ir.ui.view" not in self.env:
            raise UserError(f"{self._name}.get_views: views are not available on this "
                            "database (the base module is not installed)", model=self._name)
        return self.env["ir.ui.view"]._get_views_for(self._name, views, options)

    @api.model
    def fields_get_keys(self: BaseModel) -> list[str]:
        """The names of the model's fields (erppeek's ``Model.keys()``)."""
        return list(self.fields_get(attributes=["type"]))

    @api.model
    def default_get(self: BaseModel, fields_list: list[str]) -> dict[str, Any]:
        """Default values for ``fields_list``: context ``default_<name>``, then the
        field's ``default``."""
        context = self.env.context
        result: dict[str, Any] = {}
        for name in check_names(self, "fields_list", fields_list):
            field = self._field(name)
            key = f"default_{name}"
            if key in context:
                result[name] = context[key]
                continue
            value = field.get_default(self)
            if value is not MISSING:
                if hasattr(value, "_ids"):
                    value = field.convert_to_write(value, self)
                result[name] = value
        for parent_model, link in self._inherits.items():
            parent_names = [n for n in fields_list
                            if n not in self._own_field_names and n not in result
                            and n in self.env[parent_model]._fields and n != link]
            if parent_names:
                parent_defaults = self.env[parent_model].default_get(parent_names)
                result.update(parent_defaults)
        return result
