"""Who is calling: credential checks for the external API.

XML-RPC and ``/jsonrpc`` clients send ``(uid, password)`` with every call. Verifying an
argon2 hash costs ~0.1 s of CPU, so a process remembers, for a (database, uid, password)
it has verified, the stored hash it verified against: the next call costs one indexed
query (is the stored hash still the same?) and no hashing. A password change or a
deactivated user is seen at once. Passwords are kept only as keyed digests (HMAC with a
per-process random key), never in clear. API keys are checked at every call (cheap:
SHA-256 and one query) and never remembered, so a revoked key stops working at once.

Wrong passwords count for the brute-force protection (``agora.security.throttle``): the
same query that reads the stored hash reads the counters, and during a cooldown the uid
is refused whatever the password (LoginThrottled, an AccessDenied), remembered or not.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections import OrderedDict
from typing import Any, NoReturn

from agora.db.sql import SQL
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.exceptions import AccessDenied
from agora.security import throttle
from agora.security.passwords import verify_password

#: Scope an API key needs to be used in the external API.
RPC_SCOPE = "rpc"
_API_KEY_SHAPE = re.compile(r"^[0-9a-f]{40}$")
#: why a right password is refused (the same answer for a wrong one: no password oracle)
TOTP_NEEDS_API_KEY = ("This user has two-factor authentication: log in to the API with an "
                      "API key (Preferences > API keys) instead of the password.")


class CredentialChecker:
    """Verifies ``(uid, password)`` pairs and bearer API keys for one process."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._key = secrets.token_bytes(32)
        self._verified: OrderedDict[tuple[str, int, bytes], str] = OrderedDict()
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def _digest(self, password: str) -> bytes:
        return hmac.new(self._key, password.encode(), hashlib.sha256).digest()

    def check_uid_password(self, env: Environment, uid: Any, password: Any) -> int:
        """``uid`` when ``password`` is its password or one of its API keys with the RPC
        scope, or when the user model's ``_check_credentials`` accepts it though the local
        hash does not (e.g. an LDAP directory's, with auth_ldap); AccessDenied otherwise
        (the same error for every wrong password; LoginThrottled during a brute-force
        cooldown, TOTP_NEEDS_API_KEY for a 2FA user's bare password)."""
        if not isinstance(uid, int) or isinstance(uid, bool) or not isinstance(password, str) \
                or not password:
            raise AccessDenied()
        if _API_KEY_SHAPE.match(password) and self.check_api_key(env, password) == uid:
            return uid
        # One query: the user's hash, whether it has 2FA (a password alone is then
        # refused) and the brute-force counters of its login and of the client address.
        address = throttle.current_client_address()
        (login, stored, has_totp), state = throttle.read_state(env.cr, SQL(
            "SELECT u.login, CASE WHEN u.active THEN u.password END,"
            " u.active AND u.totp_secret IS NOT NULL"
            " FROM (SELECT 1) AS one LEFT JOIN res_users u ON u.id = %s", uid), address)
        state.check()  # during a cooldown even the right password is refused
        if login is None:  # no such user
            self._failed(env, login, address, None)
        if has_totp:
            raise AccessDenied(TOTP_NEEDS_API_KEY)
        if not stored:  # archived, or no local password (e.g. a directory's user)
            return self._check_other_credentials(env, uid, password, login, address, state)
        key = (env.cr.dbname, uid, self._digest(password))
        with self._lock:
            known = self._verified.get(key)
        if known is not None and hmac.compare_digest(known, stored):
            return uid
        ok, upgraded = verify_password(password, stored)
        if not ok:
            return self._check_other_credentials(env, uid, password, login, address, state)
        if upgraded:  # an old hash scheme: let the user model store the new hash
            env(user=SUPERUSER_ID, su=True)["res.users"].browse(uid)._check_credentials(password)
            env.cr.flush()
            env.cr.execute(SQL("SELECT password FROM res_users WHERE id = %s", uid))
            stored = env.cr.fetchone()[0]
        self._remember(key, stored)
        if state.login_failures:
            throttle.clear_failures(env.cr, login, address)
        return uid

    def _check_other_credentials(self, env: Environment, uid: int, password: str, login: str,
                                 address: str | None, state: throttle.ThrottleState) -> int:
        """``uid`` if the user model's ``_check_credentials`` accepts ``password`` though
        the local hash does not (a module may accept other passwords, e.g. an LDAP
        directory's); counted as a wrong password otherwise. Never remembered: the other
        source is asked at every call, so a password it revokes stops working at once."""
        # the local hash refused it already: the model need not hash it a second time
        users = env(user=SUPERUSER_ID, su=True)["res.users"].with_context(
            local_password_refused=True)
        try:
            users.browse(uid)._check_credentials(password)
        except throttle.LoginThrottled:
            raise
        except AccessDenied:
            self._failed(env, login, address, uid)
        if state.login_failures:
            throttle.clear_failures(env.cr, login, address)
        return uid

    @staticmethod
    def _failed(env: Environment, login: str | None, address: str | None,
                user_id: int | None) -> NoReturn:
        """Count a wrong (uid, password) for the brute-force protection and refuse."""
        throttle.record_failure(env.cr, login, address, user_id, throttle.SOURCE_RPC)
        raise AccessDenied()

    def _remember(self, key: tuple[str, int, bytes], stored: str) -> None:
        with self._lock:
            self._verified[key] = stored
            self._verified.move_to_end(key)
            while len(self._verified) > self._max_entries:
                self._verified.popitem(last=False)

    def login(self, env: Environment, login: Any, password: Any, *,
              second_factor: bool = False) -> int:
        """The uid of ``login`` if ``password`` is its password or an RPC API key. For a
        user with 2FA only a key passes, unless the caller asks the second factor itself
        (``second_factor=True``: the web login)."""
        uid = env(user=SUPERUSER_ID, su=True)["res.users"]._login(login, password)
        if not second_factor and self.check_api_key(env, password) != uid:
            env.cr.execute(SQL("SELECT totp_secret IS NOT NULL FROM res_users WHERE id = %s",
                               uid))
            if env.cr.fetchone()[0]:
                raise AccessDenied(TOTP_NEEDS_API_KEY)
        return uid

    def check_api_key(self, env: Environment, key: Any, scope: str = RPC_SCOPE) -> int | None:
        """The uid owning the live API key ``key`` for ``scope``, else None."""
        if not isinstance(key, str) or not key or "res.users.apikeys" not in env:
            return None
        return env(user=SUPERUSER_ID, su=True)["res.users.apikeys"]._check_credentials(
            scope, key) or None
