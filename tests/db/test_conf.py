"""Settings: precedence defaults < TOML < AGORA_* env < overrides, and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from agora.conf import ConfigError, Settings, load_settings

ENV_VARS = [
    "AGORA_CONFIG", "AGORA_DB_URL", "AGORA_REPLICA_URLS", "AGORA_DATA_DIR", "AGORA_DB_NAME",
    "AGORA_LOG_QUERIES", "AGORA_POOL_MIN", "AGORA_POOL_MAX", "XDG_DATA_HOME",
]  # fmt: skip


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)  # so a developer's ./agora.toml is not picked up


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_defaults(tmp_path: Path) -> None:
    s = load_settings()
    assert s == Settings(
        db_url=None,
        replica_urls=[],
        data_dir=tmp_path / "home" / ".local" / "share" / "agora",
        db_name="agora",
        log_queries=False,
        pool_min=1,
        pool_max=10,
    )


def test_data_dir_default_follows_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AGORA_DATA_DIR", str(tmp_path / "d"))
    assert Settings().data_dir == tmp_path / "d"
    assert load_settings().data_dir == tmp_path / "d"


def test_toml_under_agora_table(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "a.toml",
        '[agora]\ndb_url = "postgresql://u@h/db"\nreplica_urls = ["postgresql://r1/x"]\n'
        'data_dir = "~/x"\ndb_name = "erp"\nlog_queries = true\npool_min = 2\npool_max = 5\n',
    )
    s = load_settings(cfg)
    assert s.db_url == "postgresql://u@h/db"
    assert s.replica_urls == ["postgresql://r1/x"]
    assert s.data_dir == tmp_path / "home" / "x"
    assert (s.db_name, s.log_queries, s.pool_min, s.pool_max) == ("erp", True, 2, 5)


def test_toml_at_top_level_and_default_file(tmp_path: Path) -> None:
    write(tmp_path / "agora.toml", 'db_name = "top"\n')
    assert load_settings().db_name == "top"


def test_agora_config_env_names_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write(tmp_path / "agora.toml", 'db_name = "cwd"\n')
    monkeypatch.setenv("AGORA_CONFIG", str(write(tmp_path / "env.toml", 'db_name = "env"\n')))
    assert load_settings().db_name == "env"
    # an explicit argument beats $AGORA_CONFIG
    assert load_settings(write(tmp_path / "arg.toml", 'db_name = "arg"\n')).db_name == "arg"


def test_precedence_toml_env_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml", '[agora]\ndb_name = "toml"\npool_max = 3\nlog_queries = true\n'
    )
    assert load_settings(cfg).db_name == "toml"

    monkeypatch.setenv("AGORA_DB_NAME", "env")
    monkeypatch.setenv("AGORA_LOG_QUERIES", "off")
    monkeypatch.setenv("AGORA_REPLICA_URLS", "postgresql://a/x, postgresql://b/x,")
    s = load_settings(cfg)
    assert (s.db_name, s.log_queries, s.pool_max) == ("env", False, 3)
    assert s.replica_urls == ["postgresql://a/x", "postgresql://b/x"]

    s = load_settings(cfg, {"db_name": "flag", "pool_max": None, "db_url": "postgresql://f/x"})
    assert s.db_name == "flag"
    assert s.pool_max == 3  # None override ignored
    assert s.db_url == "postgresql://f/x"


def test_env_ints_and_empty_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGORA_POOL_MIN", "0")
    monkeypatch.setenv("AGORA_POOL_MAX", " 20 ")
    monkeypatch.setenv("AGORA_DB_URL", "")
    s = load_settings()
    assert (s.pool_min, s.pool_max, s.db_url) == (0, 20, None)


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('pool_max = "10"', "pool_max"),  # TOML values must be typed
        ("pool_max = 0", "pool_max"),
        ("pool_min = true", "pool_min"),
        ('log_queries = "yes"', "log_queries"),
        ("db_url = 5", "db_url"),
        ('db_name = ""', "db_name"),
        ("replica_urls = [1, 2]", "replica_urls"),
        ('colour = "blue"', "colour"),
        ("[agora]\nsurprise = 1", "surprise"),
    ],
)
def test_bad_toml_values(tmp_path: Path, toml: str, key: str) -> None:
    cfg = write(tmp_path / "bad.toml", toml + "\n")
    with pytest.raises(ConfigError, match=key):
        load_settings(cfg)


@pytest.mark.parametrize(
    ("var", "value"),
    [("AGORA_POOL_MAX", "ten"), ("AGORA_POOL_MIN", "-1"), ("AGORA_LOG_QUERIES", "maybe")],
)
def test_bad_env_values(monkeypatch: pytest.MonkeyPatch, var: str, value: str) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError, match=var):
        load_settings()


def test_bad_override_and_unknown_override() -> None:
    with pytest.raises(ConfigError, match="pool_min"):
        load_settings(overrides={"pool_min": "x"})
    with pytest.raises(ConfigError, match="nope"):
        load_settings(overrides={"nope": 1})


def test_pool_min_above_max() -> None:
    with pytest.raises(ConfigError, match="pool_min"):
        load_settings(overrides={"pool_min": 5, "pool_max": 2})


def test_config_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(write(tmp_path / "broken.toml", "db_name = \n"))
    with pytest.raises(ConfigError, match="db_name"):
        load_settings(write(tmp_path / "twice.toml", 'db_name = "a"\n[agora]\ndb_name = "b"\n'))
    assert issubclass(ConfigError, ValueError)
