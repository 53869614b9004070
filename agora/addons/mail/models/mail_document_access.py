"""``mail.document.access.mixin``: rows whose access follows the document they belong to
(messages, tracking values, followers, activities).

A model inheriting it says, with ``_document_condition(alias, operation)``, which of its
rows the user may ``operation`` as an SQL condition on the row ``alias`` (built from
:mod:`agora.addons.mail.document_access`); the mixin applies it everywhere, for every
user but the superuser (who pays nothing):

- searches (``search``, ``search_read``, ``search_count``, ``read_group``,
  ``web_search_read``, reading columns) filter on the ``read`` condition inside their own
  query: the rows of documents the user may not read are not found;
- ``read``, ``web_read``, ``write`` and ``unlink`` by id refuse rows that do not match
  the condition of the operation with AccessError, in one query;
- ``create`` refuses new rows that do not match the ``create`` condition, and ``write``
  of the fields that tie a row to its document (``_document_fields``) checks the rows
  as they become against it too: a row is not planted, nor moved, on a document the
  user may not have it on.
"""

from __future__ import annotations

from typing import Any

from agora import api, models
from agora.addons.mail.document_access import check_rows
from agora.db.sql import SQL
from agora.orm.query import Query


class MailDocumentAccessMixin(models.AbstractModel):
    _name = "mail.document.access.mixin"
    _description = "Access through the document (model, res_id)"

    #: the fields that tie a row to its document (and to its owner): writing them checks
    #: the rows as they become with the ``create`` condition
    _document_fields: tuple[str, ...] = ()
    #: how refusals and security events name the restriction
    _document_rule = "Readable with their document (mail)"

    def _document_condition(self, alias: str, operation: str) -> SQL:
        """The SQL condition that the row ``alias`` may be ``operation``-ed (read,
        create, write, unlink) by the user (TRUE for the superuser)."""
        raise NotImplementedError(f"{self._name}: _document_condition")

    def _document_refusal(self, operation: str) -> str:
        """Why rows are refused ``operation``, in words (the end of the message)."""
        return "they belong to documents you cannot read"

    def _check_document_access(self, operation: str) -> None:
        """AccessError unless every row of ``self`` matches the condition of
        ``operation`` (one query; none for the superuser)."""
        check_rows(self, operation,
                   lambda rows, alias: rows._document_condition(alias, operation),
                   self._document_rule, self._document_refusal(operation))

    def _apply_access_rules(self, query: Query, operation: str) -> None:
        super()._apply_access_rules(query, operation)
        query.add_where(self._document_condition(query.alias, operation))

    def check_access(self, operation: str) -> None:
        super().check_access(operation)
        if operation != "create":  # checked on the new rows
            self._check_document_access(operation)

    def _check_document_values(self, vals_list: list[dict[str, Any]]) -> bool:
        """Check the values of new rows before they are inserted; True when that covered
        them all (the new rows are then not checked again). For a model whose INSERT can
        fail on what it holds already (a unique constraint): the error would tell about
        a document the user may not see."""
        return False

    @api.model_create_multi
    def create(self, vals_list: list[dict[str, Any]]) -> Any:
        checked = self._check_document_values(vals_list)
        records = super().create(vals_list)
        if not checked:
            records._check_document_access("create")
        return records

    def write(self, vals: dict[str, Any]) -> bool:
        result = super().write(vals)
        if isinstance(vals, dict) and not set(vals).isdisjoint(self._document_fields):
            # moved to another document (or owner): as if created there
            self._check_document_access("create")
        return result

    def _web_read_nodes(self, nodes: Any) -> list[dict[str, Any]]:
        # web_read only checks rules on ids the cache does not hold: check them all
        self._check_document_access("read")
        return super()._web_read_nodes(nodes)
