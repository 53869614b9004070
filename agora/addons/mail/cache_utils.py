"""Dropping cached values of the chatter's computed fields.

``message_ids``, ``message_partner_ids``, ``activity_ids``... are computed without
``@api.depends`` (their source rows live in other tables keyed by model name and id, which
the dependency graph cannot express), so whoever changes those rows drops the cached
values of the records concerned. The ORM has no public per-record invalidation yet
(Odoo's ``invalidate_recordset``); this does it on the transaction cache directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

CHATTER_FIELDS = ("message_ids", "message_follower_ids", "message_partner_ids",
                  "message_is_follower")
ACTIVITY_FIELDS = ("activity_ids", "activity_state", "activity_date_deadline",
                   "activity_user_id", "activity_type_id", "activity_summary")


def forget_cached(records: Any, names: Iterable[str]) -> None:
    """Drop the cached values of fields ``names`` for ``records``."""
    cache = records.env.transaction.cache
    for name in names:
        field = records._fields.get(name)
        if field is None:
            continue
        keys = field.cache_keys() if hasattr(field, "cache_keys") else (field,)
        for key in keys:
            values = cache.get(key)
            if values:
                for record_id in records._ids:
                    values.pop(record_id, None)


def forget_for_documents(env: Any, model_name: str, res_ids: Iterable[int],
                         names: Iterable[str]) -> None:
    if model_name in env:
        forget_cached(env[model_name].browse(list(res_ids)), names)
