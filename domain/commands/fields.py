"""Field types the command inputs share: parsed once, refused naming the field.

Each field carries its description in Nynorsk and English (a Prefect form shows it; the CLI's
help says the same). Dates are taken as ISO dates (``2026-09-24``) or as people write them
(``24.9.2026``); times as ``10:00``.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from domain.rules.calendar import PLAUSIBLE_YEARS, parse_day, plausible
from domain.rules.numbering import CASE_NUMBER
from domain.rules.text import clean_text


def refuse(message: str, hint: str) -> PydanticCustomError:
    """A validator's refusal in full words (the registry reads ``message`` and ``hint``)."""
    return PydanticCustomError("refused", "{message}", {"message": message, "hint": hint})


def _day(value: Any) -> Any:
    day = parse_day(value) if isinstance(value, str) else value
    if day is None:
        raise refuse(f"Ugyldig dato «{value}» i [field:__field__].",
                     "Skriv datoen som ÅÅÅÅ-MM-DD, t.d. 2026-09-24.")
    if isinstance(day, date) and not plausible(day):
        raise refuse(f"Året {day.year} i [field:__field__] er ikkje rimeleg.",
                     f"Skriv ein dato mellom {PLAUSIBLE_YEARS.start} og "
                     f"{PLAUSIBLE_YEARS.stop - 1}; sjå etter ein skrivefeil i året.")
    return day


def _clock(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    match = re.match(r"^(\d{1,2})[:.](\d{2})$", value.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise refuse(f"Ugyldig klokkeslett «{value}» i [field:__field__].",
                 "Skriv klokkeslettet som TT:MM, t.d. 10:00.")


def _case_number(value: str) -> str:
    if not CASE_NUMBER.match(value):
        raise refuse(f"«{value}» er ikkje eit saksnummer.",
                     "Skriv saksnummeret som år/nummer, t.d. 2026/17.")
    return value


def described(nn: str, en: str, **kwargs: Any) -> Any:
    return Field(description=f"{nn} ({en})", **kwargs)


# A form shows them as text, as people type them: a date picker in a browser shifts a date by
# the browser's time zone (Prefect #11791), and the validators above read what people write.
Day = Annotated[date, BeforeValidator(_day), WithJsonSchema(
    {"type": "string", "examples": ["2026-09-24"]})]
Clock = Annotated[time, BeforeValidator(_clock), WithJsonSchema(
    {"type": "string", "examples": ["10:00"]})]
Version = Annotated[int | None, described(
    "Gjer det berre om saka framleis har denne versjonen", "only if the case still has this "
    "version (optimistic locking)", default=None, ge=0)]


def _text(multiline: bool) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return clean_text(value, multiline=multiline)
        except ValueError as exc:
            raise refuse(f"Teksten i [field:__field__] kan ikkje lagrast: {exc}.",
                         "Skriv han på nytt utan teiknet (lim ikkje inn frå eit anna program "
                         "utan å sjå over).") from None
    return BeforeValidator(check)


#: One line of text: a title, a place, a name, a short reason.
Line = Annotated[str, _text(multiline=False)]
#: Text that may run over several lines: a proposal, a decision, a recommendation, a note.
Text = Annotated[str, _text(multiline=True)]
MaybeLine = Annotated[str | None, _text(multiline=False)]
MaybeText = Annotated[str | None, _text(multiline=True)]

CaseNumber = Annotated[str, AfterValidator(_case_number),
                       described("Saksnummer, t.d. 2026/17", "case number, e.g. 2026/17")]
MeetingRef = Annotated[Line, described("Møte, t.d. RR-2026-09-24", "meeting, e.g. RR-2026-09-24",
                                      min_length=1, max_length=40)]
PersonId = Annotated[Line, described("Person-id frå organisasjonsfila", "person id from the "
                                    "organisation file", min_length=1, max_length=80)]
