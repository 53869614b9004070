"""Fuzzing the domain parser, normaliser and SQL compiler with hypothesis.

Arbitrary nested lists, tuples, dicts, strings (quotes, NUL, SQL), integers beyond 64
bits, floats (NaN, infinities), None and operators, valid or not, on a model with every
kind of field: ``normalize_domain`` returns a prefix list or raises InvalidDomainError;
``DomainCompiler.compile`` returns parameterised SQL (no value is ever in the SQL text,
placeholders match parameters) that PostgreSQL runs without error, or raises
InvalidDomainError — never another exception, never slowly (hypothesis deadline, and a
statement timeout on the database).

Runs are derandomized (the same examples every time) and bounded so the file takes a few
seconds; the explicit examples are the regressions found so far."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agora.db.sql import SQL
from agora.orm.domain import TERM_OPERATORS, normalize_domain
from agora.orm.domain_sql import DomainCompiler
from agora.orm.exceptions import InvalidDomainError
from agora.orm.query import Query
from tests.orm.conftest import cr, env, registry  # noqa: F401  (the test models' database)

MODEL = "test.dom.partner"
FIELDS = ["id", "name", "email", "notes", "active", "is_company", "age", "score", "kind",
          "birthday", "country_id", "category_id", "parent_id", "child_ids", "tag_ids",
          "order_ids", "display_name", "create_date", "write_date"]
PATHS = FIELDS + ["parent_id.name", "child_ids.age", "tag_ids.color", "country_id.code",
                  "order_ids.line_ids.quantity", "category_id.parent_id.name",
                  "parent_id.parent_id.tag_ids.name", "name.id", "nope", "", ".", "name.",
                  "parent_id..name", "name) OR 1=1 --", 'name"', "id; DROP TABLE x"]
OPERATORS = sorted(TERM_OPERATORS) + ["<>", "==", "NOT IN", "Like", "=?", "", " =",
                                      "in ", "~", "any ", "ILIKE", "!"]
NASTY_TEXT = ["'; DROP TABLE test_dom_partner; --", "x' OR '1'='1", "%", "_", "\\", "a\\",
              "\x00", "a\x00b", "2024-02-29", "2024-02-30", "2024-01-01 10:00:00", "person",
              "NaN", "Infinity", "-0", "1e999", "9" * 30, "[]", "{}", "ü\u202e", "👍"]
#: SET LOCAL on the fuzz cursor: a compiled query that would run away is cut off
STATEMENT_TIMEOUT = "2s"

SETTINGS = settings(max_examples=200, derandomize=True, database=None,
                    deadline=datetime.timedelta(seconds=2),
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.integers(min_value=-3, max_value=50),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10), st.sampled_from(NASTY_TEXT),
    st.dates(), st.datetimes(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                            st.dictionaries(st.text(max_size=3), inner, max_size=2)),
    max_leaves=6)


def _leaf(domain_strategy: st.SearchStrategy) -> st.SearchStrategy:
    operand = st.one_of(values, domain_strategy)
    shaped = st.tuples(st.sampled_from(PATHS), st.sampled_from(OPERATORS), operand)
    wild = st.tuples(st.one_of(st.sampled_from(PATHS), values),
                     st.one_of(st.sampled_from(OPERATORS), values), operand)
    return st.one_of(shaped, shaped.map(list), wild,
                     st.sampled_from([(1, "=", 1), (0, "=", 1), [1, "=", 1]]))


domains = st.deferred(lambda: st.lists(
    st.one_of(st.sampled_from(["&", "|", "!"]), _leaf(domains), _leaf(domains), values),
    max_size=5))
#: anything at all where a domain is expected
anything = st.one_of(domains, values, domains.map(tuple))


def _prefix(tree: Any) -> list[Any]:
    if isinstance(tree, tuple) and tree and tree[0] in ("&", "|", "!"):
        return [tree[0], *(term for child in tree[1:] for term in _prefix(child))]
    return [tree]


#: well-formed domains (operators with their operands, known fields and operators) whose
#: values are anything: most reach the compiler's value handling and PostgreSQL
_known_leaf = st.tuples(st.sampled_from(PATHS[:30]), st.sampled_from(sorted(TERM_OPERATORS)),
                        values)
plausible = st.recursive(
    # a leaf's operand: any value, or a small domain (for 'any' and friends)
    st.tuples(st.sampled_from(PATHS[:30]), st.sampled_from(sorted(TERM_OPERATORS)),
              st.one_of(values, st.lists(_known_leaf, max_size=2))),
    lambda tree: st.one_of(st.tuples(st.sampled_from(["&", "|"]), tree, tree),
                           st.tuples(st.just("!"), tree)),
    max_leaves=4).map(_prefix)


@given(domain=anything)
@SETTINGS
@example(domain=None)
@example(domain=[["name", "=", "x"], "&"])
@example(domain=["!", "!", "!"])
@example(domain=[("name", "=", "a")] * 50)
@example(domain=[[[[[[]]]]]])
def test_normalize_returns_prefix_form_or_a_domain_error(domain):
    try:
        result = normalize_domain(domain, MODEL)
    except InvalidDomainError:
        return
    assert isinstance(result, list)
    # prefix form: every operator has its operands, nothing is left over
    needed = 1
    for term in result:
        if needed == 0:
            raise AssertionError(f"terms left over in {result!r}")
        if term in ("&", "|"):
            needed += 1
        elif term != "!":
            assert isinstance(term, tuple) and len(term) == 3, term
            needed -= 1
    assert not result or needed == 0, result


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.items() for s in _strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


def _placeholders(code: str) -> int:
    return code.replace("%%", "").count("%s")


@pytest.fixture
def fuzz_env(env):  # noqa: F811  (the fixture imported above)
    env.cr.execute(SQL("SELECT set_config('statement_timeout', %s, true)", STATEMENT_TIMEOUT))
    return env


def compile_and_run(env: Any, domain: Any) -> SQL | None:  # noqa: F811
    """The condition ``domain`` compiles to, after running it; None if refused."""
    model = env[MODEL]
    query = Query(model._table)
    try:
        condition = DomainCompiler(model, query, query.alias).compile(domain)
    except InvalidDomainError:
        return None
    query.add_where(condition)
    statement = query.select()
    assert _placeholders(statement.code) == len(statement.params), statement
    # parameterised: a value that could not be an identifier never reaches the SQL text
    for text in _strings(domain):
        if len(text) >= 6 and any(c in text for c in "';\x00-\""):
            assert text not in statement.code, (text, statement.code)
    with env.cr.savepoint():
        env.cr.execute(statement)
        env.cr.fetchall()
    return condition


@given(domain=anything)
@settings(SETTINGS, max_examples=120)
@example(domain=[("name", "=", "x\x00")])  # was psycopg.DataError
@example(domain=[("name", "ilike", "\x00")])
@example(domain=[("email", "in", ["a", "\x00"])])
@example(domain=[("id", "ilike", "\x00")])
@example(domain=[("display_name", "=", "\x00")])
@example(domain=[("country_id", "=", "\x00")])
@example(domain=[("id", "in", [2**70, -(2**70)])])
@example(domain=[("age", "=", 2**70)])
@example(domain=[("age", ">", math.nan)])
@example(domain=[("score", "<", math.inf)])
@example(domain=[("birthday", ">", "2024-02-30")])
@example(domain=[("category_id", "child_of", "x' OR 1=1 --")])
@example(domain=[("category_id", "parent_of", [2**40])])
@example(domain=[("parent_id.parent_id.parent_id.name", "=like", "a\\")])
@example(domain=[("tag_ids", "any", [("color", "in", {"a": 1})])])
@example(domain=[("name", "in", {"a": 1, "b": 2})])
def test_compiled_domains_are_parameterised_sql_or_a_domain_error(fuzz_env, domain):
    compile_and_run(fuzz_env, domain)


@given(domain=plausible)
@SETTINGS
def test_well_formed_domains_with_any_values_compile_or_are_refused(fuzz_env, domain):
    # as a user without privileges: the field-access and record-rule paths run too
    compile_and_run(fuzz_env(user=2, su=False), domain)
