"""Views: XML descriptions of how the web client shows a model (list, form, ...).

A *primary* view stands on its own (or, with ``inherit_id``, starts from its parent's
combined arch and applies itself to it). An *extension* view patches its parent with
specs: ``<xpath expr="..." position="...">`` or a shorthand element such as
``<field name="x" position="after">`` that matches the first element with the same tag
and attributes. Positions: ``inside`` (default), ``after``, ``before``, ``replace``,
``attributes`` (``<attribute name="a">value</attribute>``, empty removes).
"""

from __future__ import annotations

import copy

from lxml import etree

from agora import api, fields, models
from agora.orm.exceptions import ValidationError

VIEW_TYPES = [("list", "List"), ("form", "Form"), ("kanban", "Kanban"), ("search", "Search"),
              ("pivot", "Pivot"), ("graph", "Graph"), ("calendar", "Calendar"),
              ("qweb", "QWeb")]
POSITIONS = ("before", "after", "inside", "replace", "attributes")


def parse_arch(arch: str) -> etree._Element:
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    return etree.fromstring(arch.encode() if isinstance(arch, str) else arch, parser)


def _locate(source: etree._Element, spec: etree._Element) -> etree._Element | None:
    if spec.tag == "xpath":
        expr = spec.get("expr")
        if not expr:
            return None
        try:
            found = source.xpath(expr)
        except etree.XPathError as exc:
            raise ValueError(f"invalid xpath {expr!r}: {exc}") from None
        nodes = [node for node in found if isinstance(node, etree._Element)] \
            if isinstance(found, list) else []
        return nodes[0] if nodes else None
    wanted = {k: v for k, v in spec.attrib.items() if k != "position"}
    for node in source.iter(spec.tag):
        if all(node.get(k) == v for k, v in wanted.items()):
            return node
    return None


def apply_inheritance(source: etree._Element, specs: etree._Element,
                      view_name: str = "?") -> etree._Element:
    """Apply the specs of an inheriting arch to ``source`` (modified and returned)."""
    spec_nodes = list(specs) if specs.tag == "data" else [specs]
    for spec in spec_nodes:
        if not isinstance(spec.tag, str):
            continue  # comments, processing instructions
        position = spec.get("position", "inside")
        if position not in POSITIONS:
            raise ValueError(f"view {view_name!r}: invalid position {position!r}")
        # A spec on the root element (shorthand ``<form position="...">``) targets it.
        node = source if spec.tag == source.tag and spec.tag != "xpath" and \
            not {k for k in spec.attrib if k != "position"} else _locate(source, spec)
        if node is None:
            raise ValueError(f"view {view_name!r}: element "
                             f"{etree.tostring(spec, encoding='unicode').split('>')[0]}> "
                             "cannot be located in the parent view")
        children = [copy.deepcopy(child) for child in spec]
        if position == "inside":
            node.extend(children)
        elif position == "after":
            parent = node.getparent()
            if parent is None:
                raise ValueError(f"view {view_name!r}: cannot add after the root element")
            index = parent.index(node)
            for offset, child in enumerate(children, start=1):
                parent.insert(index + offset, child)
        elif position == "before":
            parent = node.getparent()
            if parent is None:
                raise ValueError(f"view {view_name!r}: cannot add before the root element")
            index = parent.index(node)
            for offset, child in enumerate(children):
                parent.insert(index + offset, child)
        elif position == "replace":
            parent = node.getparent()
            if parent is None:
                if len(children) != 1:
                    raise ValueError(f"view {view_name!r}: replacing the root needs exactly "
                                     "one element")
                source = children[0]
            else:
                index = parent.index(node)
                parent.remove(node)
                for offset, child in enumerate(children):
                    parent.insert(index + offset, child)
        else:  # attributes
            for attribute in spec.iterchildren("attribute"):
                name = attribute.get("name")
                if not name:
                    raise ValueError(f"view {view_name!r}: <attribute> needs a name")
                value = (attribute.text or "").strip()
                if value:
                    node.set(name, value)
                elif name in node.attrib:
                    del node.attrib[name]
    return source


class IrUiView(models.Model):
    _name = "ir.ui.view"
    _description = "View"
    _order = "priority, name, id"

    name = fields.Char(string="View Name", required=True)
    model = fields.Char(index=True)
    key = fields.Char()
    type = fields.Selection(VIEW_TYPES, string="View Type")
    arch = fields.Text(string="View Architecture", required=True)
    priority = fields.Integer(default=16, required=True)
    inherit_id = fields.Many2one("ir.ui.view", string="Inherited View", ondelete="restrict",
                                 index=True)
    inherit_children_ids = fields.One2many("ir.ui.view", "inherit_id",
                                           string="Views which inherit from this one")
    mode = fields.Selection([("primary", "Base view"), ("extension", "Extension View")],
                            required=True, default="primary")
    active = fields.Boolean(default=True)

    @api.model_create_multi
    def create(self, vals_list):
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        vals_list = [dict(vals) for vals in vals_list]
        parents = self.browse([v["inherit_id"] for v in vals_list
                               if isinstance(v.get("inherit_id"), int)
                               and not isinstance(v.get("inherit_id"), bool)])
        parent_by_id = {p.id: p for p in parents.exists()}
        for vals in vals_list:
            parent = parent_by_id.get(vals.get("inherit_id"))
            if "mode" not in vals:
                vals["mode"] = "extension" if vals.get("inherit_id") else "primary"
            if parent:
                vals.setdefault("model", parent.model)
                vals.setdefault("type", parent.type)
            if not vals.get("type") and vals.get("arch"):
                try:
                    tag = parse_arch(vals["arch"]).tag
                except etree.XMLSyntaxError:
                    tag = None  # reported by the constraint
                if tag in dict(VIEW_TYPES) or tag == "tree":
                    vals["type"] = "list" if tag == "tree" else tag
        return super().create(vals_list)

    @api.constrains("arch", "inherit_id", "mode", "active")
    def _check_arch(self) -> None:
        for view in self:
            try:
                parse_arch(view.arch)
            except etree.XMLSyntaxError as exc:
                raise ValidationError(f"ir.ui.view {view.name!r}: invalid XML: {exc}",
                                      model=self._name, field="arch") from None
            if view.mode == "extension" and not view.inherit_id:
                raise ValidationError(f"ir.ui.view {view.name!r}: an extension view needs "
                                      "an inherited view", model=self._name, field="mode")
            if view._has_cycle("inherit_id"):
                raise ValidationError(f"ir.ui.view {view.name!r}: inheritance cycle",
                                      model=self._name, field="inherit_id")
            if view.active:
                view.get_combined_arch()  # the specs must apply

    # -- combination -----------------------------------------------------------------------
    def _root_view(self) -> IrUiView:
        view = self
        while view.mode == "extension" and view.inherit_id:
            view = view.inherit_id
        return view

    def _extensions(self) -> IrUiView:
        return self.search([("inherit_id", "=", self.id), ("mode", "=", "extension")],
                           order="priority, id")

    def _apply_extensions(self, arch: etree._Element) -> etree._Element:
        for child in self._extensions():
            arch = child._apply_spec(arch)
            arch = child._apply_extensions(arch)
        return arch

    def _apply_spec(self, arch: etree._Element) -> etree._Element:
        try:
            return apply_inheritance(arch, parse_arch(self.arch), self.name)
        except ValueError as exc:
            raise ValidationError(f"ir.ui.view: {exc}", model=self._name,
                                  field="arch") from None

    def _combined_tree(self) -> etree._Element:
        if self.mode == "primary" and self.inherit_id:
            arch = self._apply_spec(self.inherit_id._root_view()._combined_tree())
        else:
            arch = parse_arch(self.arch)
        return self._apply_extensions(arch)

    def get_combined_arch(self) -> str:
        """The arch of this view's primary view with every active extension applied
        (extensions ordered by priority, then id; extensions of extensions too)."""
        self.ensure_one()
        tree = self._root_view()._combined_tree()
        return etree.tostring(tree, encoding="unicode")

    @api.model
    def _get_default_view(self, model: str, view_type: str) -> IrUiView:
        """The primary view of ``model`` and ``view_type`` with the lowest priority."""
        return self.search([("model", "=", model), ("type", "=", view_type),
                            ("mode", "=", "primary")], order="priority, id", limit=1)
