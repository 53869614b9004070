"""Search domains: ``search()`` must return exactly what a pure-Python evaluation of the
same domain returns (see ``tests/orm/domain_eval.py`` and the docstring of
``agora.orm.domain``), on a fixed data set of ``test.dom.*`` records.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.db.cursor import Cursor
from agora.orm.domain import normalize_domain
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.exceptions import InvalidDomainError
from tests.orm.domain_eval import Evaluator, Snapshot, parse, sql_like

MODELS = ["test.dom.country", "test.dom.tag", "test.dom.category", "test.dom.partner",
          "test.dom.order", "test.dom.order.line"]

NAMES = ["Alice", "alice", "ALICE Corp", "Bob", "bob smith", "Carol", "100% pure",
         "under_score", "O'Brien", "back\\slash", "", None, "zed", "Zoe", "a%b"]
EMAILS = [None, "", "a@x.com", "b@y.org", "c@x.com", "A@X.COM"]
NOTES = [None, "", "note", "Long NOTE text", "50%_off"]
AGES = [None, None, 0, 5, 17, 42, -1]
SCORES = [None, 0.0, 1.5, -2.25, 10.0]
KINDS = [None, "person", "company"]
BIRTHDAYS = [None, datetime.date(1990, 1, 1), datetime.date(2000, 2, 29),
             datetime.date(1985, 12, 31)]
BOOLS = [None, True, False]


@dataclass
class Data:
    env: Environment
    snapshot: Snapshot
    evaluator: Evaluator


@pytest.fixture(scope="module")
def data(registry, make_connection) -> Iterator[Data]:
    """The data set, created once in a transaction of its own that is rolled back at the
    end (nothing is ever committed)."""
    connection = make_connection()
    cr = Cursor(connection)
    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
    rng = random.Random(20240611)

    def pick(values: list[Any], key: str, vals: dict[str, Any]) -> None:
        value = rng.choice(values)
        if value is not None:  # None: leave the column NULL
            vals[key] = value

    countries = [env["test.dom.country"].create({"name": n, "code": c}).id for n, c in
                 [("Belgium", "BE"), ("France", "FR"), ("france bis", None), (None, "XX"),
                  ("Peru", "pe")]]
    tags = [env["test.dom.tag"].create(v).id for v in
            [{"name": "red", "color": 1}, {"name": "Red", "color": 2}, {"name": "blue"},
             {"name": "100%", "color": 0}, {"name": "a_b", "color": 1}, {"color": 3}]]
    Category = env["test.dom.category"]
    root = Category.create({"name": "All"})
    sales = Category.create({"name": "Sales", "parent_id": root.id})
    eu = Category.create({"name": "EU sales", "parent_id": sales.id})
    purchase = Category.create({"name": "Purchase", "parent_id": root.id})
    other = Category.create({"name": "Other"})
    nameless = Category.create({"parent_id": eu.id})
    categories = [c.id for c in (root, sales, eu, purchase, other, nameless)]

    partners: list[int] = []
    for index in range(32):
        vals: dict[str, Any] = {}
        pick(NAMES, "name", vals)
        pick(EMAILS, "email", vals)
        pick(NOTES, "notes", vals)
        pick(BOOLS, "is_company", vals)
        pick(AGES, "age", vals)
        pick(SCORES, "score", vals)
        pick(KINDS, "kind", vals)
        pick(BIRTHDAYS, "birthday", vals)
        pick([None, None, *countries], "country_id", vals)
        pick([None, *categories], "category_id", vals)
        if partners and rng.random() < 0.6:
            vals["parent_id"] = rng.choice(partners[-8:])
        vals["active"] = index % 5 != 3
        vals["tag_ids"] = [(6, 0, rng.sample(tags, rng.choice([0, 0, 1, 2, 3])))]
        partners.append(env["test.dom.partner"].create(vals).id)

    for _index in range(24):
        vals = {"partner_id": rng.choice(partners)}
        pick(["SO1", "SO2", "so3", None], "name", vals)
        pick(["draft", "done", None], "state", vals)
        pick([None, 0.0, 12.5, 100.0], "amount", vals)
        order = env["test.dom.order"].create(vals)
        for _line in range(rng.choice([0, 1, 2, 3])):
            line = {"order_id": order.id}
            pick(["pen", "Paper", "ink", None], "product", line)
            pick([None, 0, 1, 10], "quantity", line)
            env["test.dom.order.line"].create(line)
    env.flush_all()
    snapshot = Snapshot(env, MODELS)
    try:
        yield Data(env, snapshot, Evaluator(snapshot))
    finally:
        connection.rollback()
        cr.close()


def check(data: Data, model: str, domain: list[Any], active_test: bool = True) -> set[int]:
    """search() and search_count() agree with the evaluator; SQL values are parameters."""
    env = data.env
    records = env[model].with_context(active_test=active_test)
    with env.cr.capture() as log, env.cr.savepoint():
        got = records.search(domain).ids
        count = records.search_count(domain)
    expected = data.evaluator.search(model, domain, active_test)
    if set(got) != expected:
        rows = data.snapshot.rows[model]
        extra = sorted(set(got) - expected)
        missing = sorted(expected - set(got))
        sample = {i: {k: v for k, v in rows[i].items() if not k.endswith("_date")}
                  for i in (extra + missing)[:2]}
        pytest.fail(f"{model} {domain!r} active_test={active_test}\n"
                    f"found but not expected: {extra}\nexpected but not found: {missing}\n"
                    f"for example: {sample}\nSQL: {log}")
    assert len(got) == len(set(got)) == count
    for code, _params in log:
        # values never reach the SQL text: the only literal is the LIKE suffix of
        # parent_path prefixes
        assert "'" not in code.replace("'%%'", ""), code
    return expected


# -- strategies -------------------------------------------------------------------------------
SCALARS = {
    "test.dom.partner": ["name", "email", "notes", "active", "is_company", "age", "score",
                         "kind", "birthday", "id"],
    "test.dom.country": ["name", "code", "id"],
    "test.dom.tag": ["name", "color"],
    "test.dom.category": ["name", "id"],
    "test.dom.order": ["name", "state", "amount", "id"],
    "test.dom.order.line": ["product", "quantity", "id"],
}
RELATIONS = {
    "test.dom.partner": ["country_id", "category_id", "parent_id", "child_ids", "tag_ids",
                         "order_ids"],
    "test.dom.category": ["parent_id", "child_ids"],
    "test.dom.order": ["partner_id", "line_ids"],
    "test.dom.order.line": ["order_id"],
}
HIERARCHICAL = {"test.dom.partner", "test.dom.category"}

TEXTS = [n for n in NAMES if n] + ["li", "LI", "a", "%", "_", "\\", "'", "e", "o", "X",
                                   "red", "Red", "FR", "pe", "SO", "pen", "All", "sales",
                                   "x' OR 1=1 --", "zzz"]
FRAGMENTS = ["", "li", "LI", "a", "%", "_", "\\", "'", "e", "%_", "o", "re", "R", "S", "@",
             "X.", "note", "er", "1", "12", "-", "19", "-12-", "0", "tr", "fa"]
PATTERN_ALPHABET = "aAlLiIcCeEoO%_\\' 1-9"


PATTERNS = ["A%", "a%", "%e", "%E", "_ed", "%li%", "%", "__", "%\\%%", "%\\_%", "%\\\\%",
            "B_b", "%o%", "r_d", "%@x.%", "1_%", "_", "", "%'%", "S%", "p%", "%r"]


def like_patterns() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(PATTERNS), st.text(PATTERN_ALPHABET, max_size=6).filter(
        lambda p: (len(p) - len(p.rstrip("\\"))) % 2 == 0))


def texts() -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(TEXTS), st.text(PATTERN_ALPHABET, max_size=4))


def operator_value(field: Any, ids: list[int], hierarchical: bool) -> st.SearchStrategy:
    kind = field.type
    likes = st.tuples(st.sampled_from(["like", "not like", "ilike", "not ilike"]),
                      st.one_of(st.sampled_from(FRAGMENTS), texts()))
    eq_likes = st.tuples(st.sampled_from(["=like", "=ilike"]), like_patterns())
    compare = st.sampled_from(["<", ">", "<=", ">=", "=", "!=", "<>", "=="])
    if kind in ("char", "text"):
        values: st.SearchStrategy = texts()
    elif kind == "selection":
        values = st.sampled_from(["person", "company", "draft", "done", "other"])
    elif kind == "boolean":
        values = st.booleans()
        return st.one_of(
            st.tuples(st.sampled_from(["=", "!="]), values),
            st.tuples(st.sampled_from(["in", "not in"]), st.lists(values, max_size=2)))
    elif kind == "integer":
        values = st.sampled_from([-1, 0, 1, 5, 10, 17, 42, 100])
    elif kind == "float":
        values = st.sampled_from([-2.25, 0.0, 1.5, 3, 10.0, 12.5, 100.0])
    elif kind == "date":
        dates = st.dates(datetime.date(1984, 1, 1), datetime.date(2001, 1, 1))
        values = st.one_of(st.sampled_from(BIRTHDAYS[1:]), dates,
                           dates.map(lambda d: d.isoformat()))
    else:
        raise AssertionError(kind)
    if field.name == "id":
        values = st.sampled_from(ids)
    maybe_false = st.one_of(values, st.just(False))
    options = [
        st.tuples(compare, maybe_false),
        st.tuples(st.sampled_from(["in", "not in"]),
                  st.one_of(st.lists(maybe_false, max_size=3), values)),
    ]
    if field.name != "id":
        options += [likes, eq_likes]
    if hierarchical:
        options.append(st.tuples(st.sampled_from(["child_of", "parent_of"]),
                                  st.one_of(st.lists(st.sampled_from(ids), max_size=2),
                                            st.sampled_from(ids))))
    return st.one_of(options)


class Strategies:
    def __init__(self, data: Data) -> None:
        self.data = data
        self.cache: dict[tuple[str, int, str], st.SearchStrategy] = {}

    def ids(self, model: str) -> list[int]:
        ids = sorted(self.data.snapshot.rows[model])
        return [*ids, max(ids) + 1000]

    def path_leaf(self, model: str, depth: int) -> st.SearchStrategy:
        key = (model, depth, "leaf")
        if key in self.cache:
            return self.cache[key]
        env = self.data.env
        fields = env[model]._fields
        options = []
        for name in SCALARS[model]:
            hierarchical = name == "id" and model in HIERARCHICAL
            options.append(operator_value(fields[name], self.ids(model), hierarchical)
                           .map(lambda ov, name=name: (name, *ov)))
        for name in RELATIONS.get(model, []):
            field = fields[name]
            comodel = field.comodel_name
            ids = st.sampled_from(self.ids(comodel))
            id_or_false = st.one_of(ids, st.just(False))
            ops = [
                st.tuples(st.sampled_from(["=", "!="]), id_or_false),
                st.tuples(st.sampled_from(["in", "not in"]),
                          st.lists(id_or_false, max_size=3)),
            ]
            if env[comodel]._rec_name_field() != "id":
                names = texts()
                ops += [
                    st.tuples(st.sampled_from(["=", "!=", "like", "not like", "ilike",
                                               "not ilike"]), names),
                    st.tuples(st.sampled_from(["=like", "=ilike"]), like_patterns()),
                    st.tuples(st.sampled_from(["in", "not in"]),
                              st.lists(st.one_of(names, st.just(False)), min_size=1,
                                       max_size=3).filter(
                                  lambda v: any(isinstance(x, str) for x in v))),
                ]
            if field.type == "many2one":
                ops.append(st.tuples(st.sampled_from(["<", ">", "<=", ">="]), ids))
            if comodel in HIERARCHICAL:
                ops.append(st.tuples(st.sampled_from(["child_of", "parent_of"]),
                                     st.lists(ids, max_size=2)))
            if depth > 0:
                ops.append(st.tuples(st.sampled_from(["any", "not any"]),
                                     self.domain(comodel, depth - 1)))
            options.append(st.one_of(ops).map(lambda ov, name=name: (name, *ov)))
            if depth > 0:
                options.append(self.path_leaf(comodel, depth - 1).map(
                    lambda leaf, name=name: (f"{name}.{leaf[0]}", leaf[1], leaf[2])))
        strategy = st.one_of(options)
        self.cache[key] = strategy
        return strategy

    def domain(self, model: str, depth: int) -> st.SearchStrategy:
        key = (model, depth, "domain")
        if key in self.cache:
            return self.cache[key]
        leaf = st.one_of(self.path_leaf(model, depth).map(lambda t: [t]),
                         st.sampled_from([[(1, "=", 1)], [(0, "=", 1)]]))
        tree = st.recursive(
            leaf,
            lambda children: st.one_of(
                st.tuples(st.just("!"), children).map(lambda t: [t[0], *t[1]]),
                st.tuples(st.sampled_from(["&", "|"]), children, children).map(
                    lambda t: [t[0], *t[1], *t[2]])),
            max_leaves=4 if depth else 3)
        strategy = st.lists(tree, max_size=3).map(lambda parts: [e for p in parts for e in p])
        self.cache[key] = strategy
        return strategy


@pytest.fixture(scope="module")
def strategies(data: Data) -> Strategies:
    return Strategies(data)


# -- property tests ------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@pytest.mark.parametrize("model, depth, examples", [
    ("test.dom.partner", 2, 300),
    ("test.dom.order", 2, 100),
    ("test.dom.category", 2, 60),
    ("test.dom.order.line", 2, 60),
])
def test_search_matches_python_evaluation(data, strategies, model, depth, examples):
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(domain=strategies.domain(model, depth), active_test=st.booleans())
    def run(domain, active_test):
        check(data, model, domain, active_test)

    run()


# -- the evaluator itself ---------------------------------------------------------------------
def test_evaluator_parse_and_like():
    assert parse([("a", "=", 1), ("b", "=", 2)]) == (
        "and", ("leaf", ("a", "=", 1)), ("leaf", ("b", "=", 2)))
    assert parse(["|", ("a", "=", 1), "!", ("b", "=", 2)]) == (
        "or", ("leaf", ("a", "=", 1)), ("not", ("leaf", ("b", "=", 2))))
    assert sql_like("a%", "abc", False) and not sql_like("a%", "Abc", False)
    assert sql_like("a%", "Abc", True) and sql_like("_b_", "abc", False)
    assert sql_like("100\\%", "100%", False) and not sql_like("100\\%", "1000", False)


# -- hand-written cases: one or more per operator ----------------------------------------------
def ids_where(data: Data, model: str, predicate, active_only: bool = True) -> set[int]:
    return {i for i, row in data.snapshot.rows[model].items()
            if predicate(row) and (not active_only or "active" not in row or row["active"])}


P = "test.dom.partner"


def test_equality_and_empty(data):
    assert check(data, P, [("name", "=", "Alice")]) == ids_where(
        data, P, lambda r: r["name"] == "Alice")
    assert check(data, P, [("name", "=", False)]) == ids_where(
        data, P, lambda r: r["name"] is None)
    assert check(data, P, [("name", "!=", False)]) == ids_where(
        data, P, lambda r: r["name"] is not None)
    # != is the complement of =: empty names are "different from Alice"
    assert check(data, P, [("name", "!=", "Alice")]) == ids_where(
        data, P, lambda r: r["name"] != "Alice")
    assert check(data, P, [("name", "<>", "Alice")]) == check(data, P, [("name", "!=", "Alice")])
    assert check(data, P, [("name", "==", "Alice")]) == check(data, P, [("name", "=", "Alice")])
    assert check(data, P, [("is_company", "=", False)]) == ids_where(
        data, P, lambda r: not r["is_company"])
    assert check(data, P, [("is_company", "!=", True)]) == ids_where(
        data, P, lambda r: not r["is_company"])
    assert check(data, P, [("age", "=", 0)]) == ids_where(data, P, lambda r: r["age"] == 0)
    assert check(data, P, [("age", "!=", 5)]) == ids_where(data, P, lambda r: r["age"] != 5)
    assert check(data, P, [("birthday", "=", "2000-02-29")]) == ids_where(
        data, P, lambda r: r["birthday"] == datetime.date(2000, 2, 29))


def test_comparisons(data):
    assert check(data, P, [("age", "<", 17)]) == ids_where(
        data, P, lambda r: r["age"] is not None and r["age"] < 17)
    assert check(data, P, [("age", ">", 17)]) == ids_where(
        data, P, lambda r: r["age"] is not None and r["age"] > 17)
    assert check(data, P, [("age", "<=", 17)]) == ids_where(
        data, P, lambda r: r["age"] is not None and r["age"] <= 17)
    assert check(data, P, [("score", ">=", 1.5)]) == ids_where(
        data, P, lambda r: r["score"] is not None and r["score"] >= 1.5)
    assert check(data, P, [("birthday", "<", datetime.date(1995, 1, 1))]) == ids_where(
        data, P, lambda r: r["birthday"] is not None and r["birthday"] < datetime.date(1995, 1, 1))
    assert check(data, P, [("name", ">=", "b")]) == ids_where(
        data, P, lambda r: r["name"] is not None and r["name"] >= "b")


def test_in_and_not_in(data):
    assert check(data, P, [("age", "in", [5, 17])]) == ids_where(
        data, P, lambda r: r["age"] in (5, 17))
    assert check(data, P, [("age", "in", [5, False])]) == ids_where(
        data, P, lambda r: r["age"] in (5, None))
    assert check(data, P, [("age", "not in", [5, False])]) == ids_where(
        data, P, lambda r: r["age"] not in (5, None))
    assert check(data, P, [("kind", "in", [])]) == set()
    assert check(data, P, [("kind", "not in", [])]) == ids_where(data, P, lambda r: True)
    assert check(data, P, [("is_company", "in", [True, False])]) == ids_where(
        data, P, lambda r: True)
    assert check(data, P, [("email", "in", "a@x.com")]) == ids_where(
        data, P, lambda r: r["email"] == "a@x.com")


def test_like_operators(data):
    def has(sub, insensitive=False):
        def predicate(r):
            if r["name"] is None:
                return False
            return sub.lower() in r["name"].lower() if insensitive else sub in r["name"]
        return predicate

    assert check(data, P, [("name", "like", "li")]) == ids_where(data, P, has("li"))
    assert check(data, P, [("name", "ilike", "LI")]) == ids_where(data, P, has("li", True))
    assert check(data, P, [("name", "not like", "li")]) == ids_where(
        data, P, lambda r: not has("li")(r))
    assert check(data, P, [("name", "not ilike", "li")]) == ids_where(
        data, P, lambda r: not has("li", True)(r))
    # like escapes wildcards; =like does not
    assert check(data, P, [("name", "like", "%")]) == ids_where(data, P, has("%"))
    assert check(data, P, [("name", "like", "_")]) == ids_where(data, P, has("_"))
    assert check(data, P, [("name", "like", "\\")]) == ids_where(data, P, has("\\"))
    assert check(data, P, [("name", "=like", "A%")]) == ids_where(
        data, P, lambda r: (r["name"] or "").startswith("A"))
    assert check(data, P, [("name", "=ilike", "a%")]) == ids_where(
        data, P, lambda r: (r["name"] or "").lower().startswith("a"))
    assert check(data, P, [("name", "=like", "_ed")]) == ids_where(
        data, P, lambda r: r["name"] is not None and len(r["name"]) == 3
        and r["name"].endswith("ed"))
    assert check(data, P, [("age", "like", "1")]) == ids_where(
        data, P, lambda r: r["age"] is not None and "1" in str(r["age"]))
    # quotes are values like any other
    assert check(data, P, [("name", "=", "x' OR 1=1 --")]) == set()


def test_relational_operators(data):
    rows = data.snapshot.rows
    countries = rows["test.dom.country"]
    france = next(i for i, c in countries.items() if c["name"] == "France")
    assert check(data, P, [("country_id", "=", france)]) == ids_where(
        data, P, lambda r: r["country_id"] == france)
    assert check(data, P, [("country_id", "=", "France")]) == ids_where(
        data, P, lambda r: r["country_id"] == france)
    assert check(data, P, [("country_id", "ilike", "france")]) == ids_where(
        data, P, lambda r: r["country_id"] is not None
        and "france" in (countries[r["country_id"]]["name"] or "").lower())
    assert check(data, P, [("country_id", "=", False)]) == ids_where(
        data, P, lambda r: r["country_id"] is None)
    assert check(data, P, [("country_id", "in", [france, False])]) == ids_where(
        data, P, lambda r: r["country_id"] in (france, None))
    assert check(data, P, [("country_id.code", "=", "FR")]) == ids_where(
        data, P, lambda r: r["country_id"] == france)
    assert check(data, P, [("country_id", "any", [("code", "=", "FR")])]) == ids_where(
        data, P, lambda r: r["country_id"] == france)
    assert check(data, P, [("country_id", "not any", [("code", "=", "FR")])]) == ids_where(
        data, P, lambda r: r["country_id"] != france)
    tagged = set(data.snapshot.m2m[(P, "tag_ids")])
    assert check(data, P, [("tag_ids", "=", False)]) == ids_where(
        data, P, lambda r: r["id"] not in tagged)
    assert check(data, P, [("tag_ids", "!=", False)]) == ids_where(
        data, P, lambda r: r["id"] in tagged)
    assert check(data, P, [("tag_ids.name", "=", "red")])
    assert check(data, P, [("order_ids", "any", [("line_ids.product", "=", "pen")])])
    assert check(data, P, [("order_ids.line_ids.product", "=", "pen")]) == check(
        data, P, [("order_ids", "any", [("line_ids", "any", [("product", "=", "pen")])])])


def test_empty_x2many_in_list(data):
    tagged = set(data.snapshot.m2m[(P, "tag_ids")])
    red = next(i for i, t in data.snapshot.rows["test.dom.tag"].items() if t["name"] == "red")
    with_red = {p for p, tags in data.snapshot.m2m[(P, "tag_ids")].items() if red in tags}
    assert check(data, P, [("tag_ids", "in", [False])]) == ids_where(
        data, P, lambda r: r["id"] not in tagged)
    assert check(data, P, [("tag_ids", "in", [red, False])]) == ids_where(
        data, P, lambda r: r["id"] not in tagged or r["id"] in with_red)


def test_hierarchy_operators(data):
    rows = data.snapshot.rows["test.dom.category"]
    by_name = {c["name"]: i for i, c in rows.items()}
    subtree = {by_name["Sales"], by_name["EU sales"], by_name[None]}
    assert check(data, "test.dom.category", [("id", "child_of", by_name["Sales"])]) == subtree
    assert check(data, "test.dom.category", [("id", "parent_of", [by_name["EU sales"]])]) == {
        by_name["All"], by_name["Sales"], by_name["EU sales"]}
    assert check(data, P, [("category_id", "child_of", [by_name["Sales"]])]) == ids_where(
        data, P, lambda r: r["category_id"] in subtree)
    assert check(data, "test.dom.category", [("id", "child_of", "sales")]) == subtree
    assert check(data, "test.dom.category", [("id", "child_of", [])]) == set()
    partners = data.snapshot.rows[P]
    top = next(i for i, r in sorted(partners.items()) if r["parent_id"] is None)
    assert top in check(data, P, [("id", "child_of", top)], active_test=False)
    assert check(data, P, [("id", "parent_of", top)], active_test=False) == {top}
    assert check(data, P, [("child_ids", "parent_of", [top])], active_test=False) == set()


def test_active_filter(data):
    everyone = set(data.snapshot.rows[P])
    active = ids_where(data, P, lambda r: True)
    assert active < everyone
    assert check(data, P, []) == active
    assert check(data, P, [], active_test=False) == everyone
    assert check(data, P, [("active", "=", False)]) == everyone - active
    assert check(data, P, ["|", ("active", "=", False), ("active", "=", True)]) == everyone
    assert check(data, P, ["!", ("active", "=", True)]) == everyone - active


def test_logical_operators(data):
    a = check(data, P, [("age", ">", 5)], active_test=False)
    b = check(data, P, [("name", "ilike", "a")], active_test=False)
    everyone = set(data.snapshot.rows[P])
    assert check(data, P, ["&", ("age", ">", 5), ("name", "ilike", "a")], False) == a & b
    assert check(data, P, [("age", ">", 5), ("name", "ilike", "a")], False) == a & b
    assert check(data, P, ["|", ("age", ">", 5), ("name", "ilike", "a")], False) == a | b
    # '!' is the exact complement, NULL ages included
    assert check(data, P, ["!", ("age", ">", 5)], False) == everyone - a
    assert check(data, P, ["!", "!", ("age", ">", 5)], False) == a
    assert check(data, P, [(1, "=", 1)], False) == everyone
    assert check(data, P, [(0, "=", 1)], False) == set()
    assert check(data, P, ["!", (0, "=", 1)], False) == everyone


def test_leaf_shapes_and_record_values(data):
    alice = check(data, P, [("name", "=", "Alice")])
    assert check(data, P, [["name", "=", "Alice"]]) == alice
    assert set(data.env[P].search((("name", "=", "Alice"),)).ids) == alice
    assert check(data, P, [("name", "LIKE", "li")]) == check(data, P, [("name", "like", "li")])
    assert check(data, P, [("name", "Not In", ["Alice"])]) == check(
        data, P, [("name", "not in", ["Alice"])])
    tag = data.env["test.dom.tag"].search([("name", "=", "red")])
    assert check(data, P, [("tag_ids", "in", tag.ids)]) == set(
        data.env[P].search([("tag_ids", "in", tag)]).ids)
    country = data.env["test.dom.country"].search([("code", "=", "FR")])
    assert set(data.env[P].search([("country_id", "=", country)]).ids) == check(
        data, P, [("country_id", "=", country.id)])


def test_related_and_display_name_fields(env):
    """Non-stored related fields and display_name search through their target."""
    be = env["test.country"].create({"name": "Belgium", "code": "BE"})
    fr = env["test.country"].create({"name": "France", "code": "FR"})
    a = env["test.partner"].create({"name": "A", "country_id": be.id})
    b = env["test.partner"].create({"name": "B", "country_id": fr.id})
    c = env["test.partner"].create({"name": "C"})
    mine = [("id", "in", [a.id, b.id, c.id])]
    partners = env["test.partner"]
    assert partners.search([*mine, ("country_code", "=", "BE")]) == a
    assert partners.search([*mine, ("country_code", "!=", "BE")]) == b + c
    assert partners.search([*mine, ("display_name", "ilike", "b")]) == b
    order = env["test.order"].create({"partner_id": b.id})
    assert env["test.order"].search([("id", "=", order.id), ("partner_name", "=", "B")]) == order
    with pytest.raises(InvalidDomainError) as info:
        partners.search([("order_count", "=", 1)])
    assert info.value.field == "order_count" and info.value.model == "test.partner"


def test_normalize_domain():
    assert normalize_domain([]) == []
    assert normalize_domain(None) == []
    assert normalize_domain([("a", "=", 1), ("b", "=", 2), ("c", "=", 3)]) == [
        "&", "&", ("a", "=", 1), ("b", "=", 2), ("c", "=", 3)]
    assert normalize_domain(["|", ("a", "=", 1), ("b", "=", 2), ("c", "LIKE", 3)]) == [
        "&", "|", ("a", "=", 1), ("b", "=", 2), ("c", "like", 3)]
    assert normalize_domain([("a", "<>", 1)]) == [("a", "!=", 1)]


# -- invalid domains ------------------------------------------------------------------------------
@pytest.mark.parametrize("domain, field", [
    ([("nope", "=", 1)], "nope"),
    ([("name", "===", 1)], "name"),
    ([("name", "between", 1)], "name"),
    ([("name", 5, 1)], "name"),
    ([("name.foo", "=", 1)], "name"),
    ([("country_id.nope", "=", 1)], "nope"),
    ([("tag_ids", "any", [("nope", "=", 1)])], "nope"),
    ([("tag_ids", "<", 3)], "tag_ids"),
    ([("name", "child_of", [1])], "name"),
    ([("name", "any", [])], "name"),
    ([("age", "like", False)], "age"),
    ([("age", "=", "abc")], "age"),
    ([("name", "=like", "abc\\")], "name"),
    ([("name", "=ilike", "\\")], "name"),
    ([("country_id", "<", "France")], "country_id"),
    ([("id", "child_of", [False])], "id"),
])
def test_invalid_domain_names_field(data, domain, field):
    with pytest.raises(InvalidDomainError) as info:
        data.env[P].search(domain)
    model = "test.dom.country" if field == "nope" and "country" in str(domain) else \
        "test.dom.tag" if "tag_ids" in str(domain) and field == "nope" else P
    assert info.value.model == model
    assert info.value.field == field
    assert model in str(info.value)


@pytest.mark.parametrize("domain", [
    "name = 1",
    42,
    [("name", "=")],
    [("name", "=", 1, 2)],
    ["&", ("name", "=", 1)],
    ["|"],
    ["!"],
    [("name", "=", 1), "!"],
    [("name", "=", 1), "&"],
    ["foo"],
    [42],
    [(None, "=", 1)],
    [("", "=", 1)],
])
def test_invalid_domain_shape(data, domain):
    with pytest.raises(InvalidDomainError) as info:
        data.env[P].search(domain)
    assert info.value.model == P
    assert P in str(info.value)
