"""Column types: time kept in UTC whatever the dialect, and closed sets loaded as enum members."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime in Python, whatever the database keeps.

    SQLite has no time zone support and hands back naive values; PostgreSQL's timestamptz is
    aware. Storing naive datetimes is refused so a local time can never slip in unnoticed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Choice(TypeDecorator[StrEnum]):
    """A `StrEnum` member in Python, its text in the database (checked by a constraint there).

    Plain text is stored rather than a database enum type, so adding a member is a check
    constraint change in a migration, the same on SQLite and PostgreSQL.
    """

    impl = String
    cache_ok = True

    def __init__(self, choices: type[StrEnum], length: int = 16) -> None:
        super().__init__(length)
        self.choices = choices

    def process_bind_param(self, value: StrEnum | str | None, dialect: Dialect) -> str | None:
        # Text outside the set is passed on as it is: the check constraint is the referee.
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.choices(value)
