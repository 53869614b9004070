"""Clients of the auth_ldap tests: the real entry points a user or a script logs in by."""

from __future__ import annotations

import itertools
import re
import time
from types import SimpleNamespace

import requests

#: the brute-force protection of the served database: short, so tests wait it out
LOGIN_LIMIT = 3
COOLDOWN = 2

_numbers = itertools.count(1)


def unique(prefix: str) -> str:
    """A login no other test uses (the database and the directory live for the module)."""
    return f"{prefix}{next(_numbers)}x{time.monotonic_ns() % 1_000_000}"


def authenticate(served: SimpleNamespace, login: str, password: str) -> dict:
    """``/web/session/authenticate``: the JSON-RPC answer (``result`` or ``error``)."""
    answer = requests.post(f"{served.url}/web/session/authenticate", timeout=60, json={
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"db": served.name, "login": login, "password": password}})
    assert answer.status_code == 200, answer.text
    return answer.json()


def refusal(answer: dict) -> str:
    """The message of a refused login's JSON-RPC error ('' when it was not refused)."""
    if "error" not in answer:
        return ""
    data = answer["error"].get("data") or {}
    return data.get("message") or answer["error"].get("message") or "?"


def login_form(served: SimpleNamespace, login: str, password: str
               ) -> tuple[requests.Response, requests.Session]:
    """The ``/web/login`` form as a browser posts it (its CSRF cookie and token)."""
    browser = requests.Session()
    page = browser.get(f"{served.url}/web/login", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = browser.post(f"{served.url}/web/login", allow_redirects=False, timeout=60,
                          data={"csrf_token": token, "login": login, "password": password,
                                "db": served.name})
    return answer, browser
