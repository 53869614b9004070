"""``agora db ...`` through click's runner, against a fresh embedded cluster."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from agora.cli.main import main


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for var in ("AGORA_CONFIG", "AGORA_DB_URL", "AGORA_DATA_DIR"):
        monkeypatch.delenv(var, raising=False)
    # Under /tmp with 0755 so the server's user can reach it when tests run as root.
    root = Path(tempfile.mkdtemp(prefix="agora-cli-test-", dir="/tmp"))
    root.chmod(0o755)
    monkeypatch.chdir(root)
    yield root / "data"
    CliRunner().invoke(main, ["--data-dir", str(root / "data"), "db", "stop"])
    shutil.rmtree(root, ignore_errors=True)


def agora(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_db_start_list_status_stop(data_dir: Path) -> None:
    code, out = agora("--data-dir", str(data_dir), "db", "status")
    assert code == 0, out
    assert json.loads(out)["running"] is False

    code, out = agora("--data-dir", str(data_dir), "db", "start")
    assert code == 0, out
    url = out.strip()
    assert url.startswith("postgresql://agora:")

    code, out = agora("--data-dir", str(data_dir), "db", "create", "cli_made")
    assert code == 0, out
    code, out = agora("--data-dir", str(data_dir), "db", "list")
    assert code == 0, out
    assert {"postgres", "cli_made"} <= set(out.split())

    status = json.loads(agora("--data-dir", str(data_dir), "db", "status")[1])
    assert status["running"] is True
    password = url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
    assert password not in status["url"] and "****@" in status["url"]
    shown = json.loads(agora("--data-dir", str(data_dir), "db", "status", "--show-password")[1])
    assert shown["url"] == url

    code, out = agora("--data-dir", str(data_dir), "db", "stop")
    assert code == 0, out
    assert json.loads(agora("--data-dir", str(data_dir), "db", "status")[1])["running"] is False


def test_bad_settings_are_usage_errors(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGORA_POOL_MAX", "many")
    code, out = agora("--data-dir", str(data_dir), "db", "list")
    assert code == 2
    assert "AGORA_POOL_MAX" in out


def test_bad_database_name_is_reported(data_dir: Path) -> None:
    code, out = agora("--db-url", "postgresql://nobody@127.0.0.1:1/postgres", "db", "create", "a b")
    assert code == 1
    assert "invalid database name" in out
