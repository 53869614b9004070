"""TOTP two-factor authentication: pure functions (the state lives on ``res.users``).

Codes are RFC 6238 TOTP (SHA-1, 6 digits, 30 s), what every authenticator app speaks,
computed by pyotp. A code is accepted one step early or late (clock drift); the caller
remembers the time step a code matched, so the same code (or an older one) cannot be
replayed while it is still valid.

Recovery codes and trusted-device tokens are random (60 and 256 bits): like API keys,
they are stored as SHA-256 digests, a slow hash would only add latency (see
``agora.security.apikeys``). The QR code of the enrolment is an SVG data URI made by
segno (pure Python: no Pillow, no image files).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno

#: the name authenticator apps show above the account
ISSUER = "Agora"
#: time steps accepted before and after the current one
DRIFT_STEPS = 1
#: how many recovery codes an enrolment gives
RECOVERY_CODE_COUNT = 10
#: characters of a recovery code (base32 alphabet: 5 bits each, 60 bits in all)
RECOVERY_CODE_LENGTH = 12

_CODE_SHAPE = re.compile(r"^[0-9]{6}$")
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
_RECOVERY_SHAPE = re.compile(f"^[a-z2-7]{{{RECOVERY_CODE_LENGTH}}}$")


def new_secret() -> str:
    """A new shared secret: 32 base32 characters (160 bits, RFC 4226's recommendation)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str = ISSUER) -> str:
    """The ``otpauth://totp/...`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg_data_uri(text: str) -> str:
    """``text`` as a QR code in an SVG ``data:`` URI (an ``<img src>`` the page's CSP
    allows: ``img-src 'self' data:``)."""
    return segno.make_qr(text, error="m").svg_data_uri(scale=5, border=2)


def normalize_code(code: object) -> str | None:
    """The six digits of ``code`` (spaces allowed, as apps show ``123 456``), else None."""
    if isinstance(code, int) and not isinstance(code, bool):
        code = f"{code:06d}"
    if not isinstance(code, str):
        return None
    code = code.replace(" ", "").strip()
    return code if _CODE_SHAPE.match(code) else None


def current_step(now: float | None = None, interval: int = 30) -> int:
    """The TOTP time step (counter) of ``now``."""
    return int((time.time() if now is None else now) // interval)


def matching_step(secret: str, code: object, now: float | None = None,
                  drift: int = DRIFT_STEPS) -> int | None:
    """The time step whose code ``code`` is (within ``drift`` steps of now), else None.
    The caller must refuse a step it has already accepted (replay)."""
    digits = normalize_code(code)
    if digits is None or not secret:
        return None
    totp = pyotp.TOTP(secret)
    step = current_step(now, totp.interval)
    found = None
    for candidate in range(step - drift, step + drift + 1):
        # compare all candidates: the time taken does not tell which step matched
        if hmac.compare_digest(totp.generate_otp(candidate), digits):
            found = candidate
    return found


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """``count`` fresh recovery codes, formatted for reading (``abcd-efgh-ijkl``)."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append("-".join(raw[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)))
    return codes


def normalize_recovery_code(code: object) -> str | None:
    """The canonical form of a recovery code as typed (any case, dashes and spaces
    ignored), else None."""
    if not isinstance(code, str):
        return None
    raw = re.sub(r"[\s-]", "", code).lower()
    return raw if _RECOVERY_SHAPE.match(raw) else None


def digest(value: str) -> str:
    """SHA-256 of a random secret (recovery code, device token), in hex."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_device_token() -> str:
    """A trusted-device token (the cookie's value; only its digest is stored)."""
    return secrets.token_urlsafe(32)
