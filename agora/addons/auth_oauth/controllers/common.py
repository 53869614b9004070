"""What the login and the linking flows share: the module check, the provider's settings,
starting a flow (state, nonce, PKCE verifier, browser cookie) and the redirect URI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from agora import http
from agora.addons.auth_oauth import flows, oidc

MODULE = "auth_oauth"
#: the redirect URI registered at providers (one for logins and links)
CALLBACK_PATH = "/auth_oauth/signin"


class FlowRefused(Exception):
    """The flow stops here; ``message`` is for the user, ``status`` the HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


NOT_AVAILABLE = "Logging in with an identity provider is not available on this database."
PROVIDER_UNAVAILABLE = "Logging in with this identity provider is not allowed (any more)."


def installed(env: Any) -> bool:
    """Whether this module is installed in ``env``'s database (its controllers exist in
    every process, whatever each database has installed)."""
    return MODULE in getattr(env.registry, "modules", ())


def provider_settings(env: Any, provider_id: int) -> tuple[oidc.ProviderSettings, Any]:
    """``(settings, provider)`` of an enabled provider; FlowRefused otherwise."""
    if not installed(env):
        raise FlowRefused(NOT_AVAILABLE, 404)
    provider = env["auth.oauth.provider"].sudo().browse(provider_id).exists()
    if not provider or not provider.enabled:
        raise FlowRefused(PROVIDER_UNAVAILABLE, 404)
    return provider._settings(), provider


def redirect_uri(request: http.HttpRequest) -> str:
    """This server's callback as the browser reaches it (the provider only accepts the
    URIs registered for the client, so a forged Host header leads nowhere)."""
    scheme = "https" if request.is_secure_transport else "http"
    return f"{scheme}://{request.host}{CALLBACK_PATH}"


@dataclass(frozen=True)
class NewFlow:
    state: str
    flow: flows.Flow
    browser_token: str
    url: str


def new_flow(request: http.HttpRequest, db: str, provider_id: int,
             settings: oidc.ProviderSettings, *, purpose: str, target: str,
             user_id: int | None = None, session_token: str | None = None) -> NewFlow:
    """A flow to record (``flows.start``) before sending the browser to ``url``: fresh
    state, nonce and PKCE verifier; the browser's binding token is kept when its cookie
    is for the same database (several flows may run in one browser). Fetches the
    provider's metadata (cached): OidcError when it is unusable."""
    meta = oidc.metadata(settings)
    state, nonce, verifier = oidc.new_secret(), oidc.new_secret(), oidc.new_secret()
    cookie = flows.parse_cookie(request.cookies.get(flows.COOKIE))
    browser_token = cookie[0] if cookie and cookie[1] == db else flows.new_browser_token()
    uri = redirect_uri(request)
    flow = flows.Flow(provider_id=provider_id, purpose=purpose, user_id=user_id,
                      session_hash=flows.digest(session_token) if session_token else None,
                      nonce=nonce, code_verifier=verifier, redirect_uri=uri, target=target)
    url = oidc.authorization_url(settings, meta, redirect_uri=uri, state=state, nonce=nonce,
                                 code_verifier=verifier)
    return NewFlow(state, flow, browser_token, url)


def to_provider(request: http.HttpRequest, db: str, started: NewFlow) -> Response:
    """Send the browser to the provider, with the cookie that binds the flow to it."""
    response = redirect(started.url, code=303)
    response.set_cookie(flows.COOKIE, flows.cookie_value(started.browser_token, db),
                        max_age=flows.FLOW_LIFETIME, path=flows.COOKIE_PATH, httponly=True,
                        samesite="Lax", secure=request.is_secure_transport)
    return response
