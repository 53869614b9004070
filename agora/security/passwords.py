"""Password hashing: argon2id for new hashes; passlib's pbkdf2-sha512 accepted on verify.

Hashes of users imported from other systems (Odoo stores passlib ``pbkdf2_sha512``
hashes) keep working: :func:`verify_password` accepts them and returns an argon2id hash
to store instead, so every account moves to argon2id at its next successful login.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

#: OWASP-recommended argon2id parameters (argon2-cffi's RFC 9106 "low memory" profile)
_HASHER = PasswordHasher()

_PBKDF2_PREFIX = "$pbkdf2-sha512$"


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (PHC string format, salt included)."""
    if not isinstance(password, str):
        raise TypeError("password must be a string")
    return _HASHER.hash(password)


def verify_password(password: str, stored: str | None) -> tuple[bool, str | None]:
    """Check ``password`` against ``stored``; ``(ok, new_hash)``.

    ``new_hash`` is set when the password is right but the stored hash should be replaced
    (a pbkdf2-sha512 hash, or argon2 parameters weaker than the current ones)."""
    if not isinstance(password, str) or not password or not isinstance(stored, str) or not stored:
        return False, None
    if stored.startswith("$argon2"):
        try:
            _HASHER.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False, None
        return True, hash_password(password) if _HASHER.check_needs_rehash(stored) else None
    if stored.startswith(_PBKDF2_PREFIX):
        if _verify_pbkdf2_sha512(password, stored):
            return True, hash_password(password)
        return False, None
    return False, None


# -- passlib pbkdf2-sha512 ------------------------------------------------------------------
# Format: ``$pbkdf2-sha512$<rounds>$<salt>$<checksum>``; salt and checksum in passlib's
# "adapted base64": the standard alphabet with ``.`` instead of ``+``, without padding.

def ab64_encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=").replace("+", ".")


def ab64_decode(text: str) -> bytes:
    if not isinstance(text, str) or "+" in text:
        raise ValueError("not adapted base64")
    text = text.replace(".", "+")
    padding = -len(text) % 4
    if padding == 3:
        raise ValueError("invalid adapted base64 length")
    return base64.b64decode(text + "=" * padding, validate=True)


def pbkdf2_sha512_hash(password: str, salt: bytes, rounds: int) -> str:
    """A passlib-format pbkdf2-sha512 hash (for tests and interoperability)."""
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, rounds)
    return f"{_PBKDF2_PREFIX}{rounds}${ab64_encode(salt)}${ab64_encode(digest)}"


def _verify_pbkdf2_sha512(password: str, stored: str) -> bool:
    parts = stored[len(_PBKDF2_PREFIX):].split("$")
    if len(parts) != 3:
        return False
    rounds_text, salt_text, checksum_text = parts
    if not rounds_text.isdigit() or rounds_text.startswith("0"):
        return False
    rounds = int(rounds_text)
    if not 1 <= rounds <= 10_000_000:  # refuse absurd work factors (denial of service)
        return False
    try:
        salt = ab64_decode(salt_text)
        expected = ab64_decode(checksum_text)
    except (ValueError, binascii.Error):
        return False
    if len(expected) != hashlib.sha512().digest_size:
        return False
    actual = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, rounds)
    return hmac.compare_digest(actual, expected)
