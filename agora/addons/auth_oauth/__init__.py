"""OpenID Connect login: providers (``auth.oauth.provider``), users linked to a provider's
subject (``res.users.oauth_provider_id``/``oauth_uid``), the login and linking flows
(``controllers``; the server loads them). The protocol itself is in :mod:`.oidc`, the
server-side state of flows in progress in :mod:`.flows`."""

from typing import Any

from agora.addons.auth_oauth import flows, models  # noqa: F401
from agora.db.sql import SQL


def uninstall_hook(env: Any) -> None:
    """The flows in progress are no model's table: drop them with the module."""
    env.cr.execute(SQL(f"DROP TABLE IF EXISTS {flows.TABLE}"))
