"""Install, upgrade and uninstall modules in a database, and load its registry.

Every operation runs in the caller's transaction (``cr``): on error the caller rolls
back and the database is as before. Module states live in ``ir.module.module``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

from agora.db.cursor import Cursor
from agora.db.sql import SQL
from agora.modules import graph, signal
from agora.modules.data import load_module_data
from agora.modules.manifest import Manifest, ManifestError
from agora.modules.paths import discover, import_addon
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.registry import Registry
from agora.orm.schema import immediate_constraints

_logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


def _noop(step: str, done: int, total: int) -> None:
    pass


def installed_modules(cr: Cursor) -> list[str]:
    """Names of installed modules; empty for a database never initialised."""
    cr.execute(SQL("SELECT to_regclass('ir_module_module') IS NOT NULL"))
    if not cr.fetchone()[0]:
        return []
    cr.execute(SQL("SELECT name FROM ir_module_module WHERE state = 'installed'"))
    return [row[0] for row in cr.fetchall()]


def build_registry(dbname: str, names: Iterable[str],
                   manifests: dict[str, Manifest] | None = None) -> Registry:
    """Import the modules and compose their models (dependencies first)."""
    manifests = manifests if manifests is not None else discover()
    order = graph.load_order(names, manifests)
    for name in order:
        import_addon(manifests[name])
    registry = Registry(dbname)
    registry.load(Registry.definitions_of(order))
    registry.modules = order  # type: ignore[attr-defined]
    _install_hooks(registry, order, manifests)
    return registry


def _install_hooks(registry: Registry, order: list[str], manifests: dict[str, Manifest]) -> None:
    """Modules may adapt the registry once it is built (the base module installs its
    access policy this way): ``registry_hook(registry)`` in the module package."""
    for name in order:
        package = importlib.import_module(manifests[name].python_package)
        hook = getattr(package, "registry_hook", None)
        if hook is not None:
            hook(registry)


def load_registry(cr: Cursor, dbname: str | None = None) -> Registry:
    """The registry of an initialised database, registered under its name."""
    dbname = dbname or cr.dbname
    names = installed_modules(cr)
    if not names:
        raise ManifestError(f"database {dbname!r} is not initialised (no module installed)")
    registry = build_registry(dbname, names)
    Registry.registries[dbname] = registry
    return registry


def _env(cr: Cursor, registry: Registry) -> Environment:
    if cr.transaction is not None:
        # pending writes of the previous registry's environments must reach the database
        cr.transaction.flush()
        cr.precommit.remove(cr.transaction.flush)
    cr.transaction = None  # a new registry: start from a clean cache
    return Environment(cr, SUPERUSER_ID, {}, registry=registry)


def _module_of_models(registry: Registry) -> dict[str, str]:
    """Modules defining each model, the owner first. Only definitions *of that model*
    count: a mixin's class (``mail.thread``) sits in the MRO of every model using it but
    does not make its module an owner of them."""
    result: dict[str, list[str]] = {}
    for name, model in registry.models.items():
        modules = []
        for klass in reversed(model.__mro__):
            module = klass.__dict__.get("_module")
            if not module or klass.__dict__.get("_generated") or module in modules:
                continue
            own_name = klass.__dict__.get("_name")
            inherited = klass.__dict__.get("_inherit") or ()
            inherited = (inherited,) if isinstance(inherited, str) else tuple(inherited)
            if own_name == name or (not own_name and name in inherited):
                modules.append(module)
        result[name] = modules
    return {name: ",".join(modules) for name, modules in result.items()}


def _set_state(env: Environment, names: Iterable[str], state: str,
               manifests: dict[str, Manifest], demo: bool | None = None) -> None:
    modules = env["ir.module.module"].search([("name", "in", list(names))])
    for module in modules:
        values: dict[str, Any] = {"state": state}
        if state == "installed":
            values["installed_version"] = manifests[module.name].version
        else:
            values["installed_version"] = False
        if demo is not None:
            values["demo"] = demo
        module.write(values)


def check_external_dependencies(manifest: Manifest) -> None:
    """Refuse to install a module whose Python packages or programs are missing."""
    import importlib.util
    import shutil

    python = manifest.external_dependencies.get("python", [])
    missing = [name for name in python if importlib.util.find_spec(name) is None]
    missing += [f"program {name}" for name in manifest.external_dependencies.get("bin", [])
                if shutil.which(name) is None]
    if missing:
        raise ManifestError(f"module {manifest.name} needs {', '.join(missing)}: install "
                            "them first")


def _call_hook(manifest: Manifest, hook_name: str | None, *args: Any) -> None:
    if not hook_name:
        return
    package = importlib.import_module(manifest.python_package)
    hook = getattr(package, hook_name, None)
    if hook is None:
        raise ManifestError(f"{manifest.name}: hook {hook_name} not found in its package")
    hook(*args)


def install_modules(cr: Cursor, names: Iterable[str], *, demo: bool = False,
                    progress: Progress = _noop) -> Registry:
    """Install ``names`` with their dependencies and auto_install modules."""
    cr.flush()  # what the caller wrote goes in before the schema changes
    manifests = discover()
    installed = set(installed_modules(cr))
    wanted = graph.with_auto_install(graph.closure([*installed, *names, "base"], manifests),
                                     manifests)
    new = [name for name in graph.load_order(wanted, manifests) if name not in installed]
    if not new:
        return load_registry(cr)
    for name in new:
        check_external_dependencies(manifests[name])
    registry = build_registry(cr.dbname, wanted, manifests)
    progress("schema", 0, len(new))
    registry.sync_schema(cr)
    env = _env(cr, registry)
    env["ir.module.module"]._update_from_manifests(manifests)
    env["ir.model"]._reflect(registry, _module_of_models(registry))
    demo = demo or bool(installed and env["ir.module.module"].search_count(
        [("name", "=", "base"), ("demo", "=", True)]))
    for index, name in enumerate(new, start=1):
        manifest = manifests[name]
        progress(name, index, len(new))
        _call_hook(manifest, manifest.pre_init_hook, env)
        load_module_data(env, manifest, "data")
        if demo:
            load_module_data(env, manifest, "demo")
        _set_state(env, [name], "installed", manifests, demo=demo)
        _call_hook(manifest, manifest.post_init_hook, env)
    env.flush_all()
    signal.bump(cr)
    Registry.registries[cr.dbname] = registry
    return registry


def upgrade_modules(cr: Cursor, names: Iterable[str], *, progress: Progress = _noop) -> Registry:
    """Re-read code and data of ``names`` (and the modules depending on them)."""
    cr.flush()
    manifests = discover()
    installed = installed_modules(cr)
    unknown = set(names) - set(installed)
    if unknown:
        raise ManifestError(f"cannot upgrade modules that are not installed: {sorted(unknown)}")
    todo = graph.dependents(names, installed, manifests)
    registry = build_registry(cr.dbname, installed, manifests)
    registry.sync_schema(cr)
    env = _env(cr, registry)
    env["ir.module.module"]._update_from_manifests(manifests)
    env["ir.model"]._reflect(registry, _module_of_models(registry))
    ordered = [n for n in graph.load_order(installed, manifests) if n in todo]
    demo_modules = set(env["ir.module.module"].search([("demo", "=", True)]).mapped("name"))
    for index, name in enumerate(ordered, start=1):
        progress(name, index, len(ordered))
        manifest = manifests[name]
        before = env["ir.model.data"]._module_xmlids(name)
        loaded = load_module_data(env, manifest, "data", update=True)
        if name in demo_modules:
            loaded |= load_module_data(env, manifest, "demo", update=True)
        _remove_stale_records(env, name, before, loaded)
        _set_state(env, [name], "installed", manifests)
    env.flush_all()
    signal.bump(cr)
    Registry.registries[cr.dbname] = registry
    return registry


def _remove_stale_records(env: Environment, module: str, before: dict[str, tuple[str, int, bool]],
                          loaded: set[str]) -> None:
    """Records a module declared before but no longer does are deleted (noupdate kept)."""
    stale = [(name, model, res_id) for name, (model, res_id, noupdate) in before.items()
             if f"{module}.{name}" not in loaded and not noupdate]
    _delete_xmlid_records(env, module, stale)


def _delete_xmlid_records(env: Environment, module: str, entries: list[tuple[str, str, int]],
                          dropped: frozenset[str] = frozenset()) -> None:
    """Unlink the records of ``entries`` and their external ids. Records of ``dropped``
    models are left to the drop of their table: unlinking them one by one would fail on
    the user's records of the same models that still point at them."""
    data = env["ir.model.data"]
    for name, model, res_id in reversed(entries):
        if model in env and model not in dropped:
            record = env[model].browse(res_id).exists()
            if record:
                record.unlink()
        data.search([("module", "=", module), ("name", "=", name)]).unlink()


def uninstall_modules(cr: Cursor, names: Iterable[str], *,
                      progress: Progress = _noop) -> Registry:
    """Uninstall ``names`` and the modules depending on them: their data, tables and
    columns are removed."""
    cr.flush()
    names = list(names)
    if "base" in names:
        raise ManifestError("the base module cannot be uninstalled")
    manifests = discover()
    installed = installed_modules(cr)
    unknown = set(names) - set(installed)
    if unknown:
        raise ManifestError(f"cannot uninstall modules that are not installed: {sorted(unknown)}")
    removed = graph.dependents(names, installed, manifests)
    remaining = [n for n in installed if n not in removed]
    old_registry = Registry.registries.get(cr.dbname) or build_registry(
        cr.dbname, installed, manifests)
    new_registry = build_registry(cr.dbname, remaining, manifests)
    dropped = frozenset(old_registry.models) - frozenset(new_registry.models)
    env = _env(cr, old_registry)
    order = [n for n in graph.load_order(installed, manifests) if n in removed]
    for index, name in enumerate(reversed(order), start=1):
        progress(name, index, len(order))
        manifest = manifests[name]
        _call_hook(manifest, manifest.uninstall_hook, env)
        xmlids = env["ir.model.data"]._module_xmlids(name)
        _delete_xmlid_records(env, name, [(n, m, r) for n, (m, r, _u) in xmlids.items()],
                              dropped)
    env.flush_all()
    with immediate_constraints(cr):
        _drop_schema(cr, old_registry, new_registry)
    new_registry.sync_schema(cr)
    env = _env(cr, new_registry)
    env["ir.model"]._drop_missing(new_registry)
    env["ir.model"]._reflect(new_registry, _module_of_models(new_registry))
    _set_state(env, removed, "uninstalled", manifests, demo=False)
    env.flush_all()
    signal.bump(cr)
    Registry.registries[cr.dbname] = new_registry
    return new_registry


def _drop_schema(cr: Cursor, old: Registry, new: Registry) -> None:
    """Drop tables, relation tables and columns that ``new`` no longer has."""
    new_tables = {m._table for m in new.models.values() if m._auto}
    new_relations = {f.relation for m in new.models.values() for f in m._fields.values()
                     if f.type == "many2many" and getattr(f, "relation", None)}
    for model in old.models.values():
        if not model._auto:
            continue
        for field in model._fields.values():
            relation = getattr(field, "relation", None) if field.type == "many2many" else None
            if relation and relation not in new_relations:
                cr.execute(SQL("DROP TABLE IF EXISTS %s CASCADE", SQL.identifier(relation)))
        if model._table not in new_tables:
            _logger.info("dropping table %s", model._table)
            cr.execute(SQL("DROP TABLE IF EXISTS %s CASCADE", SQL.identifier(model._table)))
            continue
        new_model = new.models.get(model._name)
        kept = set(new_model._fields) if new_model is not None else set()
        for field in model._fields.values():
            if field.column and field.name not in kept:
                _logger.info("dropping column %s.%s", model._table, field.name)
                cr.execute(SQL("ALTER TABLE %s DROP COLUMN IF EXISTS %s",
                               SQL.identifier(model._table), SQL.identifier(field.name)))
