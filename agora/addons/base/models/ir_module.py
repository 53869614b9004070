from agora import fields, models
from agora.modules import loader

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

    # -- the Apps screen's buttons (what Odoo clients call) ---------------------------------
    def button_immediate_install(self):
        """Install these modules (and what they depend on) in this transaction. Every
        process, this one's other workers and other servers included, loads the new
        registry at its next request: the loader bumps the registry signal."""
        self._check_may_change_modules()
        loader.install_modules(self.env.cr, self.mapped("name"))
        return {"type": "ir.actions.client", "tag": "reload"}

    def button_immediate_upgrade(self):
        self._check_may_change_modules()
        loader.upgrade_modules(self.env.cr, self.mapped("name"))
        return {"type": "ir.actions.client", "tag": "reload"}

    def button_immediate_uninstall(self):
        """Uninstall these modules and those depending on them (their data is deleted)."""
        self._check_may_change_modules()
        loader.uninstall_modules(self.env.cr, self.mapped("name"))
        return {"type": "ir.actions.client", "tag": "reload"}

    def _check_may_change_modules(self) -> None:
        # changing modules runs as superuser: only who may write modules may ask for it
        self.check_access("write")
