"""One registry per database and process, reloaded when another process changed the
module set (it bumped the registry signal in the database, see :mod:`signal`)."""

from __future__ import annotations

import threading

from agora.db.cursor import Cursor
from agora.modules import signal
from agora.modules.loader import load_registry
from agora.orm.registry import Registry

_lock = threading.Lock()
#: per database: the signal value last loaded under, and the registry loaded then
_seen: dict[str, tuple[int, Registry]] = {}


def registry_for(cr: Cursor) -> Registry:
    """The up-to-date registry of ``cr``'s database (one cheap query to check). The same
    query reads the cache signals, left on the cursor (``cr.cache_signals``) for the
    cross-transaction memos (access rights, external ids)."""
    dbname = cr.dbname
    value, access_value, xmlid_value = signal.current_values(cr)
    cr.cache_signals = {signal.ACCESS: access_value, signal.XMLID: xmlid_value}
    registry = Registry.registries.get(dbname)
    if registry is not None and _is_current(cr, value, registry):
        return registry
    with _lock:
        registry = Registry.registries.get(dbname)
        if registry is None or not _is_current(cr, value, registry):
            registry = load_registry(cr, dbname)
            _seen[dbname] = (value, registry)
    return registry


def _is_current(cr: Cursor, value: int, registry: Registry) -> bool:
    """Whether ``registry`` is the one loaded under the signal value last seen, and that
    value is ``value``. A registry this process's own module change put in place is
    reloaded once from what was committed (its transaction may have rolled back). A
    replica may not have replayed a module change this process already loaded: its
    older value keeps the newer registry (reloading would flip between the two)."""
    seen = _seen.get(cr.dbname)
    if seen is None or seen[1] is not registry:
        return False
    return seen[0] == value or (cr.on_replica and value < seen[0])


def note_current(cr: Cursor) -> None:
    """After this process changed modules itself and committed: the registry in place
    is the one of the committed module set."""
    registry = Registry.registries.get(cr.dbname)
    if registry is not None:
        _seen[cr.dbname] = (signal.current(cr), registry)
