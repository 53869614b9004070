"""The services of Odoo's external API (``common``, ``db``, ``object``), shared by
``/xmlrpc[/2]/<service>`` and ``/jsonrpc``.

Each call runs in one transaction on the database it names (replayed on conflicts);
``object`` calls authenticate with ``(uid, password)`` every time, cheaply (see
``agora.rpc.authentication``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from agora.http.controllers import VERSION_INFO
from agora.orm.environment import Environment
from agora.orm.exceptions import AccessDenied, UserError
from agora.rpc.dispatch import call_kw, is_readonly
from agora.rpc.errors import InvalidArgumentsError

if TYPE_CHECKING:
    from agora.http.application import Application



class UnknownServiceError(UserError):
    """The service or method named by an RPC call does not exist."""


def _arguments(method: str, args: Sequence[Any], minimum: int, maximum: int) -> list[Any]:
    if not isinstance(args, list | tuple):
        raise InvalidArgumentsError(f"{method}: the arguments must be a list")
    if not minimum <= len(args) <= maximum:
        expected = str(minimum) if minimum == maximum else f"{minimum} to {maximum}"
        raise InvalidArgumentsError(f"{method}: expected {expected} arguments, got {len(args)}")
    return list(args)


def _dbname(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidArgumentsError(f"invalid database name {value!r}")
    return value


class RpcServices:
    """``dispatch(service, method, args)`` for one application (its databases and
    credential checker)."""

    def __init__(self, app: Application) -> None:
        self.app = app
        self.handlers: dict[tuple[str, str], Callable[[list[Any]], Any]] = {
            ("common", "version"): lambda args: dict(VERSION_INFO),
            ("common", "about"): lambda args: "See https://agora-erp.org",
            ("common", "login"): self.login,
            ("common", "authenticate"): self.authenticate,
            ("db", "list"): self.list_databases,
            ("db", "server_version"): lambda args: VERSION_INFO["server_version"],
            ("db", "db_exist"): self.db_exist,
            ("object", "execute"): self.execute,
            ("object", "execute_kw"): self.execute_kw,
        }

    def dispatch(self, service: Any, method: Any, args: Sequence[Any]) -> Any:
        handler = self.handlers.get((service, method))
        if handler is None:
            raise UnknownServiceError(f"unknown service or method: {service}.{method}")
        return handler(args if isinstance(args, list | tuple) else [args])

    # -- common -----------------------------------------------------------------------------
    def _run(self, db: str, work: Callable[[Environment], Any], readonly: bool = False,
             client_key: str | None = None) -> Any:
        return self.app.run_as_superuser(_dbname(db), work, readonly=readonly,
                                         client_key=client_key)

    def login(self, args: list[Any]) -> int | bool:
        """uid, or False for wrong credentials (never an error)."""
        db, login, password = _arguments("login", args, 3, 3)
        return self.authenticate([db, login, password, {}])

    def authenticate(self, args: list[Any]) -> int | bool:
        db, login, password, *_ = _arguments("authenticate", args, 3, 4)
        try:
            return self._run(db, lambda env: self.app.credentials.login(env, login, password))
        except AccessDenied:
            return False

    # -- db -----------------------------------------------------------------------------------
    def list_databases(self, args: list[Any]) -> list[str]:
        if not self.app.list_db:
            raise AccessDenied("the database list is not public on this server")
        return self.app.served_databases()

    def db_exist(self, args: list[Any]) -> bool:
        (db,) = _arguments("db_exist", args, 1, 1)
        return db in self.app.served_databases()

    # -- object ---------------------------------------------------------------------------------
    def execute(self, args: list[Any]) -> Any:
        db, uid, password, model, method, *rest = _arguments("execute", args, 5, 1000)
        return self._call(db, uid, password, model, method, rest, {})

    def execute_kw(self, args: list[Any]) -> Any:
        db, uid, password, model, method, *rest = _arguments("execute_kw", args, 5, 7)
        call_args = rest[0] if rest else []
        call_kwargs = rest[1] if len(rest) > 1 else {}
        if call_args is None:
            call_args = []
        if call_kwargs is None:
            call_kwargs = {}
        if not isinstance(call_args, list | tuple) or not isinstance(call_kwargs, dict):
            raise InvalidArgumentsError("execute_kw: args must be a list and kwargs a dict")
        return self._call(db, uid, password, model, method, list(call_args), call_kwargs)

    def _call(self, db: Any, uid: Any, password: Any, model: Any, method: Any,
              args: list[Any], kwargs: dict[str, Any]) -> Any:
        def work(env: Environment) -> Any:
            user_id = self.app.credentials.check_uid_password(env, uid, password)
            return call_kw(env(user=user_id, su=False), model, method, args, kwargs,
                           ids_only=False)
        # Read-your-writes follows a uid/password caller per database and user (such
        # clients keep no cookie): within this process.
        client_key = f"uid:{db}:{uid}" if isinstance(uid, int) else None
        return self._run(db, work, readonly=is_readonly(method, model, _dbname(db)),
                         client_key=client_key)
