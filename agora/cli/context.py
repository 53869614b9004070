"""State shared by the ``agora`` group and its subcommands.

Settings are loaded lazily, on first use by a subcommand, so ``agora db --help`` still
works while the configuration file is broken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from agora.conf import ConfigError, Settings, load_settings


@dataclass
class CliContext:
    config_file: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.config_file, self.overrides)
            except ConfigError as exc:
                raise click.UsageError(str(exc)) from None
        return self._settings


pass_cli = click.make_pass_decorator(CliContext, ensure=True)
