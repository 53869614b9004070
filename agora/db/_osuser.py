"""Running PostgreSQL's programs as an unprivileged OS user when Agora runs as root.

postgres, initdb and pg_ctl all refuse to run as root, so as root every such program is
run through ``runuser -u postgres --`` and the files the server writes are given to that
user. As any other user these helpers do nothing.
"""

from __future__ import annotations

import grp
import logging
import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

SERVER_USER = "postgres"

_log = logging.getLogger(__name__)


class ServerUserError(RuntimeError):
    """The unprivileged server user cannot be created or cannot reach the data dir."""


def is_root() -> bool:
    return os.geteuid() == 0


def _tool(name: str) -> str:
    # Non-login root shells sometimes lack /usr/sbin in PATH.
    found = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/sbin/{name}") if os.access(p, os.X_OK)), None
    )
    if found is None:
        raise ServerUserError(f"{name} not found; it is needed to run PostgreSQL as root")
    return found


def ensure_server_user() -> pwd.struct_passwd:
    """The ``postgres`` system account, created with ``useradd --system`` if missing."""
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        pass
    try:
        grp.getgrnam(SERVER_USER)
        group_args = ["--gid", SERVER_USER]  # the group exists already: join it
    except KeyError:
        group_args = ["--user-group"]
    cmd = [_tool("useradd"), "--system", *group_args, "--no-create-home",
           "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", SERVER_USER]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    try:
        return pwd.getpwnam(SERVER_USER)  # also covers losing a race with another useradd
    except KeyError:
        raise ServerUserError(
            f"cannot create system user {SERVER_USER!r}: {result.stderr.strip()}"
        ) from None


def as_server_user(cmd: list[str]) -> list[str]:
    """``cmd`` prefixed with runuser when root, unchanged otherwise."""
    if not is_root():
        return cmd
    ensure_server_user()
    return [_tool("runuser"), "-u", SERVER_USER, "--", *cmd]


def give_to_server_user(path: Path) -> None:
    if is_root():
        user = ensure_server_user()
        os.chown(path, user.pw_uid, user.pw_gid)


def server_env() -> dict[str, str]:
    # libpq-style PG* variables (PGDATA, PGPORT, PGHOST...) from the caller's shell
    # must not redirect initdb/pg_ctl away from our cluster.
    return {k: v for k, v in os.environ.items() if not k.startswith("PG") or k == "PG_BIN"}


def ensure_traversable(directory: Path) -> None:
    """Make ``directory`` reachable by the server user (root only).

    The server needs search (x) permission on every ancestor of its data directory.
    Where that is missing (typically /root, mode 0700) we add only o+x: others may then
    pass through the directory but still cannot list it.
    """
    if not is_root() or _server_can_enter(directory):
        return
    user = ensure_server_user()
    for path in [*reversed(directory.parents), directory]:
        st = path.stat()
        if st.st_uid != user.pw_uid and not st.st_mode & stat.S_IXOTH:
            _log.warning(
                "adding o+x to %s so PostgreSQL (user %s) can reach its data", path, SERVER_USER
            )
            path.chmod(stat.S_IMODE(st.st_mode) | stat.S_IXOTH)
    if not _server_can_enter(directory):
        raise ServerUserError(
            f"user {SERVER_USER!r} cannot reach {directory}; check its parents' permissions"
        )


def _server_can_enter(directory: Path) -> bool:
    cmd = as_server_user(["test", "-x", str(directory)])
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True).returncode == 0
