"""Which read replica may serve a read-only unit of work, if any.

A replica is usable when it is up, a standby, not lagging beyond ``max_lag`` seconds,
and has replayed the caller's last write (read-your-writes: the caller passes the WAL
position its last commit reached on the primary). What a replica has replayed is
checked with one cheap query on one of its connections, at most every
``check_interval`` seconds, or again when a caller needs a newer position than the one
last seen (positions only grow, so an old reading that is new enough stays true).

Lag is the larger of two measures: the standby's own (WAL received but not yet applied,
in seconds since the last applied commit) and the age of the oldest commit this process
made on the primary that the replica has not replayed (that one still works when the
standby lost its connection to the primary and so believes it is up to date).

A replica whose connection fails is marked down and not tried again for ``retry_after``
seconds; meanwhile its reads go to the primary.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from dataclasses import dataclass

import psycopg
from psycopg_pool import ConnectionPool

from agora import metrics
from agora.db.cursor import count_statement

_logger = logging.getLogger(__name__)

#: One round trip: what the standby replayed, whether it is one, and its own apply lag.
STATUS_QUERY = (
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
    " CASE WHEN pg_last_wal_receive_lsn() IS NULL"
    "        OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0"
    "      ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp()"
    "                    - pg_last_xact_replay_timestamp()), 0)::float8 END")
#: Run on the primary after a write unit committed: a position at or past its commit.
PRIMARY_LSN_QUERY = "SELECT pg_current_wal_lsn()::text"
#: Commits remembered for the lag measure (oldest dropped first); a commit closer than
#: ``_HISTORY_STEP`` seconds to the last one remembered is folded into it, so the
#: history spans at least a minute whatever the write rate.
_HISTORY = 600
_HISTORY_STEP = 0.1


def lsn_to_int(lsn: str) -> int:
    """``'16/B374D848'`` -> a byte position, so WAL positions compare as numbers."""
    high, sep, low = lsn.partition("/")
    if not sep:
        raise ValueError(f"not a WAL position: {lsn!r}")
    return (int(high, 16) << 32) + int(low, 16)


def int_to_lsn(position: int) -> str:
    return f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"


@dataclass
class ReplicaState:
    """What this process knows of one replica."""

    label: str
    pool: ConnectionPool
    down_until: float = 0.0
    replayed: int = 0  # WAL position replayed, as last checked
    lag: float = 0.0
    checked_at: float = float("-inf")
    standby: bool = True

    def is_up(self, now: float) -> bool:
        return now >= self.down_until


class ReplicaRouter:
    """Chooses replicas for one database's pools; thread-safe."""

    def __init__(self, replicas: list[tuple[str, ConnectionPool]], *, max_lag: float = 5.0,
                 retry_after: float = 10.0, check_interval: float = 1.0) -> None:
        self.replicas = [ReplicaState(label, pool) for label, pool in replicas]
        self.max_lag = max_lag
        self.retry_after = retry_after
        self.check_interval = check_interval
        self._commits: deque[tuple[float, int]] = deque(maxlen=_HISTORY)
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self.replicas)

    # -- choosing ---------------------------------------------------------------------
    def candidates(self) -> list[ReplicaState]:
        """Replicas not known to be down, in random order (spreads the load)."""
        now = time.monotonic()
        states = [state for state in self.replicas if state.is_up(now)]
        random.shuffle(states)
        return states

    def needs_check(self, state: ReplicaState, min_lsn: int) -> bool:
        return (time.monotonic() - state.checked_at >= self.check_interval
                or state.replayed < min_lsn)

    def refusal(self, state: ReplicaState, min_lsn: int) -> str | None:
        """Why ``state`` may not serve a read that must see ``min_lsn`` (None: it may)."""
        if not state.standby:
            return "down"
        if state.lag > self.max_lag:
            return "lagging"
        if state.replayed < min_lsn:
            return "behind_session"
        return None

    def check(self, state: ReplicaState, connection: psycopg.Connection) -> None:
        """Read the replica's position and lag on ``connection`` (idle, outside any
        transaction, so the unit that follows takes its snapshot afterwards and sees
        everything the position covers)."""
        connection.autocommit = True
        try:
            count_statement()
            row = connection.execute(STATUS_QUERY).fetchone()
        finally:
            if not connection.closed:
                connection.autocommit = False
        in_recovery, replayed, own_lag = row if row else (False, None, 0.0)
        now = time.monotonic()
        with self._lock:
            state.checked_at = now
            state.standby = bool(in_recovery) and replayed is not None
            if not state.standby:
                _logger.warning("replica %s is not a streaming standby; reads avoid it",
                                state.label)
                state.down_until = now + self.retry_after
                return
            state.replayed = max(state.replayed, lsn_to_int(replayed))
            state.lag = max(float(own_lag or 0.0), self._unreplayed_age(state.replayed, now))
        metrics.set_replica_lag(state.label, state.lag)
        if state.lag > self.max_lag:
            _logger.warning("replica %s lags %.1fs (bound %.1fs); reads go elsewhere",
                            state.label, state.lag, self.max_lag)

    def _unreplayed_age(self, replayed: int, now: float) -> float:
        """Seconds since the oldest commit this process saw that ``replayed`` lacks."""
        everywhere = min(state.replayed for state in self.replicas)
        while self._commits and self._commits[0][1] <= everywhere:
            self._commits.popleft()  # every replica has it: never needed again
        for when, lsn in self._commits:
            if lsn > replayed:
                return now - when
        return 0.0

    # -- events -----------------------------------------------------------------------
    def mark_down(self, state: ReplicaState, reason: BaseException | str) -> None:
        with self._lock:
            state.down_until = time.monotonic() + self.retry_after
            state.checked_at = float("-inf")  # check again before trusting it next time
        _logger.warning("replica %s unavailable (%s); reads go to the primary for %.0fs",
                        state.label, reason, self.retry_after)

    def note_commit(self, lsn: int) -> None:
        """A write unit committed on the primary at ``lsn`` (feeds the lag measure)."""
        now = time.monotonic()
        with self._lock:
            if self._commits and self._commits[-1][1] >= lsn:
                return
            if self._commits and now - self._commits[-1][0] < _HISTORY_STEP:
                # fold into the last entry: its (earlier) time errs towards more lag
                self._commits[-1] = (self._commits[-1][0], lsn)
            else:
                self._commits.append((now, lsn))
