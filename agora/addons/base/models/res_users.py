"""Users: a login on top of a partner (``_inherits``), groups and allowed companies.

Password hashing and verification live in ``agora.security.passwords``."""

from __future__ import annotations

from typing import Any

from agora import api, fields, models
from agora.db.sql import SQL
from agora.http.sessions import store_rehashed_password
from agora.orm import access
from agora.orm.environment import SUPERUSER_ID
from agora.orm.exceptions import AccessDenied
from agora.security import audit, password_policy, throttle
from agora.security.apikeys import RPC_SCOPE, is_key
from agora.security.passwords import hash_password, verify_password


class PasswordHash(fields.Char):
    """The stored password hash: written through ``write({'password': clear})`` (hashed
    on the way), never given back — every read answers False, as Odoo does."""

    def convert_to_read(self, value: Any, record: Any, use_display_name: bool = True) -> Any:
        return False


class ResUsers(models.Model):
    _name = "res.users"
    _description = "User"
    _order = "login"
    _inherits = {"res.partner": "partner_id"}
    _sql_constraints = [("login_key", "unique(login)", "Two users cannot have the same login.")]

    partner_id = fields.Many2one("res.partner", required=True, ondelete="restrict")
    login = fields.Char(required=True, index=True)
    password = PasswordHash(copy=False, prefetch=False, groups="base.group_system")
    active = fields.Boolean(default=True)
    share = fields.Boolean(compute="_compute_share", store=True)
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self._default_company())
    company_ids = fields.Many2many("res.company", "res_company_users_rel", "user_id", "cid",
                                   string="Allowed companies")
    groups_id = fields.Many2many("res.groups", "res_groups_users_rel", "uid", "gid",
                                 string="Groups")
    tz = fields.Char(string="Timezone")
    lang = fields.Char(default="en_US")

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        return super().create([self._hash_password_vals(vals) for vals in vals_list])

    def write(self, vals: dict[str, Any]) -> bool:
        result = super().write(self._hash_password_vals(vals))
        if isinstance(vals, dict) and vals.get("password"):
            for user_id in self.ids:
                audit.log_security_event(self.env.cr, audit.PASSWORD_CHANGED, uid=user_id,
                                         details={"by": self.env.uid})
        return result

    def _hash_password_vals(self, vals: dict[str, Any]) -> dict[str, Any]:
        """Passwords are only ever stored hashed (argon2id), once the policy accepts them
        (see :meth:`_check_password_policy`)."""
        if not isinstance(vals, dict):  # the ORM's own check names the mistake
            return vals
        password = vals.get("password")
        if password:
            if not isinstance(password, str):
                from agora.orm.exceptions import InvalidValueError
                raise InvalidValueError("res.users: the password must be a string",
                                        model="res.users", field="password")
            self._check_password_policy(password, vals)
            vals = {**vals, "password": hash_password(password)}
        return vals

    def _check_password_policy(self, password: str, vals: dict[str, Any]) -> None:
        """Refuse a weak password (PasswordPolicyError, naming every problem; see
        ``agora.security.password_policy``) when it is set on behalf of a user: any
        environment whose uid is not the superuser's, sudo or not — a user changing their
        own password (the route does it with sudo), an administrator through the API or
        the web client. Code running as the superuser (module data such as the demo
        ``admin``/``admin`` login, scripts, ``agora shell``, tests' fixtures) is trusted
        and not checked. No context key turns the check off: RPC callers choose their
        context."""
        if self.env.uid == SUPERUSER_ID:
            return
        # who may not set the password at all hears that first (as write/create would say)
        operation = "write" if self else "create"
        self.check_access(operation)
        access.check_fields(self, [self._fields["password"]], operation)
        minimum = password_policy.parse_min_length(
            self.env["ir.config_parameter"].sudo().get_param(
                password_policy.MIN_LENGTH_PARAM, password_policy.DEFAULT_MIN_LENGTH))
        personal = [vals.get("login"), vals.get("name")]
        for user in self.sudo():
            personal += [user.login, user.name]
        password_policy.check_password(password, min_length=minimum, personal=personal)

    def _check_credentials(self, password: str) -> None:
        """Raise AccessDenied unless ``password`` is this user's password or one of its
        API keys for the "rpc" scope (Odoo clients log in with a key in place of the
        password); upgrade old password hashes. During a brute-force cooldown of the
        login or of the client address (``agora.security.throttle``) only an API key
        passes: LoginThrottled otherwise, without looking at the password. Records
        nothing: the callers that count failures do (an override, e.g. LDAP, may still
        accept what this refuses)."""
        self.ensure_one()
        self._flush_users()
        cr = self.env.cr
        address = throttle.current_client_address()
        (login, stored), state = throttle.read_state(cr, SQL(
            "SELECT u.login, u.password FROM (SELECT 1) AS one"
            " LEFT JOIN res_users u ON u.id = %s AND u.active", self.id), address)
        if state.retry_after:
            if is_key(password) and self._api_key_owner(password) == self.id:
                return
            state.check()
        # local_password_refused: the caller checked this very hash already (RPC calls,
        # agora.rpc.authentication): hashing again would double the cost of a wrong one
        ok, new_hash = verify_password(password, stored) if stored and password and \
            not self.env.context.get("local_password_refused") else (False, None)
        if not ok:
            if self._api_key_owner(password) == self.id:
                return
            raise AccessDenied()
        if new_hash:
            store_rehashed_password(cr, self.id, new_hash)
        if state.login_failures:
            throttle.clear_failures(cr, login, address)

    @api.model
    def _login(self, login: str, password: str) -> int:
        """The id of the active user ``login`` if ``password`` matches; AccessDenied else
        (the same error whether the login or the password was wrong, raised from the
        same place). A wrong password is counted for the login and the client address;
        too many of them refuse any password for a while (LoginThrottled, see
        ``agora.security.throttle``)."""
        if not isinstance(login, str) or not isinstance(password, str) or not login \
                or "\x00" in login:  # PostgreSQL text cannot hold NUL: no such login
            raise AccessDenied()
        self._flush_users()
        address = throttle.current_client_address()
        (_typed, user_id), state = throttle.read_state(
            self.env.cr, throttle.login_subject(login), address)
        throttled = state.retry_after > 0
        if throttled and not is_key(password):
            state.check()  # before any hashing: a cooldown costs the server nothing
        if user_id:
            try:
                self.browse(user_id).sudo()._check_credentials(password)
                audit.log_security_event(self.env.cr, audit.LOGIN, uid=user_id, login=login,
                                         ip=address)
                return user_id
            except throttle.LoginThrottled:
                raise
            except AccessDenied:
                pass
        else:
            # the same work as a wrong password, so timing does not reveal valid logins
            if not throttled:
                verify_password(password, _DUMMY_HASH)
            self._api_key_owner(password)
            if throttled:
                state.check()
        audit.log_security_event(self.env.cr, audit.LOGIN_FAILED, uid=user_id or None,
                                 login=login, ip=address)
        throttle.record_failure(self.env.cr, login, address, user_id, throttle.SOURCE_LOGIN)
        raise AccessDenied() from None

    def _flush_users(self) -> None:
        """Users created or changed in this transaction count in the raw SQL lookups."""
        transaction = self.env.transaction
        if "res.users" in transaction.towrite:
            transaction.flush()

    def _api_key_owner(self, password: str) -> int | None:
        """The user whose live "rpc" API key ``password`` is, if it is one."""
        return self.env["res.users.apikeys"].sudo()._check_credentials(RPC_SCOPE, password)

    def _default_company(self) -> int | bool:
        return self.env["res.company"].search([], limit=1).id

    @api.depends("groups_id")
    def _compute_share(self) -> None:
        for user in self:
            user.share = any(group.share for group in user.groups_id)

    def _group_ids(self) -> set[int]:
        """Every group of the user, implied groups included."""
        self.ensure_one()
        return self.groups_id._implied_closure()

    def has_group(self, xmlid: str) -> bool:
        group = self.env.ref(xmlid, raise_if_not_found=False)
        return bool(group) and group.id in self._group_ids()

    @api.model
    def context_get(self) -> dict:
        user = self.browse(self.env.uid) if not self else self
        return {"lang": user.lang or "en_US", "tz": user.tz or False, "uid": user.id}


#: verified against when the login is unknown, so timing does not reveal valid logins
_DUMMY_HASH = hash_password("agora-no-such-user")
