"""External identifiers (``module.name``) of records loaded from data files."""

from __future__ import annotations

from typing import Any

from agora import api, fields, models
from agora.modules import signal
from agora.orm.exceptions import MissingError, ValidationError


def split_xmlid(xmlid: str, module: str | None = None) -> tuple[str, str]:
    if not isinstance(xmlid, str) or not xmlid:
        raise ValidationError(f"invalid external id {xmlid!r}", model="ir.model.data")
    if "." in xmlid:
        prefix, _dot, name = xmlid.partition(".")
        return prefix, name
    if module is None:
        raise ValidationError(f"external id {xmlid!r} needs a module prefix",
                              model="ir.model.data")
    return module, xmlid


class IrModelData(models.Model):
    _name = "ir.model.data"
    _description = "External Identifier"
    _order = "module, name"
    _rec_name = "complete_name"
    _sql_constraints = [("module_name_uniq", "unique(module, name)",
                         "An external id must be unique within its module.")]

    name = fields.Char(required=True, index=True)
    module = fields.Char(required=True, index=True)
    model = fields.Char(required=True, index=True)
    res_id = fields.Integer(index=True)
    noupdate = fields.Boolean()
    complete_name = fields.Char(compute="_compute_complete_name")

    @api.depends("module", "name")
    def _compute_complete_name(self) -> None:
        for record in self:
            record.complete_name = f"{record.module}.{record.name}"

    # -- lookups -------------------------------------------------------------------------
    def _xmlid_lookup(self, xmlid: str) -> tuple[str, int]:
        """``(model, res_id)`` of an external id; MissingError if unknown.

        Answers are remembered per registry and ``xmlid`` signal: external ids change
        with module installs and upgrades (which load a new registry everywhere) and
        through this model (which bumps the signal: every process forgets them)."""
        module, name = split_xmlid(xmlid)
        memo = _memo(self.env)
        found = memo.get((module, name))
        if found is not None:
            return found
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT model, res_id FROM ir_model_data WHERE module = %s AND name = %s",
            (module, name))
        row = self.env.cr.fetchone()
        if row is None:
            raise MissingError(f"External ID not found: {xmlid}", model="ir.model.data")
        if not self.env.transaction.towrite.get(self._name) \
                and not getattr(self.env.transaction, "xmlids_changed", False):
            # only what other transactions can see too is remembered
            self.env.cr.postcommit.append(
                lambda key=(module, name), value=(row[0], row[1]): memo.setdefault(key, value))
        return row[0], row[1]

    @api.model_create_multi
    def create(self, vals_list):
        _forget_memo(self.env)
        return super().create(vals_list)

    def write(self, vals):
        _forget_memo(self.env)
        return super().write(vals)

    def unlink(self):
        _forget_memo(self.env)
        return super().unlink()

    def _xmlid_to_res_id(self, xmlid: str, raise_if_not_found: bool = True) -> int | bool:
        try:
            return self._xmlid_lookup(xmlid)[1]
        except MissingError:
            if raise_if_not_found:
                raise
            return False

    def _xmlid_to_record(self, xmlid: str, raise_if_not_found: bool = True) -> Any:
        try:
            model, res_id = self._xmlid_lookup(xmlid)
        except MissingError:
            if raise_if_not_found:
                raise
            return None
        record = self.env[model].browse(res_id).exists()
        if not record and raise_if_not_found:
            raise MissingError(f"External ID {xmlid} points to a deleted {model} record",
                               model=model)
        return record or None

    @api.model
    def check_object_reference(self, module: str, name: str,
                               raise_on_access_error: bool = False) -> tuple[str, int]:
        """Odoo clients' ``env.ref``: ``(model, res_id)`` of ``module.name``."""
        return self._xmlid_lookup(f"{module}.{name}")

    # -- loading ---------------------------------------------------------------------------
    def _load_record(self, xmlid: str, model: str, values: dict[str, Any], *,
                     module: str, noupdate: bool = False, update: bool = False) -> Any:
        """Create the record of ``xmlid``, or update it (unless it is noupdate and this is
        an update); return the record."""
        prefix, name = split_xmlid(xmlid, module)
        entry = self.sudo().search([("module", "=", prefix), ("name", "=", name)], limit=1)
        target = self.env[model]
        if entry:
            if entry.model != model:
                raise ValidationError(f"external id {xmlid} refers to {entry.model}, "
                                      f"not {model}", model="ir.model.data")
            record = target.browse(entry.res_id).exists()
            if record:
                if not (entry.noupdate and update):
                    record.write(values)
                return record
            record = target.create(values)
            entry.write({"res_id": record.id, "noupdate": noupdate})
            return record
        record = target.create(values)
        self.sudo().create({"module": prefix, "name": name, "model": model,
                            "res_id": record.id, "noupdate": noupdate})
        return record

    def _register_xmlid(self, xmlid: str, record: Any, *, module: str,
                        noupdate: bool = False) -> None:
        """Give an existing record an external id (or move the id to it)."""
        prefix, name = split_xmlid(xmlid, module)
        entry = self.sudo().search([("module", "=", prefix), ("name", "=", name)], limit=1)
        values = {"model": record._name, "res_id": record.id, "noupdate": noupdate}
        if entry:
            entry.write(values)
        else:
            self.sudo().create({"module": prefix, "name": name, **values})

    def _module_xmlids(self, module: str) -> dict[str, tuple[str, int, bool]]:
        """``name -> (model, res_id, noupdate)`` of every external id of ``module``, in
        the order they were created (uninstalling deletes in the reverse order: submenus
        before their menu, lines before their document)."""
        records = self.sudo().search([("module", "=", module)], order="id")
        return {r.name: (r.model, r.res_id, r.noupdate) for r in records}


def _memo(env: Any) -> dict[tuple[str, str], tuple[str, int]]:
    """The answers shared by the transactions that read the same ``xmlid`` signal
    (replaced as a whole when it moves); a transaction whose signal is unknown keeps
    its own."""
    value = env.cr.cache_signals.get(signal.XMLID)
    if value is None:
        return {}
    shared = getattr(env.registry, "_xmlid_memo", None)
    if shared is None or shared[0] != value:
        shared = env.registry._xmlid_memo = (value, {})
    return shared[1]


def _forget_memo(env: Any) -> None:
    """External ids change in this transaction: every process forgets what it remembered
    once it commits (one signal bump per transaction; module operations reload the
    registry anyway, and with it the memo)."""
    if getattr(env.transaction, "xmlids_changed", False):
        return
    transaction = env.transaction
    transaction.xmlids_changed = True

    def reset() -> None:
        transaction.xmlids_changed = False
    env.cr.postcommit.append(reset)
    env.cr.postrollback.append(reset)
    signal.bump_cache(env.cr, signal.XMLID)
