"""API keys: secrets a user creates to authenticate programs instead of their password.

A key is shown once, by :meth:`ResUsersApikeys.generate`; the database keeps only its
first characters (``index``, for lookup) and its SHA-256 digest (``key_hash``). Neither
column is a field: no ORM call (``read``, ``search_read``, ``fields_get``, a domain, even
as superuser) can reach them. They are added to the table by
:meth:`ResUsersApikeys._init_schema`, which the schema sync calls after the table's own
columns, and only raw SQL of this model touches them.

Users see and revoke their own keys; members of Settings (``base.group_system``) see and
revoke everyone's (``ir.model.access.csv`` and ``base_rules.xml``). Nobody creates or
edits keys through ``create``/``write``: ``generate`` is the only way in.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from agora import api, fields, models
from agora.db.sql import SQL
from agora.orm.exceptions import InvalidValueError, ValidationError
from agora.orm.schema import add_missing_columns, missing_tables
from agora.security import audit
from agora.security.apikeys import (
    INDEX_SIZE,
    generate_key,
    hash_key,
    is_key,
    key_index,
    verify_key,
)

#: the columns that are not fields
_INDEX_COLUMN = "index"
_HASH_COLUMN = "key_hash"

#: seconds during which further uses of one key are not logged again by this process: a
#: program calling the API in a loop leaves one ``apikey_used`` event a minute, not one
#: row per request (0: log every use)
USE_LOG_INTERVAL = 60.0
_last_logged: dict[tuple[str, int], float] = {}
_last_logged_lock = threading.Lock()


class ResUsersApikeys(models.Model):
    _name = "res.users.apikeys"
    _description = "User API Key"
    _order = "id desc"

    name = fields.Char(string="Description", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="User", required=True, readonly=True,
                              ondelete="cascade")
    scope = fields.Char(readonly=True, help="Empty: the key is valid for any scope.")
    expiration_date = fields.Datetime(string="Expiration Date", readonly=True,
                                      help="Empty: the key never expires.")

    # -- schema ------------------------------------------------------------------------------
    @classmethod
    def _init_schema(cls, cr: Any) -> None:
        """Add the lookup prefix and the digest to the table (idempotent). Nullable: a row
        made by a plain ``create`` has neither and so can never match a key."""
        add_missing_columns(cr, cls._table, {_INDEX_COLUMN: f"varchar({INDEX_SIZE})",
                                             _HASH_COLUMN: "varchar"})
        index_name = f"{cls._table}__index_index"
        if missing_tables(cr, [index_name]):  # an index is a relation too
            cr.execute(SQL("CREATE INDEX IF NOT EXISTS %s ON %s (%s)",
                           SQL.identifier(index_name), SQL.identifier(cls._table),
                           SQL.identifier(_INDEX_COLUMN)))

    # -- creating keys -----------------------------------------------------------------------
    @api.model
    def generate(self, name: str, scope: str | None = None,
                 expiration_date: datetime | str | None = None) -> str:
        """Create a key for the current user and return it: the only time it is visible.

        ``scope``: None or empty for a key valid everywhere, else the one use it is for
        (``"rpc"``: the external API). ``expiration_date`` (UTC, a datetime or
        ``"YYYY-MM-DD HH:MM:SS"``) must be in the future; None: never expires."""
        # Whoever may not see keys may not hold one. The row is made as superuser because
        # nobody has the create right (a plain create would make a key without a secret).
        self.check_access("read")
        values = {"name": self._check_name(name), "scope": self._check_scope(scope),
                  "expiration_date": self._check_expiration(expiration_date),
                  "user_id": self.env.uid}
        record = self.sudo().create(values)
        key = generate_key()
        self.env.cr.execute(SQL("UPDATE %s SET %s = %s, %s = %s WHERE id = %s",
                                SQL.identifier(self._table), SQL.identifier(_INDEX_COLUMN),
                                key_index(key), SQL.identifier(_HASH_COLUMN), hash_key(key),
                                record.id))
        audit.log_security_event(self.env.cr, audit.APIKEY_CREATED, uid=self.env.uid,
                                 model=self._name, res_id=record.id,
                                 details={"name": values["name"], "scope": values["scope"]})
        return key

    def _check_name(self, name: Any) -> str:
        if not isinstance(name, str):
            raise InvalidValueError(f"{self._name}.name: the description must be a string, "
                                    f"got {name!r}", model=self._name, field="name")
        if not name.strip():
            raise ValidationError(f"{self._name}.name: the description cannot be empty",
                                  model=self._name, field="name")
        return name.strip()

    def _check_scope(self, scope: Any) -> str | None:
        if scope is None or scope is False:
            return None
        if not isinstance(scope, str):
            raise InvalidValueError(f"{self._name}.scope: expected a string or None, got "
                                    f"{scope!r}", model=self._name, field="scope")
        return scope.strip() or None

    def _check_expiration(self, value: Any) -> datetime | None:
        if value is None or value is False:
            return None
        if not isinstance(value, datetime | str):
            raise InvalidValueError(
                f"{self._name}.expiration_date: expected a datetime or 'YYYY-MM-DD HH:MM:SS', "
                f"got {value!r}", model=self._name, field="expiration_date")
        # the field's own parsing: same formats (and UTC conversion) as create/write
        moment = self._fields["expiration_date"].convert_to_cache(value, self)
        if moment is None or moment <= datetime.now(UTC).replace(tzinfo=None):
            raise ValidationError(f"{self._name}.expiration_date: must be in the future, got "
                                  f"{value!r}", model=self._name, field="expiration_date")
        return moment

    # -- using keys --------------------------------------------------------------------------
    @api.model
    def _check_credentials(self, scope: str | None, key: Any) -> int | None:
        """The id of the user owning ``key`` if the key is live (user active, not expired)
        and its scope is empty or ``scope``; None otherwise. One indexed query; none for
        a value that cannot be a key."""
        if not is_key(key):
            return None
        transaction = self.env.transaction
        if "res.users" in transaction.towrite or self._name in transaction.towrite:
            transaction.flush()  # a user deactivated in this transaction counts
        self.env.cr.execute(SQL(
            "SELECT k.user_id, k.%s, k.id, k.name FROM %s AS k"
            " JOIN res_users AS u ON u.id = k.user_id"
            " WHERE k.%s = %s AND u.active AND (k.scope IS NULL OR k.scope = %s)"
            " AND (k.expiration_date IS NULL OR k.expiration_date > (now() AT TIME ZONE 'UTC'))",
            SQL.identifier(_HASH_COLUMN), SQL.identifier(self._table),
            SQL.identifier(_INDEX_COLUMN), key_index(key), scope))
        # Several keys may share a prefix (2^-32 per pair): check every candidate.
        for user_id, stored, key_id, name in self.env.cr.fetchall():
            if verify_key(key, stored):
                self._log_use(user_id, key_id, name, scope)
                return user_id
        return None

    def _log_use(self, user_id: int, key_id: int, name: str, scope: str | None) -> None:
        """An ``apikey_used`` security event, at most one per key and
        :data:`USE_LOG_INTERVAL` in this process."""
        marker = (self.env.cr.dbname, key_id)
        moment = time.monotonic()
        with _last_logged_lock:
            last = _last_logged.get(marker)
            if last is not None and moment - last < USE_LOG_INTERVAL:
                return
            _last_logged[marker] = moment
            if len(_last_logged) > 10_000:  # keys come and go: forget the oldest
                for stale in sorted(_last_logged, key=_last_logged.__getitem__)[:5_000]:
                    del _last_logged[stale]
        audit.log_security_event(self.env.cr, audit.APIKEY_USED, uid=user_id,
                                 model=self._name, res_id=key_id,
                                 details={"name": name, "scope": scope})

    # -- removing keys -----------------------------------------------------------------------
    def revoke(self) -> bool:
        """Delete these keys: they stop working at once. Users may revoke their own keys,
        Settings members anyone's (access rights and record rules)."""
        return self.unlink()

    def unlink(self) -> bool:
        # one ``apikey_revoked`` event per key, however it is deleted (revoke, unlink
        # through the API, expiry); logged once the deletion was allowed
        keys = [(key.id, key.user_id.id, key.name) for key in self.sudo()]
        result = super().unlink()
        for key_id, owner, name in keys:
            audit.log_security_event(self.env.cr, audit.APIKEY_REVOKED, uid=self.env.uid,
                                     model=self._name, res_id=key_id,
                                     details={"name": name, "owner": owner})
        return result

    def remove(self) -> bool:
        """Odoo's name for :meth:`revoke`."""
        return self.revoke()

    @api.model
    def _gc_expired(self) -> int:
        """Delete the keys past their expiration date (for a scheduled job); their number."""
        now = datetime.now(UTC).replace(tzinfo=None)
        expired = self.sudo().search([("expiration_date", "<=", now)])
        expired.unlink()
        return len(expired)
