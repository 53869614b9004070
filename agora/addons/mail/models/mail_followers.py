"""Followers of a record: the partners told about its discussion messages."""

from __future__ import annotations

from typing import Any

from agora import fields, models


class MailFollowers(models.Model):
    _name = "mail.followers"
    _description = "Document follower"
    _rec_name = "partner_id"
    _log_access = False
    _sql_constraints = [
        ("mail_followers_res_partner_res_model_id_uniq", "unique(res_model, res_id, partner_id)",
         "A partner follows a record at most once."),
    ]

    res_model = fields.Char(string="Related Document Model", required=True, index=True)
    res_id = fields.Integer(string="Related Document ID", required=True, index=True)
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    name = fields.Char(related="partner_id.name")
    email = fields.Char(related="partner_id.email")

    @classmethod
    def _init_schema(cls, cr: Any) -> None:
        # lookups go by document first: one index serves "followers of these records"
        cr.execute("CREATE INDEX IF NOT EXISTS mail_followers_res_model_res_id_index "
                   "ON mail_followers (res_model, res_id)")
