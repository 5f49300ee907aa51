"""Case numbers, agenda numbers and meeting refs (rules/numbering.py, no database)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.rules.calendar import parse_day
from domain.rules.numbering import (
    agenda_number,
    case_number,
    meeting_ref,
    parse_case_number,
    same_agenda_number,
    written_ref,
)


@given(st.integers(1900, 2100), st.integers(1, 10**6))
def test_a_case_number_reads_back(year: int, seq: int) -> None:
    assert parse_case_number(case_number(year, seq)) == (year, seq)


@pytest.mark.parametrize("text", ["17", "2026-17", "26/17", "2026/", "/17", "2026/17/1", ""])
def test_what_is_not_a_case_number_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_case_number(text)
    assert refused.value.field == "case" and "2026/17" in refused.value.hint


def test_agenda_numbers_carry_the_prefix_and_the_year() -> None:
    assert agenda_number("RR", 12, 2026) == "RR 12/26"
    assert agenda_number("HT", 3, 2030) == "HT 3/30"
    assert agenda_number("RR", None, 2026) is None and agenda_number(None, 1, 2026) is None
    assert same_agenda_number("RR 14/26", "rr14/26") and not same_agenda_number("RR 14/26",
                                                                                "RR 14/27")


def test_a_second_meeting_the_same_day_gets_a_number() -> None:
    day = date(2026, 10, 15)
    assert meeting_ref("RR", day, set()) == "RR-2026-10-15"
    assert meeting_ref("RR", day, {"RR-2026-10-15"}) == "RR-2026-10-15-2"
    assert meeting_ref("RR", day, {"RR-2026-10-15", "RR-2026-10-15-2"}) == "RR-2026-10-15-3"
    assert written_ref("RR", day, set()) == "RR-2026-10-15-S"
    assert written_ref("RR", day, {"RR-2026-10-15-S"}) == "RR-2026-10-15-S2"


def test_days_as_people_write_them() -> None:
    assert parse_day("2026-09-24") == date(2026, 9, 24)
    assert parse_day("24.9.2026") == date(2026, 9, 24)
    assert parse_day("31.02.2026") is None and parse_day("i morgon") is None
    assert parse_day("2026-9-24") is None
