"""Logging in with an LDAP password.

Two hooks of the base user model:

- ``_check_credentials(password)`` (a user that exists here): the local password first;
  when it is refused, the directories, in sequence order, with the user's login. During
  a brute-force cooldown the base refuses before either (LoginThrottled), so no LDAP
  traffic happens then.
- ``_login(login, password)`` for a login no active local user has: a directory that
  accepts the password makes the login that user's — an existing user with that login
  in another case, else a new user copied from the directory's template user (when
  ``create_user`` is on). Anything else falls to the base, which refuses it, counts the
  failure for the brute-force protection and audits it like any wrong login.

XML-RPC/JSON-RPC object calls reach ``_check_credentials`` through
``agora.rpc.authentication.CredentialChecker`` when the local check fails or there is no
local password, so directory users can use the external API (the directory is asked at
every call: a password changed or a user disabled there stops working at once).
"""

from __future__ import annotations

import logging
from typing import Any

from psycopg import errors

from agora import api, models
from agora.addons.auth_ldap.ldap_directory import DirectoryConfig, DirectoryEntry
from agora.db.sql import SQL
from agora.orm.exceptions import AccessDenied, ConstraintError
from agora.security import audit, throttle

_logger = logging.getLogger(__name__)

#: the unique constraint two first logins of one new user at once run into
_LOGIN_KEY = "res_users_login_key"


class ResUsers(models.Model):
    _inherit = "res.users"

    def _check_credentials(self, password: str) -> None:
        try:
            super()._check_credentials(password)
        except throttle.LoginThrottled:
            raise  # a cooldown: the directory is not asked
        except AccessDenied:
            if not self._check_ldap_credentials(password):
                raise

    def _check_ldap_credentials(self, password: str) -> bool:
        """Whether a directory accepts ``password`` for this active user's login."""
        self.ensure_one()
        if not isinstance(password, str) or not password:
            return False
        user = self.sudo()
        if not user.active or not user.login:
            return False
        if self.env["res.company.ldap"].sudo()._authenticate_any(user.login, password) is None:
            return False
        # as a right local password does: this user's mistakes from here are forgiven
        throttle.clear_failures(self.env.cr, user.login, throttle.current_client_address())
        return True

    @api.model
    def _login(self, login: str, password: str) -> int:
        if isinstance(login, str) and isinstance(password, str) and login and password:
            user_id = self._ldap_login(login, password)
            if user_id:
                return user_id
        return super()._login(login, password)

    def _ldap_login(self, login: str, password: str) -> int | None:
        """The user a directory logs ``login`` in as, when no active local user has that
        login; None lets the base decide (a local user, a cooldown, a refusal)."""
        configs = self.env["res.company.ldap"].sudo()._get_ldap_dicts()
        if not configs:
            return None
        self._flush_users()
        cr = self.env.cr
        address = throttle.current_client_address()
        (_typed, local_id), state = throttle.read_state(cr, throttle.login_subject(login),
                                                        address)
        if local_id or state.retry_after:
            return None  # a local user: _check_credentials; a cooldown: refused unasked
        ldap = self.env["res.company.ldap"].sudo()
        for config in configs:
            entry = ldap._authenticate(config, login, password)
            if entry is None:
                continue
            user_id, created = self._ldap_get_or_create_user(config, login, entry)
            if not user_id:
                return None
            audit.log_security_event(cr, audit.LOGIN, uid=user_id, login=login, ip=address,
                                     details={"method": "ldap", "directory": config.id,
                                              "user_created": created})
            throttle.clear_failures(cr, login, address)
            return user_id
        return None

    def _ldap_get_or_create_user(self, config: DirectoryConfig, login: str,
                                 entry: DirectoryEntry) -> tuple[int | None, bool]:
        """``(user id, created)`` for ``login``, which ``config``'s directory accepted:
        the user whose login it is in any case (an archived one: None), else a new user
        made from the directory's template user when ``create_user`` is on (None when
        off)."""
        login = login.strip().lower()
        cr = self.env.cr
        cr.execute(SQL("SELECT id, active FROM res_users WHERE lower(login) = %s ORDER BY id",
                       login))
        rows = cr.fetchall()
        if len(rows) > 1:
            _logger.warning("LDAP login %r: several users have this login in another case; "
                            "none is logged in", login)
            return None, False
        if rows:
            user_id, active = rows[0]
            return (user_id if active else None), False
        if not config.create_user:
            return None, False
        values = self.env["res.company.ldap"].sudo()._map_ldap_attributes(config, login, entry)
        try:
            user = self._ldap_create_user(config, values)
            self.env.flush_all()
        except ConstraintError as exc:
            if exc.constraint != _LOGIN_KEY:
                raise
            # the same user's first login in another transaction won: replay this one,
            # which then finds that user
            raise errors.SerializationFailure(
                f"res.users: {login!r} was created by a concurrent login") from None
        _logger.info("LDAP login %r: user %s created from %s", login, user.id, config.label)
        return user.id, True

    def _ldap_create_user(self, config: DirectoryConfig, values: dict[str, Any]) -> Any:
        """A copy of the template user (its groups and allowed companies, plus the
        directory's company) with ``values``; a plain user without a template."""
        users = self.sudo().with_context(active_test=False)
        template = users.browse(config.template_user_id).exists() \
            if config.template_user_id else users.browse()
        if not template:
            return users.create({**values, "company_ids": [(6, 0, [values["company_id"]])]})
        companies = sorted(set(template.company_ids.ids) | {values["company_id"]})
        return template.copy(default={**values, "company_ids": [(6, 0, companies)]})
