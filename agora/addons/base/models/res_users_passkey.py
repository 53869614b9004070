"""Passkeys of users (WebAuthn; ceremonies: ``agora.security.passkeys``).

A user registers several passkeys (one per phone, laptop or security key), names and
renames them, removes them. A passkey logs its user in on its own (the authenticator
verified the user: two factors in one) and is accepted as the second step of a password
login of a user with 2FA, in place of a TOTP code.

Rows are created only by :meth:`ResUsersPasskey._passkey_register` (the HTTP route's
ceremony), never by ``create``; users read, rename and remove their own, Settings
administrators everyone's (``ir.model.access.csv``, ``base_rules.xml``). Only ``name``
can be written through the ORM.

Pending ceremonies are rows of ``res_users_passkey_challenge`` (not a model): the
challenge's SHA-256, what it is for, for whom, the relying party it was made for and a
deadline. Each is used once: the answer deletes it, right or wrong.
"""

from __future__ import annotations

from typing import Any

from agora import api, fields, models
from agora.db.sql import SQL
from agora.orm.exceptions import AccessError
from agora.orm.schema import missing_tables
from agora.security import audit, passkeys
from agora.security.passkeys import PasskeyError, RelyingParty

#: what a challenge is for
REGISTER = "register"
LOGIN = "login"                  # passwordless: any passkey of the database
SECOND_FACTOR = "second_factor"  # the user whose password was just accepted
_PURPOSES = (REGISTER, LOGIN, SECOND_FACTOR)
#: the most passkeys one user may have (each is a row checked at login)
MAX_PER_USER = 20

_CHALLENGE_TABLE = """CREATE TABLE IF NOT EXISTS res_users_passkey_challenge (
    challenge_hash varchar PRIMARY KEY,
    purpose varchar NOT NULL,
    user_id integer REFERENCES res_users (id) ON DELETE CASCADE,
    rp_id varchar NOT NULL,
    origin varchar NOT NULL,
    expires_at timestamp NOT NULL)"""
_NOW = "(now() at time zone 'UTC')"


class ResUsersPasskey(models.Model):
    _name = "res.users.passkey"
    _description = "Passkey"
    _order = "id"

    name = fields.Char(required=True)
    user_id = fields.Many2one("res.users", string="User", required=True, readonly=True,
                              ondelete="cascade", index=True)
    credential_identifier = fields.Char(string="Credential ID", required=True,
                                        readonly=True, index=True)
    public_key = fields.Char(required=True, readonly=True)
    sign_count = fields.Integer(readonly=True)
    transports = fields.Char(readonly=True)
    last_used = fields.Datetime(readonly=True)

    _sql_constraints = [("credential_identifier_unique", "UNIQUE(credential_identifier)",
                         "This passkey is already registered.")]

    @classmethod
    def _init_schema(cls, cr: Any) -> None:
        parent = getattr(super(), "_init_schema", None)
        if parent is not None:
            parent(cr)
        if missing_tables(cr, ["res_users_passkey_challenge"]):
            cr.execute(SQL(_CHALLENGE_TABLE))

    # -- the ORM face: rename and remove only -------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list: list[dict[str, Any]]) -> ResUsersPasskey:
        if not self.env.su:
            raise AccessError("res.users.passkey: passkeys are added by registering one "
                              "from the browser, not created", model=self._name)
        return super().create(vals_list)

    def write(self, vals: dict[str, Any]) -> bool:
        if not self.env.su and set(vals) - {"name"}:
            raise AccessError("res.users.passkey: only a passkey's name can be changed",
                              model=self._name)
        return super().write(vals)

    def unlink(self) -> bool:
        removed = [(key.user_id.id, key.id, key.name) for key in self.sudo()]
        result = super().unlink()
        for uid, key_id, name in removed:
            audit.log_security_event(self.env.cr, audit.PASSKEY_REMOVED, uid=uid,
                                     model=self._name, res_id=key_id,
                                     details={"name": name, "by": self.env.uid})
        return result

    # -- ceremonies (server side only: the routes call these) --------------------------------
    @api.model
    def _passkey_challenge(self, purpose: str, rp: RelyingParty, uid: int | None) -> str:
        """Options for a ceremony, remembered until its answer (the JSON for the browser).
        ``uid``: the user registering, or whose second factor it is."""
        if purpose not in _PURPOSES:
            raise ValueError(f"unknown passkey purpose {purpose!r}")
        cr = self.env.cr
        if purpose == REGISTER:
            user = self.env["res.users"].sudo().browse(uid)
            existing = self._credential_ids(uid)
            if len(existing) >= MAX_PER_USER:
                raise PasskeyError(f"You already have {MAX_PER_USER} passkeys: remove one "
                                   "first.")
            challenge = passkeys.registration_challenge(
                rp, passkeys.user_handle(cr.dbname, uid), user.login, user.name, existing)
        elif purpose == SECOND_FACTOR:
            existing = self._credential_ids(uid)
            if not existing:
                raise PasskeyError("This account has no passkey.")
            challenge = passkeys.authentication_challenge(rp, existing)
        else:
            challenge = passkeys.authentication_challenge(rp)
        cr.execute(SQL(f"DELETE FROM res_users_passkey_challenge WHERE expires_at <= {_NOW}"))
        cr.execute(SQL(
            "INSERT INTO res_users_passkey_challenge"
            " (challenge_hash, purpose, user_id, rp_id, origin, expires_at)"
            f" VALUES (%s, %s, %s, %s, %s, {_NOW} + make_interval(secs => %s))",
            passkeys.challenge_digest(challenge.value), purpose, uid, rp.id, rp.origin,
            passkeys.TIMEOUT_MS // 1000 + 30))
        return challenge.options_json

    def _credential_ids(self, uid: int | None) -> list[str]:
        self.env.cr.execute(SQL("SELECT credential_identifier FROM res_users_passkey"
                                " WHERE user_id = %s ORDER BY id", uid))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _take_challenge(self, credential: dict[str, Any], purpose: str, uid: int | None
                        ) -> tuple[str, RelyingParty]:
        """The pending ceremony ``credential`` answers (deleted: one answer per
        challenge), checked to be for ``purpose`` and ``uid``."""
        challenge = passkeys.credential_challenge(credential)
        cr = self.env.cr
        cr.execute(SQL(
            "DELETE FROM res_users_passkey_challenge WHERE challenge_hash = %s"
            f" AND expires_at > {_NOW} RETURNING purpose, user_id, rp_id, origin",
            passkeys.challenge_digest(challenge)))
        row = cr.fetchone()
        if row is None or row[0] != purpose or (purpose != LOGIN and row[1] != uid):
            raise PasskeyError("This passkey request expired or is not the one asked: "
                               "try again.")
        return challenge, RelyingParty(row[2], row[3])

    @api.model
    def _passkey_register(self, uid: int, credential: Any, name: Any) -> ResUsersPasskey:
        """Store the passkey ``credential`` (the browser's answer to the REGISTER
        challenge of ``uid``) under ``name``."""
        credential = passkeys.parse_credential(credential)
        name = name.strip()[:100] if isinstance(name, str) else ""
        challenge, rp = self._take_challenge(credential, REGISTER, uid)
        new = passkeys.verify_registration(rp, challenge, credential)
        self.env.cr.execute(SQL("SELECT 1 FROM res_users_passkey"
                                " WHERE credential_identifier = %s", new.credential_id))
        if self.env.cr.fetchone():
            raise PasskeyError("This passkey is already registered.")
        key = self.sudo().create({
            "name": name or "Passkey", "user_id": uid,
            "credential_identifier": new.credential_id, "public_key": new.public_key,
            "sign_count": new.sign_count, "transports": ",".join(new.transports) or False})
        audit.log_security_event(self.env.cr, audit.PASSKEY_ADDED, uid=uid,
                                 model=self._name, res_id=key.id,
                                 details={"name": key.name, "backed_up": new.backed_up})
        return key

    @api.model
    def _passkey_authenticate(self, credential: Any, purpose: str,
                              uid: int | None = None) -> int:
        """The user a passkey sign-in proves (LOGIN: whoever owns the passkey; SECOND_FACTOR:
        must be ``uid``'s). Updates the signature counter; PasskeyError (audited)
        otherwise."""
        credential = passkeys.parse_credential(credential)
        challenge, rp = self._take_challenge(credential, purpose, uid)
        cr = self.env.cr
        cr.execute(SQL(
            "SELECT k.id, k.user_id, k.public_key, k.sign_count FROM res_users_passkey k"
            " JOIN res_users u ON u.id = k.user_id AND u.active"
            " WHERE k.credential_identifier = %s FOR UPDATE OF k", credential["id"]))
        row = cr.fetchone()
        if row is None or (purpose == SECOND_FACTOR and row[1] != uid):
            audit.log_security_event(cr, audit.PASSKEY_FAILED, uid=uid,
                                     details={"reason": "unknown passkey"})
            raise PasskeyError("This passkey is not registered for this account.")
        key_id, owner, public_key, count = row
        try:
            new_count = passkeys.verify_authentication(rp, challenge, credential, public_key,
                                                       count or 0)
        except PasskeyError as exc:
            audit.log_security_event(cr, audit.PASSKEY_FAILED, uid=owner,
                                     model=self._name, res_id=key_id,
                                     details={"reason": str(exc)[:300]})
            raise
        self.sudo().browse(key_id).write({"sign_count": new_count,
                                          "last_used": fields.Datetime.now()})
        return owner

    @api.model
    def _passkey_count(self, uid: int) -> int:
        self.env.cr.execute(SQL("SELECT count(*) FROM res_users_passkey WHERE user_id = %s",
                                uid))
        return self.env.cr.fetchone()[0]


class ResUsers(models.Model):
    _inherit = "res.users"

    #: the user's passkeys (administrators see and remove them on the user's form)
    passkey_ids = fields.One2many("res.users.passkey", "user_id", string="Passkeys")
