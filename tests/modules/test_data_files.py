"""XML and CSV data files loaded into a registry of base + test models (own database)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import agora.addons.base  # noqa: F401  (defines the base models)
from agora.db.cursor import Cursor
from agora.db.pool import connect
from agora.modules.data_csv import load_csv
from agora.modules.data_xml import DataFileError, UnsafeExpression, load_xml, safe_eval
from agora.modules.manifest import ManifestError
from agora.orm.commands import Command
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.registry import Registry
from agora.testing.database import new_database, remove_database
from tests.modules import data_models  # noqa: F401  (defines the test_data models)

MODULE = "test_data"


@pytest.fixture(scope="module")
def data_registry(agora_server_url) -> Iterator[tuple[Registry, str]]:
    name, conninfo = new_database(agora_server_url, prefix="agora_data")
    try:
        # Not Registry.build: that would register it under the database name.
        registry = Registry(name)
        registry.load(Registry.definitions_of(["base", MODULE]))
        connection = connect(conninfo)
        try:
            with Cursor(connection) as cr:
                registry.sync_schema(cr)
        finally:
            connection.close()
        yield registry, conninfo
    finally:
        remove_database(agora_server_url, name)


@pytest.fixture
def env(data_registry) -> Iterator[Environment]:
    registry, conninfo = data_registry
    connection = connect(conninfo)
    cr = Cursor(connection)
    try:
        yield Environment(cr, SUPERUSER_ID, {}, registry=registry)
    finally:
        connection.rollback()
        cr.close()
        connection.close()


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(content).strip() + "\n", encoding="utf-8")
    return path


def xml(tmp_path: Path, body: str, name: str = "data.xml", root: str = "odoo") -> Path:
    return write(tmp_path, name, f"<?xml version='1.0'?>\n<{root}>\n{textwrap.dedent(body).strip(chr(10))}\n</{root}>")


# -- records -------------------------------------------------------------------------------

def test_records_created_with_typed_values(env, tmp_path):
    path = xml(tmp_path, """
        <record id="tag_red" model="test.data.tag">
            <field name="name">Red</field>
            <field name="color" eval="2 * 3 + 1"/>
        </record>
        <record id="tag_blue" model="test.data.tag">
            <field name="name">Blue</field>
        </record>
        <record id="partner_acme" model="res.partner">
            <field name="name">Acme</field>
        </record>
        <record id="thing_one" model="test.data.thing">
            <field name="name">One</field>
            <field name="qty">12</field>
            <field name="price" type="float">2.5</field>
            <field name="active">0</field>
            <field name="kind">b</field>
            <field name="note">  spaced text  </field>
            <field name="partner_id" ref="partner_acme"/>
            <field name="tag_ids" eval="[(6, 0, [ref('tag_red'), ref('test_data.tag_blue')])]"/>
        </record>
        <record id="thing_two" model="test.data.thing">
            <field name="name">Two</field>
            <field name="parent_id">thing_one</field>
            <field name="partner_id" eval="ref('partner_acme')"/>
            <field name="tag_ids" eval="[Command.link(ref('tag_red')), (4, ref('tag_blue'))]"/>
        </record>
    """)
    declared = load_xml(env, MODULE, path)
    assert declared == {"test_data.tag_red", "test_data.tag_blue", "test_data.partner_acme",
                        "test_data.thing_one", "test_data.thing_two"}
    one = env.ref("test_data.thing_one")
    assert (one.name, one.qty, one.price, one.active, one.kind) == ("One", 12, 2.5, False, "b")
    assert one.note == "  spaced text  "
    assert one.partner_id == env.ref("test_data.partner_acme")
    assert sorted(one.tag_ids.mapped("name")) == ["Blue", "Red"]
    assert env.ref("test_data.tag_red").color == 7
    two = env.ref("test_data.thing_two")
    assert two.parent_id == one and two.partner_id.name == "Acme"
    assert sorted(two.tag_ids.mapped("name")) == ["Blue", "Red"]
    entry = env["ir.model.data"].search([("module", "=", MODULE), ("name", "=", "thing_one")])
    assert entry.model == "test.data.thing" and entry.res_id == one.id and not entry.noupdate


def test_agora_root_nested_data_and_records_without_id(env, tmp_path):
    path = xml(tmp_path, """
        <data>
            <record model="test.data.tag"><field name="name">Anonymous</field></record>
            <record id="thing" model="test.data.thing">
                <field name="name">Parent</field>
                <field name="line_ids">
                    <record id="line_a" model="test.data.line"><field name="name">A</field></record>
                    <record model="test.data.line"><field name="name">B</field></record>
                </field>
            </record>
        </data>
    """, root="agora")
    assert load_xml(env, MODULE, path) == {"test_data.thing", "test_data.line_a"}
    assert env["test.data.tag"].search_count([("name", "=", "Anonymous")]) == 1
    thing = env.ref("test_data.thing")
    assert sorted(thing.line_ids.mapped("name")) == ["A", "B"]
    assert env.ref("test_data.line_a").thing_id == thing


def test_update_rewrites_values_but_respects_noupdate(env, tmp_path):
    first = xml(tmp_path, """
        <record id="plain" model="test.data.tag"><field name="name">Plain v1</field></record>
        <data noupdate="1">
            <record id="kept" model="test.data.tag"><field name="name">Kept v1</field></record>
        </data>
    """, name="v1.xml")
    load_xml(env, MODULE, first)
    plain, kept = env.ref("test_data.plain"), env.ref("test_data.kept")
    kept.name = "Kept, edited by a user"
    entry = env["ir.model.data"].search([("module", "=", MODULE), ("name", "=", "kept")])
    assert entry.noupdate
    second = xml(tmp_path, """
        <record id="plain" model="test.data.tag"><field name="name">Plain v2</field></record>
        <data noupdate="1">
            <record id="kept" model="test.data.tag"><field name="name">Kept v2</field></record>
            <record id="added" model="test.data.tag"><field name="name">Added</field></record>
            <record id="not_forced" model="test.data.tag" forcecreate="0">
                <field name="name">Not forced</field>
            </record>
            <function model="test.data.thing" name="_bump" eval="['never', 1]"/>
        </data>
    """, name="v2.xml")
    declared = load_xml(env, MODULE, second, update=True)
    assert declared == {"test_data.plain", "test_data.kept", "test_data.added",
                        "test_data.not_forced"}
    assert env.ref("test_data.plain") == plain and plain.name == "Plain v2"
    assert env.ref("test_data.kept") == kept and kept.name == "Kept, edited by a user"
    assert env.ref("test_data.added").name == "Added"
    assert env.ref("test_data.not_forced", raise_if_not_found=False) is None
    # a fresh install (update=False) writes noupdate records too
    load_xml(env, MODULE, second)
    assert kept.name == "Kept v2"


def test_noupdate_on_root_and_entry_flag_in_update_mode(env, tmp_path):
    path = write(tmp_path, "root.xml", """
        <odoo noupdate="1">
            <record id="rooted" model="test.data.tag"><field name="name">v1</field></record>
        </odoo>
    """)
    load_xml(env, MODULE, path)
    entry = env["ir.model.data"].search([("module", "=", MODULE), ("name", "=", "rooted")])
    assert entry.noupdate
    # the file no longer says noupdate, but the stored flag still protects the record
    path = xml(tmp_path, """
        <record id="rooted" model="test.data.tag"><field name="name">v2</field></record>
    """, name="root2.xml")
    load_xml(env, MODULE, path, update=True)
    assert env.ref("test_data.rooted").name == "v1"


def test_deleted_record_is_recreated(env, tmp_path):
    path = xml(tmp_path, """
        <record id="phoenix" model="test.data.tag"><field name="name">Phoenix</field></record>
    """)
    load_xml(env, MODULE, path)
    old = env.ref("test_data.phoenix")
    old.unlink()
    load_xml(env, MODULE, path, update=True)
    new = env.ref("test_data.phoenix")
    assert new.name == "Phoenix" and new.id != old.id


def test_field_types_and_search(env, tmp_path):
    (tmp_path / "note.txt").write_text("from a file", encoding="utf-8")
    path = xml(tmp_path, """
        <record id="t1" model="test.data.tag"><field name="name">Alpha</field></record>
        <record id="t2" model="test.data.tag"><field name="name">Beta</field></record>
        <record id="thing" model="test.data.thing">
            <field name="name" type="char">Typed</field>
            <field name="qty" type="int">  42 </field>
            <field name="note" file="note.txt"/>
            <field name="tag_ids" search="[('name', 'in', ['Alpha', 'Beta'])]"/>
            <field name="parent_id" eval="False"/>
        </record>
        <record id="html" model="test.data.thing">
            <field name="name">Html</field>
            <field name="note" type="html"><p>Hello <b>world</b></p></field>
            <field name="tag_ids">t1, t2</field>
        </record>
    """)
    load_xml(env, MODULE, path)
    thing = env.ref("test_data.thing")
    assert (thing.qty, thing.note) == (42, "from a file")
    assert sorted(thing.tag_ids.mapped("name")) == ["Alpha", "Beta"]
    html = env.ref("test_data.html")
    assert html.note == "<p>Hello <b>world</b></p>"
    assert len(html.tag_ids) == 2


# -- function and delete -----------------------------------------------------------------------

def test_function_calls_model_and_record_methods(env, tmp_path):
    path = xml(tmp_path, """
        <record id="counted" model="test.data.thing">
            <field name="name">Counted</field><field name="qty">1</field>
        </record>
        <function model="test.data.thing" name="_bump" eval="['Counted', 10]"/>
        <function model="test.data.thing" name="_bump">
            <value>Counted</value>
            <value type="int">100</value>
        </function>
        <function model="test.data.thing" name="rename" eval="[[ref('counted')], '!']"/>
    """)
    load_xml(env, MODULE, path)
    thing = env.ref("test_data.counted")
    assert (thing.name, thing.qty) == ("Counted!", 111)


def test_delete_by_id_and_by_search(env, tmp_path):
    load_xml(env, MODULE, xml(tmp_path, """
        <record id="doomed" model="test.data.tag"><field name="name">Doomed</field></record>
        <record id="other" model="test.data.tag"><field name="name">Purge me</field></record>
        <record id="kept" model="test.data.tag"><field name="name">Kept</field></record>
    """, name="a.xml"))
    doomed = env.ref("test_data.doomed")
    load_xml(env, MODULE, xml(tmp_path, """
        <delete model="test.data.tag" id="doomed"/>
        <delete model="test.data.tag" search="[('name', '=like', 'Purge%')]"/>
        <delete model="test.data.tag" id="never_existed"/>
    """, name="b.xml"))
    assert not doomed.exists()
    assert env.ref("test_data.doomed", raise_if_not_found=False) is None
    assert env["ir.model.data"].search_count([("module", "=", MODULE),
                                              ("name", "in", ["doomed", "other"])]) == 0
    assert env["test.data.tag"].search([]).mapped("name") == ["Kept"]


# -- errors ----------------------------------------------------------------------------------

def test_unknown_ref_names_file_line_and_xmlid(env, tmp_path):
    path = xml(tmp_path, """
        <record id="bad" model="test.data.thing">
            <field name="name">Bad</field>
            <field name="partner_id" ref="base.no_such_partner"/>
        </record>
    """)
    with pytest.raises(DataFileError) as info:
        load_xml(env, MODULE, path)
    error = info.value
    assert isinstance(error, ManifestError)
    assert str(path) in str(error) and ":5" in str(error)
    assert "base.no_such_partner" in str(error) and "test_data.bad" in str(error)
    assert error.line == 5


def test_unknown_ref_inside_eval(env, tmp_path):
    path = xml(tmp_path, """
        <record id="bad" model="test.data.thing">
            <field name="name">Bad</field>
            <field name="tag_ids" eval="[(6, 0, [ref('missing_tag')])]"/>
        </record>
    """)
    with pytest.raises(DataFileError, match=r"data\.xml:5.*External ID not found: "
                                            r"test_data\.missing_tag"):
        load_xml(env, MODULE, path)


@pytest.mark.parametrize("expression", [
    "__import__('os').system('true')",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd').read()",
    "[x for x in range(3)]",
    "(lambda: 1)()",
    "Command.__class__",
    "'%999999999s' % 'a'",
    "'a' * 10 ** 9",
    "2 ** 10000",
    "time.sleep(10)",
])
def test_forbidden_eval_is_refused(env, tmp_path, expression):
    path = xml(tmp_path, f"""
        <record id="evil" model="test.data.thing">
            <field name="name">Evil</field>
            <field name="note" eval="{expression.replace("'", "&apos;")}"/>
        </record>
    """)
    with pytest.raises(DataFileError, match=r"data\.xml:5 \[test_data\.evil\]") as info:
        load_xml(env, MODULE, path)
    assert isinstance(info.value.__cause__, UnsafeExpression)


def test_orm_error_is_wrapped_with_cause(env, tmp_path):
    path = xml(tmp_path, """
        <record id="ok" model="test.data.tag"><field name="name">Fine</field></record>
        <record id="nameless" model="test.data.line">
            <field name="name">No thing</field>
        </record>
    """)
    with pytest.raises(DataFileError) as info:
        load_xml(env, MODULE, path)
    assert info.value.line == 4 and info.value.xmlid == "test_data.nameless"
    assert info.value.__cause__ is not None


def test_structural_errors(env, tmp_path):
    with pytest.raises(DataFileError, match="has no field 'nope'"):
        load_xml(env, MODULE, xml(tmp_path, """
            <record id="x" model="test.data.tag"><field name="nope">1</field></record>
        """, name="e1.xml"))
    with pytest.raises(DataFileError, match="unknown model 'no.such.model'"):
        load_xml(env, MODULE, xml(tmp_path, """
            <record id="x" model="no.such.model"/>
        """, name="e2.xml"))
    with pytest.raises(DataFileError, match="root element"):
        load_xml(env, MODULE, write(tmp_path, "e3.xml", "<html/>"))
    with pytest.raises(DataFileError, match="cannot parse XML"):
        load_xml(env, MODULE, write(tmp_path, "e4.xml", "<odoo><record></odoo>"))
    with pytest.raises(DataFileError, match="unsupported element <frobnicate>"):
        load_xml(env, MODULE, xml(tmp_path, "<frobnicate/>", name="e5.xml"))
    with pytest.raises(DataFileError, match="not a valid integer"):
        load_xml(env, MODULE, xml(tmp_path, """
            <record id="x" model="test.data.thing">
                <field name="name">x</field><field name="qty">many</field>
            </record>
        """, name="e6.xml"))


def test_menuitems(env, tmp_path):
    load_xml(env, MODULE, xml(tmp_path, """
        <record id="grp_a" model="res.groups"><field name="name">Group A</field></record>
        <record id="grp_b" model="res.groups"><field name="name">Group B</field></record>
        <record id="action_things" model="ir.actions.act_window">
            <field name="name">All things</field>
            <field name="res_model">test.data.thing</field>
        </record>
        <menuitem id="menu_root" name="Things" sequence="5" groups="grp_a,grp_b"/>
        <menuitem id="menu_things" parent="menu_root" action="action_things" sequence="7">
            <menuitem id="menu_sub" name="Sub" groups="-grp_a"/>
        </menuitem>
    """))
    root, things, sub = (env.ref(f"test_data.menu_{n}") for n in ("root", "things", "sub"))
    action = env.ref("test_data.action_things")
    assert (root.name, root.sequence, root.parent_id) == ("Things", 5, env["ir.ui.menu"])
    assert sorted(root.groups_id.mapped("name")) == ["Group A", "Group B"]
    assert (things.name, things.sequence, things.parent_id) == ("All things", 7, root)
    assert things.action == action
    assert sub.parent_id == things and sub.complete_name == "Things/All things/Sub"


def test_menuitem_without_menu_model_is_a_clear_error(data_registry, tmp_path):
    registry, conninfo = data_registry
    without_menus = Registry(registry.dbname)
    without_menus.load([d for d in Registry.definitions_of(["base"])
                        if d.__dict__.get("_name") == "ir.model.data"])
    assert "ir.ui.menu" not in without_menus
    connection = connect(conninfo)
    try:
        env = Environment(Cursor(connection), SUPERUSER_ID, {}, registry=without_menus)
        path = xml(tmp_path, """
            <menuitem id="menu_root" name="Things"/>
        """)
        with pytest.raises(ManifestError,
                           match=r"data\.xml:3 \[test_data\.menu_root\].*ir\.ui\.menu"):
            load_xml(env, MODULE, path)
    finally:
        connection.rollback()
        connection.close()


# -- safe_eval on its own ------------------------------------------------------------------

def test_safe_eval_allowed_subset():
    assert safe_eval("[(6, 0, [1, 2])]") == [(6, 0, [1, 2])]
    assert safe_eval("{'a': [1, (2, 3)], 'b': None, 'c': -1.5 + 2}") == {
        "a": [1, (2, 3)], "b": None, "c": 0.5}
    assert safe_eval("[Command.set([1]), Command.clear(), Command.create({'name': 'x'})]") == [
        (Command.SET, 0, [1]), (Command.CLEAR, 0, 0), (Command.CREATE, 0, {"name": "x"})]
    assert safe_eval("ref('a') + 1", {"ref": lambda xmlid: 41}) == 42
    assert safe_eval("True and not False") is True
    assert safe_eval("[('state', 'in', ('a', 'b'))]") == [("state", "in", ("a", "b"))]
    assert len(safe_eval("time.strftime('%Y-%m-01')")) == 10
    assert safe_eval("(date(2024, 1, 31) + timedelta(days=1)).isoformat()") == "2024-02-01"
    with pytest.raises(UnsafeExpression):
        safe_eval("ref.__globals__", {"ref": lambda xmlid: 1})
    with pytest.raises(UnsafeExpression):
        safe_eval("getattr(1, 'real')")


# -- CSV ------------------------------------------------------------------------------------

def test_csv_rows_with_id_columns_and_update(env, tmp_path):
    load_xml(env, MODULE, xml(tmp_path, """
        <record id="tag_a" model="test.data.tag"><field name="name">A</field></record>
        <record id="tag_b" model="test.data.tag"><field name="name">B</field></record>
        <record id="parent" model="test.data.thing"><field name="name">Parent</field></record>
    """))
    path = write(tmp_path, "test.data.thing.csv", """
        id,name,qty,price,active,kind,parent_id:id,tag_ids/id,note
        thing_x,X,3,1.5,1,a,parent,"tag_a,test_data.tag_b",hello
        thing_y,Y,,,False,,,,
        test_data.thing_z,"Z, quoted",-4,0.25,True,b,test_data.parent,tag_a,
    """)
    declared = load_csv(env, MODULE, path)
    assert declared == {"test_data.thing_x", "test_data.thing_y", "test_data.thing_z"}
    x, y, z = (env.ref(f"test_data.thing_{c}") for c in "xyz")
    parent = env.ref("test_data.parent")
    assert (x.name, x.qty, x.price, x.active, x.kind, x.note) == ("X", 3, 1.5, True, "a", "hello")
    assert x.parent_id == parent and sorted(x.tag_ids.mapped("name")) == ["A", "B"]
    assert (y.qty, y.price, y.active, y.kind, y.note) == (0, 0.0, False, False, False)
    assert not y.parent_id and not y.tag_ids
    assert (z.name, z.qty, z.active, z.parent_id) == ("Z, quoted", -4, True, parent)
    # update: values change, ids stay
    path.write_text("id,name,qty\nthing_x,X2,30\nthing_w,W,1\n", encoding="utf-8")
    assert load_csv(env, MODULE, path, update=True) == {"test_data.thing_x",
                                                        "test_data.thing_w"}
    assert env.ref("test_data.thing_x") == x and (x.name, x.qty) == ("X2", 30)
    assert env.ref("test_data.thing_w").name == "W"


def test_csv_noupdate_rows_left_alone_in_update(env, tmp_path):
    path = write(tmp_path, "test.data.tag.csv", "id,name\ndemo_tag,Demo\n")
    load_csv(env, MODULE, path, noupdate=True)
    tag = env.ref("test_data.demo_tag")
    path.write_text("id,name\ndemo_tag,Changed\n", encoding="utf-8")
    load_csv(env, MODULE, path, update=True)
    assert tag.name == "Demo"


def test_csv_batch_query_count(env, tmp_path):
    rows = "\n".join(f"tag_{i},Tag {i},{i}" for i in range(200))
    path = write(tmp_path, "test.data.tag.csv", f"id,name,color\n{rows}\n")
    env.flush_all()
    before = env.cr.query_count
    load_csv(env, MODULE, path)
    assert env.cr.query_count - before < 20
    assert env["test.data.tag"].search_count([]) == 200


def test_csv_errors_name_line(env, tmp_path):
    bad_ref = write(tmp_path, "test.data.thing.csv", """
        id,name,parent_id:id
        ok,Fine,
        broken,Broken,no_such_parent
    """)
    with pytest.raises(DataFileError, match=r"thing\.csv:3 \[test_data\.broken\].*"
                                            r"test_data\.no_such_parent"):
        load_csv(env, MODULE, bad_ref)
    bad_int = write(tmp_path, "test.data.tag.csv", "id,name,color\nt,T,red\n")
    with pytest.raises(DataFileError, match=r"tag\.csv:2 \[test_data\.t\].*color"):
        load_csv(env, MODULE, bad_int)
    with pytest.raises(DataFileError, match="no field 'nope'"):
        load_csv(env, MODULE, write(tmp_path, "test.data.tag.csv", "id,nope\nt,1\n"))
    with pytest.raises(DataFileError, match="unknown model"):
        load_csv(env, MODULE, write(tmp_path, "no.model.csv", "id,name\nt,1\n"))


def test_csv_failing_batch_reports_the_row(env, tmp_path):
    path = write(tmp_path, "test.data.line.csv", """
        id,name,thing_id/.id
        l1,First,
    """)
    with pytest.raises(DataFileError, match=r"line\.csv:2 \[test_data\.l1\]") as info:
        load_csv(env, MODULE, path)
    assert info.value.__cause__ is not None


def test_csv_ir_model_access(env, tmp_path):
    """The usual security file: model and group given by external id."""
    data = env["ir.model.data"]
    model = env["ir.model"].create({"name": "Thing", "model": "test.data.thing"})
    data._register_xmlid("test_data.model_test_data_thing", model, module=MODULE)
    group = env["res.groups"].create({"name": "Thing users"})
    data._register_xmlid("test_data.group_things", group, module=MODULE)
    path = write(tmp_path, "ir.model.access.csv", """
        id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink
        access_thing_user,thing user,model_test_data_thing,group_things,1,1,0,0
        access_thing_all,thing all,model_test_data_thing,,1,0,0,0
    """)
    assert load_csv(env, MODULE, path) == {"test_data.access_thing_user",
                                           "test_data.access_thing_all"}
    user = env.ref("test_data.access_thing_user")
    assert (user.model_id, user.group_id) == (model, group)
    assert (user.perm_read, user.perm_write, user.perm_create, user.perm_unlink) == (
        True, True, False, False)
    assert not env.ref("test_data.access_thing_all").group_id
