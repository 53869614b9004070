"""Load a module's data files (XML and CSV), returning the external ids they declared."""

from __future__ import annotations

from agora.modules.manifest import Manifest, ManifestError
from agora.orm.environment import Environment


def load_module_data(env: Environment, manifest: Manifest, kind: str = "data",
                     update: bool = False) -> set[str]:
    """Load ``manifest.data`` (or ``.demo``) in order; ``update`` honours noupdate.
    Demo records are noupdate: upgrades never overwrite what users changed in them."""
    from agora.modules.data_csv import load_csv
    from agora.modules.data_xml import load_xml

    noupdate = kind == "demo"
    loaded: set[str] = set()
    for relative in getattr(manifest, kind):
        path = (manifest.path / relative).resolve()
        if manifest.path.resolve() not in path.parents:
            raise ManifestError(f"{manifest.name}: data file {relative} is outside the module")
        if not path.is_file():
            raise ManifestError(f"{manifest.name}: data file {relative} not found")
        if path.suffix == ".xml":
            loaded |= load_xml(env, manifest.name, path, update=update, noupdate=noupdate)
        elif path.suffix == ".csv":
            loaded |= load_csv(env, manifest.name, path, update=update, noupdate=noupdate)
        else:
            raise ManifestError(f"{manifest.name}: unsupported data file {relative}")
    return loaded
