"""``@route`` and controllers: how handlers declare their URL, type and access."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

ROUTE_TYPES = ("http", "json")
AUTH_MODES = ("user", "public", "none", "bearer")


@dataclass(frozen=True)
class RouteInfo:
    paths: tuple[str, ...]
    type: str
    auth: str
    methods: tuple[str, ...] | None
    csrf: bool
    #: True: a read-only unit (may run on a replica); a callable decides per request
    #: (``readonly(request) -> bool``, called with ``request.db`` and, for JSON routes,
    #: ``request.params`` set)
    readonly: bool | Callable[[Any], bool]


def route(path: str | list[str], *, type: str = "http", auth: str = "user",
          methods: list[str] | None = None, csrf: bool | None = None,
          readonly: bool | Callable[[Any], bool] = False,
          ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Expose a controller method at ``path`` (Werkzeug rule syntax). ``readonly``: the
    route never writes, so it may be served by a read replica (see RouteInfo)."""
    if type not in ROUTE_TYPES:
        raise ValueError(f"route type must be one of {ROUTE_TYPES}, not {type!r}")
    if auth not in AUTH_MODES:
        raise ValueError(f"route auth must be one of {AUTH_MODES}, not {auth!r}")
    paths = (path,) if isinstance(path, str) else tuple(path)
    # JSON routes are called by scripts with a JSON body: no form, hence no CSRF token.
    info = RouteInfo(paths, type, auth, tuple(m.upper() for m in methods) if methods else None,
                     csrf if csrf is not None else type == "http", readonly)

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        function._route = info  # type: ignore[attr-defined]
        return function
    return decorate


class Controller:
    """Base class of controllers; every subclass is collected for the application.

    A controller may define ``handle_error(request, exc) -> Response | None`` to answer
    the errors of its routes itself; with ``url_prefixes`` it also answers routing
    errors (404, 405) of requests under those prefixes (an API speaks JSON even there).
    """

    subclasses: ClassVar[list[type[Controller]]] = []
    url_prefixes: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Controller.subclasses.append(cls)


def collect_routes(controllers: list[type[Controller]]) -> list[tuple[RouteInfo, type, str]]:
    """(route, controller class, method name) of every routed method; a subclass that
    overrides a routed method keeps its route (the most derived class wins). Routes are
    told apart by paths and methods: one path may have a GET and a POST handler."""
    leaves = [c for c in controllers if not any(
        other is not c and issubclass(other, c) for other in controllers)]
    found: dict[tuple[Any, ...], tuple[RouteInfo, type, str]] = {}
    for controller in leaves:
        for name in dir(controller):
            member = getattr(controller, name, None)
            info = getattr(member, "_route", None)
            if info is not None:
                found[(info.paths, info.methods)] = (info, controller, name)
    return list(found.values())
