"""Bad input raises typed errors naming the model and field; after the error and a
rollback nothing was written."""

from __future__ import annotations

import pytest

from agora.orm.exceptions import (
    ConstraintError,
    InvalidDomainError,
    InvalidOrderError,
    InvalidValueError,
    RequiredFieldError,
    UnknownFieldError,
    UserError,
    ValidationError,
)


def _count(env, table: str, where: str = "true", params: tuple = ()) -> int:
    env.cr.execute(f'SELECT count(*) FROM "{table}" WHERE {where}', params)
    return env.cr.fetchone()[0]


def _check(info, model: str, field: str | None) -> None:
    assert info.value.model == model
    assert info.value.field == field
    assert model in str(info.value)
    if field:
        assert field in str(info.value)


# -- unknown fields --------------------------------------------------------------------------

def test_unknown_field_everywhere(env):
    Partner = env["test.partner"]
    partner = Partner.create({"name": "Known"})
    for call in (lambda: Partner.create({"name": "x", "nope": 1}),
                 lambda: partner.write({"nope": 1}),
                 lambda: partner.read(["name", "nope"]),
                 lambda: Partner.search_read([], ["nope"]),
                 lambda: partner["nope"],
                 lambda: partner.mapped("nope"),
                 lambda: Partner.default_get(["nope"])):
        with pytest.raises(UnknownFieldError) as info:
            call()
        _check(info, "test.partner", "nope")
    with pytest.raises(InvalidDomainError) as info:
        Partner.search([("nope", "=", 1)])
    _check(info, "test.partner", "nope")
    with pytest.raises(InvalidDomainError) as info:
        Partner.search([("country_id.nope", "=", 1)])
    assert info.value.field == "nope" and info.value.model == "test.country"


def test_unknown_field_in_batch_writes_nothing(env):
    before = _count(env, "test_partner")
    with pytest.raises(UnknownFieldError):
        env["test.partner"].create([{"name": "ok 1"}, {"name": "ok 2", "bogus": True}])
    env.cr.rollback()
    assert _count(env, "test_partner") == before


# -- wrong types ----------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [
    ("age", "twelve"), ("age", 1.5), ("age", True), ("score", "abc"), ("score", [1]),
    ("name", ["list"]), ("name", {"a": 1}), ("is_company", "maybe"), ("birthday", "31/12/2020"),
    ("last_seen", 3.5), ("kind", "unknown"), ("country_id", "France"), ("country_id", -3),
    ("tag_ids", "1,2"), ("data", object()), ("avatar", 12),
])
def test_wrong_types(env, field, value):
    partner = env["test.partner"].create({"name": "Typed"})
    env.flush_all()
    with pytest.raises(InvalidValueError) as info:
        partner.write({field: value})
    _check(info, "test.partner", field)
    with pytest.raises(InvalidValueError) as info:
        env["test.partner"].create({"name": "New typed", field: value})
    _check(info, "test.partner", field)
    env.cr.rollback()
    assert _count(env, "test_partner", "name in ('Typed', 'New typed')") == 0


def test_wrong_type_in_domain(env):
    with pytest.raises(InvalidDomainError) as info:
        env["test.partner"].search([("age", "=", "old")])
    _check(info, "test.partner", "age")
    with pytest.raises(InvalidDomainError) as info:
        env["test.partner"].search([("country_id", "=", {"x": 1})])
    _check(info, "test.partner", "country_id")


# -- invalid domains and orders ---------------------------------------------------------------

@pytest.mark.parametrize("domain", [
    "name = 1", [("name",)], [("name", "=")], [("name", "bogus", 1)], ["&", ("name", "=", "x")],
    ["|"], [("name", "=", "x"), "junk"], [(1, "=", "x")], [("name", 5, "x")],
    [("id", "child_of", [1.5])], [("tag_ids", "any", "x")], [("name", "like", False)],
    [("name.foo", "=", 1)], [("order_count", "=", 1)],
])
def test_invalid_domains(env, domain):
    with pytest.raises(InvalidDomainError) as info:
        env["test.partner"].search(domain)
    assert info.value.model == "test.partner"
    assert isinstance(info.value, UserError)


@pytest.mark.parametrize(("order", "field"), [
    ("nope", "nope"), ("name asc, nope desc", "nope"), ("name sideways", None),
    ("name; delete from test_partner", None), ("tag_ids", "tag_ids"),
])
def test_invalid_orders(env, order, field):
    env["test.partner"].create({"name": "Still here"})
    env.flush_all()
    with pytest.raises(InvalidOrderError) as info:
        env["test.partner"].search([], order=order)
    assert info.value.model == "test.partner"
    if field:
        assert info.value.field == field
    with pytest.raises(InvalidOrderError):
        env["test.partner"].search_read([], ["name"], order=order)
    assert _count(env, "test_partner", "name = 'Still here'") == 1


def test_invalid_limit_offset(env):
    with pytest.raises(InvalidValueError):
        env["test.partner"].search([], limit=-1)
    with pytest.raises(InvalidValueError):
        env["test.partner"].search([], offset="3")


# -- required values -----------------------------------------------------------------------

def test_required_missing_on_create(env):
    with pytest.raises(RequiredFieldError) as info:
        env["test.partner"].create({"email": "noname@x"})
    _check(info, "test.partner", "name")
    with pytest.raises(RequiredFieldError) as info:
        env["test.order"].create({"name": "no partner"})
    _check(info, "test.order", "partner_id")
    env.cr.rollback()
    assert _count(env, "test_partner", "email = 'noname@x'") == 0


def test_required_emptied_on_write(env):
    partner = env["test.partner"].create({"name": "Req"})
    env.flush_all()
    with pytest.raises(RequiredFieldError) as info:
        partner.write({"name": False})
    _check(info, "test.partner", "name")
    with pytest.raises(RequiredFieldError):
        env["test.order"].create({"partner_id": partner.id}).write({"partner_id": None})
    env.cr.rollback()
    assert _count(env, "test_partner", "name = 'Req'") == 0


def test_required_batch_writes_nothing(env):
    before = _count(env, "test_partner")
    with pytest.raises(RequiredFieldError):
        env["test.partner"].create([{"name": "first"}, {"email": "second"}])
    env.cr.rollback()
    assert _count(env, "test_partner") == before


# -- database constraints ---------------------------------------------------------------------

def test_foreign_key_violation_on_create(env):
    with pytest.raises(ConstraintError) as info:
        env["test.partner"].create({"name": "FK", "country_id": 987654321})
    _check(info, "test.partner", "country_id")
    env.cr.rollback()
    assert _count(env, "test_partner", "name = 'FK'") == 0


def test_foreign_key_violation_on_write(env):
    partner = env["test.partner"].create({"name": "FKW"})
    env.flush_all()
    partner.write({"country_id": 987654321})
    with pytest.raises(ConstraintError) as info:
        env.flush_all()
    _check(info, "test.partner", "country_id")
    env.cr.rollback()
    assert _count(env, "test_partner", "name = 'FKW'") == 0


def test_foreign_key_violation_in_many2many(env):
    partner = env["test.partner"].create({"name": "FKM"})
    with pytest.raises(ConstraintError) as info:
        partner.write({"tag_ids": [(4, 987654321)]})
    _check(info, "test.partner", "tag_ids")
    env.cr.rollback()


def test_restrict_on_delete(env):
    country = env["test.country"].create({"name": "Used", "code": "US"})
    env["test.partner"].create({"name": "User", "country_id": country.id})
    with pytest.raises(ConstraintError) as info:
        country.unlink()
    _check(info, "test.partner", "country_id")
    env.cr.rollback()
    assert _count(env, "test_country", "name = 'Used'") == 0


def test_unique_sql_constraint(env):
    env["test.partner"].create({"name": "U1", "email": "same@x"})
    with pytest.raises(ConstraintError) as info:
        env["test.partner"].create({"name": "U2", "email": "same@x"})
    _check(info, "test.partner", "email")
    assert "The email must be unique." in str(info.value)
    assert info.value.constraint == "test_partner_email_uniq"
    env.cr.rollback()
    assert _count(env, "test_partner", "email = 'same@x'") == 0


def test_unique_violation_on_flushed_write(env):
    a, b = env["test.partner"].create([{"name": "A", "email": "a@u"},
                                       {"name": "B", "email": "b@u"}])
    env.flush_all()
    b.email = "a@u"
    with pytest.raises(ConstraintError) as info:
        env["test.partner"].search([("email", "=", "a@u")])  # flush before search
    _check(info, "test.partner", "email")
    env.cr.rollback()
    assert _count(env, "test_partner", "email in ('a@u', 'b@u')") == 0


def test_python_constraint_rollback(env):
    with pytest.raises(ValidationError) as info:
        env["test.partner"].create([{"name": "C1", "age": 3}, {"name": "C2", "age": -3}])
    _check(info, "test.partner", "age")
    env.cr.rollback()
    assert _count(env, "test_partner", "name in ('C1', 'C2')") == 0
