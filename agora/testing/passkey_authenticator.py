"""A software WebAuthn authenticator for tests without a browser.

It does what a platform authenticator does, byte for byte as the specification lays out
(authenticator data, ``none`` attestation, ES256 signatures over authenticator data and
the client data hash), so the server's checks run on real ceremonies: the browser tests
use Chromium's own virtual authenticator instead. ``clone()`` makes a copy that shares
the key but counts on its own, as a cloned device would.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field, replace
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

_UP, _UV, _AT = 0x01, 0x04, 0x40


@dataclass
class StoredCredential:
    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


@dataclass
class SoftAuthenticator:
    """Holds discoverable credentials; answers ``create``/``get`` options (the JSON the
    server sends) as a browser would return ``credential.toJSON()``."""

    origin: str
    credentials: list[StoredCredential] = field(default_factory=list)
    #: signature counters move forward by this at each use (0: a counter-less device)
    counter_step: int = 1

    def create(self, options: dict[str, Any], *, origin: str | None = None) -> dict[str, Any]:
        rp_id = options["rp"]["id"]
        key = ec.generate_private_key(ec.SECP256R1())
        numbers = key.public_key().public_numbers()
        cose_key = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                                -3: numbers.y.to_bytes(32, "big")})
        credential_id = secrets.token_bytes(32)
        stored = StoredCredential(credential_id, key, rp_id,
                                  base64url_to_bytes(options["user"]["id"]))
        self.credentials.append(stored)
        auth_data = (hashlib.sha256(rp_id.encode()).digest() + bytes([_UP | _UV | _AT])
                     + struct.pack(">I", 0) + bytes(16)
                     + struct.pack(">H", len(credential_id)) + credential_id + cose_key)
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        encoded_id = bytes_to_base64url(credential_id)
        return {"id": encoded_id, "rawId": encoded_id, "type": "public-key",
                "clientExtensionResults": {}, "authenticatorAttachment": "platform",
                "response": {"clientDataJSON": bytes_to_base64url(client_data),
                             "attestationObject": bytes_to_base64url(attestation),
                             "transports": ["internal"]}}

    def get(self, options: dict[str, Any], *, origin: str | None = None,
            credential: StoredCredential | None = None) -> dict[str, Any]:
        """Sign in with ``credential`` (default: the first one ``options`` allows)."""
        stored = credential or self._pick(options)
        stored.sign_count += self.counter_step
        auth_data = (hashlib.sha256(stored.rp_id.encode()).digest() + bytes([_UP | _UV])
                     + struct.pack(">I", stored.sign_count))
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = stored.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        encoded_id = bytes_to_base64url(stored.credential_id)
        return {"id": encoded_id, "rawId": encoded_id, "type": "public-key",
                "clientExtensionResults": {}, "authenticatorAttachment": "platform",
                "response": {"clientDataJSON": bytes_to_base64url(client_data),
                             "authenticatorData": bytes_to_base64url(auth_data),
                             "signature": bytes_to_base64url(signature),
                             "userHandle": bytes_to_base64url(stored.user_handle)}}

    def clone(self) -> SoftAuthenticator:
        """Another device with the same keys and counters from now on (a cloned key)."""
        return SoftAuthenticator(self.origin, [replace(c) for c in self.credentials],
                                 self.counter_step)

    def _pick(self, options: dict[str, Any]) -> StoredCredential:
        allowed = {base64url_to_bytes(c["id"]) for c in options.get("allowCredentials") or []}
        for stored in self.credentials:
            if stored.rp_id == options["rpId"] and (not allowed
                                                    or stored.credential_id in allowed):
                return stored
        raise LookupError("this authenticator holds no passkey these options accept")

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge,
                           "origin": origin or self.origin,
                           "crossOrigin": False}).encode()
