"""Reflection of the registry into the database: ir.model and ir.model.fields."""

from __future__ import annotations

from agora import fields, models


class IrModel(models.Model):
    _name = "ir.model"
    _description = "Model"
    _order = "model"
    _rec_name = "name"
    _sql_constraints = [("model_uniq", "unique(model)", "Each model must be unique.")]

    name = fields.Char(string="Description", required=True)
    model = fields.Char(required=True, index=True)
    info = fields.Text()
    modules = fields.Char(string="In modules")
    transient = fields.Boolean()
    abstract = fields.Boolean()
    field_id = fields.One2many("ir.model.fields", "model_id", string="Fields")

    def _reflect(self, registry, module_of: dict[str, str]) -> None:
        """Upsert one record per model and per field of ``registry`` (batched)."""
        existing = {m.model: m for m in self.search([])}
        to_create = []
        for name, model_class in registry.models.items():
            values = {"name": model_class._description or name,
                      "transient": bool(model_class._transient),
                      "abstract": bool(model_class._abstract),
                      "modules": module_of.get(name, "")}
            if name in existing:
                record = existing[name]
                if any(record[key] != value for key, value in values.items()):
                    record.write(values)
            else:
                to_create.append({"model": name, **values})
        if to_create:
            created = self.create(to_create)
            for record in created:
                existing[record.model] = record
            # ``<module>.model_<name>`` lets data files refer to models (access CSVs).
            self.env["ir.model.data"].create([
                {"module": (module_of.get(r.model) or "base").split(",")[0],
                 "name": "model_" + r.model.replace(".", "_"), "model": "ir.model",
                 "res_id": r.id, "noupdate": True} for r in created])
        self.env["ir.model.fields"]._reflect(registry, existing)

    def _drop_missing(self, registry) -> None:
        """Forget models (and their fields) that no installed module defines any more."""
        gone = self.search([("model", "not in", list(registry.models))])
        gone.unlink()


class IrModelFields(models.Model):
    _name = "ir.model.fields"
    _description = "Field"
    _order = "model, name"
    _sql_constraints = [("name_model_uniq", "unique(model, name)",
                         "A field name must be unique per model.")]

    name = fields.Char(required=True, index=True)
    model = fields.Char(required=True, index=True)
    model_id = fields.Many2one("ir.model", required=True, ondelete="cascade")
    field_description = fields.Char(string="Label")
    ttype = fields.Char(string="Type", required=True)
    relation = fields.Char()
    relation_field = fields.Char()
    required = fields.Boolean()
    readonly = fields.Boolean()
    store = fields.Boolean()
    index = fields.Boolean()
    help = fields.Text()

    def _reflect(self, registry, ir_models: dict) -> None:
        current = {(f.model, f.name): f for f in self.search([])}
        to_create = []
        for model_name, model_class in registry.models.items():
            for name, field in model_class._fields.items():
                values = {
                    "field_description": field.string, "ttype": field.type,
                    "relation": getattr(field, "comodel_name", None) or False,
                    "relation_field": getattr(field, "inverse_name", None) or False,
                    "required": bool(field.required), "readonly": bool(field.readonly),
                    "store": bool(field.store), "index": bool(field.index),
                }
                record = current.pop((model_name, name), None)
                if record is None:
                    to_create.append({"name": name, "model": model_name,
                                      "model_id": ir_models[model_name].id, **values})
                elif any(record[key] != value for key, value in values.items()):
                    record.write(values)
        if to_create:
            self.create(to_create)
        if current:
            self.browse([f.id for f in current.values()]).unlink()
