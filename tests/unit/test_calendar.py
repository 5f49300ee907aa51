"""CouncilCalendar: notice dates, preparation deadlines, working days and local time.

Rules from shared/domain.md section 3 and 5: notice periods count calendar days backwards from
the meeting; a send day that is a Saturday, Sunday or Norwegian public holiday moves *earlier*.
Datetimes are stored in UTC and shown in Europe/Oslo.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.calendar import (
    CouncilCalendar,
    FixedClock,
    ensure_utc,
    format_date,
    format_long_date,
)

CAL = CouncilCalendar("Europe/Oslo", "NO")

# -- public holidays and working days ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "fragment"),
    [
        (date(2027, 1, 1), "nyttår"),
        (date(2027, 3, 25), "skjærtorsdag"),
        (date(2027, 3, 26), "langfredag"),
        (date(2027, 3, 29), "2. påskedag"),
        (date(2027, 5, 6), "himmelfart"),
        (date(2027, 5, 17), "grunnlovsdagen"),
        (date(2026, 5, 1), "1. mai"),
        (date(2026, 5, 25), "2. pinsedag"),
        (date(2026, 12, 25), "1. juledag"),
        (date(2028, 12, 26), "2. juledag"),
    ],
)
def test_norwegian_public_holidays_are_not_working_days(day, fragment):
    assert day.weekday() < 5  # a weekday: only the holiday makes it a day off
    assert not CAL.is_working_day(day)
    assert fragment.lower() in CAL.why_not_working(day).lower()
    assert fragment.lower() in CAL.holiday_name(day).lower()


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 24),  # julaftan is not a public holiday
        date(2026, 12, 31),  # nyttårsaftan neither
        date(2027, 3, 24),  # Wednesday before Maundy Thursday
        date(2027, 3, 30),  # Tuesday after Easter Monday
        date(2026, 9, 17),  # an ordinary Thursday
    ],
)
def test_ordinary_weekdays_are_working_days(day):
    assert CAL.is_working_day(day)
    assert CAL.why_not_working(day) is None
    assert CAL.holiday_name(day) is None


def test_weekends_are_not_working_days_and_are_named():
    saturday, sunday = date(2026, 9, 19), date(2026, 9, 20)
    assert not CAL.is_working_day(saturday)
    assert not CAL.is_working_day(sunday)
    assert CAL.why_not_working(saturday) == "laurdag"
    assert CAL.why_not_working(sunday) == "søndag"
    # every Sunday is a holiday (domain.md section 5), a plain Saturday is not
    assert CAL.holiday_name(sunday) == "søndag"
    assert CAL.holiday_name(saturday) is None


def test_working_day_on_or_before_and_after_skip_the_easter_block():
    # Maundy Thursday 25.03 .. Easter Monday 29.03.2027 is one block of days off
    assert CAL.working_day_on_or_before(date(2027, 3, 29)) == date(2027, 3, 24)
    assert CAL.working_day_on_or_after(date(2027, 3, 25)) == date(2027, 3, 30)
    # a working day is its own answer
    assert CAL.working_day_on_or_before(date(2027, 3, 24)) == date(2027, 3, 24)
    assert CAL.working_day_on_or_after(date(2027, 3, 30)) == date(2027, 3, 30)


def test_add_working_days_skips_weekends_and_holidays_both_ways():
    assert CAL.add_working_days(date(2027, 3, 24), 1) == date(2027, 3, 30)
    assert CAL.add_working_days(date(2027, 3, 30), -1) == date(2027, 3, 24)
    assert CAL.add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 21)  # Fri -> Mon
    assert CAL.add_working_days(date(2026, 9, 1), 3) == date(2026, 9, 4)
    assert CAL.add_working_days(date(2026, 9, 1), 0) == date(2026, 9, 1)


# -- notice dates (innkallingsdato) -------------------------------------------------------------


def test_notice_on_a_plain_weekday_is_exactly_the_notice_period_before():
    assert CAL.notice_date(date(2026, 9, 24), 7) == date(2026, 9, 17)
    assert CAL.notice_date(date(2026, 12, 3), 14) == date(2026, 11, 19)


def test_maundy_thursday_moves_the_notice_to_wednesday():
    # Hallingdal: council meeting 1 April 2027, 7 days' notice -> Maundy Thursday 25.03 is off
    notice = CAL.notice_date(date(2027, 4, 1), 7)
    assert format_date(notice) == "24.03.2027"


def test_easter_monday_moves_the_notice_back_over_the_whole_easter_block():
    # 7 days before Monday 5 April 2027 is Easter Monday; Sun, Sat, Good Friday and Maundy
    # Thursday are off too
    assert CAL.notice_date(date(2027, 4, 5), 7) == date(2027, 3, 24)
    # the same in 2026 (Easter Monday 6 April)
    assert CAL.notice_date(date(2026, 4, 13), 7) == date(2026, 4, 1)


def test_17_may_on_a_weekday_moves_the_notice_to_the_day_before():
    # 17 May 2028 is a Wednesday and no other holiday
    assert CAL.notice_date(date(2028, 5, 24), 7) == date(2028, 5, 16)


def test_17_may_and_whit_monday_2027_move_the_notice_to_friday():
    # Monday 17 May 2027 is both Whit Monday and Constitution Day
    assert CAL.notice_date(date(2027, 5, 24), 7) == date(2027, 5, 14)


def test_christmas_moves_the_notice_to_christmas_eve():
    # 14 days before Friday 8 January 2027 is Christmas Day (Friday 25.12.2026)
    assert CAL.notice_date(date(2027, 1, 8), 14) == date(2026, 12, 24)
    # 10 days before Tuesday 5 January 2027 is Saturday 26.12 (Boxing Day) -> over 25.12 -> 24.12
    assert CAL.notice_date(date(2027, 1, 5), 10) == date(2026, 12, 24)


def test_saturday_send_day_moves_to_friday():
    # 10 days before Tuesday 8 September 2026 is Saturday 29 August
    meeting = date(2026, 9, 8)
    assert (meeting - timedelta(days=10)).weekday() == 5
    assert CAL.notice_date(meeting, 10) == date(2026, 8, 28)


def test_sunday_send_day_moves_to_friday():
    # 8 days before Monday 14 September 2026 is Sunday 6 September
    assert CAL.notice_date(date(2026, 9, 14), 8) == date(2026, 9, 4)


def test_saturday_holiday_send_day_moves_to_friday():
    # Fjellbygd: 10 days before Tuesday 11 May 2027 is Saturday 1 May (also a holiday)
    assert CAL.notice_date(date(2027, 5, 11), 10) == date(2027, 4, 30)


def test_preparation_deadline_counts_back_from_the_notice_and_avoids_days_off():
    assert CAL.preparation_deadline(date(2026, 9, 17), 7) == date(2026, 9, 10)
    # 7 days before Thursday 1 April 2027 is Maundy Thursday -> Wednesday 24 March
    assert CAL.preparation_deadline(date(2027, 4, 1), 7) == date(2027, 3, 24)
    # 0 days of lead time on a working day is the notice day itself
    assert CAL.preparation_deadline(date(2026, 9, 17), 0) == date(2026, 9, 17)


# -- earliest meeting day -----------------------------------------------------------------------


def test_earliest_meeting_day_when_notice_can_go_today():
    # Wednesday 24 March 2027, 7 days: the notice goes today, meeting Wednesday 31 March
    assert CAL.earliest_meeting_day(date(2027, 3, 24), 7) == date(2027, 3, 31)


def test_earliest_meeting_day_over_easter():
    # On Maundy Thursday no notice can be dated earlier than today; meetings on 1, 2 and 5 April
    # would need a notice dated 24 March, so the first possible meeting is Tuesday 6 April.
    assert CAL.earliest_meeting_day(date(2027, 3, 25), 7) == date(2027, 4, 6)


def test_earliest_meeting_day_urgent_short_notice():
    # Tuesday 1 September 2026 with 2 days' notice: Thursday 3 September
    assert CAL.earliest_meeting_day(date(2026, 9, 1), 2) == date(2026, 9, 3)


# -- properties ---------------------------------------------------------------------------------

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
notice_periods = st.integers(min_value=0, max_value=60)


@settings(max_examples=150, deadline=None)
@given(meeting=days, notice_days=notice_periods)
def test_property_notice_date_is_the_latest_working_day_on_or_before_the_period(
    meeting, notice_days
):
    notice = CAL.notice_date(meeting, notice_days)
    target = meeting - timedelta(days=notice_days)
    assert CAL.is_working_day(notice)
    assert notice <= target
    # no working day lies after the notice day up to and including the target day
    day = notice + timedelta(days=1)
    while day <= target:
        assert not CAL.is_working_day(day), (meeting, notice_days, notice, day)
        day += timedelta(days=1)


@settings(max_examples=120, deadline=None)
@given(notice=days, lead=notice_periods)
def test_property_preparation_deadline_is_the_latest_working_day_before_the_lead_time(
    notice, lead
):
    deadline = CAL.preparation_deadline(notice, lead)
    target = notice - timedelta(days=lead)
    assert CAL.is_working_day(deadline)
    assert deadline <= target
    day = deadline + timedelta(days=1)
    while day <= target:
        assert not CAL.is_working_day(day)
        day += timedelta(days=1)


def _previous_working_day(day: date) -> date:
    return CAL.working_day_on_or_before(day - timedelta(days=1))


@settings(max_examples=150, deadline=None)
@given(today=days, notice_days=st.integers(min_value=1, max_value=30))
def test_property_earliest_meeting_day_is_the_first_day_a_notice_from_today_reaches(
    today, notice_days
):
    meeting = CAL.earliest_meeting_day(today, notice_days)
    assert CAL.is_working_day(meeting)
    assert meeting > today
    assert CAL.notice_date(meeting, notice_days) >= today
    # the working day before would have needed a notice before today
    assert CAL.notice_date(_previous_working_day(meeting), notice_days) < today
    # and so would every working day in between
    day = today
    while day < meeting:
        if CAL.is_working_day(day):
            assert CAL.notice_date(day, notice_days) < today
        day += timedelta(days=1)


@settings(max_examples=100, deadline=None)
@given(today=days)
def test_property_earliest_meeting_day_with_zero_notice_is_the_next_working_day(today):
    # With no notice period the engine still allows no meeting before tomorrow (the minimum).
    meeting = CAL.earliest_meeting_day(today, 0)
    assert meeting == CAL.working_day_on_or_after(today + timedelta(days=1))
    assert CAL.notice_date(meeting, 0) >= today


@settings(max_examples=120, deadline=None)
@given(day=days, count=st.integers(min_value=-30, max_value=30))
def test_property_add_working_days_lands_on_a_working_day_and_counts_them(day, count):
    result = CAL.add_working_days(day, count)
    if count == 0:
        assert result == day
        return
    assert CAL.is_working_day(result)
    if count > 0:  # working days in (day, result]
        span = [day + timedelta(days=i) for i in range(1, (result - day).days + 1)]
    else:  # working days in [result, day)
        span = [result + timedelta(days=i) for i in range((day - result).days)]
    assert sum(CAL.is_working_day(d) for d in span) == abs(count)


# -- local time and daylight saving ---------------------------------------------------------------


def test_at_uses_summer_and_winter_time():
    assert CAL.at(date(2026, 7, 1), time(10, 0)) == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert CAL.at(date(2026, 1, 15), time(10, 0)) == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def test_at_on_the_day_summer_time_ends():
    # last Sunday of October 2026 is the 25th: clocks go back 03:00 CEST -> 02:00 CET
    day = date(2026, 10, 25)
    assert CAL.at(day, time(10, 0)) == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert CAL.at(date(2026, 10, 24), time(10, 0)) == datetime(2026, 10, 24, 8, 0, tzinfo=UTC)
    assert CAL.at(day, time(10, 0)).tzinfo is not None


def test_at_on_the_day_summer_time_starts():
    # last Sunday of March 2027 is the 28th: clocks go forward 02:00 CET -> 03:00 CEST
    assert CAL.at(date(2027, 3, 28), time(10, 0)) == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)
    assert CAL.at(date(2027, 3, 27), time(10, 0)) == datetime(2027, 3, 27, 9, 0, tzinfo=UTC)


def test_day_boundaries_over_dst_changes():
    # the autumn day is 25 hours long, the spring day 23 hours
    autumn = date(2026, 10, 25)
    assert CAL.start_of(autumn) == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert CAL.end_of(autumn) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    assert CAL.end_of(autumn) - CAL.start_of(autumn) == timedelta(hours=25)
    spring = date(2027, 3, 28)
    assert CAL.start_of(spring) == datetime(2027, 3, 27, 23, 0, tzinfo=UTC)
    assert CAL.end_of(spring) == datetime(2027, 3, 28, 22, 0, tzinfo=UTC)
    assert CAL.end_of(spring) - CAL.start_of(spring) == timedelta(hours=23)
    # end_of is exclusive: the start of the next local day
    assert CAL.end_of(date(2027, 3, 27)) == CAL.start_of(spring)


def test_end_of_is_the_first_instant_after_the_local_day():
    day = date(2026, 12, 31)
    end = CAL.end_of(day)
    assert CAL.local_date(end - timedelta(microseconds=1)) == day
    assert CAL.local_date(end) == date(2027, 1, 1)


def test_local_and_local_date_convert_from_utc():
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert CAL.local_date(late) == date(2027, 1, 1)
    assert CAL.local(late).hour == 0 and CAL.local(late).minute == 30
    summer = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
    assert CAL.local_date(summer) == date(2026, 7, 1)
    # another aware zone gives the same instant
    other = datetime(2026, 6, 30, 18, 30, tzinfo=timezone(timedelta(hours=-4)))
    assert CAL.local_date(other) == date(2026, 7, 1)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        CAL.local(datetime(2026, 9, 17, 10, 0))
    with pytest.raises(ValueError, match="naive"):
        ensure_utc(datetime(2026, 9, 17, 10, 0))
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 9, 17, 10, 0))


def test_fixed_clock_stands_still_and_moves_when_told():
    clock = FixedClock(datetime(2026, 9, 17, 12, 0, tzinfo=CAL.tz))
    assert clock.now() == datetime(2026, 9, 17, 10, 0, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)
    assert clock.now() == clock.now()
    clock.advance(timedelta(days=1))
    assert clock.now() == datetime(2026, 9, 18, 10, 0, tzinfo=UTC)


# -- formatting ---------------------------------------------------------------------------------


def test_format_date_is_norwegian_with_leading_zeros():
    assert format_date(date(2027, 3, 4)) == "04.03.2027"
    assert format_date(date(2026, 9, 17)) == "17.09.2026"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 9, 17), "torsdag 17. september 2026"),
        (date(2027, 3, 24), "onsdag 24. mars 2027"),
        (date(2026, 12, 1), "tysdag 1. desember 2026"),
        (date(2026, 8, 29), "laurdag 29. august 2026"),
        (date(2027, 5, 17), "måndag 17. mai 2027"),
    ],
)
def test_format_long_date_is_nynorsk(day, text):
    assert format_long_date(day) == text
