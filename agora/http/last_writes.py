"""Read-your-writes: where each caller's last write reached in the primary's WAL.

A read-only unit of a caller who just wrote must not run on a replica that has not
replayed that write yet. The position travels two ways:

- in a cookie (``agora_wal``) for callers with a session, so any worker on any machine
  honours it (a forged value only sends the forger's own reads to the primary, or lets
  them see their own data slightly stale);
- in this process's memory, per session, API key or (database, uid), for clients that
  keep no cookies (XML-RPC with uid/password, bearer keys).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from agora.db.replicas import int_to_lsn, lsn_to_int

WAL_COOKIE = "agora_wal"
#: After this long any usable replica has replayed the write (or lags beyond the bound
#: and serves nothing), so the cookie may expire.
WAL_COOKIE_LIFETIME = 3600


def parse_wal_cookie(value: str | None) -> int:
    """The WAL position in a cookie value; 0 for anything that is not one."""
    if not value or len(value) > 20:
        return 0
    try:
        return lsn_to_int(value)
    except ValueError:
        return 0


def wal_cookie_value(position: int) -> str:
    return int_to_lsn(position)


class LastWrites:
    """Bounded map: client key -> WAL position of its last commit (least recently
    written keys are forgotten first; forgetting only costs a possibly stale read)."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._positions: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str | None) -> int:
        if key is None:
            return 0
        return self._positions.get(key, 0)

    def note(self, key: str | None, position: int) -> None:
        if key is None:
            return
        with self._lock:
            if position > self._positions.get(key, 0):
                self._positions[key] = position
            if key in self._positions:
                self._positions.move_to_end(key)
            while len(self._positions) > self.size:
                self._positions.popitem(last=False)
