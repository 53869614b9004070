"""agora db create / module / backup / restore through the real CLI."""

from __future__ import annotations

import secrets

from click.testing import CliRunner

from agora.cli.main import main
from agora.db.url import drop_database, list_databases


def test_create_install_backup_restore(agora_server_url, tmp_path):
    runner = CliRunner()
    name = f"agora_cli_{secrets.token_hex(3)}"
    restored = f"{name}_copy"
    base = ["--db-url", agora_server_url, "--data-dir", str(tmp_path / "data")]
    try:
        result = runner.invoke(main, [*base, "db", "create", name])
        assert result.exit_code == 0, result.output
        assert name in list_databases(agora_server_url)

        result = runner.invoke(main, [*base, "module", "list", "-d", name])
        assert result.exit_code == 0, result.output
        states = {line.split()[0]: line.split()[2] for line in result.output.splitlines()}
        assert states["base"] == "installed" and states["demo"] == "uninstalled"

        result = runner.invoke(main, [*base, "module", "install", "demo", "-d", name])
        assert result.exit_code == 0, result.output
        result = runner.invoke(main, [*base, "module", "list", "-d", name])
        assert "demo" in result.output and result.output.count("installed") >= 2

        result = runner.invoke(main, [*base, "module", "install", "nope", "-d", name])
        assert result.exit_code != 0 and "'nope' not found" in result.output

        result = runner.invoke(main, [*base, "shell", "-d", name],
                               input="print('users:', env['res.users'].search_count([]))\n")
        assert result.exit_code == 0, result.output
        assert "users: 1" in result.output  # admin (the superuser is archived)

        dump = tmp_path / "backup.dump"
        result = runner.invoke(main, [*base, "db", "backup", name, str(dump)])
        assert result.exit_code == 0, result.output
        assert dump.stat().st_size > 0
        result = runner.invoke(main, [*base, "db", "restore", str(dump), restored])
        assert result.exit_code == 0, result.output
        result = runner.invoke(main, [*base, "module", "list", "-d", restored])
        states = {line.split()[0]: line.split()[2] for line in result.output.splitlines()}
        assert states["demo"] == "installed"
    finally:
        drop_database(agora_server_url, name, force=True)
        drop_database(agora_server_url, restored, force=True)
