"""Where addons are found: the built-in ``agora/addons``, extra addons paths from the
settings, and pip-installed packages that declare an ``agora.addons`` entry point.

Extra paths are appended to ``agora.addons.__path__`` so their modules import as
``agora.addons.<name>``, like the built-in ones.
"""

from __future__ import annotations

import importlib
import re
from importlib.metadata import entry_points
from pathlib import Path

import agora.addons
from agora.modules.manifest import MANIFEST_FILE, Manifest, ManifestError, read_manifest
from agora.orm.models import MetaModel

_MODULE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def add_addons_paths(paths: list[str | Path]) -> None:
    for path in paths:
        resolved = str(Path(path).resolve())
        if not Path(resolved).is_dir():
            raise ManifestError(f"addons path {resolved} is not a directory")
        if resolved not in agora.addons.__path__:
            agora.addons.__path__.append(resolved)


def discover() -> dict[str, Manifest]:
    """Every addon visible now: name -> manifest (first found wins)."""
    found: dict[str, Manifest] = {}
    for base in list(agora.addons.__path__):
        directory = Path(base)
        if not directory.is_dir():
            continue
        for child in sorted(directory.iterdir()):
            if (child / MANIFEST_FILE).is_file() and _MODULE_NAME.match(child.name) \
                    and child.name not in found:
                found[child.name] = read_manifest(child, f"agora.addons.{child.name}")
    for entry in entry_points(group="agora.addons"):
        if entry.name in found or not _MODULE_NAME.match(entry.name):
            continue
        spec = importlib.util.find_spec(entry.value)
        if spec is None or not spec.submodule_search_locations:
            raise ManifestError(f"entry point {entry.name}: package {entry.value} not found")
        directory = Path(next(iter(spec.submodule_search_locations)))
        manifest = read_manifest(directory, entry.value)
        found[entry.name] = Manifest(**{**manifest.__dict__, "name": entry.name})
    return found


def import_addon(manifest: Manifest) -> None:
    """Import an addon's package so its model classes register under its name."""
    if not manifest.python_package.startswith("agora.addons."):
        MetaModel.package_modules[manifest.python_package] = manifest.name
    importlib.import_module(manifest.python_package)
