"""Locust users for ``python -m bench load`` (issue 7): web-client users with think time.

Each simulated user logs in once (``/web/session/authenticate``, at most
``AGORA_LOAD_LOGIN_CONCURRENCY`` logins in flight; the client keeps the session
cookie), or adopts a session a previous run logged in (``AGORA_LOAD_SESSIONS_IN``: the
same users, still connected, against a restarted server). Then, every 22-33 s, it
does what a web-client user does: about 90% reads through ``/web/dataset/call_kw``
(partner and product lists, a partner form, a many2one search, a count, a grouping) and
10% writes: it creates its own partner, or changes that partner's phone, and reads it
straight back; a read that does not show the write is a failure (read-your-writes).
A JSON-RPC answer carrying ``error`` is a failure.

Every request's start, duration and outcome are written to ``AGORA_LOAD_SAMPLES`` when
locust quits, with the moment the last user got connected, so the bench can tell the
ramp-up (logins) from the steady state. ``AGORA_LOAD_STEADY_S`` ends the run that many
seconds after that moment.

This file is loaded by locust, not by the bench: it imports only locust and stdlib.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from typing import Any

import gevent
from gevent.lock import BoundedSemaphore
from locust import HttpUser, between, events, task
from locust.env import Environment

DB = os.environ.get("AGORA_LOAD_DB", "")
LOGINS = [login for login in os.environ.get("AGORA_LOAD_LOGINS", "admin").split(",") if login]
PASSWORD = os.environ.get("AGORA_LOAD_PASSWORD", "admin")
WAIT = tuple(float(x) for x in os.environ.get("AGORA_LOAD_WAIT", "22,33").split(","))
STEADY_S = float(os.environ.get("AGORA_LOAD_STEADY_S", "0"))
SAMPLES_PATH = os.environ.get("AGORA_LOAD_SAMPLES", "")
SESSIONS_IN = os.environ.get("AGORA_LOAD_SESSIONS_IN", "")
SESSIONS_OUT = os.environ.get("AGORA_LOAD_SESSIONS_OUT", "")
#: Logins in flight at once. A login is ~0.2 s of argon2 CPU: users arriving faster than
#: the server logs them in wait here for their turn (not counted as request time) rather
#: than piling up in the server's accept queue, where the reads of users already
#: connected would wait behind them. The ramp-up thus lasts as long as the server needs.
LOGIN_GATE = BoundedSemaphore(int(os.environ.get("AGORA_LOAD_LOGIN_CONCURRENCY", "4")))
#: Seconds after the start past which a user still waiting to log in gives up and stays
#: idle (0: never), so a slow ramp-up still leaves time for a steady state, with fewer
#: users connected (reported as such).
RAMP_CAP_S = float(os.environ.get("AGORA_LOAD_RAMP_CAP_S", "0"))
#: (connect, read) seconds: a request waiting longer than this counts as failed
TIMEOUT = (10.0, 120.0)

PARTNER_LIST = {"display_name": {}, "email": {}, "phone": {}, "city": {},
                "country_id": {"fields": {"display_name": {}}}}
PARTNER_FORM = {"name": {}, "email": {}, "phone": {}, "street": {}, "city": {}, "zip": {},
                "country_id": {"fields": {"display_name": {}}},
                "parent_id": {"fields": {"display_name": {}}},
                "child_ids": {"fields": {"name": {}, "email": {}, "phone": {}}}}
PRODUCT_LIST = {"display_name": {}, "default_code": {}, "list_price": {},
                "categ_id": {"fields": {"display_name": {}}}}
SEARCH_TERMS = ("a", "in", "de", "ma", "co", "lo", "ar", "er")


class _Run:
    """What this locust process saw, written out when it quits."""

    def __init__(self) -> None:
        self.started = time.time()
        self.samples: list[list[Any]] = []  # [name, start (s from started), ms, ok]
        self.errors: dict[str, int] = {}
        self.sessions: list[str] = []
        self.adopt = itertools.count()
        self.adoptable: list[str] = []
        self.connecting = 0  # users whose login is over (ok, failed or given up)
        self.logins_failed = 0
        self.gave_up = 0
        self.connected_at: float | None = None
        self.env: Environment | None = None


RUN = _Run()


@events.init.add_listener
def _on_init(environment: Environment, **_kw: Any) -> None:
    RUN.env = environment
    if SESSIONS_IN:
        with open(SESSIONS_IN) as handle:
            RUN.adoptable = json.load(handle)


@events.test_start.add_listener
def _on_test_start(**_kw: Any) -> None:
    RUN.started = time.time()


@events.request.add_listener
def _on_request(name: str, response_time: float, exception: BaseException | None,
                start_time: float | None = None, **_kw: Any) -> None:
    start = (start_time or time.time() - response_time / 1000) - RUN.started
    RUN.samples.append([name, round(start, 3), round(response_time, 2), exception is None])
    if exception is not None:
        key = f"{name}: {str(exception)[:200]}"
        RUN.errors[key] = RUN.errors.get(key, 0) + 1


@events.quitting.add_listener
def _on_quitting(**_kw: Any) -> None:
    if SESSIONS_OUT:
        with open(SESSIONS_OUT, "w") as handle:
            json.dump(RUN.sessions, handle)
    if SAMPLES_PATH:
        connected = RUN.connected_at - RUN.started if RUN.connected_at else None
        with open(SAMPLES_PATH, "w") as handle:
            json.dump({"started": RUN.started, "connected_after_s": connected,
                       "ended_after_s": time.time() - RUN.started,
                       "connected_users": RUN.connecting - RUN.logins_failed - RUN.gave_up,
                       "failed_logins": RUN.logins_failed, "gave_up": RUN.gave_up,
                       "errors": RUN.errors, "samples": RUN.samples}, handle)


def _user_connected(ok: bool, gave_up: bool = False) -> None:
    """Count a user in; once all are, the steady state starts (and ends STEADY_S later)."""
    RUN.connecting += 1
    RUN.logins_failed += not ok and not gave_up
    RUN.gave_up += gave_up
    env = RUN.env
    wanted = env.parsed_options.num_users if env and env.parsed_options else None
    if RUN.connected_at is None and wanted and RUN.connecting >= wanted:
        RUN.connected_at = time.time()
        if STEADY_S > 0 and env is not None and env.runner is not None:
            gevent.spawn_later(STEADY_S, env.runner.quit)


class WebClientUser(HttpUser):
    """One person with the web client open: one session, think time between screens."""

    wait_time = between(*WAIT)

    def on_start(self) -> None:
        self.partner_ids: list[int] = []
        self.own_partner: int | None = None
        if RUN.adoptable:
            value = RUN.adoptable[next(RUN.adopt) % len(RUN.adoptable)]
            self.client.cookies.set("session_id", value)
            _user_connected(True)
            return
        login = random.choice(LOGINS)
        left = RAMP_CAP_S - (time.time() - RUN.started) if RAMP_CAP_S else None
        if not LOGIN_GATE.acquire(timeout=max(0.0, left) if left is not None else None):
            _user_connected(False, gave_up=True)
            gevent.sleep(10**7)  # idle until locust stops this user
            return
        try:
            result = self.rpc("/web/session/authenticate", "login",
                              {"db": DB, "login": login, "password": PASSWORD})
        finally:
            LOGIN_GATE.release()
        cookie = self.client.cookies.get("session_id")
        ok = isinstance(result, dict) and result.get("uid") and bool(cookie)
        if ok:
            RUN.sessions.append(cookie)
        _user_connected(bool(ok))

    # -- JSON-RPC ------------------------------------------------------------------------
    def rpc(self, path: str, name: str, params: dict[str, Any]) -> Any:
        """POST a JSON-RPC call; the result, or None after recording a failure."""
        body = {"jsonrpc": "2.0", "method": "call", "id": random.randrange(1 << 30),
                "params": params}
        with self.client.post(path, json=body, name=name, catch_response=True,
                              timeout=TIMEOUT) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            try:
                answer = response.json()
            except ValueError:
                response.failure("not JSON")
                return None
            if "error" in answer:
                error = answer["error"] or {}
                data = error.get("data") or {}
                response.failure(f"{data.get('name') or error.get('code')}: "
                                 f"{data.get('message') or error.get('message')}")
                return None
            return answer.get("result")

    def call_kw(self, model: str, method: str, args: list[Any],
                kwargs: dict[str, Any] | None = None, name: str | None = None) -> Any:
        return self.rpc(f"/web/dataset/call_kw/{model}/{method}", name or f"{model}.{method}",
                        {"model": model, "method": method, "args": args,
                         "kwargs": kwargs or {}})

    # -- reads (90%) ----------------------------------------------------------------------
    @task(2)
    def partner_list(self) -> None:
        result = self.call_kw("res.partner", "web_search_read", [], {
            "domain": [], "specification": PARTNER_LIST, "offset": 0, "limit": 80,
            "count_limit": 10001})
        if result:
            self.partner_ids = [row["id"] for row in result["records"]]

    @task(2)
    def product_list(self) -> None:
        self.call_kw("product.product", "web_search_read", [], {
            "domain": [["sale_ok", "=", True]], "specification": PRODUCT_LIST, "offset": 0,
            "limit": 80, "count_limit": 10001})

    @task(2)
    def partner_form(self) -> None:
        if not self.partner_ids:  # opens the list first, as a user would
            self.partner_list()
        if self.partner_ids:
            self.call_kw("res.partner", "web_read", [[random.choice(self.partner_ids)]],
                         {"specification": PARTNER_FORM})

    @task(1)
    def partner_name_search(self) -> None:
        self.call_kw("res.partner", "name_search", [],
                     {"name": random.choice(SEARCH_TERMS), "args": [], "operator": "ilike",
                      "limit": 8})

    @task(1)
    def partner_count(self) -> None:
        self.call_kw("res.partner", "search_count", [[["is_company", "=", True]]])

    @task(1)
    def partner_groups(self) -> None:
        self.call_kw("res.partner", "read_group", [[], ["__count"], ["country_id"]],
                     {"lazy": True})

    # -- writes (10%), each read straight back ------------------------------------------
    @task(1)
    def change_own_partner(self) -> None:
        phone = f"+1 555 {uuid.uuid4().int % 10**7:07d}"
        if self.own_partner is None:
            created = self.call_kw("res.partner", "create",
                                   [{"name": f"Load {uuid.uuid4().hex[:10]}", "phone": phone}])
            if not isinstance(created, int):
                return
            self.own_partner = created
        elif self.call_kw("res.partner", "write",
                          [[self.own_partner], {"phone": phone}]) is not True:
            return
        name = "res.partner.web_read (read-your-writes)"
        with self.client.post("/web/dataset/call_kw/res.partner/web_read", name=name,
                              catch_response=True, timeout=TIMEOUT, json={
                                  "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                                      "model": "res.partner", "method": "web_read",
                                      "args": [[self.own_partner]],
                                      "kwargs": {"specification": {"phone": {}}}}}) as response:
            try:
                answer = response.json()
            except ValueError:
                answer = {}
            rows = answer.get("result") if response.status_code == 200 else None
            if not rows:
                response.failure(f"HTTP {response.status_code}: {str(answer)[:200]}")
            elif rows[0].get("phone") != phone:
                response.failure(f"stale read: phone {rows[0].get('phone')!r}, wrote {phone!r}")
