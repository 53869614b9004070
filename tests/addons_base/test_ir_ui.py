import pytest
from lxml import etree

from agora.orm.exceptions import InvalidValueError, ValidationError

FORM = """<form string="Partner">
  <sheet>
    <group name="main">
      <field name="name"/>
      <field name="email"/>
    </group>
  </sheet>
</form>"""


def _shape(arch: str) -> list[str]:
    return [f"{el.tag}:{el.get('name') or ''}" for el in etree.fromstring(arch).iter()]


def test_arch_must_be_well_formed(env):
    with pytest.raises(ValidationError, match="invalid XML"):
        env["ir.ui.view"].create({"name": "bad", "model": "res.partner", "arch": "<form>"})
    view = env["ir.ui.view"].create({"name": "ok", "model": "res.partner", "arch": FORM})
    assert view.type == "form" and view.mode == "primary"
    with pytest.raises(ValidationError):
        view.write({"arch": "<form><field></form>"})


def test_combined_arch(env):
    views = env["ir.ui.view"]
    base = views.create({"name": "partner.form", "model": "res.partner", "arch": FORM})
    ext1 = views.create({"name": "ext1", "inherit_id": base.id, "priority": 20, "arch": """
        <data>
          <field name="name" position="after"><field name="phone"/></field>
          <xpath expr="//field[@name='email']" position="before">
            <field name="website"/>
          </xpath>
          <group name="main" position="attributes">
            <attribute name="string">Main</attribute>
          </group>
        </data>"""})
    assert ext1.mode == "extension" and ext1.model == "res.partner" and ext1.type == "form"
    views.create({"name": "ext0", "inherit_id": base.id, "priority": 10, "arch": """
        <xpath expr="//sheet" position="inside"><group name="extra"/></xpath>"""})
    # an extension of an extension
    views.create({"name": "ext1.1", "inherit_id": ext1.id, "arch": """
        <field name="phone" position="replace"><field name="mobile"/></field>"""})
    combined = base.get_combined_arch()
    assert _shape(combined) == [
        "form:", "sheet:", "group:main", "field:name", "field:mobile", "field:website",
        "field:email", "group:extra"]
    assert etree.fromstring(combined).find(".//group[@name='main']").get("string") == "Main"
    assert ext1.get_combined_arch() == combined  # from any view of the family

    # removing an attribute, and a primary view derived from another
    derived = views.create({"name": "partner.form.short", "inherit_id": base.id,
                            "mode": "primary", "arch": """
        <data>
          <xpath expr="//group[@name='main']" position="attributes">
            <attribute name="string"></attribute>
          </xpath>
          <field name="email" position="replace"/>
        </data>"""})
    short = derived.get_combined_arch()
    assert "email" not in short and "mobile" in short
    assert etree.fromstring(short).find(".//group[@name='main']").get("string") is None
    assert views._get_default_view("res.partner", "form") == base

    # an inactive extension is not applied
    ext1.active = False
    assert "website" not in base.get_combined_arch()


def test_spec_that_does_not_match_is_refused(env):
    views = env["ir.ui.view"]
    base = views.create({"name": "b", "model": "res.partner", "arch": FORM})
    with pytest.raises(ValidationError, match="cannot be located"), env.cr.savepoint():
        views.create({"name": "x", "inherit_id": base.id,
                      "arch": '<field name="nope" position="after"><field name="a"/></field>'})
    with pytest.raises(ValidationError, match="invalid position"), env.cr.savepoint():
        views.create({"name": "y", "inherit_id": base.id,
                      "arch": '<field name="name" position="around"/>'})
    with pytest.raises(ValidationError, match="needs an inherited view"):
        views.create({"name": "z", "mode": "extension", "arch": "<form/>"})


def test_menus_and_actions(env):
    action = env["ir.actions.act_window"].create({
        "name": "Contacts", "res_model": "res.partner", "view_mode": "list,form",
        "domain": "[('is_company', '=', True)]"})
    assert action.type == "ir.actions.act_window" and action.limit == 80
    info = action._get_action_dict()
    assert info["res_model"] == "res.partner"
    assert info["views"] == [[False, "list"], [False, "form"]]
    with pytest.raises(ValidationError, match="unknown model"):
        env["ir.actions.act_window"].create({"name": "x", "res_model": "no.model"})
    with pytest.raises(ValidationError, match="invalid view mode"):
        env["ir.actions.act_window"].create({"name": "x", "res_model": "res.partner",
                                             "view_mode": "list,sheet"})
    client = env["ir.actions.client"].create({"name": "Reload", "tag": "reload",
                                              "params": {"menu_id": 3}})
    assert client.type == "ir.actions.client" and client.params == {"menu_id": 3}

    menus = env["ir.ui.menu"]
    root = menus.create({"name": "Contacts", "sequence": 5})
    sub = menus.create({"name": "Companies", "parent_id": root.id, "action": action})
    leaf = menus.create({"name": "Big", "parent_id": sub.id,
                         "action": f"ir.actions.client,{client.id}"})
    assert leaf.complete_name == "Contacts/Companies/Big"
    assert leaf.parent_path == f"{root.id}/{sub.id}/{leaf.id}/"
    assert sub.action == action
    assert root.child_id == sub
    assert menus.search([("id", "child_of", root.id)]) == root | sub | leaf
    root.name = "People"
    assert leaf.complete_name == "People/Companies/Big"
    with pytest.raises(ValidationError), env.cr.savepoint():
        root.write({"parent_id": leaf.id})
    assert not root.parent_id
    with pytest.raises(InvalidValueError):
        menus.create({"name": "bad", "action": "res.partner,1"})
    tree = menus.load_menus()
    assert root.id in tree["root"]["children"]
    assert tree[sub.id]["action"] == f"ir.actions.act_window,{action.id}"


def test_menu_visibility_by_groups(env):
    group = env.ref("base.group_system")
    portal = env.ref("base.group_portal")
    admin = env.ref("base.user_admin")
    menus = env["ir.ui.menu"]
    open_menu = menus.create({"name": "Open"})
    settings = menus.create({"name": "Settings", "groups_id": [(6, 0, [group.id])]})
    below = menus.create({"name": "Below", "parent_id": settings.id})
    hidden = menus.create({"name": "Portal only", "groups_id": [(6, 0, [portal.id])]})
    visible = menus.with_user(admin)._visible_menu_ids()
    assert {open_menu.id, settings.id, below.id} <= visible and hidden.id not in visible
    admin.sudo().write({"groups_id": [(6, 0, [portal.id])]})
    visible = menus.with_user(admin)._visible_menu_ids()
    assert hidden.id in visible and settings.id not in visible and below.id not in visible


def test_server_actions(env):
    model = env["ir.model"].create({"name": "Cron target", "model": "test.cron.target"})
    targets = env["test.cron.target"].create([{"tag": "a", "value": 1}, {"tag": "b"}])
    write = env["ir.actions.server"].create({
        "name": "Tag them", "model_id": model.id, "state": "object_write",
        "values": {"tag": "done"}})
    ctx = {"active_model": "test.cron.target", "active_ids": targets.ids}
    assert write.with_context(**ctx).run() is False
    assert targets.mapped("tag") == ["done", "done"]

    call = env["ir.actions.server"].create({
        "name": "Bump", "model_id": model.id, "state": "method", "method_name": "action_bump"})
    assert call.with_context(**ctx).run() == {"type": "ir.actions.client", "tag": "reload"}
    assert targets.mapped("value") == [2, 1]

    servers = env["ir.actions.server"]
    with pytest.raises(InvalidValueError):
        servers.create({"name": "py", "model_id": model.id, "state": "code"})
    for name in ("_secret", "unknown", "tag", "__class__"):
        with pytest.raises(ValidationError, match="public method"):
            servers.create({"name": "m", "model_id": model.id, "state": "method",
                            "method_name": name})
    with pytest.raises(ValidationError, match="cannot write"):
        servers.create({"name": "w", "model_id": model.id, "values": {"id": 3}})
    with pytest.raises(ValidationError, match="non-empty dict"):
        servers.create({"name": "w", "model_id": model.id, "values": [1]})


def test_menu_parent_loops_are_refused_not_recursed(env):
    menus = env["ir.ui.menu"]
    top = menus.create({"name": "Loop top"})
    child = menus.create({"name": "Loop child", "parent_id": top.id})
    with pytest.raises(ValidationError, match="own ancestor"), env.cr.savepoint():
        top.write({"parent_id": child.id})
    with pytest.raises(ValidationError, match="own ancestor"), env.cr.savepoint():
        child.write({"parent_id": child.id})
    from agora.addons.base.models.ir_ui_menu import MENU_SEPARATOR
    assert child.complete_name == f"Loop top{MENU_SEPARATOR}Loop child"


def test_moving_a_menu_whose_path_was_never_computed(env):
    menus = env["ir.ui.menu"]
    top, lost = menus.create([{"name": "Path top"}, {"name": "Path lost"}])
    env.cr.execute("UPDATE ir_ui_menu SET parent_path = NULL WHERE id = %s", (lost.id,))
    lost.write({"parent_id": top.id})
    assert lost.parent_path == f"{top.id}/{lost.id}/"
