"""OpenID Connect, relying-party side: discovery, the provider's keys, the authorization
request, the code exchange and the checks of the ID token. No ORM here: callers pass a
:class:`ProviderSettings` read from ``auth.oauth.provider``.

Provider metadata and key sets are cached per process (``DISCOVERY_TTL``); an ID token
signed with a key the cached set lacks (or failing its signature check) makes one
refetch (the provider rotated its keys), at most every ``JWKS_MIN_REFRESH`` seconds per
key set, so forged tokens cannot make the server hammer the provider.

Network calls happen outside any database transaction: callers read what they need,
call here, then write in a transaction of their own.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from authlib.common.security import is_secure_transport
from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError, MissingClaimError
from joserfc.jwk import KeySet

#: seconds metadata and key sets are trusted before they are fetched again
DISCOVERY_TTL = 3600
#: least seconds between two refetches of one key set for an unknown key id
JWKS_MIN_REFRESH = 60
#: seconds to wait for the provider
HTTP_TIMEOUT = 10
#: clock skew tolerated on exp/iat/nbf
LEEWAY = 60
#: signature algorithms accepted for ID tokens: asymmetric only. "none" is never
#: accepted, nor HS* (a key shared with every client of the provider, and a classic
#: confusion attack when a public key is taken for an HMAC secret).
ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                         "ES256", "ES384", "ES512", "EdDSA")
TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")

T = TypeVar("T")


class OidcError(Exception):
    """The flow cannot go on; the message is meant for the user on the login page
    (never a secret or a token)."""


@dataclass(frozen=True)
class ProviderSettings:
    """What the protocol needs of a provider record."""
    issuer: str
    client_id: str
    client_secret: str = ""
    scope: str = "openid email profile"
    discovery_url: str = ""
    token_endpoint_auth_method: str = "client_secret_basic"

    @property
    def metadata_url(self) -> str:
        return self.discovery_url or discovery_url_of(self.issuer)


@dataclass(frozen=True)
class Metadata:
    """The parts of the provider's discovery document this client uses."""
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    algorithms: tuple[str, ...]


def discovery_url_of(issuer: str) -> str:
    """Where OpenID Connect Discovery 1.0 (section 4) puts an issuer's metadata."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def check_url(url: str, what: str) -> None:
    """OidcError unless ``url`` is https (http only on the loopback, for development)."""
    if not isinstance(url, str) or not url or not is_secure_transport(url):
        raise OidcError(f"The provider's {what} must be an https URL (got {url!r}).")


class _Cache:
    """A small thread-safe map with an age per entry."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, Any]] = {}

    def get(self, key: str, max_age: float) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[0] > max_age:
            return None
        return entry[1]

    def age(self, key: str) -> float:
        with self._lock:
            entry = self._entries.get(key)
        return float("inf") if entry is None else time.monotonic() - entry[0]

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_metadata_cache = _Cache()
_keys_cache = _Cache()


def clear_caches() -> None:
    """Forget every cached document (tests; an administrator changing providers does not
    need it: the cache is keyed by URL)."""
    _metadata_cache.clear()
    _keys_cache.clear()


def _get_json(url: str, what: str) -> dict[str, Any]:
    import requests  # imported late: the module loads even where requests is missing

    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT,
                                headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise OidcError(f"The identity provider could not be reached ({what}: "
                        f"{type(exc).__name__}).") from None
    if response.status_code != 200:
        raise OidcError(f"The identity provider answered HTTP {response.status_code} "
                        f"for its {what}.")
    try:
        document = response.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise OidcError(f"The identity provider's {what} is not a JSON object.")
    return document


def metadata(settings: ProviderSettings) -> Metadata:
    """The provider's metadata (cached): its issuer must be the configured one (OpenID
    Connect Discovery, section 4.3), every endpoint https."""
    url = settings.metadata_url
    check_url(url, "discovery URL")
    cached = _metadata_cache.get(url, DISCOVERY_TTL)
    if cached is not None and cached.issuer.rstrip("/") == settings.issuer.rstrip("/"):
        return cached
    document = _get_json(url, "discovery document")
    issuer = document.get("issuer")
    # Exactly the configured issuer; a trailing slash typed or omitted is forgiven, and
    # the ID tokens' "iss" is then checked against the provider's own spelling.
    if not isinstance(issuer, str) or issuer.rstrip("/") != settings.issuer.rstrip("/"):
        raise OidcError(f"The identity provider's discovery document names the issuer "
                        f"{issuer!r}, not the configured {settings.issuer!r}.")
    endpoints = {}
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = document.get(name)
        check_url(value, name.replace("_", " "))
        endpoints[name] = value
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(alg for alg in ASYMMETRIC_ALGORITHMS
                       if isinstance(offered, list) and alg in offered)
    if not algorithms:
        raise OidcError(f"The identity provider signs ID tokens only with {offered!r}; "
                        "an asymmetric algorithm (RS256, ES256...) is required.")
    result = Metadata(issuer=issuer, algorithms=algorithms, **endpoints)
    _metadata_cache.put(url, result)
    return result


def key_set(jwks_uri: str, *, refresh: bool = False) -> KeySet:
    """The provider's public keys (cached; ``refresh`` fetches them again unless that was
    done less than ``JWKS_MIN_REFRESH`` seconds ago)."""
    cached = _keys_cache.get(jwks_uri, DISCOVERY_TTL)
    if cached is not None and not (refresh and _keys_cache.age(jwks_uri) > JWKS_MIN_REFRESH):
        return cached
    document = _get_json(jwks_uri, "key set")
    try:
        keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
    except (JoseError, KeyError, TypeError, ValueError) as exc:
        raise OidcError(f"The identity provider's key set is unusable ({exc}).") from None
    # only public keys: a provider publishing private ones is misconfigured, and such a
    # key must not be able to sign anything here
    if any(key.is_private for key in keys):
        raise OidcError("The identity provider's key set holds private keys.")
    _keys_cache.put(jwks_uri, keys)
    return keys


def new_secret() -> str:
    """A value for state, nonce or PKCE verifier: 256 random bits, URL-safe (43 chars,
    within RFC 7636's 43 to 128 for the verifier)."""
    return secrets.token_urlsafe(32)


def _client(settings: ProviderSettings, redirect_uri: str) -> Any:
    from authlib.integrations.requests_client import OAuth2Session

    method = settings.token_endpoint_auth_method
    if method not in TOKEN_AUTH_METHODS:
        raise OidcError(f"Unknown token endpoint authentication method {method!r}.")
    return OAuth2Session(client_id=settings.client_id,
                         client_secret=settings.client_secret or None,
                         scope=settings.scope, redirect_uri=redirect_uri,
                         token_endpoint_auth_method=method, code_challenge_method="S256",
                         default_timeout=HTTP_TIMEOUT)


def authorization_url(settings: ProviderSettings, meta: Metadata, *, redirect_uri: str,
                      state: str, nonce: str, code_verifier: str) -> str:
    """Where to send the browser: an authorization code request with PKCE (S256), the
    ``state`` and the ``nonce``."""
    client = _client(settings, redirect_uri)
    try:
        url, _state = client.create_authorization_url(
            meta.authorization_endpoint, state=state, code_verifier=code_verifier,
            nonce=nonce)
    finally:
        client.close()
    return url


def exchange_code(settings: ProviderSettings, meta: Metadata, *, code: str,
                  redirect_uri: str, code_verifier: str) -> dict[str, Any]:
    """The token endpoint's answer to ``code`` (with the PKCE verifier); OidcError when
    the provider refuses it (a code used twice, issued to another client...)."""
    import requests
    from authlib.integrations.base_client.errors import OAuthError

    client = _client(settings, redirect_uri)
    try:
        token = client.fetch_token(meta.token_endpoint, grant_type="authorization_code",
                                   code=code, redirect_uri=redirect_uri,
                                   code_verifier=code_verifier)
    except OAuthError as exc:
        raise OidcError(f"The identity provider refused the login ({exc.error}"
                        f"{': ' + exc.description if exc.description else ''}).") from None
    except requests.RequestException as exc:
        raise OidcError(f"The identity provider could not be reached (token endpoint: "
                        f"{type(exc).__name__}).") from None
    except ValueError:
        raise OidcError("The identity provider's token endpoint sent no JSON object.") from None
    finally:
        client.close()
    if not isinstance(token.get("id_token"), str):
        raise OidcError("The identity provider sent no ID token (is \"openid\" in the "
                        "provider's scope?).")
    return dict(token)


def _with_keys(meta: Metadata, use: Callable[[KeySet], T]) -> T:
    """``use(keys)``; once more with freshly fetched keys (see :func:`key_set`) when the
    token names a key id the cached set lacks, or fails the signature check (a provider
    that names no key id rotated its only key)."""
    from joserfc.errors import BadSignatureError, InvalidKeyIdError

    try:
        return use(key_set(meta.jwks_uri))
    except (InvalidKeyIdError, BadSignatureError):
        return use(key_set(meta.jwks_uri, refresh=True))


def validate_id_token(settings: ProviderSettings, meta: Metadata, id_token: str, *,
                      nonce: str, now: int | None = None) -> dict[str, Any]:
    """The claims of ``id_token`` once its signature (against the provider's key set)
    and its claims are right (OpenID Connect Core 3.1.3.7): iss is the provider, aud
    holds our client id (with azp ours when there are several audiences), exp in the
    future, iat present, nonce ours, sub present. OidcError naming what was wrong."""
    from joserfc.errors import InvalidKeyIdError

    def decode(keys: KeySet) -> Any:
        return jwt.decode(id_token, keys, algorithms=list(meta.algorithms))

    try:
        token = _with_keys(meta, decode)
    except InvalidKeyIdError:
        raise OidcError("The ID token is signed with a key the provider does not "
                        "publish.") from None
    except JoseError as exc:
        raise OidcError(f"The ID token's signature is not valid ({exc.error}).") from None
    except (ValueError, TypeError):
        raise OidcError("The ID token is malformed.") from None
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=now, leeway=LEEWAY,
        iss={"essential": True, "value": meta.issuer},
        aud={"essential": True, "value": settings.client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise OidcError("The ID token has expired.") from None
    except MissingClaimError as exc:
        raise OidcError(f"The ID token lacks the claim(s) {exc.claim}.") from None
    except ClaimError as exc:
        raise OidcError(f"The ID token's {exc.claim} claim is not valid for this "
                        "login.") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != settings.client_id:
        raise OidcError("The ID token's azp claim is not valid for this login.")
    return dict(claims)
