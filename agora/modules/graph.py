"""Module dependency graph: what to load, in which order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from agora.modules.manifest import Manifest, ManifestError


def closure(names: Iterable[str], manifests: Mapping[str, Manifest]) -> set[str]:
    """``names`` with all their dependencies (errors name the missing module)."""
    result: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in result:
            continue
        manifest = manifests.get(name)
        if manifest is None:
            raise ManifestError(f"module {name!r} not found in the addons paths")
        if not manifest.installable:
            raise ManifestError(f"module {name!r} is not installable")
        result.add(name)
        todo.extend(manifest.depends)
    return result


def with_auto_install(names: set[str], manifests: Mapping[str, Manifest]) -> set[str]:
    """Add auto_install modules whose dependencies (or listed triggers) are all present."""
    result = set(names)
    changed = True
    while changed:
        changed = False
        for manifest in manifests.values():
            if manifest.name in result or not manifest.auto_install or not manifest.installable:
                continue
            triggers = manifest.depends if manifest.auto_install is True \
                else manifest.auto_install
            if set(triggers) <= result:
                result |= closure([manifest.name], manifests)
                changed = True
    return result


def load_order(names: Iterable[str], manifests: Mapping[str, Manifest]) -> list[str]:
    """Dependencies first; ties broken by name so the order is stable."""
    pending = set(names)
    ordered: list[str] = []
    done: set[str] = set()
    while pending:
        ready = sorted(n for n in pending if set(manifests[n].depends) <= done)
        if not ready:
            raise ManifestError(f"circular dependencies among {sorted(pending)}")
        for name in ready:
            ordered.append(name)
            done.add(name)
            pending.discard(name)
    return ordered


def dependents(names: Iterable[str], installed: Iterable[str],
               manifests: Mapping[str, Manifest]) -> set[str]:
    """Installed modules that depend (transitively) on ``names``, ``names`` included."""
    result = set(names)
    changed = True
    while changed:
        changed = False
        for name in installed:
            if name not in result and set(manifests[name].depends) & result:
                result.add(name)
                changed = True
    return result
