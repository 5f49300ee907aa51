"""Numbers and references: case numbers (``2026/17``), agenda numbers (``RR 12/26``), meeting
refs (``RR-2026-09-24``, a second one that day ``RR-2026-09-24-2``, a written handling
``RR-2026-10-28-S``)."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

from domain.errors import InvalidInput

CASE_NUMBER = re.compile(r"^(\d{4})/(\d{1,9})$")


def parse_case_number(number: str) -> tuple[int, int]:
    """Arkivsak ``2026/17`` as (year, running number); refused naming the field ``case``."""
    match = CASE_NUMBER.match(number.strip())
    if match:
        return int(match.group(1)), int(match.group(2))
    raise InvalidInput(f"«{number}» er ikkje eit saksnummer.",
                       "Skriv saksnummeret som år/nummer, t.d. 2026/17.", field="case")


def case_number(year: int, seq: int) -> str:
    return f"{year}/{seq}"


def agenda_number(prefix: str | None, number: int | None, year: int | None) -> str | None:
    """Utvalssaksnummer: ``RR 12/26``."""
    if number is None or year is None or not prefix:
        return None
    return f"{prefix} {number}/{year % 100:02d}"


def same_agenda_number(label: str | None, text: str) -> bool:
    """``RR 14/26`` as people type it: spaces and case do not matter."""
    return label is not None and label.replace(" ", "").lower() == text.replace(" ", "").lower()


def meeting_ref(prefix: str, day: date, taken: Collection[str]) -> str:
    """A meeting's ref: the body's prefix and the day, numbered from 2 if the day has one."""
    base = f"{prefix}-{day.isoformat()}"
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def written_ref(prefix: str, day: date, taken: Collection[str]) -> str:
    """A written handling's ref: ``RR-2026-10-28-S``, then ``-S2``, ``-S3``."""
    base = f"{prefix}-{day.isoformat()}-S"
    ref, n = base, 2
    while ref in taken:
        ref, n = f"{base}{n}", n + 1
    return ref
