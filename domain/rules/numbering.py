"""Numbers and references: case numbers (2026/17), agenda numbers (RR 12/26), meeting refs."""

from __future__ import annotations


def agenda_number(prefix: str | None, number: int | None, year: int | None) -> str | None:
    """Utvalssaksnummer: ``RR 12/26``."""
    if number is None or year is None or not prefix:
        return None
    return f"{prefix} {number}/{year % 100:02d}"
