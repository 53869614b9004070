"""Load an XML data file (Odoo vocabulary): ``<record>``, ``<menuitem>``, ``<function>``,
``<delete>``, inside ``<odoo>`` / ``<agora>`` and optional ``<data noupdate="1">``.

Expressions in ``eval``/``search`` attributes are evaluated by a small AST interpreter
(:func:`safe_eval`) that knows literals, containers, simple arithmetic and comparisons,
``ref('xmlid')``, ``Command.*`` and a few date helpers; nothing else, in particular no
attribute whose name starts with ``_`` and no call to anything not on the allow-list.
"""

from __future__ import annotations

import ast
import base64
import datetime
import operator
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

from agora.modules.manifest import ManifestError
from agora.orm.commands import Command
from agora.orm.environment import Environment

ROOT_TAGS = ("odoo", "agora", "openerp")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class DataFileError(ManifestError):
    """A data file (XML or CSV) could not be loaded; names the file, line and external id.

    The original exception, if any, is chained as ``__cause__``."""

    def __init__(self, message: str, *, path: Path | str, line: int | None = None,
                 xmlid: str | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.xmlid = xmlid
        self.reason = message
        where = f"{self.path}:{line}" if line else self.path
        what = f" [{xmlid}]" if xmlid else ""
        super().__init__(f"{where}{what}: {message}")


# -- safe expression evaluation ---------------------------------------------------------------

class UnsafeExpression(ValueError):
    """An ``eval`` expression uses something the data-file evaluator does not allow."""


_MAX_SIZE = 100_000  # longest string / list an expression may build
_MAX_POWER = 64

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARYOPS: dict[type, Callable[[Any], Any]] = {
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_,
    ast.IsNot: operator.is_not, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_SIZED = (str, bytes, list, tuple)


class _TimeHelpers:
    """What ``time`` means inside an expression: ``time.strftime(fmt)`` only."""

    strftime = staticmethod(time.strftime)


_TIME = _TimeHelpers()

#: object -> attributes an expression may read (or call) on it
_NAMESPACES: dict[int, frozenset[str]] = {
    id(Command): frozenset({"create", "update", "delete", "unlink", "link", "clear", "set",
                            "CREATE", "UPDATE", "DELETE", "UNLINK", "LINK", "CLEAR", "SET"}),
    id(_TIME): frozenset({"strftime"}),
    id(datetime.datetime): frozenset({"today", "now", "strptime", "combine",
                                      "fromisoformat"}),
    id(datetime.date): frozenset({"today", "fromisoformat"}),
}
#: type -> attributes an expression may read (or call) on its instances
_INSTANCE_ATTRS: tuple[tuple[type | tuple[type, ...], frozenset[str]], ...] = (
    ((datetime.date, datetime.datetime), frozenset({
        "strftime", "isoformat", "replace", "date", "year", "month", "day", "hour",
        "minute", "second", "weekday", "isoweekday"})),
    (datetime.timedelta, frozenset({"days", "seconds", "total_seconds"})),
    (str, frozenset({"strip", "lower", "upper", "split", "startswith", "endswith"})),
    (dict, frozenset({"get", "keys", "values", "items"})),
)


def _base_names() -> dict[str, Any]:
    names: dict[str, Any] = {
        "True": True, "False": False, "None": None, "Command": Command, "time": _TIME,
        "datetime": datetime.datetime, "DateTime": datetime.datetime,
        "date": datetime.date, "timedelta": datetime.timedelta,
    }
    try:
        from dateutil.relativedelta import relativedelta
    except ImportError:  # pragma: no cover - dateutil is optional
        pass
    else:
        names["relativedelta"] = relativedelta
    return names


#: plain callables an expression may call by name
_CALLABLES = (datetime.timedelta, datetime.date, datetime.datetime)


def safe_eval(expression: str, names: dict[str, Any] | None = None) -> Any:
    """Evaluate a data-file expression. ``names`` adds callables/values (``ref``...).

    Raises :class:`UnsafeExpression` for anything outside the allowed subset."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise UnsafeExpression(f"invalid expression {expression!r}: {exc.msg}") from None
    scope = _base_names()
    callables = set(map(id, _CALLABLES))
    for key, value in (names or {}).items():
        scope[key] = value
        if callable(value):
            callables.add(id(value))
    if "relativedelta" in scope:
        callables.add(id(scope["relativedelta"]))
    return _Evaluator(scope, callables).visit(tree.body)


class _Evaluator:
    def __init__(self, names: dict[str, Any], callables: set[int]) -> None:
        self.names = names
        self.callables = callables

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise UnsafeExpression(f"{type(node).__name__} is not allowed in data files")
        return method(node)

    @staticmethod
    def _check_size(value: Any) -> Any:
        if isinstance(value, _SIZED) and len(value) > _MAX_SIZE:
            raise UnsafeExpression("expression result is too large")
        return value

    def visit_Constant(self, node: ast.Constant) -> Any:
        if node.value is Ellipsis:
            raise UnsafeExpression("... is not allowed in data files")
        return node.value

    def visit_List(self, node: ast.List) -> list[Any]:
        return [self.visit(item) for item in node.elts]

    def visit_Tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        return tuple(self.visit(item) for item in node.elts)

    def visit_Set(self, node: ast.Set) -> set[Any]:
        return {self.visit(item) for item in node.elts}

    def visit_Dict(self, node: ast.Dict) -> dict[Any, Any]:
        result = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                raise UnsafeExpression("** unpacking is not allowed in data files")
            result[self.visit(key)] = self.visit(value)
        return result

    def visit_Starred(self, node: ast.Starred) -> Any:
        raise UnsafeExpression("* unpacking is not allowed in data files")

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id not in self.names:
            raise UnsafeExpression(f"name {node.id!r} is not allowed in data files")
        return self.names[node.id]

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        op = _UNARYOPS.get(type(node.op))
        if op is None:
            raise UnsafeExpression(f"operator {type(node.op).__name__} is not allowed")
        return op(self.visit(node.operand))

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise UnsafeExpression(f"operator {type(node.op).__name__} is not allowed")
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Pow) and (
                not isinstance(right, int | float) or abs(right) > _MAX_POWER):
            raise UnsafeExpression("exponent too large")
        if isinstance(node.op, ast.Mod) and isinstance(left, str | bytes):
            raise UnsafeExpression("string formatting is not allowed in data files")
        if isinstance(node.op, ast.Mult):
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, _SIZED) and isinstance(count, int) and \
                        len(seq) * count > _MAX_SIZE:
                    raise UnsafeExpression("expression result is too large")
        return self._check_size(op(left, right))

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for item in node.values:
            value = self.visit(item)
            if isinstance(node.op, ast.And) and not value:
                return value
            if isinstance(node.op, ast.Or) and value:
                return value
        return value

    def visit_Compare(self, node: ast.Compare) -> bool:
        left = self.visit(node.left)
        for op_node, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            if not _CMPOPS[type(op_node)](left, right):
                return False
            left = right
        return True

    def visit_IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        value = self.visit(node.value)
        if not isinstance(value, list | tuple | dict | str):
            raise UnsafeExpression("subscripts are only allowed on lists, tuples, dicts, strings")
        return value[self.visit(node.slice)]

    def visit_Slice(self, node: ast.Slice) -> slice:
        parts = [None if part is None else self.visit(part)
                 for part in (node.lower, node.upper, node.step)]
        return slice(*parts)

    def _attribute(self, node: ast.Attribute) -> Any:
        name = node.attr
        if name.startswith("_"):
            raise UnsafeExpression(f"attribute {name!r} is not allowed in data files")
        owner = self.visit(node.value)
        allowed = _NAMESPACES.get(id(owner))
        if allowed is None:
            for types, attrs in _INSTANCE_ATTRS:
                if isinstance(owner, types):
                    allowed = attrs
                    break
        if allowed is None or name not in allowed:
            raise UnsafeExpression(f"attribute {name!r} of {type(owner).__name__} is not "
                                   "allowed in data files")
        return getattr(owner, name)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        return self._attribute(node)

    def visit_Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Attribute):
            function = self._attribute(node.func)
        elif isinstance(node.func, ast.Name):
            function = self.visit_Name(node.func)
            if id(function) not in self.callables:
                raise UnsafeExpression(f"calling {node.func.id!r} is not allowed in data files")
        else:
            raise UnsafeExpression("only named functions may be called in data files")
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise UnsafeExpression("* unpacking is not allowed in data files")
            args.append(self.visit(arg))
        kwargs = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                raise UnsafeExpression("** unpacking is not allowed in data files")
            kwargs[keyword.arg] = self.visit(keyword.value)
        return self._check_size(function(*args, **kwargs))


# -- the loader --------------------------------------------------------------------------------

def parse_bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def qualify(xmlid: str, module: str) -> str:
    """``name`` -> ``module.name``; ``other.name`` stays."""
    return xmlid if "." in xmlid else f"{module}.{xmlid}"


def module_root(path: Path, module: str) -> Path:
    """The addon directory holding ``path`` (the nearest ancestor named ``module``), else the
    file's own directory."""
    for parent in path.resolve().parents:
        if parent.name == module:
            return parent
    return path.resolve().parent


class DataLoader:
    """What loading one data file of a module needs, whatever its format."""

    def __init__(self, env: Environment, module: str, path: Path, update: bool,
                 noupdate: bool) -> None:
        self.env = env
        self.module = module
        self.path = path
        self.update = update
        self.noupdate = noupdate
        self.data = env["ir.model.data"]

    def resolve(self, xmlid: str) -> tuple[str, int | bool]:
        """The full external id (module-qualified) and its record id, False if unknown."""
        full = qualify(xmlid, self.module)
        return full, self.data._xmlid_to_res_id(full, raise_if_not_found=False)


class _XmlLoader(DataLoader):
    def __init__(self, env: Environment, module: str, path: Path, update: bool,
                 noupdate: bool) -> None:
        super().__init__(env, module, path, update, noupdate)
        self.declared: set[str] = set()

    # -- errors ----------------------------------------------------------------------
    def error(self, message: str, node: Any, xmlid: str | None = None) -> DataFileError:
        return DataFileError(message, path=self.path, line=getattr(node, "sourceline", None),
                             xmlid=xmlid)

    # -- helpers ---------------------------------------------------------------------
    def ref(self, xmlid: str, node: Any, owner: str | None = None) -> int:
        if not isinstance(xmlid, str) or not xmlid:
            raise self.error(f"ref() expects an external id, got {xmlid!r}", node, owner)
        full, res_id = self.resolve(xmlid)
        if not res_id:
            raise self.error(f"External ID not found: {full}", node, owner)
        return res_id

    def lookup(self, xmlid: str, node: Any, owner: str | None = None) -> tuple[str, int]:
        full = qualify(xmlid, self.module)
        try:
            return self.data._xmlid_lookup(full)
        except Exception as exc:
            raise self.error(f"External ID not found: {full}", node, owner) from exc

    def eval(self, expression: str, node: Any, owner: str | None = None,
             **names: Any) -> Any:
        def ref(xmlid: str) -> int:
            return self.ref(xmlid, node, owner)

        try:
            return safe_eval(expression, {"ref": ref, **names})
        except DataFileError:
            raise
        except UnsafeExpression as exc:
            raise self.error(str(exc), node, owner) from exc
        except Exception as exc:
            raise self.error(f"cannot evaluate {expression!r}: {exc}", node, owner) from exc

    def bool_attr(self, node: Any, name: str, default: bool) -> bool:
        try:
            return parse_bool(node.get(name), default)
        except ValueError as exc:
            raise self.error(f"attribute {name}: {exc}", node) from None

    def model_of(self, node: Any, owner: str | None = None) -> str:
        model = node.get("model")
        if not model:
            raise self.error(f"<{node.tag}> needs a model attribute", node, owner)
        if model not in self.env:
            raise self.error(f"unknown model {model!r}", node, owner)
        return model

    def context_of(self, node: Any, owner: str | None = None) -> dict[str, Any]:
        raw = node.get("context")
        if not raw:
            return {}
        context = self.eval(raw, node, owner)
        if not isinstance(context, dict):
            raise self.error("context must evaluate to a dict", node, owner)
        return context

    # -- walking ---------------------------------------------------------------------
    def load(self) -> set[str]:
        parser = etree.XMLParser(remove_comments=True, resolve_entities=False,
                                 no_network=True, huge_tree=False)
        try:
            tree = etree.parse(str(self.path), parser)
        except (OSError, etree.XMLSyntaxError) as exc:
            raise DataFileError(f"cannot parse XML: {exc}", path=self.path,
                                line=getattr(exc, "lineno", None)) from exc
        root = tree.getroot()
        if root.tag not in ROOT_TAGS:
            raise self.error(f"root element must be <odoo> or <agora>, not <{root.tag}>", root)
        self.section(root)
        return self.declared

    def section(self, node: Any) -> None:
        saved = self.noupdate
        if node.get("noupdate") is not None:
            self.noupdate = self.bool_attr(node, "noupdate", False)
        try:
            for child in node:
                if not isinstance(child.tag, str):
                    continue  # processing instruction, entity
                if child.tag == "data":
                    self.section(child)
                    continue
                handler = getattr(self, f"tag_{child.tag}", None)
                if handler is None:
                    raise self.error(f"unsupported element <{child.tag}>", child)
                handler(child)
        finally:
            self.noupdate = saved

    def guarded(self, node: Any, xmlid: str | None, work: Callable[[], Any]) -> Any:
        """Run ``work``; wrap whatever fails into a DataFileError for ``node``."""
        try:
            return work()
        except DataFileError:
            raise
        except Exception as exc:
            raise self.error(f"{type(exc).__name__}: {exc}", node, xmlid) from exc

    # -- <record> ----------------------------------------------------------------------
    def tag_record(self, node: Any, extra: dict[str, Any] | None = None) -> Any:
        raw_id = node.get("id")
        xmlid = qualify(raw_id, self.module) if raw_id else None
        if xmlid:
            self.declared.add(xmlid)
        return self.guarded(node, xmlid, lambda: self._record(node, xmlid, extra or {}))

    def _record(self, node: Any, xmlid: str | None, extra: dict[str, Any]) -> Any:
        model = self.model_of(node, xmlid)
        if self.update and self.noupdate:
            # an existing record of a noupdate section is left as it is
            if not xmlid:
                return None
            existing = self.data._xmlid_to_record(xmlid, raise_if_not_found=False)
            if existing:
                return existing
            if not self.bool_attr(node, "forcecreate", True):
                return None
        target = self.env[model]
        context = self.context_of(node, xmlid)
        if context:
            target = target.with_context({**self.env.context, **context})
        values, nested = self.record_values(node, target, xmlid)
        values.update(extra)
        if xmlid:
            record = self.data.with_env(target.env)._load_record(
                xmlid, model, values, module=self.module, noupdate=self.noupdate,
                update=self.update)
        else:
            record = target.create(values)
        for field, children in nested:
            self.nested_records(record, field, children)
        return record

    def record_values(self, node: Any, target: Any, xmlid: str | None
                      ) -> tuple[dict[str, Any], list[tuple[Any, list[Any]]]]:
        values: dict[str, Any] = {}
        nested: list[tuple[Any, list[Any]]] = []
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "field":
                raise self.error(f"unexpected <{child.tag}> in <record>", child, xmlid)
            name = child.get("name")
            if not name:
                raise self.error("<field> needs a name attribute", child, xmlid)
            field = target._fields.get(name)
            if field is None:
                raise self.error(f"model {target._name} has no field {name!r}", child, xmlid)
            records = [c for c in child if isinstance(c.tag, str) and c.tag == "record"]
            if records:
                if field.type not in ("one2many", "many2many"):
                    raise self.error(f"nested <record> needs a one2many or many2many field, "
                                     f"{name} is {field.type}", child, xmlid)
                nested.append((field, records))
                continue
            values[name] = self.field_value(child, field, xmlid)
        return values, nested

    def nested_records(self, parent: Any, field: Any, nodes: list[Any]) -> None:
        children = []
        for child in nodes:
            if child.get("model") and child.get("model") != field.comodel_name:
                raise self.error(f"nested record must be a {field.comodel_name}", child)
            if not child.get("model"):
                child.set("model", field.comodel_name)
            extra = {field.inverse_name: parent.id} if field.type == "one2many" else {}
            record = self.tag_record(child, extra)
            if record:
                children.append(record.id)
        if field.type == "many2many" and children:
            parent.write({field.name: [(Command.LINK, cid, 0) for cid in children]})

    def field_value(self, node: Any, field: Any, xmlid: str | None) -> Any:
        kind = field.type
        if node.get("ref") is not None:
            ref = node.get("ref")
            if not ref:
                return False
            if kind == "reference":
                model, res_id = self.lookup(ref, node, xmlid)
                return f"{model},{res_id}"
            res_id = self.ref(ref, node, xmlid)
            return [(Command.SET, 0, [res_id])] if kind in ("one2many", "many2many") else res_id
        if node.get("search") is not None:
            comodel = node.get("model") or getattr(field, "comodel_name", None)
            if not comodel or comodel not in self.env:
                raise self.error(f"search on field {field.name} needs a model", node, xmlid)
            domain = self.eval(node.get("search"), node, xmlid)
            found = self.env[comodel].search(domain)
            if kind in ("one2many", "many2many"):
                return [(Command.SET, 0, found.ids)]
            return found.ids[0] if found else False
        if node.get("eval") is not None:
            value = self.eval(node.get("eval"), node, xmlid)
            if kind == "many2one" and isinstance(value, str) and value:
                return self.ref(value, node, xmlid)
            return value
        value = self.node_value(node, xmlid)
        if isinstance(value, str):
            return self.convert_text(value, field, node, xmlid)
        return value

    def node_value(self, node: Any, xmlid: str | None) -> Any:
        """The value of a ``<field>`` or ``<value>`` given by its type/file/text."""
        kind = node.get("type", "char")
        if node.get("eval") is not None:
            return self.eval(node.get("eval"), node, xmlid)
        if node.get("file"):
            return self.file_content(node, kind, xmlid)
        if kind in ("xml", "html"):
            parts = [_escape(node.text or "")]
            parts += [etree.tostring(child, encoding="unicode") for child in node]
            return "".join(parts).strip()
        if kind in ("list", "tuple"):
            items = [self.node_value(child, xmlid) for child in node
                     if isinstance(child.tag, str) and child.tag == "value"]
            return items if kind == "list" else tuple(items)
        text = node.text or ""
        try:
            if kind == "int":
                return None if text.strip() == "None" else int(text.strip())
            if kind == "float":
                return float(text.strip())
        except ValueError as exc:
            raise self.error(f"{text!r} is not a valid {kind}", node, xmlid) from exc
        if kind == "base64":
            return base64.b64encode(text.encode()).decode()
        if kind in ("char", "text"):
            return text
        raise self.error(f"unknown type {kind!r}", node, xmlid)

    def file_content(self, node: Any, kind: str, xmlid: str | None) -> Any:
        root = module_root(self.path, self.module)
        relative = node.get("file")
        first, _sep, rest = relative.partition("/")
        candidate = (root / rest) if first == self.module and rest else (
            self.path.parent / relative)
        candidate = candidate.resolve()
        if root.resolve() not in candidate.parents:
            raise self.error(f"file {relative!r} is outside the module", node, xmlid)
        if not candidate.is_file():
            raise self.error(f"file {relative!r} not found", node, xmlid)
        content = candidate.read_bytes()
        if kind == "base64":
            return base64.b64encode(content).decode()
        return content.decode("utf-8")

    def convert_text(self, text: str, field: Any, node: Any, xmlid: str | None) -> Any:
        kind = field.type
        stripped = text.strip()
        try:
            if kind == "boolean":
                return parse_bool(stripped)
            if kind == "integer":
                return int(stripped) if stripped else False
            if kind in ("float", "monetary"):
                return float(stripped) if stripped else False
        except ValueError as exc:
            raise self.error(f"{text!r} is not a valid {kind} for {field.name}", node,
                             xmlid) from exc
        if kind == "many2one":
            if not stripped:
                return False
            return int(stripped) if stripped.isdigit() else self.ref(stripped, node, xmlid)
        if kind in ("one2many", "many2many"):
            if not stripped:
                return [(Command.CLEAR, 0, 0)]
            ids = [int(part) if part.strip().isdigit() else self.ref(part.strip(), node, xmlid)
                   for part in stripped.split(",")]
            return [(Command.SET, 0, ids)]
        if kind in ("char", "text", "html", "selection", "date", "datetime", "reference"):
            return text if kind in ("char", "text", "html") else (stripped or False)
        return text

    # -- <menuitem> --------------------------------------------------------------------
    def tag_menuitem(self, node: Any, parent_id: int | None = None) -> Any:
        raw_id = node.get("id")
        if not raw_id:
            raise self.error("<menuitem> needs an id", node)
        xmlid = qualify(raw_id, self.module)
        self.declared.add(xmlid)
        if "ir.ui.menu" not in self.env:
            raise self.error("<menuitem> needs the ir.ui.menu model, which is not installed",
                             node, xmlid)
        menu = self.guarded(node, xmlid, lambda: self._menu(node, xmlid, parent_id))
        for child in node:
            if isinstance(child.tag, str):
                if child.tag != "menuitem":
                    raise self.error(f"unexpected <{child.tag}> in <menuitem>", child, xmlid)
                self.tag_menuitem(child, menu.id if menu else None)
        return menu

    def _menu(self, node: Any, xmlid: str, parent_id: int | None) -> Any:
        if self.update and self.noupdate:
            existing = self.data._xmlid_to_record(xmlid, raise_if_not_found=False)
            if existing:
                return existing
        Menu = self.env["ir.ui.menu"]
        fields = Menu._fields
        values: dict[str, Any] = {}
        if node.get("parent"):
            values["parent_id"] = self.ref(node.get("parent"), node, xmlid)
        elif parent_id is not None:
            values["parent_id"] = parent_id
        name = node.get("name")
        action = node.get("action")
        if action:
            action_model, action_id = self.lookup(action, node, xmlid)
            field = fields.get("action")
            if field is None:
                raise self.error("ir.ui.menu has no action field", node, xmlid)
            values["action"] = (f"{action_model},{action_id}" if field.type == "reference"
                                else action_id)
            if not name and "name" in self.env[action_model]._fields:
                name = self.env[action_model].browse(action_id).name
        values["name"] = name or raw_name(xmlid)
        if node.get("sequence"):
            try:
                values["sequence"] = int(node.get("sequence"))
            except ValueError as exc:
                raise self.error("sequence must be an integer", node, xmlid) from exc
        for attr in ("web_icon", "active"):
            if node.get(attr) is not None and attr in fields:
                values[attr] = (self.bool_attr(node, attr, True) if attr == "active"
                                else node.get(attr))
        if node.get("groups"):
            group_field = "groups_id" if "groups_id" in fields else "group_ids"
            commands = []
            for group in node.get("groups").split(","):
                group = group.strip()
                if group.startswith("-"):
                    commands.append((Command.UNLINK, self.ref(group[1:], node, xmlid), 0))
                elif group:
                    commands.append((Command.LINK, self.ref(group, node, xmlid), 0))
            values[group_field] = commands
        return self.data._load_record(xmlid, "ir.ui.menu", values, module=self.module,
                                      noupdate=self.noupdate, update=self.update)

    # -- <function> --------------------------------------------------------------------
    def tag_function(self, node: Any) -> None:
        if self.update and self.noupdate:
            return
        self.guarded(node, None, lambda: self._function(node))

    def _function(self, node: Any) -> Any:
        model = self.env[self.model_of(node)]
        name = node.get("name")
        if not name:
            raise self.error("<function> needs a name attribute", node)
        context = self.context_of(node)
        if context:
            model = model.with_context({**self.env.context, **context})
        args: list[Any] = []
        if node.get("eval") is not None:
            value = self.eval(node.get("eval"), node)
            args = list(value) if isinstance(value, list | tuple) else [value]
        for child in node:
            if isinstance(child.tag, str):
                if child.tag != "value":
                    raise self.error(f"unexpected <{child.tag}> in <function>", child)
                args.append(self.value_node(child))
        method = getattr(type(model), name, None)
        if not callable(method):
            raise self.error(f"{model._name} has no method {name!r}", node)
        target = model
        if not getattr(method, "_api_model", False) and args and _looks_like_ids(args[0]):
            ids = args.pop(0)
            target = model.browse([ids] if isinstance(ids, int) else ids)
        return getattr(target, name)(*args)

    def value_node(self, node: Any) -> Any:
        if node.get("search") is not None:
            model = self.model_of(node)
            domain = self.eval(node.get("search"), node)
            return self.env[model].search(domain).ids
        return self.node_value(node, None)

    # -- <delete> ------------------------------------------------------------------------
    def tag_delete(self, node: Any) -> None:
        self.guarded(node, node.get("id"), lambda: self._delete(node))

    def _delete(self, node: Any) -> None:
        model = self.model_of(node)
        records = self.env[model]
        if node.get("search") is not None:
            records |= records.search(self.eval(node.get("search"), node))
        entries = self.data
        if node.get("id"):
            xmlid = qualify(node.get("id"), self.module)
            module, _dot, name = xmlid.partition(".")
            entries = self.data.search([("module", "=", module), ("name", "=", name)])
            if entries and entries.model != model:
                raise self.error(f"{xmlid} is a {entries.model}, not a {model}", node, xmlid)
            if entries:
                records |= records.browse(entries.res_id)
        if not node.get("id") and node.get("search") is None:
            raise self.error("<delete> needs an id or a search attribute", node)
        records = records.exists()
        if records:
            records.unlink()
        if records or entries:
            # the external ids of the deleted records go with them
            self.data.search([("model", "=", model), ("res_id", "in", records.ids)]).unlink()
            entries.exists().unlink()

    # -- not (yet) supported -----------------------------------------------------------
    def tag_template(self, node: Any) -> None:
        raise self.error("<template> (QWeb views) is not supported yet", node, node.get("id"))

    def tag_report(self, node: Any) -> None:
        raise self.error("<report> is not supported: declare an ir.actions.report <record>",
                         node, node.get("id"))

    def tag_act_window(self, node: Any) -> None:
        raise self.error("<act_window> is not supported: declare an ir.actions.act_window "
                         "<record>", node, node.get("id"))


def _looks_like_ids(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def raw_name(xmlid: str) -> str:
    return xmlid.partition(".")[2] or xmlid


def load_xml(env: Environment, module: str, path: Path, update: bool = False, *,
             noupdate: bool = False) -> set[str]:
    """Load the XML data file ``path`` of ``module``; return the external ids
    (``module.name``) it declares, including those of records left alone in update mode.

    ``update``: the module is being upgraded, so records of noupdate sections (or whose
    external id is noupdate) that already exist are not touched. ``noupdate``: the default
    for the file (demo data), overridden by the root's or a ``<data>``'s attribute."""
    if "ir.model.data" not in env:
        raise DataFileError("loading data files needs the base module (ir.model.data)",
                            path=path)
    return _XmlLoader(env, module, Path(path), update, noupdate).load()
