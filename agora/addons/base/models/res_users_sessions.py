"""A per-user security stamp that ends every session of a user when it changes.

Each HTTP session remembers a fingerprint of its user's password hash and of this stamp
(``agora.http.sessions``), checked at every request. A password change moves the hash;
anything else that must log a user out everywhere (turning two-factor authentication on
or off, an administrator resetting it, "log out all devices") calls
:meth:`ResUsers._invalidate_sessions`, which moves the stamp.

The stamp is a column, not a field, like API key digests: no ORM call (``read``,
``write``, ``fields_get``, a domain, even as superuser) can reach it, so no RPC client can
read it or put an old value back. Only the raw SQL below and the session queries touch it.
"""

from __future__ import annotations

from typing import Any

from agora import models
from agora.db.sql import SQL
from agora.orm.schema import add_missing_columns

#: the column of ``res_users`` that sessions fingerprint together with the password hash
STAMP_COLUMN = "session_epoch"


class ResUsers(models.Model):
    _inherit = "res.users"

    @classmethod
    def _init_schema(cls, cr: Any) -> None:
        """Add the stamp column (idempotent). A default of 0 makes existing rows valid at
        once; the session fingerprint treats 0 as "never bumped", so upgrading a database
        ends no session."""
        parent = getattr(super(), "_init_schema", None)
        if parent is not None:  # another extension of res.users may own columns too
            parent(cr)
        add_missing_columns(cr, cls._table, {STAMP_COLUMN: "integer NOT NULL DEFAULT 0"})

    def _invalidate_sessions(self) -> None:
        """End every session of these users (the current request's too: a caller that
        must keep it calls ``SessionStore.refresh_fingerprint`` afterwards). Takes effect
        at each session's next request; atomic, so concurrent calls cannot cancel out."""
        if not self.ids:
            return
        self.env.cr.execute(SQL(
            "UPDATE %s SET %s = %s + 1 WHERE id = ANY(%s)",
            SQL.identifier(self._table), SQL.identifier(STAMP_COLUMN),
            SQL.identifier(STAMP_COLUMN), list(self.ids)))
