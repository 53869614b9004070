"""Actions: what the web client does when a menu or button is used.

Design: ``ir.actions.actions`` is an abstract base (name, type, binding); each kind of
action is a copy of it (``_inherit`` + its own ``_name``) with its own table and id
sequence. Ids are therefore only unique per kind: references to actions carry the model
(``ir.ui.menu.action`` is a Reference ``'ir.actions.act_window,7'``).

``ir.actions.server`` never runs arbitrary Python: it can write values on the records
(``object_write``) or call a public method of their model by name (``method``).
"""

from __future__ import annotations

import ast
from typing import Any

from agora import api, fields, models
from agora.orm.exceptions import UserError, ValidationError

_MAGIC = {"id", "display_name", "create_date", "write_date", "create_uid", "write_uid"}


class IrActionsActions(models.AbstractModel):
    _name = "ir.actions.actions"
    _description = "Actions"
    _order = "name, id"

    name = fields.Char(string="Action Name", required=True)
    type = fields.Char(string="Action Type", required=True)
    xml_id = fields.Char(string="External ID", compute="_compute_xml_id")
    help = fields.Html(string="Action Description")
    binding_model_id = fields.Many2one("ir.model", ondelete="cascade",
                                       help="Show the action in this model's Action menu.")
    binding_type = fields.Selection([("action", "Action"), ("report", "Report")],
                                    required=True, default="action")

    def _compute_xml_id(self) -> None:
        by_id: dict[int, str] = {}
        if "ir.model.data" in self.env and self._ids:
            for entry in self.env["ir.model.data"].sudo().search(
                    [("model", "=", self._name), ("res_id", "in", list(self._ids))]):
                by_id.setdefault(entry.res_id, f"{entry.module}.{entry.name}")
        for action in self:
            action.xml_id = by_id.get(action.id, "")

    #: fields sent to the web client (besides id); subclasses extend it
    _action_fields: tuple[str, ...] = ("name", "type", "xml_id", "help", "binding_type")

    def _get_action_dict(self) -> dict[str, Any]:
        """The action as the web client reads it."""
        self.ensure_one()
        values = self.read([name for name in self._action_fields if name in self._fields])[0]
        return values

    @api.model
    def _for_xml_id(self, xmlid: str) -> dict[str, Any]:
        """The action of an external id, as a dict for the web client."""
        record = self.env.ref(xmlid)
        if record is None or not record._name.startswith("ir.actions."):
            raise ValidationError(f"{xmlid} is not an action", model=self._name)
        return record._get_action_dict()


class IrActionsActWindow(models.Model):
    _name = "ir.actions.act_window"
    _inherit = "ir.actions.actions"
    _description = "Action Window"
    _table = "ir_act_window"

    type = fields.Char(default="ir.actions.act_window")
    res_model = fields.Char(string="Destination Model", required=True)
    res_id = fields.Integer(string="Record ID")
    view_mode = fields.Char(required=True, default="list,form")
    view_id = fields.Many2one("ir.ui.view", string="View Ref.", ondelete="set null")
    search_view_id = fields.Many2one("ir.ui.view", string="Search View Ref.",
                                     ondelete="set null")
    domain = fields.Char(string="Domain Value")
    context = fields.Char(string="Context Value", required=True, default="{}")
    target = fields.Selection([("current", "Current Window"), ("new", "New Window"),
                               ("inline", "Inline Edit"), ("fullscreen", "Full Screen"),
                               ("main", "Main action of Current Window")], default="current")
    limit = fields.Integer(default=80)

    _action_fields = (*IrActionsActions._action_fields, "res_model", "res_id", "view_mode",
                      "view_id", "search_view_id", "domain", "context", "target", "limit")

    @api.constrains("res_model", "view_mode")
    def _check_model_and_modes(self) -> None:
        from agora.addons.base.models.ir_ui_view import VIEW_TYPES
        known = {key for key, _label in VIEW_TYPES} | {"tree"}
        for action in self:
            if action.res_model not in self.env:
                raise ValidationError(f"ir.actions.act_window {action.name!r}: unknown model "
                                      f"{action.res_model!r}", model=self._name,
                                      field="res_model")
            modes = [mode.strip() for mode in (action.view_mode or "").split(",")]
            bad = [mode for mode in modes if mode not in known]
            if bad or len(set(modes)) != len(modes):
                raise ValidationError(f"ir.actions.act_window {action.name!r}: invalid view "
                                      f"mode {action.view_mode!r}", model=self._name,
                                      field="view_mode")

    def _get_action_dict(self) -> dict[str, Any]:
        values = super()._get_action_dict()
        values["views"] = [[self.view_id.id if self.view_id and mode.strip() ==
                            self.view_id.type else False, mode.strip()]
                           for mode in (self.view_mode or "").split(",")]
        return values


class IrActionsServer(models.Model):
    _name = "ir.actions.server"
    _inherit = "ir.actions.actions"
    _description = "Server Action"
    _table = "ir_act_server"

    type = fields.Char(default="ir.actions.server")
    model_id = fields.Many2one("ir.model", string="Model", required=True, ondelete="cascade")
    model_name = fields.Char(related="model_id.model", string="Model Name")
    state = fields.Selection([("object_write", "Update the Record"),
                              ("method", "Call a Method")],
                             string="Action To Do", required=True, default="object_write")
    values = fields.Json(string="Values to Write",
                         help="object_write: a dict of field names and values.")
    method_name = fields.Char(string="Method",
                              help="method: the name of a public method of the model, "
                                   "called on the records.")
    sequence = fields.Integer(default=5)

    _action_fields = (*IrActionsActions._action_fields, "model_name", "state")

    @api.constrains("state", "values", "method_name", "model_id")
    def _check_state(self) -> None:
        for action in self:
            model_name = action.model_id.model
            if model_name not in self.env:
                raise ValidationError(f"ir.actions.server {action.name!r}: model "
                                      f"{model_name!r} is not loaded", model=self._name,
                                      field="model_id")
            model = self.env[model_name]
            if action.state == "object_write":
                values = action.values
                if not isinstance(values, dict) or not values:
                    raise ValidationError(f"ir.actions.server {action.name!r}: values must be "
                                          "a non-empty dict", model=self._name, field="values")
                bad = [name for name in values if name not in model._fields or name in _MAGIC]
                if bad:
                    raise ValidationError(f"ir.actions.server {action.name!r}: cannot write "
                                          f"{bad} on {model_name}", model=self._name,
                                          field="values")
            else:
                action._resolve_method(model)

    def _resolve_method(self, model: Any) -> Any:
        name = self.method_name or ""
        member = getattr(type(model), name, None) if name.isidentifier() else None
        if (name.startswith("_") or member is None or not callable(member)
                or name in model._fields or isinstance(member, type)
                or getattr(member, "_api_private", False)):
            raise ValidationError(f"ir.actions.server {self.name!r}: {model._name} has no "
                                  f"public method {name!r}", model=self._name,
                                  field="method_name")
        return getattr(model, name)

    def run(self) -> Any:
        """Run on the records of the context (``active_model``, ``active_ids`` or
        ``active_id``); returns the method's result when it is an action dict, else
        False."""
        result: Any = False
        context = self.env.context
        for action in self:
            model_name = action.model_id.model
            if context.get("active_model", model_name) != model_name:
                raise UserError(f"ir.actions.server {action.name!r} works on {model_name}, "
                                f"not {context.get('active_model')}", model=self._name)
            ids = context.get("active_ids") or (
                [context["active_id"]] if context.get("active_id") else [])
            # Run with the caller's rights, not the action's.
            records = self.env[model_name].browse(ids)
            action._check_state()
            if action.state == "object_write":
                if records:
                    records.write(dict(action.values))
            else:
                outcome = action._resolve_method(records)()
                if isinstance(outcome, dict):
                    result = outcome
        return result


class IrActionsClient(models.Model):
    _name = "ir.actions.client"
    _inherit = "ir.actions.actions"
    _description = "Client Action"
    _table = "ir_act_client"

    type = fields.Char(default="ir.actions.client")
    tag = fields.Char(string="Client action tag", required=True,
                      help="What the web client runs, e.g. 'reload' or 'display_notification'.")
    target = fields.Selection([("current", "Current Window"), ("new", "New Window"),
                               ("fullscreen", "Full Screen"),
                               ("main", "Main action of Current Window")], default="current")
    res_model = fields.Char(string="Destination Model")
    context = fields.Char(string="Context Value", required=True, default="{}")
    params = fields.Json(string="Supplementary arguments")

    _action_fields = (*IrActionsActions._action_fields, "tag", "target", "res_model",
                      "context", "params")

    @api.constrains("context")
    def _check_context(self) -> None:
        for action in self:
            try:
                value = ast.literal_eval(action.context or "{}")
            except (ValueError, SyntaxError):
                value = None
            if not isinstance(value, dict):
                raise ValidationError(f"ir.actions.client {action.name!r}: context must be a "
                                      "dict literal", model=self._name, field="context")
