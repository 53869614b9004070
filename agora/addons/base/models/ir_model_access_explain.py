"""Explain access: why a user may or may not read/write/create/delete a record.

``env['ir.model.access'].explain_access(user_id, model, res_id, operation)`` (callable
over RPC by whoever may read access rights: Settings members) answers with the verdict
and its reasons, worked out by the access policy's own functions
(:class:`agora.addons.base.access_policy.BaseAccessPolicy`) so that the explanation
cannot drift from the enforcement:

- model access: every active ``ir.model.access`` line of the model, whether it applies
  to the user (no group, or one of the user's groups, implied ones included) and
  whether it grants the operation;
- record rules: every active rule of the model for the operation, global (ANDed) or of
  groups (ORed, only those of the user's groups apply), its domain as evaluated for the
  user (``user``, ``company_ids``, ``company_id``), and whether the record matches it;
- fields the user may not read or write (``groups``).

The verdict is then checked against the real enforcement (``check_access`` as that
user, without logging a refusal); ``consistent`` says whether both agree (a model that
overrides ``check_access`` with checks of its own may disagree, and says so).
"""

from __future__ import annotations

from typing import Any

from agora import api, models
from agora.orm import access
from agora.orm.environment import SUPERUSER_ID
from agora.orm.exceptions import AccessError, InvalidValueError, MissingError

_RULE_WORDS = {"read": "read", "write": "write", "create": "create", "unlink": "delete"}


class IrModelAccessExplain(models.Model):
    _inherit = "ir.model.access"

    @api.model
    @api.readonly
    def explain_access(self, user_id: int, model: str, res_id: int | None = None,
                       operation: str = "read",
                       company_ids: list[int] | None = None) -> dict[str, Any]:
        """Why user ``user_id`` may or may not ``operation`` (read, write, create, unlink)
        the record ``res_id`` of ``model`` (no ``res_id``: the model as a whole).
        ``company_ids``: the companies the request would work in (context
        ``allowed_company_ids``); default: every company the user may use.

        Returns a dict: ``allowed``, ``reason`` (one sentence), ``model_access`` (the
        ACL lines), ``record_rules`` (global and group rules, each with ``matches``),
        ``restricted_fields``, ``consistent`` (agrees with the real check)."""
        self.check_access("read")  # Settings members only (ir.model.access rights)
        self.env["ir.rule"].check_access("read")
        if operation not in access.OPERATIONS:
            raise InvalidValueError(f"unknown operation {operation!r} (expected one of "
                                    f"{', '.join(access.OPERATIONS)})", model=self._name)
        if not isinstance(model, str) or model not in self.env:
            raise InvalidValueError(f"unknown model {model!r}", model=self._name)
        user = self.env["res.users"].sudo().with_context(active_test=False).browse(user_id)
        if not user.exists():
            raise InvalidValueError(f"unknown user {user_id!r}", model=self._name)
        context: dict[str, Any] = {"active_test": False}
        if company_ids:
            context["allowed_company_ids"] = list(company_ids)
        user_env = self.env(user=user.id, su=False, context=context)
        policy = self.env.registry.access_policy
        groups = policy.user_group_ids(user_env)
        answer: dict[str, Any] = {
            "user": {"id": user.id, "login": user.login, "name": user.name,
                     "active": user.active,
                     "groups": sorted(self._group_names(groups).values())},
            "model": model, "res_id": res_id or False, "operation": operation,
            "exists": False, "superuser": user.id == SUPERUSER_ID,
        }
        target = self.env[model].sudo().with_context(active_test=False)
        if res_id:
            answer["exists"] = bool(target.browse(res_id).exists())
        answer["model_access"] = self._explain_model_access(user_env, policy, groups,
                                                            model, operation)
        answer["record_rules"] = self._explain_rules(user_env, policy, groups, model,
                                                     operation, res_id if answer["exists"]
                                                     else None)
        answer["restricted_fields"] = sorted(
            name for name, field in target._fields.items()
            if field.groups and not policy.check_field_groups(user_env, target, field))
        self._verdict(answer)
        self._compare_with_enforcement(answer, user_env)
        return answer

    # -- model access --------------------------------------------------------------------
    def _explain_model_access(self, user_env: Any, policy: Any, groups: frozenset[int],
                              model: str, operation: str) -> dict[str, Any]:
        lines = self.sudo().search([("model_id.model", "=", model)])
        column = f"perm_{operation}"
        described = []
        for line in lines:
            applies = not line.group_id or line.group_id.id in groups
            described.append({
                "id": line.id, "name": line.name,
                "group": line.group_id.name if line.group_id else False,
                "group_id": line.group_id.id or False,
                "applies": applies, "grants": bool(line[column]),
                "decisive": applies and bool(line[column])})
        # the verdict is the policy's own (memoised) computation
        allowed = bool(policy._model_perms(user_env).get(model, {}).get(operation))
        granting = [line["name"] for line in described if line["decisive"]]
        if allowed:
            reason = f"Granted by the access line(s): {', '.join(granting)}."
        elif not described:
            reason = (f"No access line exists for {model}: only the superuser may "
                      f"{_RULE_WORDS[operation]} its records.")
        else:
            others = sorted({line["group"] for line in described
                             if line["grants"] and line["group"]})
            reason = (f"No access line of the user's groups grants {operation}"
                      + (f"; it is granted to: {', '.join(others)}." if others else "."))
        return {"allowed": allowed, "lines": described, "reason": reason}

    # -- record rules ---------------------------------------------------------------------
    def _explain_rules(self, user_env: Any, policy: Any, groups: frozenset[int], model: str,
                       operation: str, res_id: int | None) -> dict[str, Any]:
        rules = [r for r in policy._model_rules(user_env, model) if r["perms"][operation]]
        result: dict[str, Any] = {"global": [], "group": [], "allowed": True, "reason": ""}
        if not rules:
            result["reason"] = f"No record rule restricts {operation} on {model}."
            return result
        try:
            names = policy.eval_context(user_env)
        except AccessError as exc:
            result.update(allowed=False, reason=str(exc))
            return result
        result["company_ids"] = list(names["company_ids"])
        target = self.env[model].sudo().with_context(active_test=False)
        group_names = self._group_names(frozenset().union(*(r["groups"] for r in rules)))
        for rule in rules:
            entry: dict[str, Any] = {"id": rule["id"], "name": rule["name"],
                                     "domain": rule["domain"] or "[]"}
            try:
                domain = policy._eval(rule, names)
            except AccessError as exc:
                entry.update(evaluated=False, matches=False, error=str(exc))
            else:
                entry["evaluated"] = domain
                entry["matches"] = bool(target.search_count(
                    [("id", "=", res_id), *domain])) if res_id else "unknown"
            if rule["groups"]:
                entry["groups"] = sorted(group_names[g] for g in rule["groups"])
                entry["applies"] = bool(rule["groups"] & groups)
                result["group"].append(entry)
            else:
                entry["applies"] = True
                result["global"].append(entry)
        applying = [r for r in result["group"] if r["applies"]]
        if not res_id:
            result["allowed"] = "depends on the record"
            result["reason"] = (f"{len(result['global'])} global and {len(applying)} group "
                                f"rule(s) decide which records (give a record id).")
            return result
        failing_global = [r["name"] for r in result["global"] if r["matches"] is not True]
        group_ok = not applying or any(r["matches"] is True for r in applying)
        result["allowed"] = not failing_global and group_ok
        if failing_global:
            result["reason"] = ("Refused by the global rule(s): "
                                + ", ".join(f"'{name}'" for name in failing_global) + ".")
        elif not group_ok:
            result["reason"] = ("None of the user's group rules accepts the record: "
                                + ", ".join(f"'{r['name']}'" for r in applying) + ".")
        else:
            matched = [r["name"] for r in [*result["global"], *applying] if r["matches"]]
            result["reason"] = ("The record satisfies the rule(s): "
                                + ", ".join(f"'{name}'" for name in matched) + ".")
        return result

    # -- verdict ---------------------------------------------------------------------------
    @staticmethod
    def _verdict(answer: dict[str, Any]) -> None:
        verb = _RULE_WORDS[answer["operation"]]
        if answer["superuser"]:
            answer["allowed"], answer["reason"] = True, "The superuser bypasses access control."
            return
        if answer["res_id"] and not answer["exists"]:
            answer["allowed"] = False
            answer["reason"] = f"Record {answer['model']}({answer['res_id']}) does not exist."
            return
        acl, rules = answer["model_access"], answer["record_rules"]
        if not acl["allowed"]:
            answer["allowed"] = False
            answer["reason"] = f"May not {verb} any {answer['model']} record: {acl['reason']}"
        elif rules["allowed"] is False:
            answer["allowed"] = False
            answer["reason"] = f"May not {verb} this record: {rules['reason']}"
        elif rules["allowed"] is True:
            answer["allowed"] = True
            answer["reason"] = f"Allowed: {acl['reason']} {rules['reason']}"
        else:  # no record given, rules apply
            answer["allowed"] = True
            answer["reason"] = f"Allowed on the records the rules accept: {acl['reason']}"

    def _compare_with_enforcement(self, answer: dict[str, Any], user_env: Any) -> None:
        """Run the real check as the user (no security event: this is a question)."""
        records = user_env[answer["model"]].browse(answer["res_id"] or [])
        enforced = True
        with access.probing():
            try:
                records.check_access(answer["operation"])
                if answer["operation"] == "create" and records:
                    access.check_record_rules(records, "create")
            except (AccessError, MissingError) as exc:
                enforced = False
                answer["enforcement_error"] = str(exc)
        answer["consistent"] = enforced == bool(answer["allowed"])
        if not answer["consistent"]:
            answer["note"] = (f"{answer['model']} adds checks of its own (check_access): "
                              f"the real check {'allows' if enforced else 'refuses'} it.")
            answer["allowed"] = enforced

    def _group_names(self, ids: frozenset[int]) -> dict[int, str]:
        groups = self.env["res.groups"].sudo().browse(sorted(ids))
        return {group.id: group.name for group in groups}
