"""Nynorsk as people read it (issue 8): weekday abbreviations that cannot be read as English,
"i dag" rather than "om 0 dagar", one row rather than "1 rader", no English status words."""

from __future__ import annotations

from domain.engine.sweep import in_days
from flows.output import _deadline_status, _rows, dw


def test_weekdays_carry_their_full_stop() -> None:
    assert dw("2026-10-28") == "ons. 28.10.2026" and dw("2026-10-29") == "tor. 29.10.2026"


def test_days_ahead_read_as_people_say_them() -> None:
    assert [in_days(n) for n in (0, 1, 5)] == ["i dag", "i morgon", "om 5 dagar"]


def test_counts_and_statuses_in_nynorsk() -> None:
    assert _rows(1) == "forfallen rad" and _rows(3) == "forfalne rader"
    assert [_deadline_status(s) for s in ("open", "met", "missed", "cancelled")] == [
        "løpande", "halden", "passert", "fell bort"]
