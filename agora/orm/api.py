"""Decorators that declare how model methods relate to fields and recordsets."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from agora.orm.exceptions import InvalidValueError

F = TypeVar("F", bound=Callable[..., Any])


def depends(*paths: str) -> Callable[[F], F]:
    """Declare the dotted field paths a compute method reads (``'line_ids.price'``)."""
    for path in paths:
        if not isinstance(path, str) or not path:
            raise ValueError(f"@api.depends expects field paths, got {path!r}")

    def decorate(method: F) -> F:
        method._depends = paths  # type: ignore[attr-defined]
        return method
    return decorate


def depends_context(*keys: str) -> Callable[[F], F]:
    """Declare context keys a non-stored compute reads (its cache is per call then)."""
    def decorate(method: F) -> F:
        method._depends_context = keys  # type: ignore[attr-defined]
        return method
    return decorate


def constrains(*fields: str) -> Callable[[F], F]:
    """Run the method after create/write touching any of ``fields``; raise ValidationError."""
    def decorate(method: F) -> F:
        method._constrains = fields  # type: ignore[attr-defined]
        return method
    return decorate


def onchange(*fields: str) -> Callable[[F], F]:
    """Mark a method as an onchange handler for ``fields`` (used by the web client)."""
    def decorate(method: F) -> F:
        method._onchange = fields  # type: ignore[attr-defined]
        return method
    return decorate


def model(method: F) -> F:
    """The method works on the model, not on particular records."""
    method._api_model = True  # type: ignore[attr-defined]
    return method


def model_create_multi(method: F) -> F:
    """``create`` that takes a list of dicts (a single dict is wrapped, so overrides can
    always iterate over ``vals_list`` and read each as a dict: anything else is refused
    here, before any override sees it)."""
    @functools.wraps(method)
    def create(self, vals_list, *args, **kwargs):
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        elif not isinstance(vals_list, list | tuple) or not all(
                isinstance(vals, dict) for vals in vals_list):
            raise InvalidValueError(f"{self._name}.create expects a dict or a list of dicts",
                                    model=self._name)
        return method(self, vals_list, *args, **kwargs)
    create._api_model = True  # type: ignore[attr-defined]
    create._create_multi = True  # type: ignore[attr-defined]
    return create  # type: ignore[return-value]


def readonly(method: F) -> F:
    """The method never writes: it may run on a read replica."""
    method._readonly = True  # type: ignore[attr-defined]
    return method


def private(method: F) -> F:
    """Never callable through RPC, whatever its name."""
    method._api_private = True  # type: ignore[attr-defined]
    return method
