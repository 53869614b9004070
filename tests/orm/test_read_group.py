"""read_group: aggregates, many2one and date groupings, lazy / not lazy, __domain."""

from __future__ import annotations

from datetime import date

import pytest

from agora.orm.exceptions import InvalidOrderError, InvalidValueError, UnknownFieldError

DOMAIN = [("name", "like", "RG ")]


@pytest.fixture
def data(env):
    fr = env["test.country"].create({"name": "RG France", "code": "FR"})
    de = env["test.country"].create({"name": "RG Germany", "code": "DE"})
    rows = [
        ("RG a", 10, 1.5, fr, "person", date(2023, 1, 5)),
        ("RG b", 20, 2.5, fr, "company", date(2023, 1, 20)),
        ("RG c", 30, 3.0, de, "person", date(2023, 2, 1)),
        ("RG d", 40, 4.0, de, "person", date(2023, 5, 3)),
        ("RG e", 50, 5.0, False, "company", date(2024, 1, 2)),
        ("RG f", 5, 0.5, fr, "person", False),
    ]
    partners = env["test.partner"].create([
        {"name": n, "age": a, "score": s, "country_id": c.id if c else False, "kind": k,
         "birthday": b} for n, a, s, c, k, b in rows])
    return {"fr": fr, "de": de, "partners": partners}


def _by(groups, key):
    return {group[key] if not isinstance(group[key], tuple) else group[key][0]: group
            for group in groups}


def test_aggregates_by_many2one(env, data):
    groups = env["test.partner"].read_group(
        DOMAIN, ["age:sum", "score:avg", "mn:min(age)", "mx:max(age)", "n:count(id)"],
        ["country_id"])
    by = _by(groups, "country_id")
    fr, de = data["fr"], data["de"]
    assert set(by) == {fr.id, de.id, False}
    assert by[fr.id]["country_id"] == (fr.id, "RG France")
    assert by[fr.id]["country_id_count"] == 3
    assert by[fr.id]["age"] == 35
    assert by[fr.id]["score"] == pytest.approx(1.5)
    assert (by[fr.id]["mn"], by[fr.id]["mx"], by[fr.id]["n"]) == (5, 20, 3)
    assert by[de.id]["age"] == 70 and by[de.id]["country_id_count"] == 2
    assert by[False]["age"] == 50 and by[False]["country_id_count"] == 1


def test_group_domain_gives_group_count(env, data):
    Partner = env["test.partner"]
    for groupby in (["country_id"], ["kind"], ["birthday:month"], ["birthday:year"],
                    ["birthday:week"], ["birthday:quarter"], ["birthday:day"]):
        groups = Partner.read_group(DOMAIN, ["age:sum"], groupby, lazy=False)
        assert sum(g["__count"] for g in groups) == 6
        for group in groups:
            assert Partner.search_count(group["__domain"]) == group["__count"], (groupby, group)
            ages = Partner.search(group["__domain"]).mapped("age")
            assert sum(ages) == group["age"]


@pytest.mark.parametrize(("granularity", "expected"), [
    ("year", {"2023": 4, "2024": 1, False: 1}),
    ("quarter", {"Q1 2023": 3, "Q2 2023": 1, "Q1 2024": 1, False: 1}),
    ("month", {"January 2023": 2, "February 2023": 1, "May 2023": 1, "January 2024": 1,
               False: 1}),
    ("day", {"05 Jan 2023": 1, "20 Jan 2023": 1, "01 Feb 2023": 1, "03 May 2023": 1,
             "02 Jan 2024": 1, False: 1}),
])
def test_date_granularity(env, data, granularity, expected):
    spec = f"birthday:{granularity}"
    groups = env["test.partner"].read_group(DOMAIN, ["age"], [spec])
    assert {g[spec]: g["birthday_count"] for g in groups} == expected


def test_week_granularity(env, data):
    groups = env["test.partner"].read_group(DOMAIN, ["age"], ["birthday:week"])
    # 2023-01-05 and 2023-01-20 are in different ISO weeks; 6 partners, one without date
    assert sum(g["birthday_count"] for g in groups) == 6
    assert len(groups) == 6
    week = next(g for g in groups if g["birthday:week"] and g["__range"]["birthday:week"]
                ["from"] == "2023-01-02")
    assert week["__range"]["birthday:week"]["to"] == "2023-01-09"


def test_default_granularity_is_month(env, data):
    groups = env["test.partner"].read_group(DOMAIN, ["age"], ["birthday"])
    assert {g["birthday"] for g in groups} >= {"January 2023", "May 2023"}


def test_lazy_and_not_lazy(env, data):
    Partner = env["test.partner"]
    lazy = Partner.read_group(DOMAIN, ["age:sum"], ["country_id", "kind"])
    assert len(lazy) == 3  # only the first groupby
    assert all("kind" not in g for g in lazy)
    assert all(g["__context"] == {"group_by": ["kind"]} for g in lazy)
    full = Partner.read_group(DOMAIN, ["age:sum"], ["country_id", "kind"], lazy=False)
    keys = {(g["country_id"][0] if g["country_id"] else False, g["kind"]): g["__count"]
            for g in full}
    fr, de = data["fr"].id, data["de"].id
    assert keys == {(fr, "person"): 2, (fr, "company"): 1, (de, "person"): 2,
                    (False, "company"): 1}
    assert all("__count" in g and "country_id_count" not in g for g in full)


def test_no_groupby_totals(env, data):
    [total] = env["test.partner"].read_group(DOMAIN, ["age:sum", "score:max"], [])
    assert total["__count"] == 6 and total["age"] == 155 and total["score"] == 5.0


def test_orderby_limit_offset(env, data):
    Partner = env["test.partner"]
    groups = Partner.read_group(DOMAIN, ["age:sum"], ["kind"], orderby="age desc")
    assert [g["kind"] for g in groups] == ["person", "company"]  # 85 vs 70
    groups = Partner.read_group(DOMAIN, ["age:sum"], ["kind"], orderby="kind", limit=1,
                                offset=1)
    assert [g["kind"] for g in groups] == ["person"]
    groups = Partner.read_group(DOMAIN, ["age:sum"], ["kind"], orderby="__count desc")
    assert [g["kind_count"] for g in groups] == [4, 2]


def test_read_group_bad_input(env, data):
    Partner = env["test.partner"]
    with pytest.raises(UnknownFieldError):
        Partner.read_group(DOMAIN, ["age:sum"], ["nope"])
    with pytest.raises(UnknownFieldError):
        Partner.read_group(DOMAIN, ["nope:sum"], ["kind"])
    with pytest.raises(InvalidValueError):
        Partner.read_group(DOMAIN, ["name:sum"], ["kind"])
    with pytest.raises(InvalidValueError):
        Partner.read_group(DOMAIN, ["age:median"], ["kind"])
    with pytest.raises(InvalidValueError):
        Partner.read_group(DOMAIN, ["age"], ["birthday:decade"])
    with pytest.raises(InvalidValueError):
        Partner.read_group(DOMAIN, ["age"], ["order_count"])
    with pytest.raises(InvalidOrderError):
        Partner.read_group(DOMAIN, ["age:sum"], ["kind"], orderby="email")
    with pytest.raises(InvalidOrderError):
        Partner.read_group(DOMAIN, ["age:sum"], ["kind"], orderby="kind; drop table x")


def test_datetime_granularity_and_domain(env):
    from datetime import datetime
    Partner = env["test.partner"]
    Partner.create([
        {"name": "RG dt1", "last_seen": datetime(2024, 3, 1, 23, 59), "age": 1},
        {"name": "RG dt2", "last_seen": datetime(2024, 3, 2, 0, 0), "age": 2},
        {"name": "RG dt3", "last_seen": datetime(2024, 4, 30, 12, 0), "age": 4},
    ])
    domain = [("name", "like", "RG dt")]
    days = Partner.read_group(domain, ["age:sum"], ["last_seen:day"])
    assert [(g["last_seen:day"], g["age"]) for g in days] == [
        ("01 Mar 2024", 1), ("02 Mar 2024", 2), ("30 Apr 2024", 4)]
    months = Partner.read_group(domain, ["age:sum"], ["last_seen:month"])
    assert [(g["last_seen:month"], g["last_seen_count"]) for g in months] == [
        ("March 2024", 2), ("April 2024", 1)]
    for group in days + months:
        assert Partner.search_count(group["__domain"]) == group["last_seen_count"]
