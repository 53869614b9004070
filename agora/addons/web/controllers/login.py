"""``/web/login`` (form with a database selector when several are served) and
``/web/session/logout``.

The form is posted before any session exists, so its CSRF check is a double submit: a
random value in a SameSite=Strict cookie must come back in the form. Another site can
make the browser post the form but can neither read nor set that cookie.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from urllib.parse import quote

from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from agora import exceptions, http
from agora.addons.web.controllers.pages import render_page
from agora.http.login import TRUSTED_DEVICE_COOKIE, finish_second_factor
from agora.security.throttle import LoginThrottled

LOGIN_CSRF_COOKIE = "agora_login_csrf"

#: ``provide(request, db, target) -> [{"name", "url"}]``: other ways to log in (OpenID
#: Connect providers...), registered by optional modules when their controllers are
#: imported. A function, not a subclass of ``Login``: a subclass would take the login
#: page's routes over, and those must not belong to an optional module. Controllers are
#: loaded in every process whatever each database has installed, so each function
#: answers [] for a database without its module.
LOGIN_PROVIDERS: list[Callable[[http.HttpRequest, str, str], list[dict[str, str]]]] = []


def safe_redirect(target: str | None) -> str:
    """Only paths of this site: ``//evil.example`` or ``https://...`` become ``/web``."""
    if not target or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return "/web"
    return target


class Login(http.Controller):
    @http.route("/web/login", methods=["GET", "POST"], auth="none", csrf=False)
    def login(self, request: http.HttpRequest) -> Response:
        databases = request.app.served_databases()
        default_db = request.app.default_db or (databases[0] if len(databases) == 1 else "")
        if request.args.get("db") in databases:  # /web/login?db=name preselects it
            default_db = request.args["db"]
        target = safe_redirect(request.values.get("redirect"))
        values = {"login": "", "error": "", "redirect": target, "db": default_db,
                  "second_factor": False, "trust_days": 0, "passkey": False,
                  "databases": databases if request.app.list_db and len(databases) > 1 else []}
        if request.method == "POST":
            form = request.form
            values["login"] = form.get("login", "")
            values["db"] = form.get("db") or default_db
            expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
            if not expected or not hmac.compare_digest(expected, form.get("csrf_token", "")):
                values["error"] = "Your login form expired: please try again."
            elif form.get("step") == "totp":
                return self._second_step(request, values, target)
            elif not values["db"] or values["db"] not in databases:
                values["error"] = "Choose a database."
            else:
                try:
                    _session, info = http.open_session(request, values["db"], values["login"],
                                                       form.get("password", ""))
                except LoginThrottled as exc:  # says when to try again
                    values["error"] = str(exc)
                except exceptions.AccessDenied:
                    values["error"] = "Wrong login or password."
                else:
                    if info.get("second_factor"):  # right password, a code is still needed
                        values.update(second_factor=True,
                                      trust_days=info.get("trusted_device_days") or 0,
                                      passkey="passkey" in info.get("second_factor_methods",
                                                                    ()))
                        return self._form(values, status=200)
                    return self._logged_in(target)
        return self._form(values, status=200 if not values["error"] else 401,
                          request=request)

    def _second_step(self, request: http.HttpRequest, values: dict, target: str) -> Response:
        """The code of a 2FA login (the pending login is the session in the cookie)."""
        form = request.form
        trust_days = form.get("trust_days", "")
        values.update(second_factor=True,
                      trust_days=int(trust_days) if trust_days.isdigit() else 0,
                      passkey=form.get("passkey") == "1")
        try:
            _session, _info, device = finish_second_factor(
                request, form.get("totp_code", ""), trust_device=bool(form.get("trust_device")))
        except exceptions.AccessDenied as exc:
            values["error"] = exc.message
            # out of attempts or too late: back to the password
            values["second_factor"] = request.new_session is not False
            return self._form(values, status=401)
        response = self._logged_in(target)
        if device is not None:
            token, days = device
            response.set_cookie(TRUSTED_DEVICE_COOKIE, token, max_age=days * 86400,
                                httponly=True, samesite="Lax",
                                secure=request.is_secure_transport)
        return response

    def _logged_in(self, target: str) -> Response:
        response = redirect(target, code=303)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/web/login")
        return response

    def _login_providers(self, request: http.HttpRequest, db: str, target: str
                         ) -> list[dict[str, str]]:
        """Other ways to log in, shown as links under the form: ``{"name", "url"}`` each,
        from the functions optional modules registered in ``LOGIN_PROVIDERS``; ``db`` is
        the database the form logs into ("" when none is chosen yet)."""
        providers: list[dict[str, str]] = []
        for provide in LOGIN_PROVIDERS:
            providers.extend(provide(request, db, target))
        return providers

    def _form(self, values: dict, status: int, request: http.HttpRequest | None = None
              ) -> Response:
        token = secrets.token_urlsafe(24)
        if request is not None and not values.get("second_factor"):
            values = {**values, "login_providers": self._login_providers(
                request, values.get("db") or "", values.get("redirect") or "/web")}
        response = render_page("login.html", status=status, csrf_token=token, **values)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, path="/web/login", httponly=True,
                            samesite="Strict", max_age=3600)
        return response

    @http.route("/web/session/logout", methods=["GET", "POST"], auth="none", csrf=False)
    def logout(self, request: http.HttpRequest) -> Response:
        http.close_session(request)
        return redirect("/web/login?redirect=" + quote(safe_redirect(request.args.get("redirect")), safe=""),
                        code=303)
