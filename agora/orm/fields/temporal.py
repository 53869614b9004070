"""Date and Datetime fields. Datetimes are naive values in UTC, like the database column."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from agora.orm.fields.base import Field

if TYPE_CHECKING:
    from agora.orm.models import BaseModel

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class Date(Field):
    type = "date"
    column_type = "date"
    default_aggregator = "max"

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False or value == "":
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                pass
        raise self.invalid(value, "a date (YYYY-MM-DD)")

    @staticmethod
    def to_string(value: date) -> str:
        return value.strftime(DATE_FORMAT)

    @staticmethod
    def today(*args: Any) -> date:
        return date.today()


class Datetime(Field):
    type = "datetime"
    column_type = "timestamp"
    default_aggregator = "max"

    def convert_to_cache(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False or value == "":
            return None
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            return value.replace(microsecond=value.microsecond)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        if isinstance(value, str):
            text = value.strip().replace("T", " ")
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                raise self.invalid(value, "a datetime (YYYY-MM-DD HH:MM:SS, UTC)") from None
            return self.convert_to_cache(parsed, record)
        raise self.invalid(value, "a datetime (YYYY-MM-DD HH:MM:SS, UTC)")

    @staticmethod
    def to_string(value: datetime) -> str:
        return value.strftime(DATETIME_FORMAT)

    @staticmethod
    def now(*args: Any) -> datetime:
        """Current UTC time, to the second (what clients display and send back)."""
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
