"""Getting a fresh server process ready before it takes requests."""

from __future__ import annotations

import logging

from agora.http.application import Application

_logger = logging.getLogger(__name__)


def warm_up(app: Application) -> None:
    """Open the pool of the default database and load its registry, so the first request
    a new process (or a worker replaced by a reload) answers is not seconds slower than
    the others. Any problem is only logged: the database may not exist yet."""
    if app.databases is None or not app.default_db:
        return
    try:
        if not app.databases.initialised(app.default_db):
            _logger.warning("database %r has no Agora installed (create it with `agora db "
                            "create %s`); serving the others", app.default_db, app.default_db)
            return
        from agora.modules.registry_manager import registry_for

        app.databases.run(app.default_db, registry_for, readonly=True)
    except Exception:
        _logger.exception("could not prepare database %r", app.default_db)
