"""Time and the council's calendar: the clock, local dates, working days and notice dates.

Time is injected: the whole program asks one ``Clock``. Datetimes are stored in UTC and shown in
the council's time zone (Europe/Oslo for Hallingdal); a naive datetime is a bug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

#: Nynorsk names of the Norwegian public holidays (the library names them in Bokmål/English).
HOLIDAY_NAMES_NN = {
    "New Year's Day": "1. nyttårsdag",
    "Maundy Thursday": "skjærtorsdag",
    "Good Friday": "langfredag",
    "Easter Sunday": "1. påskedag",
    "Easter Monday": "2. påskedag",
    "Labor Day": "1. mai",
    "Ascension Day": "Kristi himmelfartsdag",
    "Constitution Day": "17. mai (grunnlovsdagen)",
    "Whit Sunday": "1. pinsedag",
    "Pentecost": "1. pinsedag",
    "Whit Monday": "2. pinsedag",
    "Pentecost Monday": "2. pinsedag",
    "Christmas Day": "1. juledag",
    "Second Day of Christmas": "2. juledag",
}


class Clock(Protocol):
    #: Whether the clock is set by hand (a simulation, a test) rather than the real time.
    simulated: bool

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, in UTC."""

    simulated = False

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move (``--now``, tests, the demo's season)."""

    simulated = True

    def __init__(self, at: datetime) -> None:
        #: The last instant the store found this clock lawful for its database (see
        #: ``UnitOfWork``): looked at again only when the clock has moved.
        self.verified_at: datetime | None = None
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._at += delta

    def now(self) -> datetime:
        return self._at


def ensure_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: every time in tingflyt carries its zone")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class CouncilCalendar:
    """Working days and local time for one council.

    Notice periods count calendar days backwards from the meeting; a send day that is a
    Saturday, Sunday or public holiday moves earlier (domain.md section 3).
    """

    timezone: str = "Europe/Oslo"
    holiday_country: str = "NO"
    _cache: dict[int, dict[date, str]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    # -- local time -------------------------------------------------------------------------
    def local(self, value: datetime) -> datetime:
        return ensure_utc(value).astimezone(self.tz)

    def local_date(self, value: datetime) -> date:
        return self.local(value).date()

    def at(self, day: date, clock_time: time) -> datetime:
        """The UTC instant of a local wall-clock time on a local day."""
        return datetime.combine(day, clock_time, tzinfo=self.tz).astimezone(UTC)

    def start_of(self, day: date) -> datetime:
        return self.at(day, time(0, 0))

    def end_of(self, day: date) -> datetime:
        """The first instant after ``day`` (exclusive end), in UTC."""
        return self.start_of(day + timedelta(days=1))

    # -- holidays and working days ------------------------------------------------------------
    def known_years(self) -> set[int]:
        """The years whose holidays the calendar has (given or computed)."""
        return set(self._cache)

    def give(self, days: dict[date, str], years: set[int]) -> None:
        """Holidays already known (kept by the store) for ``years``: not computed again."""
        for year in years:
            self._cache.setdefault(year, {d: n for d, n in days.items() if d.year == year})

    def holidays_in(self, year: int) -> dict[date, str]:
        if year not in self._cache:
            # Lazy on purpose (a third-party package, allowed in tests/architecture): holidays
            # costs about 80 ms of start-up that read commands never need.
            import holidays

            table = holidays.country_holidays(self.holiday_country, years=year,
                                              language="en_US")
            self._cache[year] = {
                day: " og ".join(HOLIDAY_NAMES_NN.get(n, n) for n in name.split("; "))
                for day, name in table.items()}
        return self._cache[year]

    def holiday_name(self, day: date) -> str | None:
        if day.weekday() == 6:
            return "søndag"
        return self.holidays_in(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays_in(day.year)

    def why_not_working(self, day: date) -> str | None:
        if day.weekday() == 5:
            return "laurdag"
        if day.weekday() == 6:
            return "søndag"
        return self.holidays_in(day.year).get(day)

    def working_day_on_or_before(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def working_day_on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    # -- the rules of notice -------------------------------------------------------------------
    def notice_date(self, meeting_day: date, notice_days: int) -> date:
        """Innkallingsdato: meeting day minus the notice period, moved earlier off days off."""
        return self.working_day_on_or_before(meeting_day - timedelta(days=notice_days))

    def preparation_deadline(self, notice_day: date, preparation_days: int) -> date:
        """Frist for saksutgreiing: the notice day minus the lead time, on a working day."""
        return self.working_day_on_or_before(notice_day - timedelta(days=preparation_days))

    def earliest_meeting_day(self, today: date, notice_days: int) -> date:
        """The first working day on which a meeting can be held if its notice goes out today
        or later: the smallest working day ``d`` with ``notice_date(d) >= today``."""
        day = today + timedelta(days=max(notice_days, 1))
        while True:
            if self.is_working_day(day) and self.notice_date(day, notice_days) >= today:
                return day
            day += timedelta(days=1)


#: The years a date may fall in: a mistyped year (9999, 0001, 2062 for 2026) is refused rather
#: than planned for. Wide enough for the archive of earlier periods and plans decades ahead.
PLAUSIBLE_YEARS = range(2000, 2100)


def plausible(day: date) -> bool:
    """Whether ``day`` is in a year the council can mean (``PLAUSIBLE_YEARS``)."""
    return day.year in PLAUSIBLE_YEARS


def parse_day(text: str) -> date | None:
    """A day as people write it: ``2026-09-24`` or ``24.9.2026``; None if it is not one."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", text):
            d, m, y = (int(p) for p in text.split("."))
            return date(y, m, d)
    except ValueError:
        return None
    return None


@lru_cache(maxsize=8)
def calendar_for(timezone: str, country: str) -> CouncilCalendar:
    """One calendar per zone and country for the whole process (its holiday tables are cached)."""
    return CouncilCalendar(timezone, country)


def format_date(day: date) -> str:
    """Norwegian date: 17.09.2026."""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"  # %Y writes year 1 as "1"


WEEKDAYS_NN = ("måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag", "søndag")
MONTHS_NN = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)


def format_long_date(day: date) -> str:
    """Nynorsk long form: torsdag 17. september 2026."""
    return f"{WEEKDAYS_NN[day.weekday()]} {day.day}. {MONTHS_NN[day.month - 1]} {day.year}"
