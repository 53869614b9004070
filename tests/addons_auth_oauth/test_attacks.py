"""Attacks on the OpenID Connect login, each against the real provider: forged or
missing state, a callback carried to another browser (login CSRF), replayed callbacks
and codes, an ID token for another client, a tampered nonce, forged, re-signed and
unsigned ID tokens, an expired ID token, a provider disabled meanwhile, an expired flow.
Every one must end on the login page with a reason, no session, no link written."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from agora.addons.auth_oauth import oidc
from agora.addons.auth_oauth.flows import FLOW_LIFETIME
from agora.db.sql import SQL
from tests.addons_auth_oauth.helpers import (
    Browser,
    error_of,
    link,
    link_of,
    make_user,
    oidc_logins,
    unique,
)
from tests.addons_auth_oauth.provider import running_provider

NO_FLOW = "This login is not valid (any more)"


def with_params(url: str, **changes: str | None) -> str:
    """``url`` with query parameters replaced (None: removed)."""
    parts = urlparse(url)
    params = dict(parse_qsl(parts.query))
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return urlunparse(parts._replace(query=urlencode(params)))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_parts(token: str) -> tuple[dict, dict, str]:
    header, payload, signature = token.split(".")
    return json.loads(unb64(header)), json.loads(unb64(payload)), signature


@pytest.fixture
def victim(served, provider_id):
    """A user linked to an account at the provider, whom attackers want to be."""
    user = make_user(served)
    user.sub, user.provider_id = unique("victim"), provider_id
    link(served, user.id, provider_id, user.sub)
    return user


def assert_refused(served, browser, answer, reason: str, victim=None, status: int = 400):
    assert answer.status_code == status, (answer.status_code, error_of(answer.text))
    assert reason in error_of(answer.text), error_of(answer.text)
    assert urlparse(answer.url).path == "/auth_oauth/signin"  # no redirect into the app
    assert browser.uid() is None
    if victim is not None:
        assert oidc_logins(served, victim.id) == 0
        assert link_of(served, victim.id) == (victim.provider_id, victim.sub)


# -- state and the browser binding ----------------------------------------------------------
def test_wrong_or_missing_state_is_refused(served, browser, provider_id, victim):
    location = browser.consent(browser.start(provider_id), victim.sub)
    for forged in (with_params(location, state="A" * 43), with_params(location, state=None),
                   with_params(location, state="")):
        assert_refused(served, browser, browser.callback(forged), NO_FLOW, victim)
    # the genuine answer still completes: a forged one burns nothing
    final = browser.callback(location)
    assert urlparse(final.url).path == "/web" and browser.uid() == victim.id


def test_callback_carried_to_another_browser_is_refused(served, provider_id, victim):
    """Login CSRF: an attacker logs in at the provider and makes the victim's browser
    open the callback, to log the victim in as the attacker (or the reverse)."""
    attacker = Browser(served)
    location = attacker.consent(attacker.start(provider_id), victim.sub)
    bystander = Browser(served)
    assert_refused(served, bystander, bystander.callback(location), NO_FLOW)
    # a browser with a flow of its own is no better off
    other = Browser(served)
    other.start(provider_id)
    assert other.http.cookies.get("agora_oidc_flow")
    assert_refused(served, other, other.callback(location), NO_FLOW)
    assert oidc_logins(served, victim.id) == 0


def test_flow_cookie_is_httponly_lax_short_lived_and_scoped(served, browser, provider_id):
    start = browser.get(f"/auth_oauth/login/{provider_id}?db={served.name}",
                        allow_redirects=False)
    assert start.status_code == 303
    assert urlparse(start.headers["Location"]).path == "/oauth2/authorize"
    cookie = start.headers["Set-Cookie"]
    assert cookie.startswith("agora_oidc_flow=")
    attributes = {part.strip().split("=")[0].lower(): part.strip()
                  for part in cookie.split(";")[1:]}
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "samesite=lax"
    assert attributes["path"] == "Path=/auth_oauth/"
    assert attributes["max-age"] == f"Max-Age={FLOW_LIFETIME}"


def test_expired_flow_is_refused(served, browser, provider_id, victim):
    location = browser.consent(browser.start(provider_id), victim.sub)
    served.run(lambda env: env.cr.execute(SQL(
        "UPDATE auth_oauth_pending SET expires_at = (now() at time zone 'UTC')"
        " - interval '1 second'")))
    assert_refused(served, browser, browser.callback(location), NO_FLOW, victim)


# -- replays --------------------------------------------------------------------------------
def test_replayed_callback_is_refused(served, browser, provider_id, victim):
    location = browser.consent(browser.start(provider_id), victim.sub)
    assert urlparse(browser.callback(location).url).path == "/web"
    assert oidc_logins(served, victim.id) == 1
    replayer = Browser(served)  # with the browser's flow cookie (not its session)
    for cookie in browser.http.cookies:
        if cookie.name == "agora_oidc_flow":
            replayer.http.cookies.set_cookie(cookie)
    assert_refused(served, replayer, replayer.callback(location), NO_FLOW)
    assert oidc_logins(served, victim.id) == 1


def test_code_of_another_flow_is_refused(served, browser, provider, provider_id, victim):
    """A code seen once (a log, a referrer) cannot be used again with a new flow: the
    provider redeems a code once and only with the verifier of its own flow."""
    first = browser.consent(browser.start(provider_id), victim.sub)
    used_code = dict(parse_qsl(urlparse(first).query))["code"]
    assert urlparse(browser.callback(first).url).path == "/web"
    attacker = Browser(served)
    second = attacker.consent(attacker.start(provider_id), unique("attacker"))
    answer = attacker.callback(with_params(second, code=used_code))
    assert_refused(served, attacker, answer, "The identity provider refused the login")
    assert "invalid_grant" in error_of(answer.text)
    assert oidc_logins(served, victim.id) == 1


# -- the ID token ---------------------------------------------------------------------------
def test_id_token_for_another_client_is_refused(served, browser, provider, provider_id,
                                                client, victim):
    """A token issued to another client of the same provider (token substitution: the
    provider answers for client B while Agora is client A)."""
    other_id, other_secret = provider.register_client(f"{served.url}/auth_oauth/signin")
    basic = "Basic " + base64.b64encode(f"{other_id}:{other_secret}".encode()).decode()
    issued = []
    provider.gate.rewrite_authorize = lambda params: {**params, "client_id": other_id}
    provider.gate.rewrite_token_request = lambda form, headers: (
        form, {**headers, "Authorization": basic})
    provider.gate.rewrite_token_response = lambda answer: issued.append(answer) or answer
    answer = browser.login_with(provider_id, victim.sub)
    assert token_parts(issued[0]["id_token"])[1]["aud"] in (other_id, [other_id])
    assert_refused(served, browser, answer, "aud claim", victim)


def test_tampered_nonce_is_refused(served, browser, provider, provider_id, victim):
    provider.gate.rewrite_authorize = lambda params: {**params, "nonce": "attacker-nonce"}
    answer = browser.login_with(provider_id, victim.sub)
    assert_refused(served, browser, answer, "nonce claim", victim)


def test_id_token_with_a_changed_subject_is_refused(served, browser, provider, provider_id,
                                                    victim):
    """The attacker logs in as themselves and swaps the sub in the signed token."""
    def swap_subject(answer):
        header, claims, signature = answer["id_token"].split(".")
        forged = {**json.loads(unb64(claims)), "sub": victim.sub}
        answer["id_token"] = f"{header}.{b64(json.dumps(forged).encode())}.{signature}"
        return answer
    provider.gate.rewrite_token_response = swap_subject
    answer = browser.login_with(provider_id, unique("attacker"))
    assert_refused(served, browser, answer, "signature is not valid", victim)


@pytest.mark.parametrize("kid", ["same", "new"])
def test_id_token_signed_with_another_key_is_refused(served, browser, provider, provider_id,
                                                     victim, kid):
    attacker_key = RSAKey.generate_key(2048, private=True)

    def resign(answer):
        header, claims, _signature = token_parts(answer["id_token"])
        claims["sub"] = victim.sub
        # the same key id as the provider's (it names none when it has one key), or another
        header = ({"alg": "RS256", **({"kid": header["kid"]} if "kid" in header else {})}
                  if kid == "same" else {"alg": "RS256", "kid": "rogue"})
        answer["id_token"] = jwt.encode(header, claims, attacker_key)
        return answer
    provider.gate.rewrite_token_response = resign
    answer = browser.login_with(provider_id, unique("attacker"))
    reason = "signature is not valid" if kid == "same" else "a key the provider does not"
    assert_refused(served, browser, answer, reason, victim)


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_unsigned_or_symmetric_id_token_is_refused(served, browser, provider, provider_id,
                                                   client, victim, alg):
    """alg "none", or HS256 keyed with the client secret (which the attacker may know if
    they are another client... or with the provider's public key): never accepted."""
    def downgrade(answer):
        _header, claims, _signature = token_parts(answer["id_token"])
        claims["sub"] = victim.sub
        header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        body = b64(json.dumps(claims).encode())
        if alg == "none":
            answer["id_token"] = f"{header}.{body}."
        else:
            from joserfc.jwk import OctKey
            answer["id_token"] = jwt.encode({"alg": "HS256"}, claims,
                                            OctKey.import_key(client.secret))
        return answer
    provider.gate.rewrite_token_response = downgrade
    answer = browser.login_with(provider_id, unique("attacker"))
    assert_refused(served, browser, answer, "signature is not valid", victim)


def test_expired_id_token_is_refused(served, browser, make_provider):
    with running_provider(token_max_age=timedelta(minutes=-10)) as stale:
        client_id, secret = stale.register_client(f"{served.url}/auth_oauth/signin")
        stale_id = make_provider(name="Stale", issuer=stale.issuer, client_id=client_id,
                                 client_secret=secret)
        user = make_user(served)
        user.sub, user.provider_id = unique("late"), stale_id
        link(served, user.id, stale_id, user.sub)
        answer = browser.login_with(stale_id, user.sub)
    assert_refused(served, browser, answer, "The ID token has expired", user)


# -- the provider ---------------------------------------------------------------------------
def test_provider_disabled_meanwhile_is_refused(served, browser, provider_id, victim):
    page = browser.start(provider_id)
    served.run(lambda env: env["auth.oauth.provider"].browse(provider_id).write(
        {"enabled": False}))
    location = browser.consent(page, victim.sub)
    answer = browser.callback(location)
    assert_refused(served, browser, answer, "not allowed (any more)", victim, status=404)
    # the flow was used up: enabling the provider again does not revive the callback
    served.run(lambda env: env["auth.oauth.provider"].browse(provider_id).write(
        {"enabled": True}))
    assert_refused(served, browser, browser.callback(location), NO_FLOW, victim)


def test_wrong_client_secret_is_refused(served, browser, make_provider):
    wrong = make_provider(name="Misconfigured", client_secret="not-the-secret")
    user = make_user(served)
    user.sub, user.provider_id = unique("client"), wrong
    link(served, user.id, wrong, user.sub)
    answer = browser.login_with(wrong, user.sub)
    assert_refused(served, browser, answer, "invalid_client", user)


def test_discovery_naming_another_issuer_is_refused(served, browser, provider,
                                                    make_provider):
    impostor = make_provider(
        name="Impostor", issuer=provider.issuer + "/realms/other",
        discovery_url=provider.issuer + "/.well-known/openid-configuration")
    answer = browser.get(f"/auth_oauth/login/{impostor}?db={served.name}",
                         allow_redirects=False)
    assert answer.status_code == 502
    assert "names the issuer" in error_of(answer.text)
    assert "agora_oidc_flow" not in answer.headers.get("Set-Cookie", "")


def test_rotated_keys_are_fetched_again_but_not_on_every_forgery(served, browser, provider,
                                                                 provider_id, victim):
    """A cached key set the provider no longer uses (it rotated its key) is fetched
    again, once its age passes JWKS_MIN_REFRESH; younger, it stays (forged tokens do
    not make the server refetch at will)."""
    jwks_uri = f"{provider.issuer}/jwks"
    stale = KeySet([RSAKey.generate_key(2048, private=False)])
    oidc._keys_cache.put(jwks_uri, stale)
    answer = browser.login_with(provider_id, victim.sub)
    assert_refused(served, browser, answer, "signature is not valid", victim)
    oidc._keys_cache._entries[jwks_uri] = (time.monotonic() - oidc.JWKS_MIN_REFRESH - 1,
                                           stale)
    final = browser.login_with(provider_id, victim.sub)
    assert urlparse(final.url).path == "/web" and browser.uid() == victim.id
    assert oidc._keys_cache.get(jwks_uri, oidc.DISCOVERY_TTL) is not stale
