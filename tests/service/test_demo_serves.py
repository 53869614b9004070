"""``agora demo`` (the README's first command) ends by serving the demo database."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import xmlrpc.client

from click.testing import CliRunner

from agora.cli.main import main
from agora.db.url import drop_database
from tests.service.serving import agora_command, free_port


def test_demo_creates_reports_and_serves(agora_server_url: str) -> None:
    name = f"agora_demo_{secrets.token_hex(3)}"
    port = free_port()
    env = {**os.environ, "AGORA_DB_URL": agora_server_url}
    env.pop("AGORA_CONFIG", None)
    process = subprocess.Popen([*agora_command(), "demo", "--name", name, "--port", str(port)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    try:
        output = []
        assert process.stdout is not None
        for line in process.stdout:  # the JSON report, then the URL once serving
            output.append(line)
            if line.startswith("Agora is running at"):
                break
        text = "".join(output)
        assert f"http://127.0.0.1:{port}/" in text and "admin / admin" in text, text
        report = json.loads(text[text.index("{"):text.rindex("}") + 1])
        assert report["database"] == name and report["counts"]["demo.order"] > 0
        counts = report["counts"]
        assert counts["sale.order"] > 0 and counts["crm.lead"] > 0 and counts["account.move"] > 0

        common = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/common")
        assert common.login(name, "admin", "admin") == 2
        process.send_signal(signal.SIGINT)  # Ctrl+C
        assert process.wait(10) == 0

        # --no-serve: the old behaviour, report and return (the database is reused)
        result = CliRunner().invoke(main, ["--db-url", agora_server_url, "demo", "--name",
                                           name, "--no-serve"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output[result.output.index("{"):])["created"] is False
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        drop_database(agora_server_url, name, force=True)
