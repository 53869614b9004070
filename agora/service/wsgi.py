"""Build the WSGI application a server process runs, from settings."""

from __future__ import annotations

import importlib
import importlib.util
import logging

from agora.conf import Settings
from agora.db.manager import Databases
from agora.db.url import resolve_db_url
from agora.http.application import Application
from agora.security import audit

_logger = logging.getLogger(__name__)


def load_controllers() -> None:
    """Import the modules whose controllers every server has (they register themselves)."""
    import agora.http.controllers  # noqa: F401
    import agora.http.static  # noqa: F401
    import agora.rpc.json2  # noqa: F401
    import agora.rpc.rest  # noqa: F401
    import agora.rpc.routes_passkey  # noqa: F401
    import agora.rpc.routes_rpc  # noqa: F401
    import agora.rpc.routes_web  # noqa: F401

    load_addon_controllers()


def load_addon_controllers() -> None:
    """Import the ``controllers`` package of every addon found: their routes exist in
    every process, and the application serves each only on databases where its addon
    is installed."""
    from agora.modules.paths import discover, import_addon

    for manifest in discover().values():
        package = f"{manifest.python_package}.controllers"
        try:
            found = importlib.util.find_spec(package)
        except ModuleNotFoundError:
            found = None
        if found is None:
            continue
        try:
            import_addon(manifest)  # maps a pip package to its addon name first
            importlib.import_module(package)
        except ImportError as exc:  # e.g. a missing external dependency: serve the rest
            _logger.warning("controllers of addon %s not loaded: %s", manifest.name, exc)


def databases_from_settings(settings: Settings) -> Databases:
    return Databases(resolve_db_url(settings), settings.replica_urls,
                     pool_min=settings.pool_min, pool_max=settings.pool_max,
                     log_queries=settings.log_queries,
                     replica_max_lag=settings.replica_max_lag,
                     replica_retry_after=settings.replica_retry_after)


def build_application(settings: Settings, databases: Databases | None = None) -> Application:
    """The application of ``agora serve``: every collected controller, the configured
    databases (pools open lazily, so this may run before a prefork)."""
    load_controllers()
    databases = databases or databases_from_settings(settings)
    # security events raised on a read replica are written on the primary
    audit.set_primary_cursor_factory(lambda db: databases.pools(db).cursor())
    return Application(databases=databases,
                       default_db=settings.db_name, proxy_mode=settings.proxy_mode,
                       list_db=settings.list_db, max_request_size=settings.max_request_size,
                       session_lifetime=settings.session_lifetime,
                       session_max_age=settings.session_max_age)
