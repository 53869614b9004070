"""A browser for the auth_oauth tests: a ``requests.Session`` that goes between Agora and
the provider as a real browser would (redirects followed across both servers, cookies
kept per host), plus small JSON-RPC and database helpers."""

from __future__ import annotations

import html
import re
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import requests

PASSWORD = "Oidc-Test-Password-42"
TIMEOUT = 30


def unique(prefix: str) -> str:
    return f"{prefix}-{time.monotonic_ns()}"


def error_of(page: str) -> str:
    """The error paragraph of a login or accounts page ("" when there is none)."""
    found = re.search(r'<p class="ag-login-error" role="alert">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def form_value(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no {name} field in the page"
    return html.unescape(found.group(1))


class Browser:
    """One browser: ``agora`` is the served database (``url``, ``name``)."""

    def __init__(self, served: SimpleNamespace) -> None:
        self.served = served
        self.http = requests.Session()

    # -- Agora ----------------------------------------------------------------------------
    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.served.url + path, timeout=TIMEOUT, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.post(self.served.url + path, timeout=TIMEOUT, **kwargs)

    def rpc(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.post(path, json={"jsonrpc": "2.0", "method": "call", "id": 1,
                                     "params": params or {}}).json()

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self.rpc("/web/dataset/call_kw", {"model": model, "method": method,
                                                 "args": list(args), "kwargs": kwargs})

    def uid(self) -> int | None:
        """The uid of this browser's session (None: not logged in)."""
        answer = self.rpc("/web/session/get_session_info")
        return answer.get("result", {}).get("uid") if "result" in answer else None

    def password_login(self, login: str, password: str = PASSWORD) -> None:
        answer = self.rpc("/web/session/authenticate",
                          {"db": self.served.name, "login": login, "password": password})
        assert answer.get("result", {}).get("uid"), answer

    # -- the flow -------------------------------------------------------------------------
    def start(self, provider_id: int, redirect: str | None = None) -> requests.Response:
        """Click "Log in with ..." and land on the provider's consent page."""
        query = {"db": self.served.name, **({"redirect": redirect} if redirect else {})}
        page = self.get(f"/auth_oauth/login/{provider_id}?{urlencode(query)}")
        return page

    def consent(self, page: requests.Response, sub: str, *, deny: bool = False) -> str:
        """Authenticate as ``sub`` at the provider: the callback URL it redirects to
        (not followed)."""
        assert page.status_code == 200 and "Authorize Client" in page.text, page.text[:500]
        data = {"action": "deny"} if deny else {"sub": sub}
        answer = self.http.post(page.url, data=data, allow_redirects=False, timeout=TIMEOUT)
        assert answer.status_code == 302, answer.text[:500]
        location = answer.headers["Location"]
        assert location.startswith(self.served.url + "/auth_oauth/signin"), location
        return location

    def callback(self, location: str) -> requests.Response:
        return self.http.get(location, timeout=TIMEOUT)

    def login_with(self, provider_id: int, sub: str, redirect: str | None = None
                   ) -> requests.Response:
        return self.callback(self.consent(self.start(provider_id, redirect), sub))


def make_user(served: SimpleNamespace, *, password: str | None = PASSWORD,
              groups: tuple[str, ...] = ("base.group_user",), **values: Any
              ) -> SimpleNamespace:
    """A new user (``id``, ``login``) on the served database."""
    login = values.pop("login", None) or f"{unique('user')}@example.com"

    def create(env: Any) -> int:
        vals = {"name": values.pop("name", login.split("@")[0]), "login": login,
                "groups_id": [(6, 0, [env.ref(xmlid).id for xmlid in groups])], **values}
        if password:
            vals["password"] = password
        return env["res.users"].create(vals).id
    return SimpleNamespace(id=served.run(create), login=login)


def link_of(served: SimpleNamespace, uid: int) -> tuple[int | bool, str | bool]:
    """``(oauth_provider_id, oauth_uid)`` of a user, read from the database."""
    def read(env: Any) -> tuple[int | bool, str | bool]:
        user = env["res.users"].with_context(active_test=False).browse(uid)
        return user.oauth_provider_id.id, user.oauth_uid
    return served.run(read)


def link(served: SimpleNamespace, uid: int, provider_id: int, sub: str) -> None:
    served.run(lambda env: env["res.users"].browse(uid).write(
        {"oauth_provider_id": provider_id, "oauth_uid": sub}))


def linked_user_with_2fa(served: SimpleNamespace, provider_id: int, prefix: str
                         ) -> tuple[SimpleNamespace, str, str]:
    """A new user linked to ``provider_id`` (a new ``sub``) who turned TOTP on through
    the JSON routes: ``(user, sub, secret)``."""
    from agora.testing.totp import fresh_code, secret_of

    user = make_user(served)
    sub = unique(prefix)
    link(served, user.id, provider_id, sub)
    enrolling = Browser(served)
    enrolling.password_login(user.login)
    started = enrolling.call("res.users", "totp_enrol", [user.id], password=PASSWORD)["result"]
    secret = secret_of(started["uri"])
    confirmed = enrolling.rpc("/web/session/totp/confirm",
                              {"code": fresh_code(served.run, user.id, secret)})
    assert "result" in confirmed, confirmed
    return user, sub, secret


def oidc_logins(served: SimpleNamespace, uid: int) -> int:
    """How many successful OpenID Connect logins the audit trail holds for ``uid``."""
    def count(env: Any) -> int:
        from agora.db.sql import SQL

        env.cr.execute(SQL("SELECT count(*) FROM audit_log WHERE event = 'login'"
                           " AND uid = %s AND details->>'method' = 'oidc'", uid))
        return env.cr.fetchone()[0]
    return served.run(count)
