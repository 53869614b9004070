"""Logging in with a password stored under an old hash scheme re-hashes it; the user's
other sessions fingerprinted the old hash and must stay valid (nothing about the user
changed), while a real password change still ends them."""

from __future__ import annotations

import base64
import hashlib

from werkzeug.test import Client

from agora.db.sql import SQL
from agora.http.sessions import SessionStore
from agora.testing.pytest_plugin import SERVED_USER_PASSWORD


def old_scheme_hash(password: str) -> str:
    """passlib's pbkdf2-sha512 format (Odoo's), which Agora verifies and upgrades."""
    salt = b"sixteen-byte-slt"
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 25000)

    def ab64(data: bytes) -> str:
        return base64.b64encode(data).decode().rstrip("=").replace("+", ".")
    return f"$pbkdf2-sha512$25000${ab64(salt)}${ab64(digest)}"


def stored_hash(run, uid: int) -> str:
    def read(env):
        env.cr.execute(SQL("SELECT password FROM res_users WHERE id = %s", uid))
        return env.cr.fetchone()[0]
    return run(read)


def log_in(agora_app, db: str, login: str, password: str) -> Client:
    client = Client(agora_app)
    response = client.post("/web/session/authenticate", json={
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"db": db, "login": login, "password": password}})
    assert response.get_json()["result"]["uid"], response.get_json()
    return client


def test_rehash_at_login_keeps_the_other_sessions(agora_app, agora_served_db,
                                                  agora_served_user, agora_served_run):
    uid, login = agora_served_user
    old = old_scheme_hash(SERVED_USER_PASSWORD)
    agora_served_run(lambda env: env.cr.execute(
        SQL("UPDATE res_users SET password = %s WHERE id = %s", old, uid)))
    store = SessionStore()
    earlier = agora_served_run(lambda env: store.create(env.cr, uid, login))

    log_in(agora_app, agora_served_db, login, SERVED_USER_PASSWORD)
    assert stored_hash(agora_served_run, uid).startswith("$argon2id$")  # re-hashed
    assert agora_served_run(lambda env: store.get(env.cr, earlier.token)) is not None

    # a real change of password still ends it
    agora_served_run(lambda env: env["res.users"].browse(uid).write(
        {"password": "a much newer passphrase 42"}))
    assert agora_served_run(lambda env: store.get(env.cr, earlier.token)) is None
