"""What the attack tests share: one call made through every real client the server
speaks (XML-RPC, JSON-RPC ``/jsonrpc``, the web client's ``/web/dataset/call_kw`` with a
session cookie, JSON-2 with a bearer API key), the verdicts on an answer (a clean typed
refusal that leaks no SQL), and a fingerprint of the data an attack must not change.

Every call goes over a real HTTP connection to a live server (``served_addons``)."""

from __future__ import annotations

import json
import time
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import requests

from agora.db.sql import SQL
from agora.testing.addons import http_session

#: the clients an attack goes through
TRANSPORTS = ("xmlrpc", "jsonrpc", "call_kw", "json2")
#: what a refusal may be called on the wire (Odoo's names for our typed errors)
TYPED_PREFIXES = ("odoo.exceptions.", "werkzeug.exceptions.")
#: text that would mean the database's own error (hence the query) reached the client; a
#: typed refusal may quote the payload it refused, so the payload's words are no sign
SQL_MARKERS = ("psycopg", "LINE 1:", "syntax error at or near", "HINT:", "SQLSTATE",
               "current transaction is aborted", "does not exist\nLINE")
#: an attack that takes longer than this smells of an injected pg_sleep() (or a hang)
SLOW_SECONDS = 5.0


@dataclass
class Outcome:
    """The answer to one call: a result, or an error with its name, message and debug
    text (traceback) as the client received them."""

    transport: str
    ok: bool
    result: Any = None
    name: str = ""
    message: str = ""
    debug: str = ""
    status: int = 200
    elapsed: float = 0.0
    raw: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        if self.ok:
            return f"<{self.transport} ok {str(self.result)[:200]}>"
        return f"<{self.transport} {self.status} {self.name}: {self.message[:300]}>"


class Caller:
    """One user of the served database, able to make the same call through each client."""

    def __init__(self, url: str, db: str, uid: int, login: str, password: str,
                 key: str) -> None:
        self.url, self.db, self.uid = url, db, uid
        self.login, self.password, self.key = login, password, key
        self._session: requests.Session | None = None

    @property
    def session(self) -> requests.Session:
        """A web session (cookie) of this user, opened on first use."""
        if self._session is None:
            self._session = http_session(self.url, self.db, self.login, self.password)
        return self._session

    # -- one call, through one client ----------------------------------------------------
    def call(self, transport: str, model: str, method: str, ids: list[int] | None = None,
             kwargs: dict[str, Any] | None = None) -> Outcome:
        kwargs = dict(kwargs or {})
        args = [ids] if ids is not None else []
        started = time.perf_counter()
        outcome = getattr(self, f"_{transport}")(model, method, ids, args, kwargs)
        outcome.elapsed = time.perf_counter() - started
        return outcome

    def call_all(self, model: str, method: str, ids: list[int] | None = None,
                 kwargs: dict[str, Any] | None = None,
                 transports: tuple[str, ...] = TRANSPORTS) -> list[Outcome]:
        return [self.call(t, model, method, ids, kwargs) for t in transports]

    def _xmlrpc(self, model: str, method: str, ids: Any, args: list[Any],
                kwargs: dict[str, Any]) -> Outcome:
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        try:
            result = proxy.execute_kw(self.db, self.uid, self.password, model, method, args,
                                      kwargs)
        except xmlrpc.client.Fault as fault:
            # /xmlrpc/2 codes: 1 application error (untyped), 2 UserError, 3 AccessDenied,
            # 4 AccessError
            names = {2: "odoo.exceptions.UserError", 3: "odoo.exceptions.AccessDenied",
                     4: "odoo.exceptions.AccessError"}
            return Outcome("xmlrpc", False, name=names.get(fault.faultCode, "untyped"),
                           message=str(fault.faultString), status=fault.faultCode)
        return Outcome("xmlrpc", True, result=result)

    def _jsonrpc(self, model: str, method: str, ids: Any, args: list[Any],
                 kwargs: dict[str, Any]) -> Outcome:
        return _json_envelope("jsonrpc", requests.post(f"{self.url}/jsonrpc", timeout=60, json={
            "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "service": "object", "method": "execute_kw",
                "args": [self.db, self.uid, self.password, model, method, args, kwargs]}}))

    def _call_kw(self, model: str, method: str, ids: Any, args: list[Any],
                 kwargs: dict[str, Any]) -> Outcome:
        return _json_envelope("call_kw", self.session.post(
            f"{self.url}/web/dataset/call_kw", timeout=60, json={
                "jsonrpc": "2.0", "method": "call", "id": 1,
                "params": {"model": model, "method": method, "args": args,
                           "kwargs": kwargs}}))

    def _json2(self, model: str, method: str, ids: Any, args: list[Any],
               kwargs: dict[str, Any]) -> Outcome:
        body = dict(kwargs)
        if ids is not None:
            body["ids"] = ids
        path = f"/json/2/{quote(model, safe='')}/{quote(method, safe='')}"
        response = requests.post(f"{self.url}{path}", timeout=60,
                                 data=json.dumps(body), headers={
                                     "Authorization": f"Bearer {self.key}",
                                     "X-Odoo-Database": self.db,
                                     "Content-Type": "application/json"})
        payload = response.json()
        if response.status_code == 200:
            return Outcome("json2", True, result=payload, status=200)
        return Outcome("json2", False, name=payload.get("name", ""),
                       message=payload.get("message", ""), debug=payload.get("debug", ""),
                       status=response.status_code, raw=payload)


def raw_xmlrpc(url: str, path: str, method: str, params: tuple[Any, ...]) -> Any:
    """Call any method name (dunder ones included, which ``ServerProxy`` keeps for
    itself): the result, or the ``xmlrpc.client.Fault`` raised."""
    response = requests.post(f"{url}{path}", data=xmlrpc.client.dumps(params, method),
                             headers={"Content-Type": "text/xml"}, timeout=60)
    assert response.status_code == 200, response.text
    return xmlrpc.client.loads(response.content)[0][0]


def _json_envelope(transport: str, response: requests.Response) -> Outcome:
    payload = response.json()
    if "error" in payload:
        data = payload["error"].get("data") or {}
        return Outcome(transport, False, name=data.get("name", ""),
                       message=data.get("message", ""), debug=data.get("debug", ""),
                       status=response.status_code, raw=payload)
    return Outcome(transport, True, result=payload.get("result"), status=response.status_code)


# -- verdicts ------------------------------------------------------------------------------
def leaks_sql(text: str) -> list[str]:
    return [marker for marker in SQL_MARKERS if marker in (text or "")]


def assert_clean(outcome: Outcome) -> None:
    """Whatever the answer, it came quickly, without a server error and without SQL."""
    assert outcome.elapsed < SLOW_SECONDS, (outcome, outcome.elapsed)
    assert outcome.status < 500, outcome
    if not outcome.ok:
        assert not leaks_sql(outcome.message), (outcome, leaks_sql(outcome.message))
        # a traceback of a typed error names Python frames, never the driver or the query
        assert "psycopg" not in outcome.debug and "LINE 1:" not in outcome.debug, outcome


def assert_refused(outcome: Outcome, *names: str, contains: str | None = None) -> None:
    """A clean typed error (one of ``names`` when given, e.g. ``"AccessError"``)."""
    assert_clean(outcome)
    assert not outcome.ok, f"the attack was answered: {outcome}"
    assert outcome.name.startswith(TYPED_PREFIXES), outcome
    if names:
        assert outcome.name.rsplit(".", 1)[-1] in names, (names, outcome)
    if outcome.transport == "json2":
        assert outcome.status in (400, 401, 403, 404, 422), outcome
    if contains is not None:
        assert contains in outcome.message, (contains, outcome)


def assert_refused_or_empty(outcome: Outcome) -> None:
    """Refused with a typed error, or answered with nothing found (a value that is data,
    not code: it matched no record)."""
    assert_clean(outcome)
    if outcome.ok:
        assert outcome.result in ([], 0, False, {"records": []}), outcome
    else:
        assert_refused(outcome)


# -- what must not change ----------------------------------------------------------------------
#: (table, columns) whose content an attack must leave as it was; the tables' existence too
WATCHED = (
    ("res_partner", ("id", "name", "email", "active", "company_id", "comment", "parent_id")),
    ("res_users", ("id", "login", "password", "active", "company_id")),
    ("res_groups_users_rel", ("gid", "uid")),
    ("res_company", ("id", "name")),
    ("ir_model_access", ("id", "perm_read", "perm_write", "perm_create", "perm_unlink",
                         "group_id")),
    ("ir_rule", ("id", "domain_force", "active")),
    ("res_users_apikeys", ("id", "user_id")),
    ("res_users_passkey", ("id", "user_id", "credential_identifier", "sign_count")),
    ("mail_message", ("id", "model", "res_id", "body")),
    ("mail_followers", ("id", "res_model", "res_id", "partner_id")),
    ("mail_activity", ("id", "res_model", "res_id", "summary", "user_id")),
)


def fingerprint(run: Callable[..., Any]) -> dict[str, Any]:
    """``{table: (row count, md5 of the watched columns)}`` read as superuser."""
    def work(env: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for table, columns in WATCHED:
            env.cr.execute(SQL("SELECT to_regclass(%s) IS NOT NULL", table))
            if not env.cr.fetchone()[0]:
                result[table] = "missing"
                continue
            env.cr.execute(SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                " FROM (SELECT %s FROM %s) AS t",
                SQL.join(", ", [SQL.identifier(c) for c in columns]), SQL.identifier(table)))
            result[table] = env.cr.fetchone()
        return result
    return run(work)


def make_user(run: Callable[..., Any], login: str, password: str, groups: list[str],
              **values: Any) -> tuple[int, str]:
    """A user of ``groups`` with ``password`` and an RPC API key: ``(uid, key)``."""
    def work(env: Any) -> tuple[int, str]:
        user = env["res.users"].create({
            "name": login.replace("_", " ").title(), "login": login, "password": password,
            "groups_id": [(6, 0, [env.ref(group).id for group in groups])], **values})
        key = env(user=user.id, su=True)["res.users.apikeys"].generate(f"{login} key", "rpc")
        return user.id, key
    return run(work)


def caller(served: SimpleNamespace, login: str, password: str, groups: list[str],
           **values: Any) -> Caller:
    uid, key = make_user(served.run, login, password, groups, **values)
    return Caller(served.url, served.name, uid, login, password, key)
