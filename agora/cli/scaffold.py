"""``agora scaffold NAME [DEST]``: the skeleton of a new addon."""

from __future__ import annotations

import re
from pathlib import Path

import click

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _files(name: str) -> dict[str, str]:
    model = name.replace("_", ".")
    klass = "".join(part.title() for part in name.split("_"))
    table = model.replace(".", "_")
    return {
        "__init__.py": "from . import models  # noqa: F401\n",
        "__manifest__.py": (
            "{\n"
            f'    "name": "{klass}",\n'
            '    "version": "0.1.0",\n'
            '    "summary": "",\n'
            '    "depends": ["base"],\n'
            '    "data": ["security/ir.model.access.csv"],\n'
            '    "license": "LGPL-3",\n'
            '    "installable": True,\n'
            '    "application": True,\n'
            "}\n"),
        "models/__init__.py": f"from . import {name}  # noqa: F401\n",
        f"models/{name}.py": (
            "from agora import api, fields, models\n\n\n"
            f"class {klass}(models.Model):\n"
            f'    _name = "{model}"\n'
            f'    _description = "{klass}"\n\n'
            "    name = fields.Char(required=True)\n"
            "    active = fields.Boolean(default=True)\n"),
        "security/ir.model.access.csv": (
            "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\n"
            f"access_{table}_user,{model} user,model_{table},base.group_user,1,1,1,1\n"),
        "tests/__init__.py": "",
    }


@click.command("scaffold")
@click.argument("name")
@click.argument("dest", default=".", type=click.Path(file_okay=False, path_type=Path))
def scaffold(name: str, dest: Path) -> None:
    """Create the skeleton of addon NAME in DEST (default: current directory)."""
    if not _NAME.match(name):
        raise click.BadParameter("lower-case letters, digits and underscores", param_hint="NAME")
    root = dest / name
    if root.exists():
        raise click.ClickException(f"{root} already exists")
    for relative, content in _files(name).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    click.echo(f"created {root}")
