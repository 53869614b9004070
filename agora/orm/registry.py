"""The registry of one database: final model classes composed from every definition,
their fields set up, and the dependency graph of computed fields."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from agora.db.sql import check_identifier
from agora.orm import fields as F
from agora.orm.fields import Field
from agora.orm.fields.scalar import Id
from agora.orm.models import BaseModel, MetaModel

_MAGIC = ("id", "display_name", "create_date", "write_date", "create_uid", "write_uid")


class Registry(Mapping[str, type[BaseModel]]):
    """Model name -> final class, for one database."""

    registries: ClassVar[dict[str, Registry]] = {}

    def __init__(self, dbname: str) -> None:
        self.dbname = dbname
        self.models: dict[str, type[BaseModel]] = {}
        #: field -> [(dependent computed field, path of fields leading back)]
        self.field_triggers: dict[Field, list[tuple[Field, tuple[Field, ...]]]] = {}
        #: relational fields that appear before the end of some dependency path
        self.path_fields: set[Field] = set()
        #: relational field -> fields caching the other side of the same relation
        self.inverse_fields: dict[Field, list[Field]] = {}
        #: access control (agora.orm.access.AccessPolicy); None: everything is allowed
        self.access_policy: Any = None

    @classmethod
    def get(cls, dbname: str) -> Registry:
        try:
            return cls.registries[dbname]
        except KeyError:
            raise KeyError(f"no registry loaded for database {dbname!r}") from None

    @classmethod
    def build(cls, dbname: str, definitions: Iterable[type[BaseModel]]) -> Registry:
        """Compose ``definitions`` (in load order) into a registry and register it."""
        registry = cls(dbname)
        registry.load(list(definitions))
        cls.registries[dbname] = registry
        return registry

    @staticmethod
    def definitions_of(modules: Iterable[str]) -> list[type[BaseModel]]:
        result: list[type[BaseModel]] = []
        for module in modules:
            result.extend(MetaModel.module_definitions.get(module, ()))
        return result

    # -- Mapping -----------------------------------------------------------------------
    def __getitem__(self, name: str) -> type[BaseModel]:
        return self.models[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.models)

    def __len__(self) -> int:
        return len(self.models)

    # -- composition ---------------------------------------------------------------------
    def load(self, definitions: list[type[BaseModel]]) -> None:
        creations: dict[str, tuple[type, list[str]]] = {}
        extensions: dict[str, list[tuple[type, list[str]]]] = defaultdict(list)
        order: list[str] = []
        for definition in definitions:
            own = definition.__dict__
            inherit = own.get("_inherit") or ()
            inherit = [inherit] if isinstance(inherit, str) else list(inherit)
            # as in Odoo, without _name the first inherited model is the one extended
            name = own.get("_name") or (inherit[0] if inherit else None)
            if not name:
                raise TypeError(f"{definition.__qualname__}: set _name or _inherit")
            if name in inherit:
                extensions[name].append((definition, [p for p in inherit if p != name]))
            elif "_name" in own and name not in creations:
                creations[name] = (definition, inherit)
                order.append(name)
            elif "_name" in own:
                raise TypeError(f"model {name!r} is defined twice")
            else:
                extensions[name].append((definition, []))
        unknown = set(extensions) - set(creations)
        if unknown:
            raise TypeError(f"models extended but never defined: {sorted(unknown)}")
        built: dict[str, type[BaseModel]] = {}

        def build(name: str, stack: tuple[str, ...] = ()) -> type[BaseModel]:
            if name in built:
                return built[name]
            if name in stack:
                raise TypeError(f"inheritance cycle: {' -> '.join((*stack, name))}")
            if name not in creations:
                raise TypeError(f"model {stack[-1] if stack else '?'} inherits unknown {name!r}")
            definition, parents = creations[name]
            bases = [definition, *(build(p, (*stack, name)) for p in parents)]
            cls = type(name, tuple(bases), {"_name": name, "_generated": True,
                                            "__module__": definition.__module__})
            for extension, more in extensions.get(name, ()):
                cls = type(name, (extension, cls, *(build(p, (*stack, name)) for p in more)),
                           {"_name": name, "_generated": True,
                            "__module__": extension.__module__})
            final = type(name, (cls,), {"_name": name, "_generated": True,
                                        "__module__": cls.__module__})
            built[name] = final
            return final

        for name in order:
            build(name)
        self.models = {name: built[name] for name in order}
        self.setup_models()

    def setup_models(self) -> None:
        for model in self.models.values():
            self._setup_attributes(model)
        for model in self.models.values():
            self._setup_fields(model)
        pending = list(self.models.values())
        done: set[str] = set()
        while pending:  # _inherits parents first
            progressed = False
            for model in list(pending):
                if all(parent in done for parent in model._inherits):
                    self._setup_inherits(model)
                    done.add(model._name)
                    pending.remove(model)
                    progressed = True
            if not progressed:
                raise TypeError(f"_inherits cycle among {[m._name for m in pending]}")
        for model in self.models.values():
            for field in model._fields.values():
                field.setup_related(self)
                if field.related:
                    self._setup_related_field(model, field)
        for model in self.models.values():
            display_name = model._fields["display_name"]
            if not display_name.depends:
                # The default display name is the record's name (possibly delegated by
                # _inherits, hence after that set-up): renaming must invalidate it.
                rec_name = model._rec_name if model._rec_name in model._fields else (
                    "name" if "name" in model._fields else None)
                if rec_name:
                    display_name.depends = (rec_name,)
            self._setup_model_caches(model)
        self._setup_triggers()

    def _setup_attributes(self, model: type[BaseModel]) -> None:
        if not model.__dict__.get("_table"):
            inherited = next((k.__dict__["_table"] for k in model.__mro__[1:]
                              if k.__dict__.get("_table") and k.__dict__.get("_name") in
                              (None, model._name) and not k.__dict__.get("_generated")), None)
            model._table = inherited or model._name.replace(".", "_")
        check_identifier(model._table)
        # Only this model's own definitions decide: a value set on a mixin's final class
        # (mail.thread's False, being abstract) must not leak into the models using it.
        declared = next((k.__dict__["_log_access"] for k in model.__mro__
                         if k.__dict__.get("_log_access") is not None
                         and not k.__dict__.get("_generated")
                         and k.__dict__.get("_name") in (None, model._name)), None)
        model._log_access = model._auto if declared is None else declared
        constraints: dict[str, tuple[str, str, str]] = {}
        for klass in reversed(model.__mro__):
            for item in klass.__dict__.get("_sql_constraints", ()):
                constraints[item[0]] = tuple(item)  # type: ignore[assignment]
        model._sql_constraints = list(constraints.values())
        for name, _definition, _message in model._sql_constraints:
            check_identifier(f"{model._table}_{name}")
        model._description = model._description or model._name

    def _setup_fields(self, model: type[BaseModel]) -> None:
        definitions: dict[str, list[Field]] = {}
        for klass in reversed(model.__mro__):
            for name, value in klass.__dict__.items():
                if isinstance(value, Field):
                    definitions.setdefault(name, []).append(value)
        magic: dict[str, Field] = {
            "id": Id(string="ID", readonly=True, copy=False),
            "display_name": F.Char(string="Display Name", compute="_compute_display_name"),
        }
        if model._log_access:
            magic["create_date"] = F.Datetime(string="Created on", readonly=True, copy=False)
            magic["write_date"] = F.Datetime(string="Last Updated on", readonly=True, copy=False)
            if "res.users" in self.models:
                for name, label in (("create_uid", "Created by"), ("write_uid", "Last Updated by")):
                    magic[name] = F.Many2one("res.users", string=label, readonly=True,
                                             copy=False, ondelete="set null")
        for name, field in magic.items():
            definitions.setdefault(name, []).insert(0, field)
        if model._parent_store and "parent_path" not in definitions:
            definitions["parent_path"] = [F.Char(string="Parent Path", index=True, copy=False,
                                                 readonly=True)]
        model._fields = {}
        for name, defs in definitions.items():
            check_identifier(name)
            kind = type(defs[-1])
            args: dict[str, Any] = {}
            for definition in defs:
                args = kind.merge_args(args, definition._args)
            field = kind.__new__(kind)
            field.setup(model, name, args)
            if name == "id":
                field.store = True
            setattr(model, name, field)
            model._fields[name] = field
        model._own_field_names = frozenset(model._fields)  # type: ignore[attr-defined]

    def _setup_inherits(self, model: type[BaseModel]) -> None:
        for parent_name, link in model._inherits.items():
            parent = self.models.get(parent_name)
            if parent is None:
                raise TypeError(f"{model._name}._inherits: unknown model {parent_name!r}")
            if link not in model._fields:
                raise TypeError(f"{model._name}._inherits: missing Many2one {link!r}")
            link_field = model._fields[link]
            link_field.required = True
            # Deleting the parent deletes the child unless the model asked to protect it
            # (res.users: a user's partner cannot be deleted while the user exists).
            if link_field._args.get("ondelete") != "restrict":
                link_field.ondelete = "cascade"
            for name, parent_field in parent._fields.items():
                if name in model._fields or name in _MAGIC:
                    continue
                args = {k: v for k, v in parent_field._args.items()
                        if k in ("string", "help", "selection", "comodel_name", "digits",
                                 "currency_field", "size", "inverse_name", "relation",
                                 "column1", "column2")}
                args.update(related=f"{link}.{name}", readonly=False)
                field = type(parent_field).__new__(type(parent_field))
                field.setup(model, name, args)
                setattr(model, name, field)
                model._fields[name] = field

    def _setup_related_field(self, model: type[BaseModel], field: Field) -> None:
        current: type[BaseModel] = model
        target: Field | None = None
        for name in field.related.split("."):
            target = current._fields.get(name)
            if target is None:
                raise TypeError(f"{field}: related path {field.related!r} is broken at {name!r}")
            if target.relational:
                current = self.models[target.comodel_name]
        assert target is not None
        if type(target) is not type(field):
            raise TypeError(f"{field}: type differs from related {target}")
        for attribute in ("comodel_name", "selection", "digits", "currency_field", "size"):
            if hasattr(target, attribute) and attribute not in field._args:
                setattr(field, attribute, getattr(target, attribute))
        if "string" not in field._args:
            field.string = target.string

    def _setup_model_caches(self, model: type[BaseModel]) -> None:
        fields = model._fields.values()
        model._column_fields = tuple(f for f in fields if f.column and f.name != "id")
        model._prefetch_fields = tuple(f for f in model._column_fields if f.prefetch)
        model._x2many_fields = tuple(  # type: ignore[attr-defined]
            f for f in fields if f.type in ("one2many", "many2many") and not f.computed)
        model._stored_computed_fields = tuple(  # type: ignore[attr-defined]
            f for f in fields if f.computed and f.store and f.column)
        model._required_fields = tuple(  # type: ignore[attr-defined]
            f for f in model._column_fields if f.required and not f.computed)
        methods = []
        for name in dir(model):
            if name.startswith("__"):
                continue
            member = getattr(model, name, None)
            if callable(member) and getattr(member, "_constrains", None):
                methods.append(member)
        model._constraint_methods = methods
        for field in fields:
            if field.type == "one2many" and not field.computed:
                inverse = self.models[field.comodel_name]._fields[field.inverse_name]
                self.inverse_fields.setdefault(inverse, []).append(field)
            if field.type == "many2many" and not field.computed:
                for other_model in self.models.values():
                    for other in other_model._fields.values():
                        if other.type == "many2many" and other is not field and \
                                getattr(other, "relation", None) == field.relation:
                            self.inverse_fields.setdefault(field, []).append(other)

    def resolve_path(self, model: type[BaseModel], path: str) -> list[Field]:
        fields: list[Field] = []
        current = model
        for name in path.split("."):
            field = current._fields.get(name)
            if field is None:
                raise TypeError(f"{model._name}: dependency {path!r} is broken at {name!r}")
            fields.append(field)
            if field.relational:
                current = self.models[field.comodel_name]
        return fields

    def _setup_triggers(self) -> None:
        triggers: dict[Field, list[tuple[Field, tuple[Field, ...]]]] = defaultdict(list)
        for model in self.models.values():
            for field in model._fields.values():
                if not field.computed:
                    continue
                for path in field.depends:
                    chain = self.resolve_path(model, path)
                    for index, step in enumerate(chain):
                        entry = (field, tuple(chain[:index]))
                        if entry not in triggers[step]:
                            triggers[step].append(entry)
                        if index < len(chain) - 1:
                            self.path_fields.add(step)
                        if step.type == "one2many" and not step.computed:
                            # Moving a line to another parent (writing its many2one) changes
                            # the one2many of both parents: the old one is reached before
                            # the write (path field), the new one after.
                            inverse = self.models[step.comodel_name]._fields[step.inverse_name]
                            entry = (field, tuple(chain[:index + 1]))
                            if entry not in triggers[inverse]:
                                triggers[inverse].append(entry)
                            self.path_fields.add(inverse)
        self.field_triggers = dict(triggers)

    # -- convenience for callers -------------------------------------------------------------
    def sync_schema(self, cr: Any) -> None:
        from agora.orm.schema import sync_schema
        sync_schema(self, cr)
