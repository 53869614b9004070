from __future__ import annotations

import base64
import hashlib

import pytest

from agora.security.passwords import (
    ab64_decode,
    ab64_encode,
    hash_password,
    pbkdf2_sha512_hash,
    verify_password,
)


def _passlib_pbkdf2(password: str, salt: bytes, rounds: int) -> str:
    """Built by hand from passlib's documented format, independently of the module."""
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, rounds)

    def ab64(data: bytes) -> str:
        return base64.b64encode(data).decode().rstrip("=").replace("+", ".")

    return f"$pbkdf2-sha512${rounds}${ab64(salt)}${ab64(digest)}"


def test_argon2id_hash_and_verify():
    stored = hash_password("s3cret")
    assert stored.startswith("$argon2id$")
    assert hash_password("s3cret") != stored  # salted
    assert verify_password("s3cret", stored) == (True, None)
    assert verify_password("wrong", stored) == (False, None)
    assert verify_password("", stored) == (False, None)


def test_pbkdf2_sha512_passlib_format_verified_and_upgraded():
    # a salt whose base64 contains '+' (0xfb 0xef) exercises the adapted alphabet
    salt = bytes([0xFB, 0xEF, 0xBE]) + b"sixteen-ish-salt"
    stored = _passlib_pbkdf2("correct horse", salt, 25000)
    assert "." in stored.split("$")[3]
    ok, new_hash = verify_password("correct horse", stored)
    assert ok
    assert new_hash and new_hash.startswith("$argon2id$")
    assert verify_password("correct horse", new_hash) == (True, None)
    assert verify_password("correct horsE", stored) == (False, None)
    assert pbkdf2_sha512_hash("correct horse", salt, 25000) == stored


@pytest.mark.parametrize("stored", [
    None, "", "plain", "$pbkdf2-sha512$", "$pbkdf2-sha512$x$abc$def",
    "$pbkdf2-sha512$1000$abc", "$pbkdf2-sha512$0$YWJj$YWJj",
    "$pbkdf2-sha512$1000$a+b$YWJj", "$pbkdf2-sha512$1000$YWJj$YWJj",  # short checksum
    "$pbkdf2-sha512$99999999999$YWJj$" + "A" * 86,  # absurd rounds refused
    "$argon2id$garbage", "$pbkdf2-sha256$1000$YWJj$YWJj",
])
def test_malformed_hashes_fail(stored):
    assert verify_password("anything", stored) == (False, None)


def test_ab64_roundtrip():
    for data in (b"", b"\x00", b"\xfb\xff", bytes(range(64))):
        encoded = ab64_encode(data)
        assert "+" not in encoded and "=" not in encoded
        assert ab64_decode(encoded) == data
