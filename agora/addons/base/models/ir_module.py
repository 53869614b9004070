from agora import fields, models

STATES = [("uninstalled", "Not installed"), ("installed", "Installed"),
          ("to upgrade", "To be upgraded"), ("to remove", "To be removed"),
          ("to install", "To be installed"), ("uninstallable", "Not installable")]


class IrModule(models.Model):
    _name = "ir.module.module"
    _description = "Module"
    _order = "name"
    _sql_constraints = [("name_uniq", "unique(name)", "A module name must be unique.")]

    name = fields.Char(required=True, index=True)
    shortdesc = fields.Char(string="Title")
    summary = fields.Char()
    category = fields.Char()
    author = fields.Char()
    license = fields.Char()
    installed_version = fields.Char()
    latest_version = fields.Char()
    application = fields.Boolean()
    auto_install = fields.Boolean()
    state = fields.Selection(STATES, default="uninstalled", required=True, index=True)
    demo = fields.Boolean(string="Demo data loaded")
    dependency_names = fields.Char(string="Depends on")

    def _update_from_manifests(self, manifests) -> None:
        """Create or refresh one record per addon found in the addons paths."""
        existing = {m.name: m for m in self.with_context(active_test=False).search([])}
        to_create = []
        for manifest in manifests.values():
            values = {
                "shortdesc": manifest.title, "summary": manifest.summary,
                "category": manifest.category, "author": manifest.author,
                "license": manifest.license, "latest_version": manifest.version,
                "application": manifest.application,
                "auto_install": bool(manifest.auto_install),
                "dependency_names": ",".join(manifest.depends),
            }
            record = existing.get(manifest.name)
            if record is None:
                to_create.append({"name": manifest.name, **values,
                                  "state": "uninstalled" if manifest.installable
                                  else "uninstallable"})
            else:
                record.write(values)
        if to_create:
            self.create(to_create)
