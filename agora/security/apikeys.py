"""API keys: generation and hashing (pure functions; the model is ``res.users.apikeys``).

A key is 20 random bytes written as 40 lowercase hex characters, the shape Odoo users and
client libraries know. Only two things derived from it are stored: its first 8
characters (the *index*, to find the row with one indexed lookup) and its SHA-256 digest.

SHA-256 rather than a slow password hash: a slow hash protects guessable secrets, and a
160-bit random key cannot be guessed, so stretching would only add ~100 ms to every API
call that authenticates with a key. Digests are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

#: random bytes in a key (160 bits)
KEY_BYTES = 20
#: characters of the key stored in clear, to look its row up
INDEX_SIZE = 8
#: the scope a key needs to stand in for a password in XML-RPC / JSON-RPC logins
RPC_SCOPE = "rpc"

_KEY_SHAPE = re.compile(f"[0-9a-f]{{{2 * KEY_BYTES}}}")


def generate_key() -> str:
    """A new random key (40 lowercase hex characters)."""
    return secrets.token_hex(KEY_BYTES)


def is_key(value: object) -> bool:
    """Whether ``value`` has the shape of a key (anything else cannot match one, so
    callers skip the database lookup)."""
    return isinstance(value, str) and _KEY_SHAPE.fullmatch(value) is not None


def key_index(key: str) -> str:
    """The lookup prefix of ``key``."""
    return key[:INDEX_SIZE]


def hash_key(key: str) -> str:
    """The SHA-256 digest of ``key``, in hex (64 characters)."""
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def verify_key(key: str, stored_hash: str | None) -> bool:
    """Whether ``key`` hashes to ``stored_hash`` (constant-time comparison)."""
    if not is_key(key) or not isinstance(stored_hash, str) or not stored_hash:
        return False
    return hmac.compare_digest(hash_key(key), stored_hash)
