"""get_views: the view definitions the web client asks for (arch + the fields it uses)."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import pytest
from lxml import etree

from agora.addons.base.models.ir_ui_view_get import InvalidViewError
from agora.orm.exceptions import MissingError, ValidationError
from agora.testing.queries import assert_queries

ALL_TYPES = [[False, t] for t in ("list", "form", "search", "kanban", "pivot", "graph")]


def _fields(arch: str) -> list[str]:
    return [node.get("name") for node in etree.fromstring(arch).iter("field")]


class _Rollback(Exception):
    def __init__(self, result: Any) -> None:
        self.result = result


def _rolled_back(run, work, uid=None):
    """``work(env)`` on the served database, its changes rolled back afterwards."""
    def wrapped(env):
        raise _Rollback(work(env))
    try:
        run(wrapped) if uid is None else run(wrapped, uid=uid)
    except _Rollback as done:
        return done.result
    raise AssertionError("unreachable")


# -- default archs --------------------------------------------------------------------------
def test_default_archs_for_every_type(env):
    result = env["res.partner"].get_views(ALL_TYPES + [[False, "tree"]])
    views = result["views"]
    assert set(views) == {"list", "form", "search", "kanban", "pivot", "graph", "tree"}
    assert all(v["id"] is False and v["model"] == "res.partner" for v in views.values())

    rec = env["res.partner"]._rec_name_field()  # complete_name
    columns = _fields(views["list"]["arch"])
    assert columns[0] == rec and 2 <= len(columns) <= 6 and "active" not in columns
    assert views["tree"]["arch"] == views["list"]["arch"]
    assert etree.fromstring(views["tree"]["arch"]).tag == "list"

    form = etree.fromstring(views["form"]["arch"])
    assert form.tag == "form" and form.find("sheet/group") is not None
    names = _fields(views["form"]["arch"])
    assert "email" in names and "child_ids" in names
    assert not {"id", "create_uid", "write_date", "display_name"} & set(names)
    tag_rec = env["res.partner.category"]._rec_name_field()
    tags = form.find(".//field[@name='category_id']/list/field")
    assert tags is not None and tags.get("name") == tag_rec

    assert _fields(views["search"]["arch"]) == [rec]
    kanban = etree.fromstring(views["kanban"]["arch"])
    assert kanban.find("templates/t/div/field").get("name") == rec
    for kind in ("pivot", "graph"):
        row = etree.fromstring(views[kind]["arch"]).find("field")
        assert row.get("name") == rec and row.get("type") == "row"

    models = result["models"]
    partner = models["res.partner"]["fields"]
    assert {"id", "display_name", rec, "email", "child_ids"} <= set(partner)
    assert partner["email"]["type"] == "char"
    # comodels of inline x2many lists, with exactly what the lists show
    assert set(models["res.partner.category"]["fields"]) == {"id", "display_name", tag_rec}


def test_default_for_a_model_without_name(env):
    # any model without a name field: records are named by display_name
    model = next(m for m in env.registry.models.values()
                 if not m._abstract and env[m._name]._rec_name_field() == "id")
    views = env[model._name].get_views([[False, "list"], [False, "search"]])["views"]
    assert _fields(views["list"]["arch"])[0] == "display_name"
    assert _fields(views["search"]["arch"]) == []


# -- defined views --------------------------------------------------------------------------
PARTNER_FORM = """<form><sheet><group name="main">
  <field name="name"/><field name="email"/>
</group></sheet></form>"""


def test_primary_view_combined_with_its_extensions(env):
    views = env["ir.ui.view"]
    low = views.create({"name": "partner.form.x", "model": "res.partner", "priority": 5,
                        "arch": PARTNER_FORM})
    views.create({"name": "partner.form.other", "model": "res.partner", "priority": 50,
                  "arch": "<form><field name='ref'/></form>"})
    ext = views.create({"name": "partner.form.x.ext", "inherit_id": low.id, "arch": """
        <field name="email" position="after"><field name="phone"/></field>"""})
    views.create({"name": "partner.form.x.ext.ext", "inherit_id": ext.id, "arch": """
        <field name="phone" position="after"><field name="city"/></field>"""})
    views.create({"name": "partner.form.x.off", "inherit_id": low.id, "active": False,
                  "arch": '<field name="name" position="after"><field name="zip"/></field>'})
    result = env["res.partner"].get_views([[False, "form"], [False, "list"]])
    form = result["views"]["form"]
    assert form["id"] == low.id
    assert _fields(form["arch"]) == ["name", "email", "phone", "city"]
    assert form["arch"] == etree.tostring(etree.fromstring(low.get_combined_arch()),
                                          encoding="unicode")
    assert result["views"]["list"]["id"] is False  # no list view: generated
    # asked by id (an extension's id means its primary view)
    for view_id in (low.id, ext.id):
        again = env["res.partner"].get_views([[view_id, "form"]])["views"]["form"]
        assert again["arch"] == form["arch"] and again["id"] == low.id
    # exactly the fields the archs use, plus id and display_name
    fields = set(result["models"]["res.partner"]["fields"])
    assert {"name", "email", "phone", "city", "id", "display_name"} <= fields
    assert "zip" not in fields and "ref" not in _fields(form["arch"])


def test_inline_subview_fields_belong_to_the_comodel(env):
    env["ir.ui.view"].create({"name": "partner.tags", "model": "res.partner", "arch": """
        <form><field name="name"/>
          <field name="category_id"><tree><field name="color"/></tree></field>
          <field name="child_ids"><list><field name="email"/></list>
            <form><field name="phone"/></form></field>
        </form>"""})
    result = env["res.partner"].get_views([[False, "form"]])
    arch = etree.fromstring(result["views"]["form"]["arch"])
    assert arch.find("field[@name='category_id']/list") is not None  # tree -> list
    assert set(result["models"]["res.partner.category"]["fields"]) == \
        {"id", "display_name", "color"}
    partner = set(result["models"]["res.partner"]["fields"])
    assert partner == {"id", "display_name", "name", "category_id", "child_ids", "email",
                       "phone"}


def test_unknown_field_names_view_model_and_field(env):
    env["ir.ui.view"].create({"name": "partner.broken", "model": "res.partner", "arch": """
        <form><field name="name"/><field name="category_id">
          <list><field name="no_such_field"/></list></field></form>"""})
    with pytest.raises(ValidationError) as info:
        env["res.partner"].get_views([[False, "form"]])
    message = str(info.value)
    assert "partner.broken" in message and "res.partner.category" in message \
        and "no_such_field" in message
    assert info.value.field == "no_such_field"


def test_wrong_view_id_or_type_is_a_typed_error(env):
    form = env["ir.ui.view"].create({"name": "partner.f", "model": "res.partner",
                                     "arch": PARTNER_FORM})
    with pytest.raises(InvalidViewError, match="not a list view"):
        env["res.partner"].get_views([[form.id, "list"]])
    with pytest.raises(InvalidViewError, match="res.users"):
        env["res.users"].get_views([[form.id, "form"]])
    with pytest.raises(MissingError):
        env["res.partner"].get_views([[10**9, "form"]])
    with pytest.raises(InvalidViewError, match="unknown view type"):
        env["res.partner"].get_views([[False, "gantt"]])
    with pytest.raises(InvalidViewError):
        env["res.partner"].get_views([["x", "form"]])
    with pytest.raises(InvalidViewError):
        env["res.partner"].get_views("form")


# -- groups (served database: real users, groups and access policy) -------------------------
USERS_FORM = """<form>
  <field name="login"/>
  <field name="password"/>
  <group name="admin" groups="base.group_system"><field name="share"/></group>
  <field name="tz" groups="base.group_user"/>
  <field name="lang" groups="!base.group_user"/>
</form>"""


def _users_form(env, uid):
    env["ir.ui.view"].create({"name": "users.groups.test", "model": "res.users",
                              "priority": 1, "arch": USERS_FORM})
    return env(user=uid, su=False)["res.users"].get_views([[False, "form"]])


def test_groups_restricted_fields_and_nodes(agora_served_run, agora_served_user):
    uid = agora_served_user[0]
    result = _rolled_back(agora_served_run, lambda env: _users_form(env, uid))
    arch = result["views"]["form"]["arch"]
    assert _fields(arch) == ["login", "tz"]  # password, share and lang removed
    assert "groups" not in arch and "group" not in arch
    assert set(result["models"]["res.users"]["fields"]) == {"id", "display_name", "login", "tz"}

    admin = _rolled_back(agora_served_run,
                         lambda env: _users_form(env, env.ref("base.user_admin").id))
    assert _fields(admin["views"]["form"]["arch"]) == ["login", "password", "share", "tz"]
    assert "password" in admin["models"]["res.users"]["fields"]


# -- cost ----------------------------------------------------------------------------------
LIST_FORM_SEARCH = [[False, "list"], [False, "form"], [False, "search"]]


def _cost(env):
    views = env["ir.ui.view"]
    form = views.create({"name": "partner.cost", "model": "res.partner",
                         "arch": PARTNER_FORM.replace(
                             "<field name=\"email\"/>",
                             "<field name=\"email\" groups=\"base.group_user\"/>"
                             "<field name=\"category_id\"><list><field name=\"name\"/>"
                             "</list></field>")})
    for number in range(3):
        views.create({"name": f"partner.cost.{number}", "inherit_id": form.id,
                      "arch": f"<xpath expr='//sheet' position='inside'>"
                              f"<group name='g{number}'/></xpath>"})
    # a user new to this transaction: nothing about it is memoised yet
    user = env["res.users"].create({"name": "Cost", "login": "get-views-cost",
                                    "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    env.invalidate_all()
    partners = env(user=user.id, su=False)["res.partner"]
    with assert_queries(env.cr, 5) as cold:
        result = partners.get_views(LIST_FORM_SEARCH)
    env.invalidate_all()
    with assert_queries(env.cr, 2) as warm:  # views again; groups are memoised
        partners.get_views(LIST_FORM_SEARCH)
    return result, [q for q, _p in cold], [q for q, _p in warm]


def test_query_count_is_fixed(agora_served_run):
    """views: one search and one fetch for every type and extension; groups: the
    user's groups and the external ids the archs name, once each."""
    result, cold, warm = _rolled_back(agora_served_run, _cost)
    assert len(etree.fromstring(result["views"]["form"]["arch"]).findall(".//group")) == 4
    assert len(cold) == 4, cold
    assert len(warm) == 2, warm


# -- over the wire -------------------------------------------------------------------------
def test_get_views_through_xmlrpc(agora_live_server, agora_served_db):
    models = xmlrpc.client.ServerProxy(f"{agora_live_server.url}/xmlrpc/2/object",
                                       allow_none=True)
    result = models.execute_kw(agora_served_db, 2, "admin", "res.partner", "get_views",
                               [[[False, "list"], [False, "form"]]], {"options": {}})
    assert set(result["views"]) == {"list", "form"}
    assert result["views"]["list"]["id"] is False
    assert etree.fromstring(result["views"]["list"]["arch"]).tag == "list"
    assert "name" in result["models"]["res.partner"]["fields"]
    with pytest.raises(xmlrpc.client.Fault) as info:
        models.execute_kw(agora_served_db, 2, "admin", "res.partner", "get_views",
                          [[[False, "gantt"]]])
    assert "unknown view type" in info.value.faultString


def test_without_the_base_module_get_views_says_so():
    from types import SimpleNamespace

    from agora.orm.exceptions import UserError
    from agora.orm.model_describe import DescribeMixin

    kernel_only = SimpleNamespace(env={}, _name="x.thing")  # a registry without ir.ui.view
    with pytest.raises(UserError, match="base module is not installed"):
        DescribeMixin.get_views(kernel_only, [[False, "list"]])
