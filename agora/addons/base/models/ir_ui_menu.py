"""Menus of the web client: a tree (``_parent_store``), each entry opening an action and
visible to the users of its groups (to everyone without groups)."""

from __future__ import annotations

from typing import Any

from agora import api, fields, models
from agora.orm.environment import SUPERUSER_ID
from agora.orm.exceptions import ValidationError

MENU_SEPARATOR = "/"


class IrUiMenu(models.Model):
    _name = "ir.ui.menu"
    _description = "Menu"
    _order = "sequence, id"
    _parent_store = True
    _rec_name = "complete_name"

    name = fields.Char(string="Menu", required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    parent_id = fields.Many2one("ir.ui.menu", string="Parent Menu", index=True,
                                ondelete="restrict")
    child_id = fields.One2many("ir.ui.menu", "parent_id", string="Child IDs")
    groups_id = fields.Many2many("res.groups", "ir_ui_menu_group_rel", "menu_id", "gid",
                                 string="Groups",
                                 help="Only these groups see the menu; nobody restricted "
                                      "when empty.")
    complete_name = fields.Char(string="Full Path", compute="_compute_complete_name",
                                store=True, index=True)
    web_icon = fields.Char(string="Web Icon File")
    action = fields.Reference(selection="_selection_action_models", string="Action")

    def _selection_action_models(self) -> list[tuple[str, str]]:
        registry = self.env.registry
        return [(name, registry[name]._description or name) for name in registry
                if name.startswith("ir.actions.") and not registry[name]._abstract]

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self) -> None:
        for menu in self:
            name = menu.name or ""
            # a parent chain that loops is refused by _check_parent, which runs after
            # this compute: stop here instead of recursing forever
            if menu.parent_id and not menu._has_cycle():
                name = f"{menu.parent_id.complete_name}{MENU_SEPARATOR}{name}"
            menu.complete_name = name

    @api.constrains("parent_id")
    def _check_parent(self) -> None:
        if self._has_cycle():
            raise ValidationError("ir.ui.menu: a menu cannot be its own ancestor",
                                  model=self._name, field="parent_id")

    # -- visibility ---------------------------------------------------------------------------
    @api.model
    def _visible_menus(self) -> IrUiMenu:
        """The active menus the current user may see, in menu order: the menu's groups
        (if any) intersect the user's, and every ancestor is visible too."""
        menus = self.sudo().search([])
        if self.env.uid == SUPERUSER_ID or "res.users" not in self.env:
            user_groups = None
        else:
            user = self.env["res.users"].sudo().browse(self.env.uid)
            user_groups = user._group_ids() if user.exists() else set()
        allowed = {menu.id for menu in menus
                   if user_groups is None or not menu.groups_id
                   or set(menu.groups_id.ids) & user_groups}
        by_id = {menu.id: menu for menu in menus}
        visible = [menu for menu in menus if menu.id in allowed and all(
            int(part) in allowed for part in (by_id[menu.id].parent_path or "").split("/")
            if part)]
        return self.sudo().browse([menu.id for menu in visible])

    @api.model
    def _visible_menu_ids(self) -> set[int]:
        return set(self._visible_menus().ids)

    @api.model
    def load_menus(self) -> dict[str, Any]:
        """The visible menu tree for the web client: ``{'root': {...}, id: {...}}``.
        Children come from the visible menus already read (no query per level)."""
        menus = self._visible_menus()
        result: dict[Any, Any] = {}
        roots = []
        for menu in menus:  # in menu order, so every children list is ordered too
            action = menu.action
            parent_id = menu.parent_id.id or False
            result[menu.id] = {
                "id": menu.id, "name": menu.name, "sequence": menu.sequence,
                "parent_id": parent_id, "children": [],
                "action": f"{action._name},{action.id}" if action else False,
                "web_icon": menu.web_icon or False,
                "xmlid": "",
            }
        for menu_id, entry in result.items():
            parent = result.get(entry["parent_id"])
            if parent is not None:
                parent["children"].append(menu_id)
            elif not entry["parent_id"]:
                roots.append(menu_id)
        result["root"] = {"id": "root", "name": "root", "children": roots, "parent_id": False}
        return result
