"""Field change tracking for ``mail.thread``: snapshot the tracked fields of a recordset
before a write, compare after it, and turn the differences into tracking values.

Everything works on whole recordsets: the snapshot reads each tracked field for all the
records at once (one query for the columns, one per many2one comodel for display names),
so tracking 100 records costs the same few queries as tracking one.
"""

from __future__ import annotations

from typing import Any

#: tracking value column suffix per field type (anything else is kept as text in ``char``)
_COLUMN_OF_TYPE = {
    "integer": "integer", "boolean": "integer", "float": "float", "monetary": "float",
    "date": "datetime", "datetime": "datetime", "text": "text", "html": "text",
}


def tracked_fields(records: Any, names: Any) -> list[Any]:
    """The fields among ``names`` that are declared with ``tracking=True`` (or a sequence
    number, as Odoo allows) and that a write can change."""
    fields = records._fields
    return [fields[name] for name in names
            if name in fields and fields[name].tracking and fields[name].type not in
            ("one2many", "many2many", "binary")]


def _displayed(field: Any, value: Any, record: Any) -> tuple[Any, Any]:
    """(comparable raw value, human value) of ``value`` read from ``record.field``."""
    if field.type == "many2one":
        return (value.id or False, value.display_name if value else "")
    if field.type == "selection":
        labels = dict(field.get_selection(record))
        return (value or False, labels.get(value, value) if value else "")
    if field.type in ("char", "text", "html"):
        return (value or False, value or "")
    return (value, value)


def snapshot(records: Any, fields: list[Any]) -> dict[int, dict[str, tuple[Any, Any]]]:
    """{record id: {field name: (raw, displayed)}} for ``records``."""
    result: dict[int, dict[str, tuple[Any, Any]]] = {record.id: {} for record in records}
    for field in fields:
        for record in records:
            value = record[field.name]
            result[record.id][field.name] = _displayed(field, value, record)
    return result


def _column_values(field: Any, prefix: str, raw: Any, displayed: Any) -> dict[str, Any]:
    """The tracking value columns holding one side (``old``/``new``) of a change."""
    kind = _COLUMN_OF_TYPE.get(field.type, "char")
    if field.type == "many2one":
        return {f"{prefix}_value_integer": raw or 0, f"{prefix}_value_char": displayed or ""}
    if field.type == "boolean":
        return {f"{prefix}_value_integer": int(bool(raw))}
    if kind == "char":
        return {f"{prefix}_value_char": "" if displayed in (None, False) else str(displayed)}
    if kind in ("integer", "float"):
        return {f"{prefix}_value_{kind}": raw or 0}
    return {f"{prefix}_value_{kind}": raw} if raw not in (None, False) else {}


def changes(records: Any, fields: list[Any], before: dict[int, dict[str, tuple[Any, Any]]]
            ) -> dict[int, list[dict[str, Any]]]:
    """{record id: [tracking value dicts without message_id]} for the records whose
    tracked fields changed since ``before`` (records without changes are left out)."""
    after = snapshot(records, fields)
    result: dict[int, list[dict[str, Any]]] = {}
    for record_id, old_values in before.items():
        new_values = after.get(record_id)
        if new_values is None:
            continue
        lines = []
        for field in fields:
            old_raw, old_shown = old_values[field.name]
            new_raw, new_shown = new_values[field.name]
            if old_raw == new_raw:
                continue
            lines.append({
                "field_name": field.name, "field_desc": field.string, "field_type": field.type,
                **_column_values(field, "old", old_raw, old_shown),
                **_column_values(field, "new", new_raw, new_shown),
            })
        if lines:
            result[record_id] = lines
    return result
