"""Linked accounts (``/auth_oauth/accounts``, from the user menu): a logged-in user links
their user to an account at an enabled provider, or removes the link.

Linking is a POST with the session's CSRF token (a cross-site page must not be able to
start it: with a login CSRF at the provider, that would link the victim's user to the
attacker's account), then the same authorization code flow as a login; the callback
(``login.OAuthLogin.oauth_signin``) hands the checked ID token to :func:`finish_link`,
which links the user who started the flow, in the session that started it, only.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from agora import exceptions, http
from agora.addons.auth_oauth import flows, oidc
from agora.addons.auth_oauth.controllers.common import (
    FlowRefused,
    installed,
    new_flow,
    provider_settings,
    to_provider,
)
from agora.addons.auth_oauth.controllers.pages import render
from agora.addons.web.controllers.home import login_redirect

ACCOUNTS_PATH = "/auth_oauth/accounts"
_ORIGIN = re.compile(r"https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")
NOTICES = {
    "linked": "Your account is linked: you can now log in with it.",
    "unlinked": "The link was removed: log in with your password from now on.",
}
TAKEN = "This account of the provider is already linked to another user."
#: errors named in the URL (fixed texts: nothing from the URL reaches the page)
ERRORS = {"taken": TAKEN}
SESSION_CHANGED = ("Your session changed while you were at the provider: log in again, "
                   "then link your account again.")


def render_accounts(env: Any, session: Any, *, error: str = "", notice: str = "",
                    confirm: int | None = None, status: int = 200,
                    form_origin: str = "") -> Response:
    """The page of the session's user: their link, the enabled providers, forms with the
    session's CSRF token. ``form_origin``: where the confirmation's form leads after
    this server (see :meth:`LinkedAccounts.confirm_link`)."""
    user = env["res.users"].sudo().browse(session.uid)
    providers = env["auth.oauth.provider"]._login_choices()
    linked = user.oauth_provider_id
    response = render("linked_accounts.html", status=status, user_name=user.name,
                      linked={"name": linked.name, "uid": user.oauth_uid} if linked else None,
                      providers=providers, csrf_token=session.csrf_token(), error=error,
                      notice=notice,
                      confirm=next((p for p in providers if p["id"] == confirm), None))
    if form_origin and _ORIGIN.fullmatch(form_origin):  # nothing else enters the header
        policy = response.headers["Content-Security-Policy"]
        response.headers["Content-Security-Policy"] = policy.replace(
            "form-action 'self'", f"form-action 'self' {form_origin}")
    return response


class LinkedAccounts(http.Controller):
    @http.route(ACCOUNTS_PATH, methods=["GET"], auth="user", readonly=True)
    def accounts(self, request: http.HttpRequest) -> Response:
        return render_accounts(request.env, request.session,
                               notice=NOTICES.get(request.args.get("done", ""), ""),
                               error=ERRORS.get(request.args.get("error", ""), ""))

    @http.route("/auth_oauth/link/<int:provider_id>", methods=["GET"], auth="user",
                readonly=True)
    def confirm_link(self, request: http.HttpRequest, provider_id: int) -> Response:
        """Asks before leaving for the provider (a link followed from elsewhere must not
        start a flow by itself). The form's answer redirects to the provider, and the
        pages' CSP holds form submissions to this origin (redirects included): this
        page alone also allows the provider's authorization endpoint."""
        env, session = request.env, request.session
        try:
            settings, _provider = provider_settings(env, provider_id)
            endpoint = urlsplit(oidc.metadata(settings).authorization_endpoint)
        except FlowRefused as exc:
            return render_accounts(env, session, error=exc.message, status=exc.status)
        except oidc.OidcError as exc:
            return render_accounts(env, session, error=str(exc), status=502)
        return render_accounts(env, session, confirm=provider_id,
                               form_origin=f"{endpoint.scheme}://{endpoint.netloc}")

    @http.route("/auth_oauth/link/<int:provider_id>", methods=["POST"], auth="user")
    def start_link(self, request: http.HttpRequest, provider_id: int) -> Response:
        env, session = request.env, request.session
        try:
            settings, _provider = provider_settings(env, provider_id)
            started = new_flow(request, request.db, provider_id, settings,
                               purpose=flows.LINK, target=ACCOUNTS_PATH,
                               user_id=env.uid, session_token=session.token)
        except FlowRefused as exc:
            return render_accounts(env, session, error=exc.message, status=exc.status)
        except oidc.OidcError as exc:
            return render_accounts(env, session, error=str(exc), status=502)
        flows.start(env.cr, browser_token=started.browser_token, state=started.state,
                    flow=started.flow)
        return to_provider(request, request.db, started)

    @http.route("/auth_oauth/unlink", methods=["POST"], auth="user")
    def unlink(self, request: http.HttpRequest) -> Response:
        try:
            request.env.user.oauth_unlink()
        except exceptions.UserError as exc:
            return render_accounts(request.env, request.session, error=exc.message,
                                   status=400)
        return redirect(f"{ACCOUNTS_PATH}?done=unlinked", code=303)

    def handle_error(self, request: http.HttpRequest, exc: BaseException) -> Response | None:
        # a browser without a session is sent to the login form, and back here after
        if isinstance(exc, http.SessionExpired) and request.method == "GET":
            return login_redirect(request)
        return None


def finish_link(request: http.HttpRequest, db: str, flow: flows.Flow,
                claims: dict[str, Any] | None, error: str) -> Response:
    """End of a linking flow: link the user who started it to ``claims["sub"]`` if the
    browser still holds the session that started it; the accounts page says how it went
    (``error``: the flow failed before, nothing is linked)."""
    cookie = request.session_cookie

    def work(env: Any) -> Response | None:
        if not installed(env):
            return None
        session = request.app.sessions.get(env.cr, cookie[0]) \
            if cookie is not None and cookie[1] == db else None
        if session is None or session.uid is None:
            return None
        if session.uid != flow.user_id or flows.digest(session.token) != flow.session_hash:
            return render_accounts(env, session, error=SESSION_CHANGED, status=403)
        if error or claims is None:
            return render_accounts(env, session, error=error, status=400)
        user = env["res.users"].browse(flow.user_id)
        try:
            user._oauth_link(flow.provider_id, claims["sub"], how="linked by the user")
        except exceptions.ConstraintError:
            raise  # another link won a race: the transaction is spent, answered below
        except exceptions.UserError:
            return render_accounts(env, session, error=TAKEN, status=409)
        return redirect(f"{ACCOUNTS_PATH}?done=linked", code=303)

    try:
        response = request.run_in_database(db, work)
    except exceptions.ConstraintError:
        return redirect(f"{ACCOUNTS_PATH}?error=taken", code=303)
    if response is None:  # logged out meanwhile: log in first
        return redirect(f"/web/login?redirect={ACCOUNTS_PATH}", code=303)
    return response
