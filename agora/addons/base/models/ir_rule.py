"""Record rules: domains restricting which records of a model a user may read, write,
create or delete.

For one model and operation, the *global* rules (no group) are ANDed together; the rules
of the user's groups are ORed together, and that alternative is ANDed with the global
ones. Group rules of groups the user is not in do not apply.

``domain_force`` is a Python literal evaluated safely (no ``eval``): lists, tuples,
strings, numbers, booleans and ``None``, unary minus, ``not``, subscripts with constant
indexes, and the names ``user`` (the user, as superuser: ``user.id``,
``user.company_id.id``, ``user.partner_id.id``, ``user.company_ids.ids``),
``company_ids`` (the ids of the companies the request works in: context
``allowed_company_ids`` or the user's allowed companies) and ``company_id`` (the
current company's id). Function calls are refused.
"""

from __future__ import annotations

import ast
from typing import Any

from agora import api, fields, models
from agora.orm.exceptions import ValidationError

#: names a rule domain may use
RULE_NAMES = ("user", "company_ids", "company_id")
_MAX_LENGTH = 10_000


class RuleDomainError(ValueError):
    """A rule domain is not a safe literal."""


def parse_rule_domain(text: str | None) -> ast.Expression | None:
    """Parse and validate ``text``; None for an empty domain."""
    if not text or not text.strip():
        return None
    if len(text) > _MAX_LENGTH:
        raise RuleDomainError("rule domain is too long")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise RuleDomainError(f"invalid rule domain syntax: {exc.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.List | ast.Tuple | ast.Load | ast.USub
                      | ast.UAdd | ast.Not | ast.UnaryOp):
            continue
        if isinstance(node, ast.Constant):
            if not isinstance(node.value, str | int | float | bool | type(None)):
                raise RuleDomainError(f"constant {node.value!r} not allowed in a rule domain")
            continue
        if isinstance(node, ast.Name):
            if node.id not in RULE_NAMES:
                raise RuleDomainError(f"name {node.id!r} not allowed in a rule domain "
                                      f"(allowed: {', '.join(RULE_NAMES)})")
            continue
        if isinstance(node, ast.Attribute):
            if node.attr.startswith("_"):
                raise RuleDomainError(f"attribute {node.attr!r} not allowed in a rule domain")
            continue
        if isinstance(node, ast.Subscript):
            if not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int)):
                raise RuleDomainError("only constant integer subscripts are allowed")
            continue
        raise RuleDomainError(f"{type(node).__name__} not allowed in a rule domain")
    if not isinstance(tree.body, ast.List | ast.Tuple):
        raise RuleDomainError("a rule domain must be a list")
    return tree


def eval_rule_domain(text: str | None, names: dict[str, Any]) -> list[Any]:
    """Evaluate a rule domain with ``names`` (see the module docstring). Recordsets in the
    result become ids (one record) or id lists."""
    tree = parse_rule_domain(text)
    if tree is None:
        return []
    value = _Evaluator(names).visit(tree.body)
    return [_plain(element) for element in value]


def _plain(value: Any) -> Any:
    if hasattr(value, "_ids") and hasattr(value, "_name"):
        return value._ids[0] if len(value._ids) == 1 else list(value._ids)
    if isinstance(value, list | tuple):
        converted = [_plain(v) for v in value]
        return tuple(converted) if isinstance(value, tuple) else converted
    return value


class _Evaluator(ast.NodeVisitor):
    """Evaluates the nodes :func:`parse_rule_domain` accepts, nothing else."""

    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names

    def generic_visit(self, node: ast.AST) -> Any:
        raise RuleDomainError(f"{type(node).__name__} not allowed in a rule domain")

    def visit_List(self, node: ast.List) -> list[Any]:
        return [self.visit(element) for element in node.elts]

    def visit_Tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        return tuple(self.visit(element) for element in node.elts)

    def visit_Constant(self, node: ast.Constant) -> Any:
        return node.value

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id not in self.names:
            raise RuleDomainError(f"name {node.id!r} is not available in a rule domain")
        return self.names[node.id]

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return not operand
        if not isinstance(operand, int | float) or isinstance(operand, bool):
            raise RuleDomainError("unary +/- applies to numbers only")
        return -operand if isinstance(node.op, ast.USub) else +operand

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        container = self.visit(node.value)
        index = node.slice.value  # type: ignore[attr-defined]
        if hasattr(container, "_ids") and hasattr(container, "_name"):
            return container[index]
        if not isinstance(container, list | tuple):
            raise RuleDomainError("subscripts apply to lists and recordsets only")
        return container[index]

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        target = self.visit(node.value)
        name = node.attr
        if not (hasattr(target, "_ids") and hasattr(target, "_fields")):
            raise RuleDomainError(f"attribute {name!r} of a non-record in a rule domain")
        if name == "ids":
            return list(target._ids)
        if name == "id":
            return target._ids[0] if target._ids else False
        field = target._fields.get(name)
        if field is None or field.groups:
            # only plain fields: methods, and fields restricted to groups (passwords)
            # are not reachable
            raise RuleDomainError(f"{target._name} has no readable field {name!r}")
        return getattr(target, name)


class IrRule(models.Model):
    _name = "ir.rule"
    _inherit = ["access.cache.invalidation"]
    _description = "Record Rule"
    _order = "model_id, name, id"

    name = fields.Char(index=True)
    active = fields.Boolean(default=True)
    model_id = fields.Many2one("ir.model", string="Model", required=True, index=True,
                               ondelete="cascade")
    groups = fields.Many2many("res.groups", "rule_group_rel", "rule_group_id", "group_id",
                              string="Groups", help="Empty: a global rule, for everyone.")
    domain_force = fields.Text(string="Domain")
    perm_read = fields.Boolean(string="Apply for Read", default=True)
    perm_write = fields.Boolean(string="Apply for Write", default=True)
    perm_create = fields.Boolean(string="Apply for Create", default=True)
    perm_unlink = fields.Boolean(string="Apply for Delete", default=True)
    global_ = fields.Boolean(string="Global", compute="_compute_global")

    @api.depends("groups")
    def _compute_global(self) -> None:
        for rule in self:
            rule.global_ = not rule.groups

    @api.constrains("domain_force")
    def _check_domain(self) -> None:
        for rule in self:
            try:
                parse_rule_domain(rule.domain_force)
            except RuleDomainError as exc:
                raise ValidationError(f"ir.rule {rule.name or rule.id}: {exc}",
                                      model=self._name, field="domain_force") from None

    @api.constrains("perm_read", "perm_write", "perm_create", "perm_unlink")
    def _check_perms(self) -> None:
        for rule in self:
            if not (rule.perm_read or rule.perm_write or rule.perm_create or rule.perm_unlink):
                raise ValidationError("A record rule must apply to at least one operation.",
                                      model=self._name)
