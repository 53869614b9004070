"""E-mail templates rendered with Jinja2 in a sandbox (see ``template_render``).

``object`` is the record; ``subject``, ``email_from``, ``email_to``, ``email_cc`` and
``partner_to`` (comma-separated partner ids) are rendered as text, ``body_html`` with
HTML auto-escaping. Report attachments are not supported yet: only the static
``attachment_ids`` are attached.
"""

from __future__ import annotations

from email.utils import formataddr
from typing import Any

from agora import api, fields, models
from agora.addons.mail.template_render import TemplateRenderError, render
from agora.orm.exceptions import UserError, ValidationError

RENDERED_FIELDS = ("subject", "body_html", "email_from", "email_to", "email_cc", "partner_to")


class MailTemplate(models.Model):
    _name = "mail.template"
    _description = "Email Template"
    _order = "name, id"

    name = fields.Char(required=True)
    model_id = fields.Many2one("ir.model", string="Applies to", ondelete="cascade",
                               required=True)
    model = fields.Char(compute="_compute_model", store=True, index=True)
    subject = fields.Char()
    body_html = fields.Text(string="Body", help="Jinja2 template; HTML-escaped values.")
    email_from = fields.Char(string="From")
    email_to = fields.Char(string="To (Emails)")
    email_cc = fields.Char(string="Cc")
    partner_to = fields.Char(string="To (Partners)",
                             help="Comma-separated ids of recipient partners (may be rendered, "
                                  "e.g. {{ object.id }}).")
    attachment_ids = fields.Many2many("ir.attachment", "email_template_attachment_rel",
                                      "email_template_id", "attachment_id", string="Attachments")
    auto_delete = fields.Boolean(default=False, help="Delete the e-mails once sent.")

    @api.depends("model_id")
    def _compute_model(self) -> None:
        for template in self:
            template.model = template.model_id.model or False

    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        prepared = []
        for vals in vals_list:
            vals = dict(vals)
            if vals.get("model") and not vals.get("model_id"):
                # convenience: a model name in place of its ir.model record
                model = self.env["ir.model"].sudo().search([("model", "=", vals["model"])],
                                                           limit=1)
                if not model:
                    raise ValidationError(f"mail.template: unknown model {vals['model']!r}",
                                          model=self._name, field="model")
                vals["model_id"] = model.id
            vals.pop("model", None)
            prepared.append(vals)
        return super().create(prepared)

    # -- rendering ---------------------------------------------------------------------------
    def _target_records(self, res_ids: list[int]) -> Any:
        self.ensure_one()
        if not self.model or self.model not in self.env:
            raise UserError(f"mail.template {self.name!r}: its model {self.model!r} is not "
                            "installed")
        records = self.env[self.model].browse(res_ids).exists()
        missing = set(res_ids) - set(records.ids)
        if missing:
            raise UserError(f"mail.template {self.name!r}: no {self.model} record with id "
                            f"{sorted(missing)}")
        return records

    def _render_field(self, field: str, res_ids: list[int]) -> dict[int, str]:
        """{res_id: the template's ``field`` rendered for that record}."""
        self.ensure_one()
        if field not in RENDERED_FIELDS:
            raise UserError(f"mail.template {self.name!r}: field {field!r} is not a template "
                            f"field (one of {', '.join(RENDERED_FIELDS)})")
        records = self._target_records(list(res_ids))
        return render(self[field] or "", records, autoescape=field == "body_html",
                      template_name=self.name, field_name=field)

    def _render_values(self, res_id: int) -> dict[str, Any]:
        """Every rendered field for one record, ``partner_to`` as ``partner_ids``."""
        values = {field: self._render_field(field, [res_id])[res_id]
                  for field in RENDERED_FIELDS}
        partner_ids = []
        for token in (values.pop("partner_to") or "").replace(";", ",").split(","):
            token = token.strip()
            if not token:
                continue
            if not token.isdigit():
                raise TemplateRenderError(f"mail.template {self.name!r}: partner_to rendered "
                                          f"{token!r}, not a partner id")
            partner_ids.append(int(token))
        values["partner_ids"] = partner_ids
        return values

    def send_mail(self, res_id: int, force_send: bool = False,
                  email_values: dict[str, Any] | None = None) -> int:
        """Render the template for record ``res_id`` and queue it; returns the
        ``mail.mail`` id. The mail goes out after the transaction commits (``force_send``
        is accepted for Odoo compatibility: sending never happens inside the transaction)."""
        self.ensure_one()
        values = self._render_values(res_id)
        partners = self.env["res.partner"].sudo().browse(values.pop("partner_ids")).exists()
        email_to = [values.get("email_to") or ""] + [
            formataddr((partner.name or "", partner.email)) for partner in partners if partner.email]
        mail_values = {
            "subject": values.get("subject") or False,
            "body_html": values.get("body_html") or "",
            "email_from": values.get("email_from") or False,
            "email_to": ", ".join(address for address in email_to if address.strip()) or False,
            "email_cc": values.get("email_cc") or False,
            "recipient_ids": [(6, 0, partners.ids)],
            "model": self.model, "res_id": res_id, "auto_delete": self.auto_delete,
            "attachment_ids": [(6, 0, self.attachment_ids.ids)],
            **(email_values or {}),
        }
        return self.env["mail.mail"].sudo().create(mail_values).id
