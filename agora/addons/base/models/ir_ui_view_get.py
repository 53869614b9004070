"""``get_views``: the view definitions the web client asks for, ready for one user.

For each requested ``[view_id or False, view_type]`` the combined arch (primary view and
its active extensions, see :mod:`ir_ui_view`) or a generated default, post-processed for
the caller: nodes of groups the user is not in and fields the user may not read are
removed, unknown fields are refused. The answer also describes every field the archs use
(per model: x2many subviews belong to the comodel), so the client reads exactly those.

Cost: the views of the model are loaded in one search and one fetch whatever the number
of types; combination happens in memory; group checks are batched.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from lxml import etree

from agora import api, models
from agora.addons.base.models.ir_ui_view import parse_arch
from agora.addons.base.views_default import GENERATORS, default_arch
from agora.orm import access
from agora.orm.exceptions import MissingError, ValidationError

#: the client may still say "tree" (Odoo < 18); the answer's archs always say "list"
ALIASES = {"tree": "list"}
VIEW_TYPES = frozenset(GENERATORS)
#: tags of the inline subviews an x2many field node may hold
SUBVIEW_TAGS = frozenset({"list", "tree", "form", "kanban"})
#: fields the client always reads, used by an arch or not
ALWAYS = ("id", "display_name")


class InvalidViewError(ValidationError):
    """A requested view does not exist for the model and type, or the request is malformed."""


def _requested(model_name: str, views: Any) -> list[tuple[int | None, str, str]]:
    """``(view_id or None, view_type, key)`` per requested pair; ``key`` is the type as
    the client spelled it (the answer is keyed by it)."""
    if not isinstance(views, list | tuple):
        raise InvalidViewError("get_views: views must be a list of [view_id, view_type]",
                               model=model_name)
    result = []
    for pair in views:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise InvalidViewError(f"get_views: expected [view_id, view_type], got {pair!r}",
                                   model=model_name)
        view_id, key = pair
        view_type = ALIASES.get(key, key) if isinstance(key, str) else key
        if view_type not in VIEW_TYPES:
            raise InvalidViewError(f"get_views: unknown view type {key!r} (expected one of "
                                   f"{', '.join(sorted(VIEW_TYPES))})", model=model_name)
        if view_id is False or view_id is None:
            view_id = None
        elif isinstance(view_id, bool) or not isinstance(view_id, int):
            raise InvalidViewError(f"get_views: invalid view id {view_id!r}",
                                   model=model_name)
        result.append((view_id, view_type, key))
    return result


class _Combiner:
    """Combines views from records loaded once (no query per extension)."""

    def __init__(self, views: models.BaseModel) -> None:
        self.by_id = {view.id: view for view in views}
        self.children: dict[int, list[Any]] = defaultdict(list)
        for view in views:
            if view.mode == "extension" and view.active and view.inherit_id:
                self.children[view.inherit_id.id].append(view)
        for family in self.children.values():
            family.sort(key=lambda v: (v.priority, v.id))

    def root(self, view: Any) -> Any:
        while view.mode == "extension" and view.inherit_id:
            view = view.inherit_id
        return view

    def tree(self, view: Any) -> etree._Element:
        """The combined arch of primary ``view``."""
        if view.inherit_id and view.inherit_id.id not in self.by_id:
            # derived from a view of another model or type: rare, let ir.ui.view load it
            return parse_arch(view.get_combined_arch())
        if view.inherit_id:
            arch = view._apply_spec(self.tree(self.root(view.inherit_id)))
        else:
            arch = parse_arch(view.arch)
        return self._extend(view, arch)

    def _extend(self, view: Any, arch: etree._Element) -> etree._Element:
        for child in self.children.get(view.id, ()):
            arch = self._extend(child, child._apply_spec(arch))
        return arch


class _PostProcessor:
    """Strips an arch of what the user may not see and collects the fields it uses."""

    def __init__(self, env: Any) -> None:
        self.env = env
        self.policy = access.active_policy(env)
        self.fields: dict[str, dict[str, None]] = defaultdict(dict)  # ordered sets

    def preload_groups(self, archs: list[etree._Element], model_name: str) -> None:
        """Resolve every group external id the archs and the models' fields name in one
        query, instead of one per ``groups`` attribute."""
        load = getattr(self.policy, "_group_ids_of", None)
        if load is None:
            return
        specs = {node.get("groups") for arch in archs for node in arch.iter()
                 if isinstance(node.tag, str) and node.get("groups")}
        specs.update(f.groups for f in self.env[model_name]._fields.values() if f.groups)
        xmlids = {item.strip().lstrip("!").strip() for spec in specs for item in spec.split(",")}
        if xmlids - {""}:
            load(self.env, tuple(sorted(xmlids - {""})))

    def user_in(self, spec: str) -> bool:
        if self.policy is None:
            return True  # superuser, or no access control installed
        check = getattr(self.policy, "user_in_groups", None)
        if check is not None:
            return check(self.env, spec)
        user = self.env["res.users"].browse(self.env.uid)
        items = [i.strip() for i in spec.split(",") if i.strip()]
        positive = [i for i in items if not i.startswith("!")]
        return (not positive or any(user.has_group(i) for i in positive)) and \
            not any(user.has_group(i[1:].strip()) for i in items if i.startswith("!"))

    def process(self, arch: etree._Element, model: Any, view_name: str) -> None:
        for name in ALWAYS:
            self.fields[model._name].setdefault(name)
        self._walk(arch, model, view_name)

    def _walk(self, node: etree._Element, model: Any, view_name: str) -> None:
        for child in list(node):
            if not isinstance(child.tag, str):
                continue  # comments
            groups = child.get("groups")
            if groups is not None:
                if not self.user_in(groups):
                    node.remove(child)
                    continue
                del child.attrib["groups"]  # decided here; the client has no use for it
            if child.tag == "field":
                if not self._field(child, model, view_name):
                    node.remove(child)
                continue
            self._walk(child, model, view_name)

    def _field(self, node: etree._Element, model: Any, view_name: str) -> bool:
        """Record the field of ``node``; False if the user may not read it."""
        name = node.get("name")
        field = model._fields.get(name) if name else None
        if field is None:
            raise ValidationError(
                f"View {view_name!r}: field {name!r} does not exist on model "
                f"{model._name!r}", model=model._name, field=name or None)
        if field.groups and not access.accessible_fields(model, [field]):
            return False
        self.fields[model._name].setdefault(name)
        subviews = [c for c in node if isinstance(c.tag, str) and c.tag in SUBVIEW_TAGS]
        if subviews and field.type in ("one2many", "many2many"):
            comodel = model.env[field.comodel_name]
            for subview in subviews:
                if subview.tag == "tree":
                    subview.tag = "list"
                self.process(subview, comodel, view_name)
        else:
            self._walk(node, model, view_name)  # e.g. nodes with groups inside
        return True


class IrUiViewGet(models.Model):
    _inherit = "ir.ui.view"

    @api.model
    def _get_views_for(self, model_name: str, views: Any,
                       options: dict[str, Any] | None = None) -> dict[str, Any]:
        """The answer of ``env[model_name].get_views(views, options)``."""
        model = self.env[model_name]
        requested = _requested(model_name, views)
        loaded = self._load_views(model_name, {t for _id, t, _key in requested})
        combiner = _Combiner(loaded)
        entries = []
        for view_id, view_type, key in requested:
            view = self._pick(combiner, model_name, view_id, view_type)
            if view:
                arch, name = combiner.tree(view), view.name
            else:
                arch, name = default_arch(model, view_type), f"default {view_type} view"
            if arch.tag == "tree":
                arch.tag = "list"
            entries.append((key, arch, view.id if view else False, name))
        processor = _PostProcessor(self.env)
        processor.preload_groups([arch for _key, arch, _id, _name in entries], model_name)
        result: dict[str, Any] = {"views": {}, "models": {}}
        for key, arch, view_id, name in entries:
            processor.process(arch, model, name)
            view_info: dict[str, Any] = {"arch": etree.tostring(arch, encoding="unicode"),
                                         "id": view_id, "model": model_name}
            if arch.tag == "search" and (options or {}).get("load_filters"):
                view_info["filters"] = []  # no saved filters (ir.filters) yet
            result["views"][key] = view_info
        for name, used in processor.fields.items():
            result["models"][name] = {"fields": self.env[name].fields_get(list(used))}
        return result

    @api.model
    def _load_views(self, model_name: str, view_types: set[str]) -> models.BaseModel:
        """Every view (inactive ones too: an inactive view may be asked for by id) of
        ``model_name`` and these types, with the fields combination needs, in one search
        and one fetch. Read as superuser: views are not secret, what they show is
        filtered for the user afterwards."""
        views = self.sudo().with_context(active_test=False).search(
            [("model", "=", model_name), ("type", "in", sorted(view_types))],
            order="priority, id")
        for view in views[:1]:
            view.arch  # noqa: B018  (prefetches every field of every view at once)
        return views

    def _pick(self, combiner: _Combiner, model_name: str, view_id: int | None,
              view_type: str) -> Any:
        """The primary view to show: ``view_id``'s root, else the active primary view
        of the lowest priority, else an empty recordset (a default arch is generated)."""
        if view_id is None:
            candidates = [v for v in combiner.by_id.values()
                          if v.type == view_type and v.mode == "primary" and v.active]
            return min(candidates, key=lambda v: (v.priority, v.id)) if candidates \
                else self.browse()
        view = combiner.by_id.get(view_id)
        if view is None:
            view = self.sudo().with_context(active_test=False).browse(view_id)
            if not view.exists():
                raise MissingError(f"get_views: view {view_id} does not exist",
                                   model=self._name)
        if view.model != model_name or view.type != view_type:
            raise InvalidViewError(
                f"get_views: view {view.name!r} ({view_id}) is a {view.type} view of "
                f"{view.model!r}, not a {view_type} view of {model_name!r}",
                model=model_name)
        return combiner.root(view)
