"""Field types (``from agora import fields``)."""

from agora.orm.fields.base import Field
from agora.orm.fields.relational import Many2many, Many2one, One2many, Reference
from agora.orm.fields.scalar import (
    Binary,
    Boolean,
    Char,
    Float,
    Html,
    Integer,
    Json,
    Monetary,
    Selection,
    Text,
)
from agora.orm.fields.temporal import Date, Datetime

__all__ = [
    "Binary", "Boolean", "Char", "Date", "Datetime", "Field", "Float", "Html", "Integer",
    "Json", "Many2many", "Many2one", "Monetary", "One2many", "Reference", "Selection", "Text",
]
