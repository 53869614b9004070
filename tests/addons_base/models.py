"""Models used by the base-addon tests (module ``test_addons_base``)."""

from __future__ import annotations

import time

from agora import fields, models
from agora.orm.exceptions import UserError


class TestCronTarget(models.Model):
    _name = "test.cron.target"
    _module = "test_addons_base"
    _description = "Records what scheduled actions did"

    tag = fields.Char()
    uid = fields.Integer()
    value = fields.Integer()

    def _record(self, tag: str, delay: float = 0.0) -> None:
        if delay:
            time.sleep(delay)
        self.create({"tag": tag, "uid": self.env.uid})

    def record_and_fail(self, tag: str) -> None:
        self.create({"tag": tag})
        raise UserError("boom")

    def action_bump(self) -> dict:
        for record in self:
            record.value = (record.value or 0) + 1
        return {"type": "ir.actions.client", "tag": "reload"}

    def _secret(self) -> None:
        raise AssertionError("private methods must not be callable from server actions")
