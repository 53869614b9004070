"""Module manifests (``__manifest__.py``): a literal dict describing an addon."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_FILE = "__manifest__.py"


class ManifestError(ValueError):
    """A manifest is missing, unreadable or has bad values."""


@dataclass(frozen=True)
class Manifest:
    name: str                      # technical name = package directory name
    path: Path
    title: str
    version: str = "0.1.0"
    summary: str = ""
    category: str = "Uncategorized"
    author: str = ""
    license: str = "LGPL-3"
    depends: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    demo: tuple[str, ...] = ()
    installable: bool = True
    auto_install: bool | tuple[str, ...] = False
    application: bool = False
    external_dependencies: dict[str, list[str]] = field(default_factory=dict)
    pre_init_hook: str | None = None
    post_init_hook: str | None = None
    uninstall_hook: str | None = None
    python_package: str = ""       # importable package of the addon


_LISTS = ("depends", "data", "demo")
_STRINGS = ("version", "summary", "category", "author", "license", "pre_init_hook",
            "post_init_hook", "uninstall_hook")
_BOOLS = ("installable", "application")
_KNOWN = {"name", "description", "website", "sequence", "images", "assets", "countries",
          "external_dependencies", "auto_install", "maintainers", *_LISTS, *_STRINGS, *_BOOLS}


def read_manifest(directory: Path, python_package: str) -> Manifest:
    """Parse ``directory/__manifest__.py`` without executing it."""
    path = directory / MANIFEST_FILE
    try:
        raw = ast.literal_eval(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{directory.name}: no {MANIFEST_FILE}") from None
    except (SyntaxError, ValueError) as exc:
        raise ManifestError(f"{path}: not a literal dict ({exc})") from None
    if not isinstance(raw, dict):
        raise ManifestError(f"{path}: the manifest must be a dict")
    unknown = set(raw) - _KNOWN
    if unknown:
        raise ManifestError(f"{path}: unknown keys {sorted(unknown)}")
    values: dict[str, Any] = {}
    for key in _LISTS:
        value = raw.get(key, [])
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ManifestError(f"{path}: '{key}' must be a list of strings")
        values[key] = tuple(value)
    for key in _STRINGS:
        if key in raw:
            if not isinstance(raw[key], str):
                raise ManifestError(f"{path}: '{key}' must be a string")
            values[key] = raw[key]
    for key in _BOOLS:
        if key in raw:
            if not isinstance(raw[key], bool):
                raise ManifestError(f"{path}: '{key}' must be true or false")
            values[key] = raw[key]
    auto = raw.get("auto_install", False)
    if isinstance(auto, list | tuple):
        auto = tuple(auto)
    elif not isinstance(auto, bool):
        raise ManifestError(f"{path}: 'auto_install' must be a boolean or a list of modules")
    external = raw.get("external_dependencies", {})
    if not isinstance(external, dict):
        raise ManifestError(f"{path}: 'external_dependencies' must be a dict")
    title = raw.get("name", directory.name)
    if not isinstance(title, str):
        raise ManifestError(f"{path}: 'name' must be a string")
    return Manifest(name=directory.name, path=directory, title=title, auto_install=auto,
                    external_dependencies=external, python_package=python_package, **values)
