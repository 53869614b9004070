"""The query parameters of ``GET /api/v1/<model>``, checked before the ORM sees them:
each wrong one is a 400 (not JSON) or 422 (not what it should be) naming the parameter."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from agora.orm.exceptions import InvalidDomainError
from agora.orm.models import BaseModel
from agora.rpc.errors import InvalidArgumentsError

DEFAULT_LIMIT = 100
#: the most records one page returns: a bigger page is a request to split up
MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1
_OPERATORS = ("&", "|", "!")
#: operators whose right-hand side is itself a domain
_SUBDOMAIN_OPERATORS = ("any", "not any")
_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class ListQuery:
    domain: list[Any]
    fields: list[str] | None
    limit: int
    offset: int
    order: str | None
    count: bool


def parse_list_query(model: BaseModel, args: MultiDict[str, str]) -> ListQuery:
    return ListQuery(
        domain=parse_domain(model, args.get("domain")),
        fields=parse_fields(args.get("fields")),
        limit=_integer(model, args, "limit", DEFAULT_LIMIT, MAX_LIMIT),
        offset=_integer(model, args, "offset", 0, MAX_OFFSET),
        order=args.get("order") or None,
        count=_boolean(model, args, "count"),
    )


def parse_fields(text: str | None) -> list[str] | None:
    """``name,email`` -> ``["name", "email"]``; absent or empty: None (default fields)."""
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    return names or None


def parse_domain(model: BaseModel, text: str | None) -> list[Any]:
    if text is None or not text.strip():
        return []
    try:
        domain = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"'domain' is not valid JSON: {exc}") from None
    check_domain(model, domain)
    return domain


def check_domain(model: BaseModel, domain: Any) -> None:
    """The shape of a domain: a list of operators and ``[field, operator, value]``
    leaves whose value is JSON scalars (or a list of them, or for ``any`` a domain).
    Field names and operators are the ORM's to check."""
    if not isinstance(domain, list):
        raise _bad_domain(model, f"expected a list, got {domain!r}")
    for item in domain:
        if isinstance(item, str) and item in _OPERATORS:
            continue
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
                and isinstance(item[1], str)):
            raise _bad_domain(model, f"expected '&', '|', '!' or [field, operator, value], "
                                     f"got {item!r}")
        value = item[2]
        if item[1] in _SUBDOMAIN_OPERATORS and isinstance(value, list):
            check_domain(model, value)
        elif not (isinstance(value, _SCALARS) or isinstance(value, list) and all(
                isinstance(v, _SCALARS) for v in value)):
            raise _bad_domain(model, f"the value of {item!r} must be a JSON scalar or a "
                                     "list of them")


def _bad_domain(model: BaseModel, problem: str) -> InvalidDomainError:
    return InvalidDomainError(f"{model._name}: invalid 'domain': {problem}", model=model._name)


def _integer(model: BaseModel, args: MultiDict[str, str], name: str, default: int,
             maximum: int) -> int:
    text = args.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= maximum:
        raise InvalidArgumentsError(f"'{name}' must be an integer from 0 to {maximum}, got "
                                    f"{text!r}", model=model._name)
    return value


def _boolean(model: BaseModel, args: MultiDict[str, str], name: str) -> bool:
    text = (args.get(name) or "false").lower()
    if text not in ("true", "false", "1", "0"):
        raise InvalidArgumentsError(f"'{name}' must be true or false, got {args.get(name)!r}",
                                    model=model._name)
    return text in ("true", "1")
