"""Agora settings.

Precedence, lowest first: dataclass defaults < TOML file < ``AGORA_*`` environment
variables < explicit overrides (CLI flags). Every source goes through the same
per-field coercion, so a bad value fails the same way wherever it comes from, with a
:class:`ConfigError` naming the key and the source.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ConfigError", "Settings", "load_settings", "ENV_PREFIX"]

ENV_PREFIX = "AGORA_"
DEFAULT_CONFIG_NAME = "agora.toml"
_ENV = "the environment"


class ConfigError(ValueError):
    """A configuration file, variable or flag is missing, unknown or invalid."""


def default_data_dir() -> Path:
    """``$AGORA_DATA_DIR``, else ``$XDG_DATA_HOME/agora``, else ``~/.local/share/agora``."""
    env = os.environ.get("AGORA_DATA_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "agora"


@dataclass
class Settings:
    db_url: str | None = None  # None: start and use the embedded cluster
    replica_urls: list[str] = field(default_factory=list)
    replica_max_lag: float = 5.0  # seconds; a replica further behind serves no reads
    replica_retry_after: float = 10.0  # seconds before a failed replica is tried again
    data_dir: Path = field(default_factory=default_data_dir)
    db_name: str = "agora"
    log_queries: bool = False
    pool_min: int = 1
    pool_max: int = 10
    http_interface: str = "127.0.0.1"
    http_port: int = 8069
    workers: int = 0  # 0: one threaded process; N: N prefork HTTP workers (gunicorn)
    cron_workers: int = 1  # processes running scheduled jobs beside prefork workers
    proxy_mode: bool = False  # trust X-Forwarded-* headers (behind a reverse proxy)
    list_db: bool = True  # answer db.list and /web/database/list
    max_request_size: int = 64 * 1024 * 1024
    session_lifetime: int = 7 * 24 * 3600  # seconds after the last use
    # -- session hardening (issue 8): a session ends this long after its login, used or not
    session_max_age: int = 30 * 24 * 3600


# --- coercion: one function per field; `raw` is True for strings from env vars, where
# "1"/"yes" must become a bool and "a,b" a list. TOML values must already have the
# right type, because a typo such as `pool_max = "10"` is more likely a mistake.

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _opt_str(value: Any, raw: bool) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("expected a string")
    # An empty AGORA_DB_URL= means "unset", so the embedded cluster is used.
    return value.strip() or None


def _str_list(value: Any, raw: bool) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise TypeError("expected a list of strings (or a comma separated string)")


def _seconds(value: Any, raw: bool) -> float:
    if isinstance(value, bool):
        raise TypeError("expected a number of seconds")
    if isinstance(value, str) and raw:
        try:
            value = float(value.strip())
        except ValueError:
            raise TypeError("expected a number of seconds") from None
    if not isinstance(value, int | float) or value != value or value < 0:
        raise TypeError("expected a number of seconds >= 0")
    return float(value)


def _path(value: Any, raw: bool) -> Path:
    if isinstance(value, Path):
        return value.expanduser()
    if isinstance(value, str) and value.strip():
        return Path(value.strip()).expanduser()
    raise TypeError("expected a non-empty path")


def _name(value: Any, raw: bool) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise TypeError("expected a non-empty string")


def _bool(value: Any, raw: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and raw:
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise TypeError("expected a boolean (true/false, 1/0, yes/no, on/off)")


def _count(minimum: int) -> Callable[[Any, bool], int]:
    def coerce(value: Any, raw: bool) -> int:
        if isinstance(value, bool):  # bool is an int subclass; `true` is not a size
            raise TypeError("expected an integer")
        if isinstance(value, str) and raw:
            try:
                value = int(value.strip())
            except ValueError:
                raise TypeError("expected an integer") from None
        if not isinstance(value, int):
            raise TypeError("expected an integer")
        if value < minimum:
            raise TypeError(f"must be >= {minimum}")
        return value

    return coerce


_COERCE: dict[str, Callable[[Any, bool], Any]] = {
    "db_url": _opt_str,
    "replica_urls": _str_list,
    "replica_max_lag": _seconds,
    "replica_retry_after": _seconds,
    "data_dir": _path,
    "db_name": _name,
    "log_queries": _bool,
    "pool_min": _count(0),
    "pool_max": _count(1),
    "http_interface": _name,
    "http_port": _count(0),
    "workers": _count(0),
    "cron_workers": _count(0),
    "proxy_mode": _bool,
    "list_db": _bool,
    "max_request_size": _count(1024),
    "session_lifetime": _count(60),
    "session_max_age": _count(60),  # session hardening (issue 8)
}
assert set(_COERCE) == {f.name for f in dataclasses.fields(Settings)}


def _apply(values: dict[str, Any], source: Mapping[str, Any], where: str, raw: bool) -> None:
    for key, value in source.items():
        if key not in _COERCE:
            known = ", ".join(sorted(_COERCE))
            raise ConfigError(f"unknown setting {key!r} in {where} (known: {known})")
        try:
            values[key] = _COERCE[key](value, raw)
        except TypeError as exc:
            name = f"{ENV_PREFIX}{key.upper()}" if where == _ENV else repr(key)
            raise ConfigError(
                f"invalid value for {name} in {where}: {exc} (got {value!r})"
            ) from None


def _find_config_file(config_file: str | Path | None) -> Path | None:
    if config_file is not None:
        path, explicit = Path(config_file).expanduser(), True
    elif os.environ.get("AGORA_CONFIG"):
        path, explicit = Path(os.environ["AGORA_CONFIG"]).expanduser(), True
    else:
        path, explicit = Path(DEFAULT_CONFIG_NAME), False
    if path.is_file():
        return path
    if explicit:  # a file the user named must exist; ./agora.toml is optional
        raise ConfigError(f"config file not found: {path}")
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    # Keys may sit under [agora] (so agora.toml can share a file with other tools'
    # sections later) or at top level; the same key in both places is ambiguous.
    section = data.pop("agora", {})
    if not isinstance(section, dict):
        raise ConfigError(f"'agora' in {path} must be a table")
    both = sorted(set(section) & set(data))
    if both:
        raise ConfigError(
            f"setting {both[0]!r} is given both in [agora] and at top level of {path}"
        )
    return {**data, **section}


def _env_values() -> dict[str, str]:
    return {
        key: os.environ[ENV_PREFIX + key.upper()]
        for key in _COERCE
        if ENV_PREFIX + key.upper() in os.environ
    }


def load_settings(
    config_file: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build :class:`Settings` from defaults, a TOML file, env vars and overrides.

    The file is ``config_file``, else ``$AGORA_CONFIG``, else ``./agora.toml`` if it
    exists. ``overrides`` entries whose value is None are ignored, so CLI options that
    were not given can be passed straight through.
    """
    values: dict[str, Any] = {}
    path = _find_config_file(config_file)
    if path is not None:
        _apply(values, _read_toml(path), f"config file {path}", raw=False)
    _apply(values, _env_values(), _ENV, raw=True)
    if overrides:
        given = {k: v for k, v in overrides.items() if v is not None}
        _apply(values, given, "overrides", raw=True)
    settings = Settings(**values)
    if settings.pool_min > settings.pool_max:
        raise ConfigError(
            f"'pool_min' ({settings.pool_min}) must not exceed 'pool_max' ({settings.pool_max})"
        )
    return settings
