"""Passkeys (WebAuthn): the two ceremonies' options and the checks of their answers.

A thin layer over the ``webauthn`` library, so the models and routes deal in plain
values: options are the JSON the browser's ``PublicKeyCredential.parse*OptionsFromJSON``
(or our small decoder) takes, credentials are the JSON of ``credential.toJSON()``, keys
and ids travel and are stored as base64url text. Every failure is a
:class:`PasskeyError` (an AccessDenied) saying what was wrong, never a library error.

The relying party is the site the browser shows: its id is the request's host name (an IP
address cannot be one: browsers refuse it) and the origin its scheme, host and port.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from agora.orm.exceptions import AccessDenied

#: milliseconds the browser gives the user to answer; the server's challenge lives as long
TIMEOUT_MS = 120_000
RP_NAME = "Agora"
#: a credential larger than this is refused before parsing (real ones are ~1-2 KB)
MAX_CREDENTIAL_SIZE = 64 * 1024


class PasskeyError(AccessDenied):
    """A passkey ceremony failed (bad answer, unknown key, expired challenge...)."""


@dataclass(frozen=True)
class RelyingParty:
    """Who the browser talks to: ``id`` (a host name) and the page's ``origin``."""

    id: str
    origin: str


@dataclass(frozen=True)
class Challenge:
    """What a ceremony's options commit the server to: the random challenge (base64url),
    and the options themselves (JSON text) for the browser."""

    value: str
    options_json: str


@dataclass(frozen=True)
class NewPasskey:
    """A verified registration: what to store."""

    credential_id: str
    public_key: str
    sign_count: int
    transports: list[str]
    backed_up: bool


def user_handle(dbname: str, uid: int) -> bytes:
    """The WebAuthn user id of ``uid``: distinct per database (an authenticator replaces a
    passkey of the same site and user handle, so user 2 of two databases on one host must
    not share one) and revealing nothing."""
    return hashlib.sha256(f"agora:{dbname}:{uid}".encode()).digest()


def registration_challenge(rp: RelyingParty, handle: bytes, login: str, display_name: str,
                           existing: list[str]) -> Challenge:
    """Options to create a passkey (discoverable, so it can log in without a login
    typed); ``existing``: the user's credential ids, which the browser will not
    register twice on one authenticator."""
    options = generate_registration_options(
        rp_id=rp.id, rp_name=RP_NAME, user_id=handle, user_name=login,
        user_display_name=display_name or login, timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(c))
                             for c in existing])
    return Challenge(bytes_to_base64url(options.challenge), options_to_json(options))


def authentication_challenge(rp: RelyingParty, allowed: list[str] | None = None
                             ) -> Challenge:
    """Options to sign in with a passkey: any of this site's passkeys (``allowed`` None:
    the authenticator offers its discoverable ones) or one of ``allowed`` (the second
    step of a password login: that user's passkeys)."""
    options = generate_authentication_options(
        rp_id=rp.id, timeout=TIMEOUT_MS,
        allow_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(c))
                           for c in allowed or []],
        user_verification=UserVerificationRequirement.REQUIRED)
    return Challenge(bytes_to_base64url(options.challenge), options_to_json(options))


def parse_credential(credential: Any) -> dict[str, Any]:
    """The browser's credential JSON (a dict or its text) as a dict with the fields both
    checks read; PasskeyError for anything else."""
    if isinstance(credential, str):
        if len(credential) > MAX_CREDENTIAL_SIZE:
            raise PasskeyError("The passkey answer is too large.")
        try:
            credential = json.loads(credential)
        except ValueError:
            raise PasskeyError("The passkey answer is not JSON.") from None
    if not isinstance(credential, dict) or not isinstance(credential.get("id"), str) \
            or not isinstance(credential.get("response"), dict) \
            or not isinstance(credential["response"].get("clientDataJSON"), str):
        raise PasskeyError("The passkey answer must be a PublicKeyCredential in JSON form "
                           "(id, rawId, type and response.clientDataJSON).")
    if len(json.dumps(credential)) > MAX_CREDENTIAL_SIZE:
        raise PasskeyError("The passkey answer is too large.")
    return credential


def credential_challenge(credential: dict[str, Any]) -> str:
    """The challenge the browser signed (from ``clientDataJSON``), to find the ceremony
    it answers; not trusted beyond that: the checks compare it again."""
    try:
        client_data = json.loads(base64url_to_bytes(credential["response"]["clientDataJSON"]))
        challenge = client_data["challenge"]
    except (ValueError, KeyError, TypeError):
        raise PasskeyError("The passkey answer's client data is unreadable.") from None
    if not isinstance(challenge, str) or not challenge or len(challenge) > 200:
        raise PasskeyError("The passkey answer carries no challenge.")
    return challenge


def verify_registration(rp: RelyingParty, challenge: str, credential: dict[str, Any]
                        ) -> NewPasskey:
    """Check a new passkey's attestation against the ceremony; PasskeyError if wrong."""
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.id, expected_origin=rp.origin, require_user_verification=True)
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyError(f"The passkey could not be registered: {exc}") from None
    transports = credential["response"].get("transports")
    return NewPasskey(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count,
        transports=[t for t in transports if isinstance(t, str)][:8]
        if isinstance(transports, list) else [],
        backed_up=verified.credential_backed_up)


def verify_authentication(rp: RelyingParty, challenge: str, credential: dict[str, Any],
                          public_key: str, sign_count: int) -> int:
    """Check a sign-in with the stored ``public_key``; the authenticator's new signature
    counter is returned. A counter that did not move forward (while either is non-zero)
    means a cloned authenticator: refused, like a wrong signature."""
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.id, expected_origin=rp.origin,
            credential_public_key=base64url_to_bytes(public_key),
            credential_current_sign_count=sign_count, require_user_verification=True)
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyError(f"The passkey was not accepted: {exc}") from None
    return verified.new_sign_count


def challenge_digest(challenge: str) -> str:
    """How a pending challenge is stored (a leaked table gives nothing to replay)."""
    return hashlib.sha256(challenge.encode()).hexdigest()
