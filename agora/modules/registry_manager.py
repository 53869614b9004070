"""One registry per database and process, reloaded when another process changed the
module set (it bumped the signal sequence in the database)."""

from __future__ import annotations

import threading

from agora.db.cursor import Cursor
from agora.modules import signal
from agora.modules.loader import load_registry
from agora.orm.registry import Registry

_lock = threading.Lock()
_seen: dict[str, int] = {}


def registry_for(cr: Cursor) -> Registry:
    """The up-to-date registry of ``cr``'s database (one cheap query to check). The same
    query reads the access cache signal, left on the cursor (``cr.cache_signal``) for
    the access policy's cross-transaction memo."""
    dbname = cr.dbname
    value, cr.cache_signal = signal.current_values(cr)
    registry = Registry.registries.get(dbname)
    if registry is not None and _is_current(cr, value):
        return registry
    with _lock:
        registry = Registry.registries.get(dbname)
        if registry is None or not _is_current(cr, value):
            registry = load_registry(cr, dbname)
            _seen[dbname] = value
    return registry


def _is_current(cr: Cursor, value: int) -> bool:
    """Whether the registry loaded under the signal value last seen serves ``value``. A
    replica may not have replayed a module change this process already loaded: its
    older value keeps the newer registry (reloading would flip between the two)."""
    seen = _seen.get(cr.dbname)
    return seen == value or (cr.on_replica and seen is not None and value < seen)


def note_current(cr: Cursor) -> None:
    """After this process changed modules itself: its registry is current."""
    _seen[cr.dbname] = signal.current(cr)
