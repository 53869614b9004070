"""Logging in with an OpenID Connect provider: the "Log in with ..." links of the login
page, the start of the flow and the callback (which also ends the linking flows).

The callback checks, in this order: the browser's flow cookie and the ``state`` (the
flow is taken, hence used once, in a transaction of its own), the provider still
enabled, the provider's answer (an ``error``, or a code), the code exchange (with the
PKCE verifier), the ID token (signature against the provider's keys, iss, aud/azp, exp,
iat, nonce). Only then is a user looked up by (provider, sub), or by a verified email
where the provider allows it, and a session opened — with the TOTP step when the user
has 2FA. Any failure shows the login page with the reason and opens no session.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from agora import exceptions, http
from agora.addons.auth_oauth import flows, oidc
from agora.addons.auth_oauth.controllers.accounts import finish_link
from agora.addons.auth_oauth.controllers.common import (
    CALLBACK_PATH,
    NOT_AVAILABLE,
    FlowRefused,
    installed,
    new_flow,
    provider_settings,
    to_provider,
)
from agora.addons.web.controllers.login import LOGIN_PROVIDERS, Login, safe_redirect
from agora.security import audit

_logger = logging.getLogger(__name__)

NO_FLOW = ("This login is not valid (any more): it expired, was already used, or was "
           "started in another browser. Please log in again.")
ARCHIVED = "This user is archived: ask an administrator."
#: error codes of authorization answers (RFC 6749 4.1.2.1, OpenID Connect Core 3.1.2.6)
PROVIDER_ERRORS = frozenset({
    "access_denied", "invalid_request", "unauthorized_client", "unsupported_response_type",
    "invalid_scope", "server_error", "temporarily_unavailable", "interaction_required",
    "login_required", "account_selection_required", "consent_required",
    "invalid_request_uri", "invalid_request_object", "request_not_supported",
    "request_uri_not_supported", "registration_not_supported"})
#: longest part of a provider's error description shown on the page
MAX_PROVIDER_TEXT = 200


def unknown_account(provider: str) -> str:
    return (f"No user is linked to this {provider} account. Log in with your password, "
            f"then link the account under \"Linked accounts\" in your user menu.")


def login_providers(request: http.HttpRequest, db: str, target: str
                    ) -> list[dict[str, str]]:
    """The login page's "Log in with ..." links (``web``'s ``LOGIN_PROVIDERS``): the
    enabled providers of ``db``, none where this module is not installed."""
    if not db:
        return []
    try:
        if db not in request.app.served_databases():
            return []

        def work(env: Any) -> list[dict[str, Any]]:
            return env["auth.oauth.provider"]._login_choices() if installed(env) else []
        choices = request.run_in_database(db, work, readonly=True)
    except Exception:  # never break the login page: its password form must work
        _logger.exception("OpenID Connect providers of %s could not be listed", db)
        return []
    query = urlencode({"db": db, "redirect": target})
    return [{"name": choice["label"], "url": f"/auth_oauth/login/{choice['id']}?{query}"}
            for choice in choices]


LOGIN_PROVIDERS.append(login_providers)


class OAuthLogin(http.Controller):
    """Not a subclass of ``Login``: its routes (the login page) must stay ``web``'s; the
    login page's rendering is borrowed from an instance instead."""

    _login_page = Login()

    def _form(self, values: dict, status: int, request: http.HttpRequest | None = None
              ) -> Response:
        return self._login_page._form(values, status, request=request)

    def _logged_in(self, target: str) -> Response:
        return self._login_page._logged_in(target)

    # -- start ------------------------------------------------------------------------------
    @http.route("/auth_oauth/login/<int:provider_id>", methods=["GET"], auth="none")
    def oauth_login(self, request: http.HttpRequest, provider_id: int) -> Response:
        db = request.args.get("db") or self._default_db(request)
        target = safe_redirect(request.args.get("redirect"))
        if not db or db not in request.app.served_databases():
            return self._refused(request, "", target, FlowRefused("Choose a database.", 400))
        try:
            settings, _provider = request.run_in_database(
                db, lambda env: provider_settings(env, provider_id), readonly=True)
            started = new_flow(request, db, provider_id, settings, purpose=flows.LOGIN,
                               target=target)
            request.run_in_database(db, lambda env: flows.start(
                env.cr, browser_token=started.browser_token, state=started.state,
                flow=started.flow))
        except FlowRefused as exc:
            if exc.message == NOT_AVAILABLE:
                raise NotFound() from None
            return self._refused(request, db, target, exc)
        except oidc.OidcError as exc:
            return self._refused(request, db, target, FlowRefused(str(exc), 502))
        return to_provider(request, db, started)

    # -- callback ---------------------------------------------------------------------------
    @http.route(CALLBACK_PATH, methods=["GET"], auth="none")
    def oauth_signin(self, request: http.HttpRequest) -> Response:
        args = request.args
        cookie = flows.parse_cookie(request.cookies.get(flows.COOKIE))
        db = cookie[1] if cookie else self._default_db(request)
        try:
            if not args.get("state") and args.get("error") in PROVIDER_ERRORS:
                # some providers drop the state from error answers: say what happened,
                # in fixed words (nothing of an unchecked answer reaches the page)
                raise FlowRefused(f"The identity provider did not log you in "
                                  f"({args['error']}).")
            if cookie is None or not args.get("state") \
                    or db not in request.app.served_databases():
                raise FlowRefused(NO_FLOW)
            taken = request.run_in_database(
                db, lambda env: self._take_flow(env, cookie[0], args["state"]))
            if isinstance(taken, FlowRefused):
                raise taken
        except FlowRefused as exc:
            return self._refused(request, db, "/web", exc)
        flow, settings, provider_name, by_email = taken
        claims, error = None, ""
        try:
            claims = self._check_answer(args, flow, settings)
        except oidc.OidcError as exc:
            error = str(exc)
            self._audit_failure(request, db, flow, error)
        if flow.purpose == flows.LINK:
            return finish_link(request, db, flow, claims, error)
        if claims is None:
            return self._refused(request, db, flow.target, FlowRefused(error))
        return self._log_in(request, db, flow, claims, provider_name, by_email)

    def _take_flow(self, env: Any, browser_token: str, state: str) -> Any:
        """The flow of ``state`` (taken: committed even when refused after), its
        provider's settings, name and email rule; a FlowRefused to raise otherwise."""
        if not installed(env):
            return FlowRefused(NOT_AVAILABLE, 404)
        flow = flows.take(env.cr, browser_token=browser_token, state=state)
        if flow is None:
            return FlowRefused(NO_FLOW)
        try:
            settings, provider = provider_settings(env, flow.provider_id)
        except FlowRefused as exc:
            return exc
        return flow, settings, provider.name, provider.link_by_email

    def _check_answer(self, args: Any, flow: flows.Flow,
                      settings: oidc.ProviderSettings) -> dict[str, Any]:
        """The ID token's claims for the provider's answer in ``args``; OidcError."""
        if args.get("error"):
            text = str(args.get("error_description") or args["error"])[:MAX_PROVIDER_TEXT]
            raise oidc.OidcError(f"The identity provider did not log you in ({text}).")
        code = args.get("code")
        if not code:
            raise oidc.OidcError("The identity provider's answer has no authorization code.")
        meta = oidc.metadata(settings)
        token = oidc.exchange_code(settings, meta, code=code, redirect_uri=flow.redirect_uri,
                                   code_verifier=flow.code_verifier)
        return oidc.validate_id_token(settings, meta, token["id_token"], nonce=flow.nonce)

    def _log_in(self, request: http.HttpRequest, db: str, flow: flows.Flow,
                claims: dict[str, Any], provider_name: str, by_email: bool) -> Response:
        def find_user(env: Any) -> int | FlowRefused:
            users = env["res.users"]
            user = users._oauth_user_of(flow.provider_id, claims["sub"])
            if user and not user.active:
                refused = FlowRefused(ARCHIVED, 401)
            elif user:
                return user.id
            else:
                match = users._oauth_users_by_email(claims.get("email")) \
                    if by_email and claims.get("email_verified") in (True, "true") \
                    else users.browse()
                if len(match) == 1 and not match.oauth_provider_id:
                    match._oauth_link(flow.provider_id, claims["sub"], how="verified email")
                    return match.id
                refused = FlowRefused(unknown_account(provider_name), 401)
            audit.log_security_event(env.cr, audit.LOGIN_FAILED, uid=user.id or None,
                                     login=str(claims.get("email") or claims["sub"]),
                                     details={"method": "oidc", "provider_id": flow.provider_id,
                                              "reason": refused.message})
            return refused

        try:
            found = request.run_in_database(db, find_user)
            if isinstance(found, FlowRefused):
                raise found
            _session, info = http.open_verified_session(request, db, found, method="oidc")
        except FlowRefused as exc:
            return self._refused(request, db, flow.target, exc)
        except exceptions.ConstraintError:  # another login linked that user meanwhile
            return self._refused(request, db, flow.target,
                                 FlowRefused(unknown_account(provider_name), 401))
        except exceptions.AccessDenied:  # archived meanwhile
            return self._refused(request, db, flow.target, FlowRefused(ARCHIVED, 401))
        if info.get("second_factor"):  # the TOTP step, on the login page's own form
            values = self._values(request, db, flow.target)
            values.update(second_factor=True, login=info.get("username") or "",
                          trust_days=info.get("trusted_device_days") or 0,
                          passkey="passkey" in info.get("second_factor_methods", ()))
            return self._form(values, status=200)
        return self._logged_in(flow.target)

    # -- helpers ----------------------------------------------------------------------------
    def _default_db(self, request: http.HttpRequest) -> str:
        databases = request.app.served_databases()
        return request.app.default_db or (databases[0] if len(databases) == 1 else "")

    def _values(self, request: http.HttpRequest, db: str, target: str) -> dict[str, Any]:
        """What the login page's template needs (as ``Login.login`` builds it)."""
        databases = request.app.served_databases()
        return {"login": "", "error": "", "redirect": target, "db": db,
                "second_factor": False, "trust_days": 0, "passkey": False,
                "databases": databases if request.app.list_db and len(databases) > 1 else []}

    def _refused(self, request: http.HttpRequest, db: str, target: str,
                 refused: FlowRefused) -> Response:
        values = self._values(request, db, target)
        values["error"] = refused.message
        return self._form(values, status=refused.status, request=request)

    def _audit_failure(self, request: http.HttpRequest, db: str, flow: flows.Flow,
                       reason: str) -> None:
        """A refused provider answer is a security event (forged or replayed tokens show
        up here); failing to record it must not change the answer."""
        try:
            request.run_in_database(db, lambda env: audit.log_security_event(
                env.cr, audit.LOGIN_FAILED, uid=flow.user_id,
                details={"method": "oidc", "provider_id": flow.provider_id,
                         "purpose": flow.purpose, "reason": reason}))
        except Exception:
            _logger.warning("could not record a refused OpenID Connect answer", exc_info=True)
