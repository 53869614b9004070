"""A real OpenID Connect provider for the tests: oidc-provider-mock (an authlib
authorization server) on a loopback port, in a thread.

In front of it, :class:`Gate`, a WSGI layer that

- enforces PKCE (S256) as a production provider does: the mock ignores
  ``code_challenge``, so the gate remembers the challenge of each code it sees issued
  and refuses a token request whose ``code_verifier`` does not match;
- records the authorization and token requests (what Agora sent);
- lets an attack test change what passes: the authorization request's parameters, the
  token request's client credentials, the token endpoint's answer (a forged ID token).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse

import requests
from werkzeug.serving import make_server


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Gate:
    """WSGI middleware in front of the provider (see the module's docstring). Attack
    hooks are plain attributes a test sets and the ``provider`` fixture resets."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.challenges: dict[str, tuple[str, str]] = {}
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.reset()

    def reset(self) -> None:
        #: params of /oauth2/authorize -> params the provider sees
        self.rewrite_authorize: Callable[[dict[str, str]], dict[str, str]] | None = None
        #: (form, headers) of /oauth2/token -> (form, headers) the provider sees
        self.rewrite_token_request: Callable[[dict[str, str], dict[str, str]],
                                             tuple[dict[str, str], dict[str, str]]] | None = None
        #: JSON answer of /oauth2/token -> the answer Agora gets
        self.rewrite_token_response: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == "/oauth2/authorize":
            return self._authorize(environ, start_response)
        if path == "/oauth2/token" and environ["REQUEST_METHOD"] == "POST":
            return self._token(environ, start_response)
        return self.app(environ, start_response)

    def _authorize(self, environ: dict[str, Any], start_response: Any) -> Any:
        params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        if environ["REQUEST_METHOD"] == "GET":
            with self.lock:
                self.authorize_requests.append(dict(params))
        if self.rewrite_authorize is not None:
            params = self.rewrite_authorize(dict(params))
            environ["QUERY_STRING"] = urlencode(params)
        status, headers, body = _call(self.app, environ)
        location = dict(headers).get("Location", "")
        code = dict(parse_qsl(urlparse(location).query)).get("code")
        if code and params.get("code_challenge"):
            with self.lock:
                self.challenges[code] = (params["code_challenge"],
                                         params.get("code_challenge_method", "plain"))
        start_response(status, headers)
        return [body]

    def _token(self, environ: dict[str, Any], start_response: Any) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = dict(parse_qsl(environ["wsgi.input"].read(length).decode(),
                              keep_blank_values=True))
        with self.lock:
            self.token_requests.append(dict(form))
            challenge = self.challenges.get(form.get("code", ""))
        if form.get("grant_type") == "authorization_code":
            verifier = form.get("code_verifier", "")
            if challenge is None or challenge[1] != "S256" or s256(verifier) != challenge[0]:
                return _json(start_response, "400 BAD REQUEST", {
                    "error": "invalid_grant",
                    "error_description": "PKCE verification failed"})
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        if self.rewrite_token_request is not None:
            form, headers = self.rewrite_token_request(form, headers)
        environ["HTTP_AUTHORIZATION"] = headers.get("Authorization", "")
        body = urlencode(form).encode()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        status, out_headers, answer = _call(self.app, environ)
        if self.rewrite_token_response is not None and status.startswith("200"):
            return _json(start_response, status,
                         self.rewrite_token_response(json.loads(answer)))
        start_response(status, out_headers)
        return [answer]


def _call(app: Any, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None
                       ) -> Callable[[bytes], None]:
        captured["status"], captured["headers"] = status, headers
        return lambda data: None
    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return captured["status"], captured["headers"], body


def _json(start_response: Any, status: str, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
    return [body]


class Provider:
    """A running provider: ``issuer`` (its URL), ``gate``, and helpers to register
    clients and set a user's claims through its own API."""

    def __init__(self, issuer: str, gate: Gate) -> None:
        self.issuer = issuer
        self.gate = gate

    def register_client(self, redirect_uri: str,
                        auth_method: str = "client_secret_basic") -> tuple[str, str]:
        """``(client_id, client_secret)`` of a new client (dynamic registration)."""
        answer = requests.post(f"{self.issuer}/oauth2/clients", timeout=10, json={
            "redirect_uris": [redirect_uri], "token_endpoint_auth_method": auth_method})
        assert answer.status_code == 201, answer.text
        data = answer.json()
        return data["client_id"], data["client_secret"]

    def set_claims(self, sub: str, **claims: Any) -> None:
        answer = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        assert answer.status_code == 204, answer.text


@contextmanager
def running_provider(*, token_max_age: timedelta = timedelta(hours=1)) -> Iterator[Provider]:
    """A provider that requires registered clients and a nonce, on ``localhost`` (its
    issuer is ``http://localhost:<port>``)."""
    from oidc_provider_mock import app as provider_app

    gate = Gate(provider_app(require_client_registration=True, require_nonce=True,
                             access_token_max_age=token_max_age))
    server = make_server("localhost", 0, gate, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True,
                              name=f"oidc-provider-{server.server_port}")
    thread.start()
    try:
        yield Provider(f"http://localhost:{server.server_port}", gate)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
