"""Search domains: Polish-notation lists of ``'&'``, ``'|'``, ``'!'`` and leaves
``(path, operator, value)``.

Semantics (the Python evaluator in the tests follows the same rules):

* ``'!'`` is the exact complement of its operand (records whose field is empty included).
* Negative operators (``!=``, ``not in``, ``not like``, ``not ilike``, ``not any``) are the
  complement of their positive twin: ``('a', '!=', 5)`` matches records where ``a`` is empty.
* ``('a', '=', False)`` matches empty values; ``in`` lists may hold False for "empty".
* A dotted path ``a.b`` through a relation means ``('a', 'any', [('b', ...)])``: some
  related record satisfies the rest of the leaf.
* Models with an ``active`` field hide archived records unless the domain mentions
  ``active`` or the context has ``active_test=False``. The implicit filter applies to the
  searched model only: sub-domains (``any``, dotted paths) also see archived records.
"""

from __future__ import annotations

from typing import Any

from agora.orm.exceptions import InvalidDomainError

AND, OR, NOT = "&", "|", "!"
TRUE_LEAF: tuple[int, str, int] = (1, "=", 1)
FALSE_LEAF: tuple[int, str, int] = (0, "=", 1)

TERM_OPERATORS = frozenset((
    "=", "!=", "<", ">", "<=", ">=", "in", "not in", "like", "not like", "ilike",
    "not ilike", "=like", "=ilike", "child_of", "parent_of", "any", "not any",
))
OPERATOR_ALIASES = {"<>": "!=", "==": "="}
NEGATIVE_OPERATORS = {
    "!=": "=", "not in": "in", "not like": "like", "not ilike": "ilike", "not any": "any",
}


def is_leaf(element: Any) -> bool:
    return isinstance(element, list | tuple) and len(element) == 3


def normalize_leaf(element: Any, model_name: str = "") -> tuple[Any, str, Any]:
    if not is_leaf(element):
        raise InvalidDomainError(f"{model_name}: invalid domain term {element!r}",
                                 model=model_name or None)
    path, operator, value = element
    if tuple(element) in (TRUE_LEAF, FALSE_LEAF):
        return tuple(element)  # type: ignore[return-value]
    if not isinstance(path, str) or not path:
        raise InvalidDomainError(f"{model_name}: invalid field path in {element!r}",
                                 model=model_name or None)
    if not isinstance(operator, str):
        raise InvalidDomainError(f"{model_name}: invalid operator in {element!r}",
                                 model=model_name or None, field=path)
    operator = operator.lower()
    operator = OPERATOR_ALIASES.get(operator, operator)
    if operator not in TERM_OPERATORS:
        raise InvalidDomainError(
            f"{model_name}: invalid operator {element[1]!r} in {element!r}",
            model=model_name or None, field=path)
    return (path, operator, value)


def normalize_domain(domain: Any, model_name: str = "") -> list[Any]:
    """Validate a domain and make every AND explicit (prefix form)."""
    if domain is None or domain is False:
        return []
    if not isinstance(domain, list | tuple):
        raise InvalidDomainError(f"{model_name}: a domain must be a list, got {domain!r}",
                                 model=model_name or None)
    result: list[Any] = []
    expected = 1  # number of terms still expected to close the expression
    for element in domain:
        if expected == 0:
            # implicit AND between top-level expressions
            result.insert(0, AND)
            expected = 1
        if element in (AND, OR):
            result.append(element)
            expected += 1
        elif element == NOT:
            result.append(element)
        elif is_leaf(element):
            result.append(normalize_leaf(element, model_name))
            expected -= 1
        else:
            raise InvalidDomainError(f"{model_name}: invalid domain term {element!r}",
                                     model=model_name or None)
    if result and expected != 0:
        raise InvalidDomainError(f"{model_name}: domain {domain!r} is missing terms",
                                 model=model_name or None)
    return result


def combine(operator: str, domains: list[list[Any]]) -> list[Any]:
    """AND or OR several domains together; empty domains are neutral for AND."""
    parts = [normalize_domain(d) for d in domains]
    if operator == AND:
        parts = [d for d in parts if d]
        if not parts:
            return []
    elif any(not d for d in parts):
        return []
    result: list[Any] = [operator] * (len(parts) - 1)
    for part in parts:
        result.extend(part)
    return result


def mentions_field(domain: list[Any], field_name: str) -> bool:
    return any(is_leaf(t) and isinstance(t[0], str) and t[0].split(".")[0] == field_name
               for t in domain)
