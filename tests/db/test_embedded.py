"""The embedded cluster, against real PostgreSQL binaries (one cluster per module)."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from agora.conf import Settings
from agora.db import embedded
from agora.db.embedded import EmbeddedPostgres, EmbeddedPostgresError
from agora.db.url import (
    create_database,
    drop_database,
    list_databases,
    resolve_db_url,
    url_for_database,
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[EmbeddedPostgres]:
    # Not under tmp_path_factory: pytest keeps its base dir at 0700, which the
    # unprivileged server user (when tests run as root) could not traverse.
    root = Path(tempfile.mkdtemp(prefix="agora-embedded-test-", dir="/tmp"))
    root.chmod(0o755)
    pg = EmbeddedPostgres(root / "data")
    try:
        pg.start()
        yield pg
    finally:
        try:
            pg.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg(cluster: EmbeddedPostgres) -> EmbeddedPostgres:
    cluster.start()  # tests below stop it; each starts from a running cluster
    return cluster


def scalar(url: str, query: str) -> object:
    with psycopg.connect(url, connect_timeout=10) as conn:
        row = conn.execute(query).fetchone()
        assert row is not None
        return row[0]


def postmaster_pid(pg: EmbeddedPostgres) -> int:
    return int((pg.pgdata / "postmaster.pid").read_text().splitlines()[0])


def test_start_returns_working_superuser_url(pg: EmbeddedPostgres) -> None:
    url = pg.start()
    assert url.startswith("postgresql://agora:")
    params = conninfo_to_dict(url)
    assert params["host"] == "127.0.0.1"
    assert scalar(url, "SELECT 1") == 1
    assert scalar(url, "SELECT current_user") == "agora"
    assert scalar(url, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") is True
    assert scalar(url, "SHOW server_encoding") == "UTF8"
    assert int(str(scalar(url, "SHOW server_version_num"))) // 10000 in range(15, 19)


def test_start_is_idempotent(pg: EmbeddedPostgres) -> None:
    pid = postmaster_pid(pg)
    assert pg.start() == pg.url
    assert postmaster_pid(pg) == pid  # same server, not a restart


def test_status(pg: EmbeddedPostgres) -> None:
    info = pg.status()
    assert info["running"] is True
    assert info["initialized"] is True
    assert info["url"] == pg.url
    assert isinstance(info["port"], int)
    assert str(info["port"]) == conninfo_to_dict(pg.url)["port"]
    assert info["pgdata"] == str(pg.pgdata)
    assert Path(info["bindir"], "postgres").exists()
    assert info["version"].split(".")[0] == str(pg.cluster_major())


def test_password_is_required_and_private(pg: EmbeddedPostgres) -> None:
    mode = pg.password_file.stat()
    assert stat.S_IMODE(mode.st_mode) == 0o600
    assert mode.st_uid == os.geteuid()  # readable by the caller, not only by the server
    params = conninfo_to_dict(pg.url)
    params["password"] = "wrong"
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(**params, connect_timeout=10)


@pytest.mark.skipif(os.geteuid() != 0, reason="root-only: server runs as another user")
def test_as_root_server_runs_unprivileged(pg: EmbeddedPostgres) -> None:
    import pwd

    assert pg.pgdata.stat().st_uid == pwd.getpwnam("postgres").pw_uid
    proc_uid = os.stat(f"/proc/{postmaster_pid(pg)}").st_uid
    assert proc_uid == pwd.getpwnam("postgres").pw_uid


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of LISTEN sockets on ``port``, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as fh:
            next(fh)
            for line in fh:
                local, state = line.split()[1], line.split()[3]
                addr, hexport = local.split(":")
                if state == "0A" and int(hexport, 16) == port:  # 0A = LISTEN
                    found.add(addr)
    return found


def test_listens_only_on_loopback(pg: EmbeddedPostgres) -> None:
    assert scalar(pg.url, "SHOW listen_addresses") == "127.0.0.1"
    port = pg.status()["port"]
    # 0100007F is 127.0.0.1 in /proc's little-endian hex; no 0.0.0.0 or IPv6 sockets.
    assert _listening_addresses(port) == {"0100007F"}
    others = {
        info[4][0]
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        if not info[4][0].startswith("127.")
    }
    for addr in others:
        with pytest.raises(OSError):
            socket.create_connection((addr, port), timeout=2).close()


def test_restart_reuses_port(pg: EmbeddedPostgres) -> None:
    url, port = pg.url, pg.status()["port"]
    pg.stop()
    assert pg.is_running() is False
    assert pg.status()["running"] is False
    assert not (pg.pgdata / "postmaster.pid").exists()
    assert pg.start() == url
    assert pg.status()["port"] == port
    assert scalar(url, "SELECT 1") == 1


def test_taken_port_is_replaced(pg: EmbeddedPostgres) -> None:
    old = pg.status()["port"]
    pg.stop()
    with socket.socket() as squatter:
        # REUSEADDR only so leftover TIME_WAIT connections don't block *this* bind;
        # a listening socket still keeps the server off the port.
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", old))
        squatter.listen()
        url = pg.start()
    new = pg.status()["port"]
    assert new != old
    assert int(pg.port_file.read_text()) == new  # persisted for the next start
    assert scalar(url, "SELECT 1") == 1


def test_stop_is_idempotent(pg: EmbeddedPostgres) -> None:
    pg.stop()
    pg.stop()
    assert pg.status()["running"] is False
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(pg.url, connect_timeout=5)


def test_start_failure_reports_server_log(pg: EmbeddedPostgres) -> None:
    pg.stop()
    conf = pg.pgdata / "postgresql.conf"
    original = conf.read_text()
    try:
        conf.write_text(original + "\nagora_no_such_setting = 1\n")
        with pytest.raises(EmbeddedPostgresError, match="agora_no_such_setting"):
            pg.start()
    finally:
        conf.write_text(original)
    assert scalar(pg.start(), "SELECT 1") == 1


def test_database_helpers(pg: EmbeddedPostgres) -> None:
    name = "agora_test_helpers-1.x"
    drop_database(pg.url, name)  # missing_ok: no error
    create_database(pg.url, name)
    try:
        assert name in list_databases(pg.url)
        assert scalar(url_for_database(pg.url, name), "SELECT current_database()") == name
        create_database(pg.url, name + "_copy", template=name)
        assert name + "_copy" in list_databases(pg.url)
        drop_database(pg.url, name + "_copy")
        # dropping the database the URL points at goes through the maintenance db
        drop_database(url_for_database(pg.url, name), name, force=True)
        assert name not in list_databases(pg.url)
        with pytest.raises(psycopg.errors.InvalidCatalogName):
            drop_database(pg.url, name, missing_ok=False)
    finally:
        drop_database(pg.url, name, force=True)


@pytest.mark.parametrize("bad", ["bad name", "-x", ".x", "a" * 64, "x;drop", ""])
def test_database_name_validation(bad: str) -> None:
    for func in (create_database, drop_database):
        with pytest.raises(ValueError, match="invalid database name"):
            func("postgresql://nobody@127.0.0.1:1/postgres", bad)  # fails before connecting


def test_url_for_database_accepts_urls_and_keywords() -> None:
    out = url_for_database("postgresql://u:p%40ss@h:5433/a?sslmode=disable", "b")
    assert conninfo_to_dict(out) == {
        "user": "u", "password": "p@ss", "host": "h", "port": "5433",
        "dbname": "b", "sslmode": "disable",
    }  # fmt: skip
    assert conninfo_to_dict(url_for_database("host=h dbname=a", "my db")) == {
        "host": "h",
        "dbname": "my db",
    }


def test_resolve_db_url(pg: EmbeddedPostgres) -> None:
    assert resolve_db_url(Settings(db_url="postgresql://x@h/y")) == "postgresql://x@h/y"
    assert resolve_db_url(Settings(db_url=None, data_dir=pg.data_dir)) == pg.url


# --- binaries: no cluster needed ------------------------------------------------------


def _fake_bindir(path: Path, version_line: str) -> Path:
    path.mkdir()
    for exe in ("postgres", "initdb", "pg_ctl"):
        script = path / exe
        script.write_text(f"#!/bin/sh\necho '{version_line}'\n")
        script.chmod(0o755)
    return path


@pytest.mark.parametrize("major", [14, 19])
def test_unsupported_versions_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, major: int
) -> None:
    monkeypatch.setenv(
        "PG_BIN", str(_fake_bindir(tmp_path / "bin", f"postgres (PostgreSQL) {major}.1"))
    )
    pg = EmbeddedPostgres(tmp_path / "data")
    with pytest.raises(EmbeddedPostgresError, match=f"PostgreSQL {major} .*not supported"):
        pg.start()
    assert not pg.pgdata.exists()  # refused before initdb


def test_pg_bin_must_hold_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_BIN", str(tmp_path))
    with pytest.raises(EmbeddedPostgresError, match="PG_BIN"):
        EmbeddedPostgres(tmp_path / "data").find_bindir()


def test_pg_bin_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bindir = _fake_bindir(tmp_path / "bin", "postgres (PostgreSQL) 17.2")
    monkeypatch.setenv("PG_BIN", str(bindir))
    pg = EmbeddedPostgres(tmp_path / "data")
    assert pg.find_bindir() == bindir
    assert pg.version() == "17.2"


def test_default_bindir_is_newest_debian(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PG_BIN", raising=False)
    installed = embedded._debian_bindirs()
    if not installed:
        pytest.skip("no /usr/lib/postgresql/*/bin on this machine")
    newest = max(v for v in installed if 15 <= v <= 18)
    pg = EmbeddedPostgres(tmp_path / "data")
    assert pg.find_bindir() == installed[newest]
    assert pg.major() == newest


def test_pick_debian_prefers_cluster_then_newest_supported() -> None:
    dirs = {v: Path(f"/pg/{v}/bin") for v in (14, 15, 16, 19)}
    assert embedded._pick_debian(dirs, None) == Path("/pg/16/bin")
    assert embedded._pick_debian(dirs, 15) == Path("/pg/15/bin")
    assert embedded._pick_debian({19: Path("/pg/19/bin")}, None) == Path("/pg/19/bin")


def test_no_binaries_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PG_BIN", raising=False)
    monkeypatch.setattr(embedded, "_debian_bindirs", dict)
    monkeypatch.setattr(embedded, "_pg_config_bindir", lambda: None)
    monkeypatch.setattr(embedded, "_wheel_bindir", lambda: None)
    with pytest.raises(EmbeddedPostgresError, match="apt-get install postgresql"):
        EmbeddedPostgres(tmp_path / "data").find_bindir()
