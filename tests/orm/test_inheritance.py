"""_inherit (extension and copy), abstract mixins and _inherits delegation."""

from __future__ import annotations

import pytest

from agora.orm.exceptions import RequiredFieldError


def _table_exists(env, table: str) -> bool:
    env.cr.execute("SELECT to_regclass(%s)", (table,))
    return env.cr.fetchone()[0] is not None


def _columns(env, table: str) -> set[str]:
    env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                   (table,))
    return {row[0] for row in env.cr.fetchall()}


# -- _inherit extension ---------------------------------------------------------------------

def test_extension_adds_field_and_overrides(env):
    Document = env["test.document"]
    assert {"title", "note", "pages"} <= set(Document._fields)
    assert "pages" in _columns(env, "test_document")
    doc = Document.create({"note": "n", "pages": 3})
    assert doc.pages == 3
    # the extension's redefinition of title (required, default) wins
    assert doc.title == "Untitled"
    assert Document._fields["title"].required
    with pytest.raises(RequiredFieldError):
        Document.create({"title": False})
    env.cr.rollback()


def test_extension_method_chain_uses_super(env):
    doc = env["test.document"].create({"note": "hello"})
    assert doc.describe() == "ext+document+mixin:hello"


# -- _inherit copy under a new name ----------------------------------------------------------

def test_copy_has_own_table_and_same_fields(env):
    Copy = env["test.document.copy"]
    assert Copy._table == "test_document_copy"
    assert _table_exists(env, "test_document_copy")
    assert {"title", "note", "pages"} <= _columns(env, "test_document_copy")
    copy = Copy.create({"note": "c", "pages": 1})
    env["test.document"].create({"note": "o"})
    assert copy.describe() == "ext+document+mixin:c"
    assert not env["test.document"].search([("note", "=", "c")])
    assert env["test.document.copy"].search([("note", "=", "c")]) == copy
    env.flush_all()
    env.cr.execute("SELECT count(*) FROM test_document WHERE note = 'c'")
    assert env.cr.fetchone()[0] == 0
    env.cr.execute("SELECT count(*) FROM test_document_copy WHERE note = 'c'")
    assert env.cr.fetchone()[0] == 1


def test_copy_fields_are_distinct_objects(env):
    assert env["test.document.copy"]._fields["title"] is not env["test.document"]._fields["title"]
    assert env["test.document.copy"]._fields["title"].model_name == "test.document.copy"


# -- abstract mixin --------------------------------------------------------------------------

def test_abstract_mixin_has_no_table(env):
    assert not _table_exists(env, "test_mixin")
    assert env["test.mixin"]._abstract
    assert "note" in env["test.document"]._fields


# -- _inherits delegation -------------------------------------------------------------------

def test_inherits_create_creates_parent(env):
    before = env["test.partner"].search_count([])
    employee = env["test.employee"].create({"name": "Emp", "email": "emp@x", "badge": "B1",
                                            "age": 30})
    assert env["test.partner"].search_count([]) == before + 1
    partner = employee.partner_id
    assert partner.name == "Emp" and partner.email == "emp@x" and partner.age == 30
    assert employee.name == "Emp" and employee.badge == "B1"
    env.flush_all()
    assert "name" not in _columns(env, "test_employee")
    env.cr.execute("SELECT name FROM test_partner WHERE id = %s", (partner.id,))
    assert env.cr.fetchone()[0] == "Emp"


def test_inherits_fields_writable_and_searchable(env):
    employee = env["test.employee"].create({"name": "Emp2", "badge": "B2"})
    employee.write({"name": "Emp2 renamed", "badge": "B3"})
    assert employee.partner_id.name == "Emp2 renamed"
    assert employee.badge == "B3"
    employee.age = 41
    assert employee.partner_id.age == 41
    employee.partner_id.email = "e2@x"
    assert employee.email == "e2@x"
    assert env["test.employee"].search([("name", "=", "Emp2 renamed")]) == employee
    assert employee.read(["name", "badge"])[0] == {
        "id": employee.id, "name": "Emp2 renamed", "badge": "B3"}
    assert employee.display_name == "Emp2 renamed"


def test_inherits_with_existing_parent(env):
    partner = env["test.partner"].create({"name": "Existing"})
    employee = env["test.employee"].create({"partner_id": partner.id, "badge": "X"})
    assert employee.name == "Existing"


def test_inherits_existing_parent_keeps_its_values(env):
    # the parent's fields get no defaults when the parent is given (they would overwrite
    # what it holds: kind has a default "person", active a default True)
    partner = env["test.partner"].create({"name": "Kept", "kind": "company", "active": False})
    env["test.employee"].create({"partner_id": partner.id, "badge": "K"})
    assert (partner.kind, partner.active) == ("company", False)


def test_inherits_required_parent_field(env):
    with pytest.raises(RequiredFieldError) as info:
        env["test.employee"].create({"badge": "nameless"})
    assert info.value.model == "test.partner" and info.value.field == "name"
    env.cr.rollback()


def test_inherits_unlink_parent_cascades(env):
    employee = env["test.employee"].create({"name": "Gone"})
    employee.partner_id.unlink()
    assert not employee.exists()


def test_inherits_copy_copies_parent(env):
    employee = env["test.employee"].create({"name": "Orig", "badge": "O"})
    copy = employee.copy()
    assert copy.partner_id != employee.partner_id
    assert copy.name == "Orig" and copy.badge == "O"


def test_inherits_fields_get(env):
    description = env["test.employee"].fields_get(["name", "badge", "partner_id"])
    assert description["name"]["type"] == "char"
    assert description["partner_id"]["required"]
