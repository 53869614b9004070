"""Default archs: what the web client shows for a model that has no view of a type.

Generated from the model's fields only (no query), so every model is usable in the
client from the moment it is installed; a module replaces them by defining views.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel

#: fields every model has; the client knows them, a form does not edit them
MAGIC_FIELDS = frozenset({"id", "display_name", "create_date", "write_date", "create_uid",
                          "write_uid"})
#: types that fit in a list column
SIMPLE_TYPES = frozenset({"char", "integer", "float", "monetary", "boolean", "date",
                          "datetime", "selection", "many2one"})
X2MANY_TYPES = frozenset({"one2many", "many2many"})
#: how many columns besides the name a generated list shows
LIST_COLUMNS = 5


def name_field(model: BaseModel) -> str:
    """The field that names a record: the rec name, else ``display_name`` (computed,
    so it can be shown but neither searched nor grouped)."""
    rec_name = model._rec_name_field()
    return "display_name" if rec_name == "id" else rec_name


def _stored_fields(model: BaseModel) -> list[Field]:
    return [field for name, field in model._fields.items()
            if field.store and name not in MAGIC_FIELDS]


def _field(parent: etree._Element, name: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, "field", name=name, **attrs)


def default_list(model: BaseModel) -> etree._Element:
    root = etree.Element("list")
    name = name_field(model)
    _field(root, name)
    # "active" is implied by the search (archived records are hidden), not a column
    columns = [f for f in _stored_fields(model)
               if f.type in SIMPLE_TYPES and f.name not in (name, "active")]
    for field in columns[:LIST_COLUMNS]:
        _field(root, field.name)
    return root


def default_form(model: BaseModel) -> etree._Element:
    root = etree.Element("form")
    group = etree.SubElement(etree.SubElement(root, "sheet"), "group")
    for field in _stored_fields(model):
        node = _field(group, field.name)
        if field.type in X2MANY_TYPES:
            # an inline list naming the related records, so the client needs no
            # second view to show them
            comodel = model.env[field.comodel_name]  # type: ignore[attr-defined]
            _field(etree.SubElement(node, "list"), name_field(comodel))
    return root


def default_search(model: BaseModel) -> etree._Element:
    root = etree.Element("search")
    name = model._rec_name_field()
    if name != "id":  # display_name is not searchable unless the model says how
        _field(root, name)
    return root


def default_kanban(model: BaseModel) -> etree._Element:
    root = etree.Element("kanban")
    template = etree.SubElement(etree.SubElement(root, "templates"), "t",
                                {"t-name": "kanban-box"})
    card = etree.SubElement(template, "div", {"class": "oe_kanban_global_click"})
    _field(card, name_field(model))
    return root


def _grouped(tag: str, model: BaseModel) -> etree._Element:
    root = etree.Element(tag)
    name = model._rec_name_field()
    if name != "id" and model._fields[name].column:  # only a column can be grouped on
        _field(root, name, type="row")
    return root


GENERATORS = {
    "list": default_list,
    "form": default_form,
    "search": default_search,
    "kanban": default_kanban,
    "pivot": lambda model: _grouped("pivot", model),
    "graph": lambda model: _grouped("graph", model),
}


def default_arch(model: BaseModel, view_type: str) -> etree._Element:
    """A generated arch of ``view_type`` for ``model`` (KeyError for other types)."""
    return GENERATORS[view_type](model)
