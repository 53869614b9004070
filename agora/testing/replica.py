"""A throwaway primary + hot standby pair, for testing read-replica routing.

``streaming_pair()`` initdb's a primary, clones it with ``pg_basebackup -R -X stream``
and starts the clone as a hot standby streaming from the primary, both on free loopback
ports with trust authentication. It reuses the embedded cluster's binary discovery and,
when run as root, its way of running PostgreSQL's programs as the ``postgres`` OS user.

Layout of the pair's working directory (removed on exit)::

    primary/        primary's data directory
    replica/        standby's data directory
    primary.log     server logs
    replica.log
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg

from agora.db import _osuser
from agora.db._osuser import ServerUserError
from agora.db.embedded import EmbeddedPostgres, EmbeddedPostgresError, _conf_quote, _free_port
from agora.db.replicas import lsn_to_int as wal_position

__all__ = [
    "APPLICATION_NAME",
    "ReplicaPairError",
    "ReplicaPairUnavailable",
    "StreamingPair",
    "find_server_bindir",
    "streaming_pair",
]

HOST = "127.0.0.1"
USER = "agora"
APPLICATION_NAME = "agora_replica"
PORT_CONF = "agora_pair.conf"  # per-server settings, included from postgresql.conf
_REQUIRED_PROGRAMS = ("postgres", "initdb", "pg_ctl", "pg_basebackup")
_START_TIMEOUT = 60  # seconds pg_ctl may wait for a server to accept connections
_CONNECT_TIMEOUT = 5


class ReplicaPairError(RuntimeError):
    """The primary/standby pair cannot be set up, started, stopped or queried."""


class ReplicaPairUnavailable(ReplicaPairError):
    """No PostgreSQL server binaries are installed at all (tests skip on this one only)."""


def find_server_bindir() -> Path:
    """PostgreSQL's bin directory, found the way the embedded cluster finds it.

    Raises ``ReplicaPairUnavailable`` when no server binaries exist anywhere, and
    ``ReplicaPairError`` when they exist but are unusable (a wrong ``$PG_BIN``, or no
    ``pg_basebackup`` next to ``postgres``).
    """
    # A data dir that never exists: discovery then prefers the newest installed major.
    probe = EmbeddedPostgres(Path(tempfile.gettempdir()) / "agora-replica-probe-unused")
    try:
        bindir = probe.find_bindir()
    except EmbeddedPostgresError as exc:
        if str(exc).startswith("no PostgreSQL server binaries found"):
            raise ReplicaPairUnavailable(str(exc)) from None
        raise ReplicaPairError(str(exc)) from None
    missing = [exe for exe in _REQUIRED_PROGRAMS if not (bindir / exe).is_file()]
    if missing:
        raise ReplicaPairError(f"{', '.join(missing)} missing from PostgreSQL binaries in {bindir}")
    return bindir


class _Server:
    """One data directory plus its port and log, driven through pg_ctl."""

    def __init__(self, name: str, workdir: Path, bindir: Path) -> None:
        self.name = name
        self.workdir = workdir
        self.bindir = bindir
        self.pgdata = workdir / name
        self.log_file = workdir / f"{name}.log"
        self.port = 0

    @property
    def url(self) -> str:
        return f"postgresql://{USER}@{HOST}:{self.port}/postgres"

    def prepare(self) -> None:
        self.pgdata.mkdir(mode=0o700)
        self.log_file.touch(mode=0o600)
        for path in (self.pgdata, self.log_file):
            _osuser.give_to_server_user(path)

    def write_port_conf(self, port: int, extra: str = "") -> None:
        self.port = port
        conf = self.pgdata / PORT_CONF
        conf.write_text(f"port = {port}\n{extra}")
        _osuser.give_to_server_user(conf)

    def start(self, extra_conf: str = "") -> None:
        result: subprocess.CompletedProcess[str] | None = None
        # A fresh port per attempt: another process may take a free port before we bind it.
        for _attempt in range(3):
            self.write_port_conf(_free_port(), extra_conf)
            result = self.pg_ctl(
                ["start", "-w", "-t", str(_START_TIMEOUT), "-l", str(self.log_file)]
            )
            if result.returncode == 0:
                return
            tail = self.log_tail()
            if "could not bind" not in tail and "in use" not in tail:
                break
        assert result is not None
        raise self.error(f"{self.name} did not start", result)

    def restart_on_same_port(self) -> None:
        result = self.pg_ctl(["start", "-w", "-t", str(_START_TIMEOUT), "-l", str(self.log_file)])
        if result.returncode != 0:
            raise self.error(f"{self.name} did not start", result)

    def stop(self, mode: str = "fast") -> None:
        result = self.pg_ctl(["stop", "-m", mode, "-w", "-t", "30"])
        if result.returncode != 0 and self.is_running():
            raise self.error(f"{self.name} did not stop", result)

    def is_running(self) -> bool:
        return self.pg_ctl(["status"]).returncode == 0

    def pg_ctl(self, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        return self.run(["pg_ctl", "-D", str(self.pgdata), *args], timeout=_START_TIMEOUT + 30)

    def run(self, args: Sequence[str], timeout: float) -> subprocess.CompletedProcess[str]:
        """Run one of PostgreSQL's programs (as the server's OS user when we are root)."""
        program = [str(self.bindir / args[0]), *args[1:]]
        try:
            cmd = _osuser.as_server_user(program)
            return subprocess.run(
                cmd, cwd=self.workdir, env=_osuser.server_env(), stdin=subprocess.DEVNULL,
                capture_output=True, text=True, timeout=timeout,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError, ServerUserError) as exc:
            raise ReplicaPairError(
                f"cannot run {args[0]} for the {self.name}: {exc}{self.log_suffix()}"
            ) from None

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_suffix(self) -> str:
        tail = self.log_tail()
        return f"\n--- last lines of {self.log_file} ---\n{tail}" if tail else ""

    def error(self, what: str, result: subprocess.CompletedProcess[str]) -> ReplicaPairError:
        output = (result.stdout + result.stderr).strip()
        return ReplicaPairError(f"{what} (exit {result.returncode}): {output}{self.log_suffix()}")


class StreamingPair:
    """A running primary and its hot standby; obtain one from ``streaming_pair()``."""

    def __init__(self, primary: _Server, replica: _Server, synchronous: bool) -> None:
        self._primary = primary
        self._replica = replica
        self.synchronous = synchronous

    @property
    def primary_url(self) -> str:
        """libpq URL of the ``agora`` superuser on the primary (trust auth, loopback)."""
        return self._primary.url

    @property
    def replica_url(self) -> str:
        """libpq URL of the ``agora`` superuser on the standby (read-only)."""
        return self._replica.url

    @property
    def primary_dir(self) -> Path:
        return self._primary.pgdata

    @property
    def replica_dir(self) -> Path:
        return self._replica.pgdata

    def stop_replica(self) -> None:
        """Shut the standby down (fast); its port then refuses connections."""
        self._replica.stop("fast")

    def start_replica(self) -> None:
        """Start the standby again on its port and wait until it streams from the primary."""
        self._replica.restart_on_same_port()
        self._wait_streaming(_START_TIMEOUT)

    def primary_lsn(self) -> str:
        """``pg_current_wal_lsn()`` of the primary, as PostgreSQL prints it (``0/3000148``)."""
        return self._scalar(self._primary, "SELECT pg_current_wal_lsn()::text")

    def replica_lsn(self) -> str:
        """``pg_last_wal_replay_lsn()`` of the standby: how far it has applied WAL."""
        return self._scalar(self._replica, "SELECT pg_last_wal_replay_lsn()::text")

    def wait_replayed(self, timeout: float = 10) -> str:
        """Block until the standby has replayed everything written on the primary so far.

        Returns the LSN waited for; raises ``ReplicaPairError`` after ``timeout`` seconds.
        """
        target = self.primary_lsn()
        deadline = time.monotonic() + timeout
        replayed = ""
        while True:
            replayed = self.replica_lsn()
            if lsn_to_int(replayed) >= lsn_to_int(target):
                return target
            if time.monotonic() >= deadline:
                raise ReplicaPairError(
                    f"replica replayed WAL up to {replayed} but not to the primary's {target} "
                    f"within {timeout}s{self._replica.log_suffix()}"
                )
            time.sleep(0.02)

    def _wait_streaming(self, timeout: float) -> None:
        # A standby that accepts connections may not have connected to the primary yet;
        # in synchronous mode a commit on the primary would block until it has.
        wanted = "sync" if self.synchronous else "async"
        deadline = time.monotonic() + timeout
        while True:
            with self._connect(self._primary) as conn:
                row = conn.execute(
                    "SELECT state, sync_state FROM pg_stat_replication WHERE application_name = %s",
                    (APPLICATION_NAME,),
                ).fetchone()
            if row is not None and row[0] == "streaming" and row[1] == wanted:
                return
            if time.monotonic() >= deadline:
                raise ReplicaPairError(
                    f"replica is not streaming ({wanted}) from the primary after {timeout}s "
                    f"(pg_stat_replication: {row}){self._replica.log_suffix()}"
                )
            time.sleep(0.05)

    def _scalar(self, server: _Server, query: str) -> str:
        with self._connect(server) as conn:
            row = conn.execute(query).fetchone()
        if row is None or row[0] is None:
            raise ReplicaPairError(f"{query!r} returned nothing on the {server.name}")
        return str(row[0])

    @staticmethod
    def _connect(server: _Server) -> psycopg.Connection[tuple[object, ...]]:
        try:
            return psycopg.connect(server.url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT)
        except psycopg.OperationalError as exc:
            raise ReplicaPairError(
                f"cannot connect to the {server.name} at {server.url}: {exc}{server.log_suffix()}"
            ) from None


def lsn_to_int(lsn: str) -> int:
    """``'16/B374D848'`` -> byte position, so LSNs compare as numbers (the routing's own
    conversion; a bad value is this fixture's error)."""
    try:
        return wal_position(lsn)
    except ValueError:
        raise ReplicaPairError(f"not a WAL position: {lsn!r}") from None


@contextmanager
def streaming_pair(
    base_dir: Path | None = None, *, synchronous: bool = False
) -> Iterator[StreamingPair]:
    """Yield a running primary + hot standby; stop both and delete their files on exit.

    ``synchronous=True`` names the standby in the primary's ``synchronous_standby_names``
    with ``synchronous_commit = remote_apply``: a commit returns only once the standby
    has applied it, so it is visible there at once. Otherwise the standby lags a little.
    The pair lives in a fresh directory under ``base_dir`` (default: the temp dir).
    """
    bindir = find_server_bindir()
    parent = Path(base_dir) if base_dir is not None else Path(tempfile.gettempdir())
    parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="agora-replica-", dir=parent))
    # mkdtemp makes it 0700; the server's OS user (when we are root) must pass through it.
    workdir.chmod(0o755)
    primary = _Server("primary", workdir, bindir)
    replica = _Server("replica", workdir, bindir)
    try:
        try:
            _osuser.ensure_traversable(workdir)
        except ServerUserError as exc:
            raise ReplicaPairError(str(exc)) from None
        _init_primary(primary, synchronous)
        _clone_replica(primary, replica)
        pair = StreamingPair(primary, replica, synchronous)
        pair._wait_streaming(_START_TIMEOUT)
        yield pair
    finally:
        try:
            for server in (replica, primary):
                if server.pgdata.joinpath("postmaster.pid").exists():
                    server.stop("immediate")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _init_primary(primary: _Server, synchronous: bool) -> None:
    primary.prepare()
    result = primary.run(
        ["initdb", "-D", str(primary.pgdata), "-U", USER, "--auth=trust", "--encoding=UTF8",
         "--locale=C", "--no-sync", "--no-instructions"],
        timeout=300,
    )  # fmt: skip
    if result.returncode != 0:
        raise primary.error("initdb of the primary failed", result)
    # Shared by both servers (pg_basebackup copies it); only PORT_CONF differs.
    with (primary.pgdata / "postgresql.conf").open("a") as fh:
        fh.write(
            "\n# Agora streaming pair (test fixture)\n"
            f"listen_addresses = '{HOST}'\n"
            "unix_socket_directories = ''\n"  # loopback TCP only: no socket dir to own
            "wal_level = replica\n"
            "max_wal_senders = 5\n"
            "wal_keep_size = '128MB'\n"  # so a stopped standby can catch up on restart
            "hot_standby = on\n"
            "fsync = off\n"  # throwaway clusters: speed over durability
            f"include_if_exists = '{PORT_CONF}'\n"
        )
    with (primary.pgdata / "pg_hba.conf").open("w") as fh:
        fh.write(
            "# Agora streaming pair: trust on loopback only, replication included.\n"
            f"host all all {HOST}/32 trust\n"
            f"host replication all {HOST}/32 trust\n"
        )
    sync_conf = ""
    if synchronous:
        sync_conf = (
            f"synchronous_standby_names = {_conf_quote(APPLICATION_NAME)}\n"
            "synchronous_commit = remote_apply\n"
        )
    primary.start(sync_conf)


def _clone_replica(primary: _Server, replica: _Server) -> None:
    replica.prepare()
    result = replica.run(
        ["pg_basebackup", "-R", "-D", str(replica.pgdata), "-h", HOST, "-p", str(primary.port),
         "-U", USER, "-X", "stream", "-c", "fast", "--no-sync"],
        timeout=300,
    )  # fmt: skip
    if result.returncode != 0:
        raise replica.error(f"pg_basebackup from the primary on port {primary.port} failed", result)
    # -R wrote a primary_conninfo without an application_name; a later line wins, and the
    # primary's synchronous_standby_names matches on this name.
    conninfo = f"host={HOST} port={primary.port} user={USER} application_name={APPLICATION_NAME}"
    with (replica.pgdata / "postgresql.auto.conf").open("a") as fh:
        fh.write(f"primary_conninfo = {_conf_quote(conninfo)}\n")
    replica.start()
