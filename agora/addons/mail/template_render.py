"""Rendering of ``mail.template`` fields in a Jinja2 sandbox.

What a template may do, decided here once:

- read any field of ``object`` (the record) and follow relations (``object.partner_id.name``);
- call the recordset helpers ``mapped``, ``filtered`` and ``sorted`` with a field path
  string (no callables), and ``ids``/``id``/``display_name``;
- call the helpers given as globals: ``format_date``, ``format_datetime``,
  ``format_amount``;
- nothing else: no attribute whose name starts with ``_``, no ``env``, no method of a
  recordset outside that list (``object.unlink()``, ``object.write(...)``...), and any
  undefined name or attribute is an error (``StrictUndefined``), not an empty string.

A refused access raises :class:`TemplateRenderError` (a ``UserError``) naming the
template and the field being rendered.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from agora.orm.exceptions import AccessError, UserError

#: recordset members a template may use (fields are always readable)
RECORD_ALLOWED = frozenset({"mapped", "filtered", "sorted", "ids", "id", "display_name"})
#: of those, the methods whose arguments must be field path strings
PATH_METHODS = frozenset({"mapped", "filtered", "sorted"})


class TemplateRenderError(UserError):
    """A mail template could not be rendered (syntax error, refused access, missing
    value); the message names the template and field."""


def format_date(value: Any, pattern: str = "%Y-%m-%d") -> str:
    """A date or datetime as text (strftime pattern); empty values give ''."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.strftime(pattern)


def format_datetime(value: Any, pattern: str = "%Y-%m-%d %H:%M:%S") -> str:
    return format_date(value, pattern)


def format_amount(amount: Any, currency: Any = None, digits: int = 2) -> str:
    """An amount with thousands separators and the currency symbol (when given a
    ``res.currency`` record, placed as the currency says)."""
    text = f"{float(amount or 0):,.{digits}f}"
    if currency:
        symbol = getattr(currency, "symbol", None) or getattr(currency, "name", "") or ""
        position = getattr(currency, "position", "after") if "position" in getattr(
            currency, "_fields", {}) else "after"
        return f"{symbol}\u00a0{text}" if position == "before" else f"{text}\u00a0{symbol}"
    return text


def _is_recordset(obj: Any) -> bool:
    return hasattr(obj, "_fields") and hasattr(obj, "_ids") and hasattr(obj, "env")


class RecordSandbox(SandboxedEnvironment):
    """Jinja2's sandbox, narrowed further for records (see the module docstring)."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_"):
            return False
        if _is_recordset(obj):
            return attr in obj._fields or attr in RECORD_ALLOWED
        return super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj: Any) -> bool:
        owner = getattr(obj, "__self__", None)
        if owner is not None and _is_recordset(owner):
            return getattr(obj, "__name__", "") in RECORD_ALLOWED
        return super().is_safe_callable(obj)

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        if (owner is not None and _is_recordset(owner)
                and getattr(__obj, "__name__", "") in PATH_METHODS
                and not all(isinstance(arg, str) for arg in (*args, *kwargs.values()))):
            from jinja2.exceptions import SecurityError
            raise SecurityError(f"{__obj.__name__}() takes field path strings in templates")
        return super().call(__context, __obj, *args, **kwargs)


def make_environment(autoescape: bool) -> RecordSandbox:
    environment = RecordSandbox(autoescape=autoescape, undefined=StrictUndefined,
                                keep_trailing_newline=True)
    environment.globals.update({"format_date": format_date, "format_datetime": format_datetime,
                                "format_amount": format_amount, "date": date})
    return environment


_ENVIRONMENTS = {True: make_environment(True), False: make_environment(False)}


def render(source: str, records: Any, *, autoescape: bool, template_name: str,
           field_name: str) -> dict[int, str]:
    """{record id: ``source`` rendered with ``object`` = that record}."""
    if not source:
        return {record.id: "" for record in records}
    environment = _ENVIRONMENTS[autoescape]
    try:
        compiled = environment.from_string(source)
    except TemplateError as exc:
        raise TemplateRenderError(f"mail.template {template_name!r}, field {field_name}: "
                                  f"invalid template: {exc}") from None
    result = {}
    for record in records:
        try:
            result[record.id] = compiled.render(object=record)
        except AccessError:
            raise
        except (TemplateError, UserError) as exc:
            raise TemplateRenderError(
                f"mail.template {template_name!r}, field {field_name}, record "
                f"{record._name}({record.id}): {type(exc).__name__}: {exc}") from None
    return result
