"""Settings › Technical › Explain Access: the dialog over
``ir.model.access.explain_access`` — pick a user, a model, a record id and an operation,
read the verdict and its reasons as text."""

from __future__ import annotations

from typing import Any

from agora import fields, models

OPERATIONS = [("read", "Read"), ("write", "Write"), ("create", "Create"),
              ("unlink", "Delete")]


class AccessExplainWizard(models.TransientModel):
    _name = "access.explain.wizard"
    _description = "Explain Access"

    user_id = fields.Many2one("res.users", string="User", required=True,
                              ondelete="cascade")
    model_id = fields.Many2one("ir.model", string="Model", required=True,
                               ondelete="cascade")
    res_id = fields.Integer(string="Record ID", help="Empty: the model as a whole.")
    operation = fields.Selection(OPERATIONS, required=True, default="read")
    allowed = fields.Boolean(readonly=True)
    result = fields.Text(string="Explanation", readonly=True)

    def action_explain(self) -> dict[str, Any]:
        """Fill in the explanation and show the dialog again."""
        self.ensure_one()
        answer = self.env["ir.model.access"].explain_access(
            self.user_id.id, self.model_id.model, self.res_id or None, self.operation)
        self.write({"allowed": bool(answer["allowed"]), "result": format_answer(answer)})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "views": [[False, "form"]], "target": "new", "name": "Explain Access"}


def format_answer(answer: dict[str, Any]) -> str:
    """The structured answer of ``explain_access`` as lines of text."""
    lines = [("ALLOWED" if answer["allowed"] else "REFUSED") + f": {answer['reason']}", ""]
    acl = answer["model_access"]
    lines.append(f"Model access ({'granted' if acl['allowed'] else 'refused'}):")
    for line in acl["lines"]:
        mark = "+" if line["decisive"] else ("-" if line["applies"] else " ")
        group = line["group"] or "everyone"
        grants = "grants" if line["grants"] else "does not grant"
        applies = "" if line["applies"] else " (not the user's group)"
        lines.append(f"  {mark} {line['name']} [{group}] {grants} "
                     f"{answer['operation']}{applies}")
    if not acl["lines"]:
        lines.append("  (no access line for this model)")
    rules = answer["record_rules"]
    lines += ["", f"Record rules: {rules['reason']}"]
    for kind in ("global", "group"):
        for rule in rules[kind]:
            if kind == "group" and not rule["applies"]:
                status = "does not apply (groups: " + ", ".join(rule["groups"]) + ")"
            else:
                matches = rule.get("matches")
                status = {True: "matches", False: "does NOT match"}.get(
                    matches, "decides per record")
            lines.append(f"  {kind} '{rule['name']}' {rule['domain']}: {status}")
    if answer.get("restricted_fields"):
        lines += ["", "Fields hidden from the user: " + ", ".join(answer["restricted_fields"])]
    if answer.get("note"):
        lines += ["", answer["note"]]
    return "\n".join(lines)
