"""How read models write values: dates ISO, datetimes in the council's zone."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from domain.rules.publicity import Audience
from domain.store.reading import Unit

#: The two audiences, by their old names (the CLI imports them); ``domain.rules.publicity``
#: decides who is which and what each reads.
PUBLIC = Audience.PUBLIC
INTERNAL = Audience.INTERNAL


SCHEMA_VERSION = 1


def iso(value: Any) -> str | None:
    """Dates as ISO dates; datetimes in the council's own zone (stored UTC, shown local)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(ZONE.get()).isoformat()
    return value.isoformat()


ZONE: ContextVar[Any] = ContextVar("views_zone", default=UTC)


def use_zone(uow: Unit) -> None:
    ZONE.set(uow.calendar.tz)
