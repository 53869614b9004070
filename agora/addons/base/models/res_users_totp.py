"""TOTP two-factor authentication of users (codes: ``agora.security.totp``).

State, none of it a field (no ORM call, even as superuser, can read it; only this
model's raw SQL touches it), added by :meth:`ResUsersTotp._init_schema`:

- ``res_users.totp_secret``: the shared secret once 2FA is on (NULL: off);
  ``totp_pending_secret``: the secret of an enrolment not yet confirmed;
  ``totp_last_step``: the last time step a code was accepted for (replay guard);
  ``totp_failures`` since ``totp_failures_since``: wrong login codes (throttle).
- ``res_users_totp_recovery``: SHA-256 of each recovery code, ``used_at`` once used.
- ``res_users_totp_device``: SHA-256 of each "trusted device" cookie, with its expiry.
- ``res_users_totp_login``: logins whose password was right and whose second factor is
  awaited, keyed by the SHA-256 of the (not yet logged-in) session token, with a
  deadline and an attempt counter.

``totp_enabled`` is the only field (computed from the secret, readable by whoever may
read the user). Users manage their own 2FA (``totp_enrol``, ``totp_confirm``,
``totp_disable``...); Settings administrators reset anyone's (``action_totp_reset``).
"""

from __future__ import annotations

from typing import Any

from agora import api, fields, models
from agora.db.sql import SQL
from agora.orm.exceptions import AccessDenied, AccessError, UserError, ValidationError
from agora.orm.schema import add_missing_columns, missing_tables
from agora.security import audit, throttle, totp
from agora.security.apikeys import is_key

#: ir.config_parameter: days a "trusted device" skips the second step (0: never offered)
TRUSTED_DEVICE_DAYS_PARAM = "auth_totp.trusted_device_days"
DEFAULT_TRUSTED_DEVICE_DAYS = 30
#: seconds between a right password and the code that completes the login
LOGIN_DEADLINE = 300
#: wrong codes allowed per login before the password must be given again
LOGIN_ATTEMPTS = 5
#: wrong login codes one user may get within USER_FAILURE_WINDOW seconds, over all their
#: pending logins (someone who has the password cannot guess codes at the pace of logins)
USER_FAILURE_LIMIT = 10
USER_FAILURE_WINDOW = 900

_TABLES = (
    """CREATE TABLE IF NOT EXISTS res_users_totp_recovery (
        id serial PRIMARY KEY,
        user_id integer NOT NULL REFERENCES res_users (id) ON DELETE CASCADE,
        code_hash varchar NOT NULL,
        used_at timestamp)""",
    "CREATE INDEX IF NOT EXISTS res_users_totp_recovery_user_idx"
    " ON res_users_totp_recovery (user_id)",
    """CREATE TABLE IF NOT EXISTS res_users_totp_device (
        id serial PRIMARY KEY,
        user_id integer NOT NULL REFERENCES res_users (id) ON DELETE CASCADE,
        token_hash varchar NOT NULL UNIQUE,
        user_agent varchar,
        created_at timestamp NOT NULL DEFAULT (now() at time zone 'UTC'),
        expires_at timestamp NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS res_users_totp_device_user_idx"
    " ON res_users_totp_device (user_id)",
    """CREATE TABLE IF NOT EXISTS res_users_totp_login (
        session_hash varchar PRIMARY KEY,
        user_id integer NOT NULL REFERENCES res_users (id) ON DELETE CASCADE,
        expires_at timestamp NOT NULL,
        attempts integer NOT NULL DEFAULT 0)""",
)

_OWN_TABLES = ("res_users_totp_recovery", "res_users_totp_device", "res_users_totp_login")

_NOW = "(now() at time zone 'UTC')"


class ResUsersTotp(models.Model):
    _inherit = "res.users"

    totp_enabled = fields.Boolean(string="Two-factor authentication",
                                  compute="_compute_totp_enabled",
                                  search="_search_totp_enabled")

    # -- schema ------------------------------------------------------------------------------
    @classmethod
    def _init_schema(cls, cr: Any) -> None:
        parent = getattr(super(), "_init_schema", None)
        if parent is not None:  # another extension of res.users may own columns too
            parent(cr)
        add_missing_columns(cr, "res_users", {
            "totp_secret": "varchar", "totp_pending_secret": "varchar",
            "totp_last_step": "bigint", "totp_failures": "integer",
            "totp_failures_since": "timestamp"})
        if missing_tables(cr, list(_OWN_TABLES)):  # once: no DDL (no lock) afterwards
            for statement in _TABLES:
                cr.execute(SQL(statement))

    # -- the readable flag -------------------------------------------------------------------
    def _compute_totp_enabled(self) -> None:
        enabled = self._totp_enabled_ids(self.ids)
        for user in self:
            user.totp_enabled = user.id in enabled

    def _search_totp_enabled(self, operator: str, value: Any) -> list[Any]:
        if operator not in ("=", "!="):
            raise ValidationError(f"res.users.totp_enabled: unsupported operator {operator!r}",
                                  model=self._name, field="totp_enabled")
        self.env.cr.execute(SQL("SELECT id FROM res_users WHERE totp_secret IS NOT NULL"))
        ids = [row[0] for row in self.env.cr.fetchall()]
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", ids)]

    def _totp_enabled_ids(self, ids: list[int]) -> set[int]:
        if not ids:
            return set()
        self.env.cr.execute(SQL("SELECT id FROM res_users WHERE id = ANY(%s)"
                                " AND totp_secret IS NOT NULL", list(ids)))
        return {row[0] for row in self.env.cr.fetchall()}

    def _totp_changed(self) -> None:
        """Forget cached ``totp_enabled`` values of these users (raw SQL changed them)."""
        field = self._fields["totp_enabled"]
        for key in field.cache_keys():
            cache = self.env.cache[key]
            for id_ in self._ids:
                cache.pop(id_, None)

    # -- the user's own 2FA (RPC) ------------------------------------------------------------
    def _totp_self(self) -> ResUsersTotp:
        """The user this call may manage: only oneself."""
        self.ensure_one()
        if self.id != self.env.uid:
            raise AccessError("res.users: you can only manage your own two-factor "
                              "authentication", model=self._name)
        return self.sudo()

    def totp_enrol(self, password: Any = None) -> dict[str, str]:
        """Start an enrolment: a new secret, pending until :meth:`totp_confirm` gets a code
        of it. Returns ``secret``, ``uri`` (otpauth://) and ``qr`` (an SVG data URI).
        ``password``: the user's, confirming who they are (a stolen session must not turn
        2FA on with its own device: that would lock the owner out)."""
        user = self._totp_self()
        if user.totp_enabled:
            raise UserError("Two-factor authentication is already enabled: disable it "
                            "first to enrol another device.", model=self._name)
        user._check_identity(password)
        secret = totp.new_secret()
        self.env.cr.execute(SQL("UPDATE res_users SET totp_pending_secret = %s WHERE id = %s",
                                secret, user.id))
        issuer = user.company_id.name or totp.ISSUER
        uri = totp.provisioning_uri(secret, user.login, issuer)
        return {"secret": secret, "uri": uri, "qr": totp.qr_svg_data_uri(uri)}

    def totp_confirm(self, code: Any) -> dict[str, Any]:
        """Enable 2FA with the pending secret if ``code`` is one of its codes. Returns
        ``recovery_codes``: shown this once, stored only hashed."""
        user = self._totp_self()
        self.env.cr.execute(SQL("SELECT totp_pending_secret FROM res_users WHERE id = %s"
                                " FOR UPDATE", user.id))
        pending = self.env.cr.fetchone()[0]
        if not pending:
            raise UserError("No enrolment in progress: start again.", model=self._name)
        step = totp.matching_step(pending, code)
        if step is None:
            raise ValidationError("Invalid authentication code: check your device's clock "
                                  "and type the code it shows now.", model=self._name)
        self.env.cr.execute(SQL(
            "UPDATE res_users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL,"
            " totp_last_step = %s WHERE id = %s", step, user.id))
        self._totp_changed()
        user._totp_end_sessions()
        audit.log_security_event(self.env.cr, audit.TOTP_ENABLED, uid=user.id,
                                 login=user.login, model=self._name, res_id=user.id)
        return {"recovery_codes": user._totp_new_recovery_codes()}

    def totp_disable(self, credential: Any) -> bool:
        """Turn 2FA off; ``credential`` is a current code, a recovery code or the
        password. Recovery codes and trusted devices go too."""
        user = self._totp_self()
        if not user.totp_enabled:
            return True
        user._identity_guard()
        if not (user._totp_second_factor(credential) or user._totp_password_ok(credential)):
            audit.log_security_event(self.env.cr, audit.TOTP_FAILED, uid=user.id,
                                     login=user.login, details={"action": "disable"})
            user._identity_failed()
            raise AccessDenied("Invalid code or password: two-factor authentication stays "
                               "enabled.")
        user._totp_clear()
        audit.log_security_event(self.env.cr, audit.TOTP_DISABLED, uid=user.id,
                                 login=user.login, model=self._name, res_id=user.id)
        return True

    def totp_regenerate_recovery_codes(self, code: Any) -> dict[str, Any]:
        """New recovery codes (the old ones stop working) for a current TOTP code."""
        user = self._totp_self()
        if not user.totp_enabled or not user._totp_check_code(code):
            raise AccessDenied("Invalid authentication code.")
        return {"recovery_codes": user._totp_new_recovery_codes()}

    def totp_forget_devices(self) -> int:
        """Forget every trusted device: the next login asks for a code everywhere."""
        user = self._totp_self()
        self.env.cr.execute(SQL("DELETE FROM res_users_totp_device WHERE user_id = %s",
                                user.id))
        return self.env.cr.rowcount

    @api.readonly
    def totp_status(self) -> dict[str, Any]:
        """What the 2FA page shows: ``enabled``, ``recovery_codes_left``,
        ``trusted_devices`` (live) and ``trusted_device_days`` (the setting)."""
        user = self._totp_self()
        self.env.cr.execute(SQL(
            "SELECT (SELECT count(*) FROM res_users_totp_recovery"
            "        WHERE user_id = %s AND used_at IS NULL),"
            "       (SELECT count(*) FROM res_users_totp_device"
            f"        WHERE user_id = %s AND expires_at > {_NOW})", user.id, user.id))
        codes_left, devices = self.env.cr.fetchone()
        return {"enabled": user.totp_enabled, "recovery_codes_left": codes_left,
                "trusted_devices": devices,
                "trusted_device_days": self._totp_trusted_device_days()}

    # -- administrators ----------------------------------------------------------------------
    def action_totp_reset(self) -> bool:
        """Turn 2FA off for these users (one who lost their device and recovery codes);
        Settings administrators only."""
        if not self.env.su and not self.env.user.has_group("base.group_system"):
            raise AccessError("res.users: only Settings administrators can reset another "
                              "user's two-factor authentication", model=self._name)
        for user in self.sudo():
            user._totp_clear()
            audit.log_security_event(
                self.env.cr, audit.TOTP_DISABLED, uid=user.id, login=user.login,
                model=self._name, res_id=user.id, details={"reset_by": self.env.uid})
        return True

    # -- checks (server side only) -----------------------------------------------------------
    def _totp_clear(self) -> None:
        self.ensure_one()
        cr = self.env.cr
        cr.execute(SQL("UPDATE res_users SET totp_secret = NULL, totp_pending_secret = NULL,"
                       " totp_last_step = NULL, totp_failures = NULL,"
                       " totp_failures_since = NULL WHERE id = %s", self.id))
        for table in ("res_users_totp_recovery", "res_users_totp_device",
                      "res_users_totp_login"):
            cr.execute(SQL("DELETE FROM %s WHERE user_id = %s", SQL.identifier(table), self.id))
        self._totp_changed()
        self._totp_end_sessions()

    def _totp_end_sessions(self) -> None:
        """A 2FA change ends every session of the user (a stolen session must not outlive
        the owner turning 2FA on; the HTTP route that made the change keeps its own
        session alive with ``SessionStore.refresh_fingerprint``)."""
        invalidate = getattr(self, "_invalidate_sessions", None)
        if invalidate is not None:
            invalidate()

    def _totp_new_recovery_codes(self) -> list[str]:
        self.ensure_one()
        codes = totp.new_recovery_codes()
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM res_users_totp_recovery WHERE user_id = %s", self.id))
        for code in codes:
            cr.execute(SQL("INSERT INTO res_users_totp_recovery (user_id, code_hash)"
                           " VALUES (%s, %s)", self.id,
                           totp.digest(totp.normalize_recovery_code(code) or "")))
        return codes

    def _totp_check_code(self, code: Any) -> bool:
        """Whether ``code`` is a current code of this user's secret that was not used
        before (its time step is later than the last accepted one); remembers its step.
        The row lock makes two requests with the same code conflict: one is retried and
        then sees the step taken."""
        self.ensure_one()
        if totp.normalize_code(code) is None:
            return False
        cr = self.env.cr
        cr.execute(SQL("SELECT totp_secret, totp_last_step FROM res_users WHERE id = %s"
                       " FOR UPDATE", self.id))
        row = cr.fetchone()
        if not row or not row[0]:
            return False
        step = totp.matching_step(row[0], code)
        if step is None or (row[1] is not None and step <= row[1]):
            return False
        cr.execute(SQL("UPDATE res_users SET totp_last_step = %s WHERE id = %s", step, self.id))
        return True

    def _totp_use_recovery_code(self, code: Any) -> bool:
        """Whether ``code`` is one of this user's unused recovery codes; uses it up."""
        self.ensure_one()
        canonical = totp.normalize_recovery_code(code)
        if canonical is None:
            return False
        self.env.cr.execute(SQL(
            f"UPDATE res_users_totp_recovery SET used_at = {_NOW} WHERE user_id = %s"
            " AND code_hash = %s AND used_at IS NULL RETURNING id",
            self.id, totp.digest(canonical)))
        return bool(self.env.cr.fetchall())

    def _totp_second_factor(self, code: Any) -> str | None:
        """``"totp"``, ``"recovery"`` or ``"passkey"`` when ``code`` passes as this user's
        second factor (and is used up), else None. A passkey is the browser's answer (a
        dict) to a second-factor challenge of this user."""
        if isinstance(code, dict):
            try:
                self.env["res.users.passkey"].sudo()._passkey_authenticate(
                    code, "second_factor", self.id)
            except AccessDenied:
                return None
            return "passkey"
        if self._totp_check_code(code):
            return "totp"
        if self._totp_use_recovery_code(code):
            return "recovery"
        return None

    # -- identity checks (a logged-in user proving it is them) -------------------------------
    def _identity_guard(self) -> None:
        """Refuse during the login's brute-force cooldown (LoginThrottled): whoever holds
        a session could otherwise guess the password through an identity check at will.
        Not the address counter: the check is bound to one account, there is no spraying."""
        self.ensure_one()
        _row, state = throttle.read_state(self.env.cr, throttle.login_subject(self.login),
                                          None)
        state.check()

    def _identity_failed(self) -> None:
        """Count a failed identity check for the login's cooldown (kept on rollback)."""
        throttle.record_failure(self.env.cr, self.login, None, self.id,
                                throttle.SOURCE_IDENTITY)

    def _check_identity(self, password: Any) -> None:
        """AccessDenied unless ``password`` is this user's password (not an API key),
        before a change that would let a stolen session outlive its theft (adding a
        passkey)."""
        self._identity_guard()
        if not self._totp_password_ok(password):
            self._identity_failed()
            raise AccessDenied("Wrong password: confirm who you are with your password.")

    def _totp_password_ok(self, password: Any) -> bool:
        """The password itself (not an API key: a key must not turn 2FA off), as the user
        logs in with it: the local one, or what a module accepts (an LDAP directory's)."""
        if not isinstance(password, str) or not password:
            return False
        if is_key(password) and self._api_key_owner(password) == self.id:
            return False
        try:
            self.sudo()._check_credentials(password)
        except AccessDenied:
            return False
        return True

    # -- trusted devices ---------------------------------------------------------------------
    @api.model
    def _totp_trusted_device_days(self) -> int:
        value = self.env["ir.config_parameter"].sudo().get_param(
            TRUSTED_DEVICE_DAYS_PARAM, DEFAULT_TRUSTED_DEVICE_DAYS)
        try:
            return max(0, int(value))
        except (TypeError, ValueError):
            return DEFAULT_TRUSTED_DEVICE_DAYS

    def _totp_trust_device(self, user_agent: str | None = None) -> tuple[str, int] | None:
        """A new trusted-device token and its lifetime in days (None when the setting
        is 0): the second step is skipped for this user while it is presented."""
        self.ensure_one()
        days = self._totp_trusted_device_days()
        if not days:
            return None
        token = totp.new_device_token()
        self.env.cr.execute(SQL(
            "INSERT INTO res_users_totp_device (user_id, token_hash, user_agent, expires_at)"
            f" VALUES (%s, %s, %s, {_NOW} + make_interval(days => %s))",
            self.id, totp.digest(token), (user_agent or "")[:200] or None, days))
        return token, days

    def _totp_device_trusted(self, token: Any) -> bool:
        self.ensure_one()
        if not isinstance(token, str) or not token or len(token) > 200:
            return False
        self.env.cr.execute(SQL(
            "SELECT 1 FROM res_users_totp_device WHERE user_id = %s AND token_hash = %s"
            f" AND expires_at > {_NOW}", self.id, totp.digest(token)))
        return self.env.cr.fetchone() is not None

    # -- the login's second step -------------------------------------------------------------
    def _totp_login_required(self, password: Any, device_token: Any = None) -> bool:
        """Whether this user, whose ``password`` was just accepted, must still give a
        code: 2FA on, the password was not one of their API keys (a key is a second
        secret already), and ``device_token`` is not one of their trusted devices."""
        self.ensure_one()
        if not self._totp_enabled_ids([self.id]):
            return False
        if self._api_key_owner(password) == self.id:
            return False
        return not self._totp_device_trusted(device_token)

    def _totp_login_begin(self, session_token: str) -> None:
        """Remember that the session ``session_token`` (not logged in) awaits this user's
        code; stale pending logins of anyone are dropped on the way."""
        self.ensure_one()
        cr = self.env.cr
        cr.execute(SQL(f"DELETE FROM res_users_totp_login WHERE expires_at <= {_NOW}"))
        cr.execute(SQL(
            "INSERT INTO res_users_totp_login (session_hash, user_id, expires_at)"
            f" VALUES (%s, %s, {_NOW} + make_interval(secs => %s))",
            totp.digest(session_token), self.id, LOGIN_DEADLINE))

    @api.model
    def _totp_pending_user(self, session_hash: str) -> int | None:
        """The user whose login awaits its second factor on the session whose token has
        SHA-256 ``session_hash`` (None: none, or past its deadline)."""
        self.env.cr.execute(SQL("SELECT user_id FROM res_users_totp_login"
                                f" WHERE session_hash = %s AND expires_at > {_NOW}",
                                session_hash))
        row = self.env.cr.fetchone()
        return row[0] if row else None

    @api.model
    def _totp_login_finish(self, session_token: str, code: Any) -> tuple[str, int | None, int]:
        """Check ``code`` for the login pending on ``session_token``:
        ``("ok", uid, 0)``, ``("wrong", uid, attempts left)``, ``("locked", uid, 0)``
        (too many wrong codes for this user lately: the code is not even checked) or
        ``("none", None, 0)`` (no such login, past its deadline or out of attempts).
        Returns rather than raises, so the counters are committed."""
        cr = self.env.cr
        key = totp.digest(session_token)
        cr.execute(SQL("SELECT user_id, attempts FROM res_users_totp_login"
                       f" WHERE session_hash = %s AND expires_at > {_NOW} FOR UPDATE", key))
        row = cr.fetchone()
        if row is None:
            return "none", None, 0
        uid, attempts = row
        user = self.browse(uid).sudo()
        window = SQL(f"{_NOW} - make_interval(secs => %s)", USER_FAILURE_WINDOW)
        cr.execute(SQL("SELECT coalesce(totp_failures, 0) >= %s AND totp_failures_since > %s"
                       " FROM res_users WHERE id = %s", USER_FAILURE_LIMIT, window, uid))
        if cr.fetchone()[0]:
            return "locked", uid, 0
        if user._totp_second_factor(code):
            cr.execute(SQL("DELETE FROM res_users_totp_login WHERE session_hash = %s", key))
            cr.execute(SQL("UPDATE res_users SET totp_failures = NULL, totp_failures_since"
                           " = NULL WHERE id = %s AND totp_failures IS NOT NULL", uid))
            return "ok", uid, 0
        audit.log_security_event(cr, audit.TOTP_FAILED, uid=uid,
                                 details={"action": "login", "attempt": attempts + 1})
        cr.execute(SQL(
            "UPDATE res_users SET"
            " totp_failures = CASE WHEN totp_failures_since > %s"
            "   THEN coalesce(totp_failures, 0) + 1 ELSE 1 END,"
            f" totp_failures_since = CASE WHEN totp_failures_since > %s"
            f"   THEN totp_failures_since ELSE {_NOW} END WHERE id = %s", window, window, uid))
        left = LOGIN_ATTEMPTS - attempts - 1
        if left <= 0:
            cr.execute(SQL("DELETE FROM res_users_totp_login WHERE session_hash = %s", key))
            return "none", None, 0
        cr.execute(SQL("UPDATE res_users_totp_login SET attempts = attempts + 1"
                       " WHERE session_hash = %s", key))
        return "wrong", uid, left
