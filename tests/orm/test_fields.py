"""Field types: conversion on the way in, what records and read() return, what the
database stores, and defaults."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from agora.orm.exceptions import InvalidValueError


def _column(env, table: str, column: str, id_: int):
    env.flush_all()
    env.cr.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', (id_,))
    return env.cr.fetchone()[0]


def test_char_size_enforced_and_trimmed(env):
    country = env["test.country"].create({"name": "  France  ", "code": "FR"})
    assert country.name == "France"
    with pytest.raises(InvalidValueError) as info:
        env["test.country"].create({"name": "Nowhere", "code": "NOW"})
    assert (info.value.model, info.value.field) == ("test.country", "code")
    env.cr.execute("SELECT character_maximum_length FROM information_schema.columns "
                   "WHERE table_name = 'test_country' AND column_name = 'code'")
    assert env.cr.fetchone()[0] == 2


def test_text_and_html_sanitised(env):
    partner = env["test.partner"].create({
        "name": "P", "notes": "line 1\nline 2",
        "bio": '<p onclick="evil()">Hi<script>alert(1)</script></p>'})
    assert partner.notes == "line 1\nline 2"
    assert "<script" not in partner.bio
    assert "alert(1)" not in partner.bio
    assert "onclick" not in partner.bio
    assert "Hi" in partner.bio
    stored = _column(env, "test_partner", "bio", partner.id)
    assert "<script" not in stored and "Hi" in stored


def test_integer_and_float_digits(env):
    partner = env["test.partner"].create({"name": "P", "age": "42", "score": 3.14159})
    assert partner.age == 42
    assert partner.score == 3.14  # digits=(10, 2)
    assert float(_column(env, "test_partner", "score", partner.id)) == 3.14
    empty = env["test.partner"].create({"name": "Q"})
    assert empty.age == 0 and empty.score == 0.0
    assert empty.read(["age", "score"])[0] == {"id": empty.id, "age": 0, "score": 0.0}
    with pytest.raises(InvalidValueError):
        partner.write({"age": 2**40})
    with pytest.raises(InvalidValueError):
        partner.write({"score": float("nan")})


def test_monetary(env):
    eur = env["test.currency"].create({"name": "EUR"})
    misc = env["test.misc"].create({"amount": 12.345678912, "currency_id": eur.id})
    assert misc.amount == pytest.approx(12.345679)
    assert env["test.misc"].fields_get(["amount"])["amount"]["currency_field"] == "currency_id"
    assert env["test.misc"].fields_get(["amount"])["amount"]["type"] == "monetary"
    env.invalidate_all()
    assert misc.amount == pytest.approx(12.345679)


def test_boolean(env):
    partner = env["test.partner"].create({"name": "P", "is_company": 1})
    assert partner.is_company is True
    partner.is_company = False
    assert partner.is_company is False
    env.invalidate_all()
    assert partner.is_company is False
    with pytest.raises(InvalidValueError):
        partner.write({"is_company": "yes"})


def test_date(env):
    partner = env["test.partner"].create({"name": "P", "birthday": "2001-02-03"})
    assert partner.birthday == date(2001, 2, 3)
    partner.birthday = datetime(2002, 3, 4, 5, 6)
    assert partner.birthday == date(2002, 3, 4)
    env.invalidate_all()
    assert partner.birthday == date(2002, 3, 4)
    with pytest.raises(InvalidValueError):
        partner.write({"birthday": "not a date"})


def test_datetime_is_naive_utc(env):
    paris = timezone(timedelta(hours=2))
    partner = env["test.partner"].create({
        "name": "P", "last_seen": datetime(2024, 6, 1, 14, 30, tzinfo=paris)})
    assert partner.last_seen == datetime(2024, 6, 1, 12, 30)
    assert partner.last_seen.tzinfo is None
    env.invalidate_all()
    assert partner.last_seen == datetime(2024, 6, 1, 12, 30)
    partner.last_seen = "2024-01-02T03:04:05"
    assert partner.last_seen == datetime(2024, 1, 2, 3, 4, 5)
    partner.last_seen = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert _column(env, "test_partner", "last_seen", partner.id) == datetime(2024, 1, 2, 3, 4, 5)
    with pytest.raises(InvalidValueError):
        partner.write({"last_seen": 12})


def test_selection(env):
    partner = env["test.partner"].create({"name": "P"})
    assert partner.kind == "person"  # default
    partner.kind = "company"
    assert partner.kind == "company"
    with pytest.raises(InvalidValueError) as info:
        partner.write({"kind": "robot"})
    assert (info.value.model, info.value.field) == ("test.partner", "kind")
    description = env["test.partner"].fields_get(["kind"])["kind"]
    assert description["selection"] == [["person", "Person"], ["company", "Company"]]


def test_json_and_binary(env):
    partner = env["test.partner"].create({
        "name": "P", "data": {"a": [1, 2, {"b": None}]}, "avatar": b"\x00\x01png"})
    env.invalidate_all()
    assert partner.data == {"a": [1, 2, {"b": None}]}
    assert partner.avatar == b"\x00\x01png"
    assert partner.read(["avatar"])[0]["avatar"] == "AAFwbmc="  # base64 in read()
    partner.avatar = "AAFwbmc="  # base64 accepted on write
    assert partner.avatar == b"\x00\x01png"
    with pytest.raises(InvalidValueError):
        partner.write({"data": {1, 2}})
    with pytest.raises(InvalidValueError):
        partner.write({"avatar": "not base64!"})


def test_reference(env):
    partner = env["test.partner"].create({"name": "Target"})
    tag = env["test.tag"].create({"name": "T"})
    misc = env["test.misc"].create({"ref": f"test.partner,{partner.id}"})
    assert misc.ref == partner
    misc.ref = tag
    assert misc.ref == tag
    assert misc.read(["ref"])[0]["ref"] == f"test.tag,{tag.id}"
    env.invalidate_all()
    assert misc.ref == tag
    with pytest.raises(InvalidValueError):
        misc.write({"ref": f"test.country,{tag.id}"})


def test_many2one_values(env):
    country = env["test.country"].create({"name": "Italy", "code": "IT"})
    partner = env["test.partner"].create({"name": "P", "country_id": country.id})
    assert partner.country_id == country
    assert partner.read(["country_id"])[0]["country_id"] == (country.id, "Italy")
    partner.country_id = False
    assert not partner.country_id
    assert partner.read(["country_id"])[0]["country_id"] is False
    with pytest.raises(InvalidValueError):
        partner.write({"country_id": "Italy"})
    with pytest.raises(InvalidValueError):
        partner.write({"country_id": env["test.tag"].create({"name": "x"})})


def test_ondelete_set_null(env):
    partner = env["test.partner"].create({"name": "P"})
    misc = env["test.misc"].create({"partner_id": partner.id})
    partner.unlink()
    assert misc.exists()
    assert not misc.partner_id
    assert _column(env, "test_misc", "partner_id", misc.id) is None


def test_ondelete_cascade(env):
    tag = env["test.tag"].create({"name": "T"})
    misc = env["test.misc"].create({"tag_id": tag.id})
    tag.unlink()
    assert not misc.exists()


def test_ondelete_restrict(env):
    from agora.orm.exceptions import ConstraintError
    country = env["test.country"].create({"name": "Spain", "code": "ES"})
    env["test.partner"].create({"name": "P", "country_id": country.id})
    with pytest.raises(ConstraintError) as info:
        country.unlink()
    assert info.value.model == "test.partner"
    assert info.value.field == "country_id"
    env.cr.rollback()


# -- defaults ----------------------------------------------------------------------------

def test_default_value_and_callable(env):
    misc = env["test.misc"].create({})
    assert misc.label == "label-test.misc"
    partner = env["test.partner"].create({"name": "P"})
    assert partner.active is True and partner.kind == "person"
    explicit = env["test.misc"].create({"label": "given"})
    assert explicit.label == "given"


def test_default_from_context(env):
    partners = env["test.partner"].with_context(default_kind="company", default_age=7)
    partner = partners.create({"name": "P"})
    assert partner.kind == "company" and partner.age == 7
    # explicit values beat context defaults
    other = partners.create({"name": "Q", "kind": "person"})
    assert other.kind == "person"


def test_default_get(env):
    assert env["test.partner"].default_get(["active", "kind", "name"]) == {
        "active": True, "kind": "person"}
    assert env["test.misc"].default_get(["label"]) == {"label": "label-test.misc"}
    ctx = env["test.partner"].with_context(default_name="From ctx")
    assert ctx.default_get(["name", "kind"]) == {"name": "From ctx", "kind": "person"}
