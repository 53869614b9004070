"""The base module's access policy: ``ir.model.access`` (model rights), ``ir.rule``
(record rules) and field ``groups``, for every non-superuser environment.

Everything the policy learns is memoised: the user's groups (implied ones included) in
one recursive query, the user's rights on every model in one query, the rules of every
model in one query, the user's companies, each evaluated rule domain per (user, model,
operation, companies). A hot path therefore runs no access query after the first one of its kind.

The memo is shared across transactions and threads of a process when the transaction
read the access signal (``cr.cache_signals['access']``, read with the registry signal at the start
of every request): every change of access lines, rules, groups, memberships or a user's
companies bumps that signal inside its own transaction (see ``clear_access_cache``), so
a transaction uses the memo filled under the value its snapshot sees, and a transaction
that changed rights itself uses a private memo. Without a signal (scripts, tests on a
bare cursor) the memo lives for one transaction, dropped at commit and rollback.

Installed on a registry by :func:`install_policy`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agora.db.sql import SQL
from agora.modules import signal
from agora.orm.access import OPERATIONS, VERBS, describe_model
from agora.orm.domain import AND, OR, combine
from agora.orm.exceptions import AccessError

if TYPE_CHECKING:
    from agora.orm.environment import Environment
    from agora.orm.fields import Field
    from agora.orm.models import BaseModel
    from agora.orm.registry import Registry

_HOOKED = "__postcommit_hooked"
#: the rights on a model without any access line: none
_NO_PERMS = dict.fromkeys(OPERATIONS, False)


class BaseAccessPolicy:
    """:class:`agora.orm.access.AccessPolicy` over ir.model.access / ir.rule / res.groups."""

    def __init__(self) -> None:
        #: (access signal value, memo) shared by the transactions that read that value;
        #: replaced as a whole, so threads never see a memo of two values
        self._shared: tuple[int, dict[Any, Any]] = (-1, {})

    # -- memo ------------------------------------------------------------------------------
    def _memo(self, env: Environment) -> dict[Any, Any]:
        value = env.cr.cache_signals.get(signal.ACCESS)
        if value is not None and not env.transaction.access_dirty:
            shared = self._shared
            if shared[0] != value:
                shared = self._shared = (value, {})
            return shared[1]
        memo = env.transaction.access_cache
        if _HOOKED not in memo:
            # committed changes of other transactions become visible: forget at commit
            memo[_HOOKED] = True
            env.cr.postcommit.append(memo.clear)
        return memo

    @staticmethod
    def _flush(env: Environment, *model_names: str) -> None:
        transaction = env.transaction
        if any(name in transaction.towrite for name in model_names):
            transaction.flush()

    def user_group_ids(self, env: Environment, uid: int | None = None) -> frozenset[int]:
        """The groups of the user, implied groups included (one query per transaction)."""
        uid = env.uid if uid is None else uid
        memo = self._memo(env)
        key = ("groups", uid)
        groups = memo.get(key)
        if groups is None:
            env.cr.execute(SQL(
                "WITH RECURSIVE g(id) AS ("
                " SELECT gid FROM res_groups_users_rel WHERE uid = %s"
                " UNION SELECT r.hid FROM res_groups_implied_rel AS r JOIN g ON r.gid = g.id)"
                " SELECT id FROM g", uid))
            groups = memo[key] = frozenset(row[0] for row in env.cr.fetchall())
        return groups

    # -- model access ------------------------------------------------------------------------
    def check_model(self, env: Environment, model_name: str, operation: str) -> None:
        if operation not in OPERATIONS:
            raise ValueError(f"unknown access operation {operation!r}")
        perms = self._model_perms(env).get(model_name, _NO_PERMS)
        if not perms[operation]:
            raise self._model_refusal(env, model_name, operation)

    def _model_perms(self, env: Environment) -> dict[str, dict[str, bool]]:
        """The user's rights on every model that has access lines, loaded in one query
        (memoised per user): the first request of a process pays once, not per model."""
        memo = self._memo(env)
        key = ("model_perms", env.uid)
        perms = memo.get(key)
        if perms is None:
            groups = self.user_group_ids(env)
            self._flush(env, "ir.model.access")
            env.cr.execute(SQL(
                "SELECT m.model, bool_or(a.perm_read), bool_or(a.perm_write),"
                " bool_or(a.perm_create), bool_or(a.perm_unlink) FROM ir_model_access AS a"
                " JOIN ir_model AS m ON m.id = a.model_id"
                " WHERE a.active AND (a.group_id IS NULL OR a.group_id = ANY(%s))"
                " GROUP BY m.model", sorted(groups)))
            perms = memo[key] = {
                row[0]: dict(zip(OPERATIONS, (bool(v) for v in row[1:]), strict=True))
                for row in env.cr.fetchall()}
        return perms

    def _model_refusal(self, env: Environment, model_name: str, operation: str) -> AccessError:
        model = env[model_name]
        column = SQL.identifier("a", f"perm_{operation}")
        env.cr.execute(SQL(
            "SELECT DISTINCT g.name FROM ir_model_access AS a"
            " JOIN ir_model AS m ON m.id = a.model_id JOIN res_groups AS g ON g.id = a.group_id"
            " WHERE m.model = %s AND a.active AND %s ORDER BY g.name", model_name, column))
        groups = [row[0] for row in env.cr.fetchall()]
        if groups:
            reason = ("This operation is allowed for the groups: " + ", ".join(groups)
                      + " (model access).")
        else:
            reason = f"No group has {operation} access (model access)."
        return AccessError(
            f"You are not allowed to {VERBS[operation]} {describe_model(model)} records. "
            f"{reason}", model=model_name)

    # -- record rules ------------------------------------------------------------------------
    def _model_rules(self, env: Environment, model_name: str) -> list[dict[str, Any]]:
        """The active rules of a model; the rules of every model are loaded in one query
        (memoised), so the first request of a process pays once, not per model."""
        memo = self._memo(env)
        rules = memo.get("rules")
        if rules is None:
            self._flush(env, "ir.rule")
            env.cr.execute(SQL(
                "SELECT m.model, r.id, r.name, r.domain_force, r.perm_read, r.perm_write,"
                " r.perm_create, r.perm_unlink,"
                " COALESCE(array_agg(rel.group_id) FILTER (WHERE rel.group_id IS NOT NULL),"
                " '{}')"
                " FROM ir_rule AS r JOIN ir_model AS m ON m.id = r.model_id"
                " LEFT JOIN rule_group_rel AS rel ON rel.rule_group_id = r.id"
                " WHERE r.active GROUP BY m.model, r.id ORDER BY r.id"))
            rules = {}
            for row in env.cr.fetchall():
                rules.setdefault(row[0], []).append(
                    {"id": row[1], "name": row[2] or f"rule {row[1]}", "domain": row[3],
                     "perms": dict(zip(OPERATIONS, row[4:8], strict=True)),
                     "groups": frozenset(row[8])})
            memo["rules"] = rules
        return rules.get(model_name, [])

    def _applicable_rules(self, env: Environment, model_name: str, operation: str
                          ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(global rules, rules of the user's groups) for ``operation``."""
        rules = [r for r in self._model_rules(env, model_name) if r["perms"][operation]]
        if not rules:
            return [], []
        groups = self.user_group_ids(env)
        return ([r for r in rules if not r["groups"]],
                [r for r in rules if r["groups"] & groups])

    def _user_companies(self, env: Environment) -> tuple[list[int], int | bool]:
        """(companies the user may work in, their main company), memoised."""
        memo = self._memo(env)
        key = ("companies", env.uid)
        found = memo.get(key)
        if found is None:
            user = env(su=True)["res.users"].browse(env.uid)
            permitted = [*user.company_ids._ids]
            if user.company_id.id and user.company_id.id not in permitted:
                permitted.append(user.company_id.id)
            found = memo[key] = (permitted, user.company_id.id or False)
        return list(found[0]), found[1]

    def eval_context(self, env: Environment) -> dict[str, Any]:
        """The names a rule domain may use: ``user``, ``company_ids``, ``company_id``."""
        user = env(su=True)["res.users"].browse(env.uid)
        allowed = env.context.get("allowed_company_ids")
        permitted, main_company = self._user_companies(env)
        if allowed:
            allowed = [allowed] if isinstance(allowed, int) else list(allowed)
            refused = [c for c in allowed if c not in permitted]
            if refused:
                raise AccessError(f"Access to unauthorized or invalid companies {refused}.",
                                  model="res.company")
            company_ids = allowed
        else:
            company_ids = permitted
        company_id = allowed[0] if allowed else main_company
        return {"user": user, "company_ids": company_ids, "company_id": company_id}

    def rule_domain(self, env: Environment, model_name: str, operation: str) -> list[Any]:
        global_rules, group_rules = self._applicable_rules(env, model_name, operation)
        if not global_rules and not group_rules:
            return []
        names = self.eval_context(env)
        key = ("domain", env.uid, model_name, operation, tuple(names["company_ids"]),
               names["company_id"])
        memo = self._memo(env)
        domain = memo.get(key)
        if domain is None:
            parts = [self._eval(rule, names) for rule in global_rules]
            if group_rules:
                parts.append(combine(OR, [self._eval(rule, names) for rule in group_rules]))
            domain = memo[key] = combine(AND, parts)
        return list(domain)

    @staticmethod
    def _eval(rule: dict[str, Any], names: dict[str, Any]) -> list[Any]:
        from agora.addons.base.models.ir_rule import RuleDomainError, eval_rule_domain
        try:
            return eval_rule_domain(rule["domain"], names)
        except RuleDomainError as exc:
            raise AccessError(f"Record rule '{rule['name']}' has an invalid domain: {exc}",
                              model="ir.rule") from None

    def failing_rules(self, env: Environment, model_name: str, operation: str,
                      ids: list[int]) -> list[str]:
        """Rules some of ``ids`` do not satisfy: each global rule, and the group rules
        when none of them accepts every record (one query per rule: error path only)."""
        global_rules, group_rules = self._applicable_rules(env, model_name, operation)
        names = self.eval_context(env)
        model = env[model_name].sudo().with_context(active_test=False)
        wanted = set(ids)

        def fails(rule: dict[str, Any]) -> bool:
            domain = combine(AND, [[("id", "in", list(wanted))], self._eval(rule, names)])
            return set(model.search(domain).ids) != wanted

        failing = [rule["name"] for rule in global_rules if fails(rule)]
        failing_groups = [rule["name"] for rule in group_rules if fails(rule)]
        if group_rules and len(failing_groups) == len(group_rules):
            failing.extend(failing_groups)
        return failing

    # -- field groups ----------------------------------------------------------------------
    def _group_ids_of(self, env: Environment, xmlids: tuple[str, ...]) -> dict[str, int]:
        """Ids of the groups with these external ids (unknown ones left out)."""
        memo = self._memo(env)
        missing = [x for x in xmlids if ("xmlid", x) not in memo]
        if missing:
            pairs = [x.partition(".")[::2] for x in missing]
            env.cr.execute(SQL(
                "SELECT module || '.' || name, res_id FROM ir_model_data"
                " WHERE model = 'res.groups' AND (module, name) IN"
                " (SELECT * FROM unnest(%s::varchar[], %s::varchar[]))",
                [p[0] for p in pairs], [p[1] for p in pairs]))
            found = dict(env.cr.fetchall())
            for xmlid in missing:
                memo[("xmlid", xmlid)] = found.get(xmlid)
        return {x: memo[("xmlid", x)] for x in xmlids if memo[("xmlid", x)]}

    def user_in_groups(self, env: Environment, spec: str) -> bool:
        """Odoo's ``groups`` attribute: comma-separated external ids, ``!`` for "not in".
        True when the user is in one of the positive groups (or there are none) and in
        none of the negative ones."""
        memo = self._memo(env)
        key = ("field_groups", env.uid, spec)
        result = memo.get(key)
        if result is None:
            items = [item.strip() for item in spec.split(",") if item.strip()]
            positive = tuple(i for i in items if not i.startswith("!"))
            negative = tuple(i[1:].strip() for i in items if i.startswith("!"))
            ids = self._group_ids_of(env, positive + negative)
            user_groups = self.user_group_ids(env)
            result = (not positive or any(ids.get(x) in user_groups for x in positive)) \
                and not any(ids.get(x) in user_groups for x in negative)
            memo[key] = result
        return result

    def check_field_groups(self, env: Environment, model: BaseModel, field: Field) -> bool:
        return not field.groups or self.user_in_groups(env, field.groups)


def install_policy(registry: Registry) -> BaseAccessPolicy:
    """Enforce ir.model.access / ir.rule / field groups on ``registry``."""
    policy = BaseAccessPolicy()
    registry.access_policy = policy
    return policy
