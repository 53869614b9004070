"""Archiving: ``action_archive`` / ``action_unarchive`` (Odoo's names, called by the web
client's list and by API clients) flip the model's active field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agora.orm.exceptions import UserError

if TYPE_CHECKING:
    from agora.orm.models import BaseModel


class ArchiveMixin:
    def _set_active(self: BaseModel, active: bool) -> bool:
        name = self._active_field_name()
        if name is None:
            raise UserError(f"{self._name} has no active field: its records cannot be "
                            "archived", model=self._name)
        # only the records that change: no write (nor write_date bump) for the others
        changing = self.filtered(lambda record: bool(record[name]) != active)
        if changing:
            changing.write({name: active})
        return True

    def action_archive(self: BaseModel) -> bool:
        """Archive the records (hidden from searches unless ``active_test`` is off)."""
        return self._set_active(False)

    def action_unarchive(self: BaseModel) -> bool:
        """Bring archived records back."""
        return self._set_active(True)
