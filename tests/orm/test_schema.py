"""Schema synchronisation on small registries of their own (same test database, DDL rolled
back with the test's transaction)."""

from __future__ import annotations

import pytest

from agora import fields, models
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.exceptions import SchemaError
from agora.orm.registry import Registry

# Version 1 of a small application ------------------------------------------------------


class SchemaGroupV1(models.Model):
    _name = "test.schema.group"
    _module = "test_schema_v1"

    name = fields.Char(required=True)


class SchemaItemV1(models.Model):
    _name = "test.schema.item"
    _module = "test_schema_v1"
    _sql_constraints = [("code_uniq", "unique(code)", "Code must be unique"),
                        ("qty_positive", "CHECK(qty >= 0)", "Quantity must be positive")]

    name = fields.Char(required=True, index=True)
    code = fields.Char(size=8)
    qty = fields.Integer()
    ratio = fields.Float()
    group_id = fields.Many2one("test.schema.group", ondelete="cascade")
    other_group_id = fields.Many2one("test.schema.group", ondelete="restrict")
    loose_group_id = fields.Many2one("test.schema.group")
    group_ids = fields.Many2many("test.schema.group")
    when = fields.Date()
    payload = fields.Json()


# Version 2: a new field, a widened type -----------------------------------------------------


class SchemaGroupV2(models.Model):
    _name = "test.schema.group"
    _module = "test_schema_v2"

    name = fields.Char(required=True)


class SchemaItemV2(models.Model):
    _name = "test.schema.item"
    _module = "test_schema_v2"

    name = fields.Char(required=True, index=True)
    code = fields.Char(size=8)
    qty = fields.Float()  # int4 -> float8 keeps every value
    ratio = fields.Float()
    group_id = fields.Many2one("test.schema.group", ondelete="cascade")
    extra = fields.Char()  # new column
    when = fields.Date()


# Version 3: lossy changes ------------------------------------------------------------------


class SchemaGroupV3(models.Model):
    _name = "test.schema.group"
    _module = "test_schema_v3"

    name = fields.Char(required=True)


class SchemaItemV3(models.Model):
    _name = "test.schema.item"
    _module = "test_schema_v3"

    name = fields.Char(required=True)
    code = fields.Integer()  # varchar with text -> integer: refused


class SchemaGroupV4(models.Model):
    _name = "test.schema.group"
    _module = "test_schema_v4"

    name = fields.Char(required=True)


class SchemaItemV4(models.Model):
    _name = "test.schema.item"
    _module = "test_schema_v4"

    name = fields.Char(required=True, size=3)  # shrinking below existing values: refused


def _registry(cr, module: str) -> Registry:
    # Not Registry.build: that would replace the test registry registered for this database.
    registry = Registry(cr.dbname)
    registry.load(Registry.definitions_of([module]))
    return registry


def _columns(cr, table: str) -> dict[str, tuple[str, str, int | None]]:
    cr.execute("SELECT column_name, udt_name, is_nullable, character_maximum_length FROM "
               "information_schema.columns WHERE table_name = %s", (table,))
    return {name: (udt, nullable, size) for name, udt, nullable, size in cr.fetchall()}


def _foreign_keys(cr, table: str) -> dict[str, str]:
    cr.execute("SELECT a.attname, c.confdeltype FROM pg_constraint c "
               "JOIN pg_class t ON t.oid = c.conrelid "
               "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
               "WHERE t.relname = %s AND c.contype = 'f'", (table,))
    return dict(cr.fetchall())


def _indexes(cr, table: str) -> set[str]:
    cr.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", (table,))
    return {row[0] for row in cr.fetchall()}


@pytest.fixture
def synced(cr):
    registry = _registry(cr, "test_schema_v1")
    registry.sync_schema(cr)
    return registry


def test_creates_tables_and_columns(cr, synced):
    columns = _columns(cr, "test_schema_item")
    assert columns["id"][0] == "int4"
    assert columns["name"] == ("varchar", "NO", None)
    assert columns["code"] == ("varchar", "YES", 8)
    assert columns["qty"][0] == "int4"
    assert columns["ratio"][0] == "float8"
    assert columns["when"][0] == "date"
    assert columns["payload"][0] == "jsonb"
    assert columns["group_id"][0] == "int4"
    assert {"create_date", "write_date"} <= set(columns)
    assert "group_ids" not in columns


def test_creates_foreign_keys_with_ondelete(cr, synced):
    assert _foreign_keys(cr, "test_schema_item") == {
        "group_id": "c", "other_group_id": "r", "loose_group_id": "n"}


def test_creates_indexes(cr, synced):
    indexes = " ".join(_indexes(cr, "test_schema_item"))
    assert "(name)" in indexes
    assert "(group_id)" in indexes


def test_creates_many2many_table(cr, synced):
    relation = synced["test.schema.item"]._fields["group_ids"].relation
    assert relation == "test_schema_group_test_schema_item_rel"
    columns = _columns(cr, relation)
    assert set(columns) == {"test_schema_item_id", "test_schema_group_id"}
    assert _foreign_keys(cr, relation) == {"test_schema_item_id": "c",
                                           "test_schema_group_id": "c"}


def test_sql_constraints_applied(cr, synced):
    env = Environment(cr, SUPERUSER_ID, {}, registry=synced)
    from agora.orm.exceptions import ConstraintError
    group = env["test.schema.group"].create({"name": "g"})
    env["test.schema.item"].create({"name": "a", "code": "X", "group_id": group.id,
                                    "group_ids": [group.id]})
    with pytest.raises(ConstraintError) as info, cr.savepoint():
        env["test.schema.item"].create({"name": "b", "code": "X"})
    assert info.value.field == "code" and "Code must be unique" in str(info.value)
    with pytest.raises(ConstraintError) as info, cr.savepoint():
        env["test.schema.item"].create({"name": "c", "qty": -1})
    assert info.value.field == "qty" and info.value.model == "test.schema.item"
    assert env["test.schema.item"].search_count([]) == 1  # the savepoint kept the first one


def test_resync_is_idempotent(cr, synced):
    before = (_columns(cr, "test_schema_item"), _foreign_keys(cr, "test_schema_item"),
              _indexes(cr, "test_schema_item"))
    synced.sync_schema(cr)
    _registry(cr, "test_schema_v1").sync_schema(cr)
    after = (_columns(cr, "test_schema_item"), _foreign_keys(cr, "test_schema_item"),
             _indexes(cr, "test_schema_item"))
    assert before == after


def test_resync_adds_column_and_widens_type(cr, synced):
    cr.execute("INSERT INTO test_schema_item (name, qty, code) VALUES ('kept', 7, 'K')")
    v2 = _registry(cr, "test_schema_v2")
    v2.sync_schema(cr)
    columns = _columns(cr, "test_schema_item")
    assert columns["extra"][0] == "varchar"
    assert columns["qty"][0] == "float8"
    cr.execute("SELECT name, qty, code, extra FROM test_schema_item")
    assert cr.fetchall() == [("kept", 7.0, "K", None)]
    # fields removed from the models keep their columns and data (never dropped silently)
    assert "payload" in columns
    env = Environment(cr, SUPERUSER_ID, {}, registry=v2)
    item = env["test.schema.item"].search([("name", "=", "kept")])
    item.extra = "new"
    env.flush_all()
    cr.execute("SELECT extra FROM test_schema_item")
    assert cr.fetchone()[0] == "new"


def test_lossy_type_change_refused(cr, synced):
    cr.execute("INSERT INTO test_schema_item (name, code) VALUES ('one', 'ABC'), ('two', NULL)")
    with pytest.raises(SchemaError) as info:
        _registry(cr, "test_schema_v3").sync_schema(cr)
    error = info.value
    assert error.model == "test.schema.item" and error.field == "code"
    message = str(error)
    assert "test.schema.item.code" in message and "varchar" in message and "int4" in message
    cr.execute("SELECT name, code FROM test_schema_item ORDER BY name")
    assert cr.fetchall() == [("one", "ABC"), ("two", None)]
    assert _columns(cr, "test_schema_item")["code"][:1] == ("varchar",)


def test_lossy_change_on_empty_column_allowed(cr, synced):
    cr.execute("INSERT INTO test_schema_item (name) VALUES ('nocode')")
    _registry(cr, "test_schema_v3").sync_schema(cr)
    assert _columns(cr, "test_schema_item")["code"][0] == "int4"


def test_shrinking_char_refused(cr, synced):
    cr.execute("INSERT INTO test_schema_item (name) VALUES ('longer than three')")
    with pytest.raises(SchemaError) as info:
        _registry(cr, "test_schema_v4").sync_schema(cr)
    assert info.value.field == "name"
    cr.execute("SELECT name FROM test_schema_item")
    assert cr.fetchone()[0] == "longer than three"


def test_schema_registry_does_not_replace_test_registry(cr, registry, synced):
    assert Registry.get(cr.dbname) is registry
    assert "test.partner" in Registry.get(cr.dbname)
