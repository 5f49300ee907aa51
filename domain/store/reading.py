"""Reading without the ORM: the unit a read command runs in, and what every unit has.

A person waits for every ``tingflyt case list``, and most of the wait is the start of the
process; importing SQLAlchemy's ORM and mapping the classes of ``domain.store.tables`` cost
about as much again as SQLAlchemy itself. A ``ReadingUnit`` needs none of it: one read-only
transaction on a connection, the read side (``reads``, ``domain.store.reads``) and the lookups
(``cases``, ``meetings``, ``agenda``, ``bodies``, ``people``, ``outbox``: see
``domain.store.lookups``) on the Core tables, answering with rows whose attributes are the
columns. The read models of ``domain.queries`` that need nothing else run in it as they run in
a command's ``UnitOfWork`` (which has the same names, with the ORM behind them).

``Unit`` is what both kinds share: the clock and its instant, the council row and its calendar
(read once per unit), and ``memo``, values derived once per unit.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from domain.errors import Conflict, InvalidInput, NotInitialised
from domain.rules.calendar import PLAUSIBLE_YEARS, Clock, CouncilCalendar, calendar_for, plausible
from domain.store import lookups
from domain.store.db import READONLY
from domain.store.lookups import (
    AgendaRows,
    BodyRows,
    CaseRows,
    Executor,
    MeetingRows,
    OutboxRows,
    PersonRows,
    RowsByKey,
)
from domain.store.reads import Reads


class Unit(ABC):
    """The clock, the council and its calendar, and per-unit values, over an executor (a
    connection or a session) that the subclass opens in ``__enter__``."""

    readonly: bool
    #: The lookups and the read side: rows in a reading unit, ORM objects (and the same read
    #: side) in a unit of work. The read models use only these, the clock and the council.
    cases: Any
    meetings: Any
    agenda: Any
    bodies: Any
    people: Any
    outbox: Any
    reads: Reads

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.now = clock.now()
        #: Values derived once per unit from what only ``init`` changes (the bodies as rule
        #: values); ``init`` clears it when it has loaded the file.
        self.memo: dict[str, Any] = {}
        self._council: Any = None
        self._calendar: CouncilCalendar | None = None

    @abstractmethod
    def _db(self) -> Executor:
        """What this unit's statements run on (its connection or its session)."""

    def _quietly(self) -> AbstractContextManager[Any]:
        """Read without writing the unit's changes first (a unit of work's ``no_autoflush``)."""
        return nullcontext()

    def check_year(self) -> None:
        """Before anything reads with it: dates far out overflow the calendar's arithmetic."""
        if getattr(self.clock, "simulated", False) and not plausible(self.now.date()):
            raise InvalidInput(
                f"Året {self.now.year} i klokka er ikkje rimeleg; ingenting er gjort.",
                f"Sjå etter ein skrivefeil i året i [field:now] (år {PLAUSIBLE_YEARS.start}-"
                f"{PLAUSIBLE_YEARS.stop - 1}).", field="now")

    @property
    def council(self) -> Any:
        """The council row (read once per unit, as a plain row: nothing here changes it)."""
        if self._council is None:
            # Quietly: in a unit of work a flush here would write a half-changed case a second
            # time (nothing in a unit changes the council row).
            with self._quietly():
                record = lookups.council_row(self._db())
            if record is None:
                raise NotInitialised(
                    "Databasen har inga organisasjon enno.",
                    "Køyr [cmd:init] (med [field:org] for eit anna råd enn standardfila).",
                )
            self._council = record
        return self._council

    @property
    def calendar(self) -> CouncilCalendar:
        if self._calendar is None:
            calendar = calendar_for(self.council.timezone, self.council.holiday_country)
            if not calendar.known_years():
                # The holidays init kept: no need to load the holidays package in this process.
                with self._quietly():
                    kept = lookups.holidays(self._db(), calendar.holiday_country)
                calendar.give(kept, {d.year for d in kept})
            self._calendar = calendar
        return self._calendar

    @property
    def today(self) -> date:
        return self.calendar.local_date(self.now)


class ReadingUnit(Unit):
    """One read-only transaction on a connection, with the read side and the lookups on rows.
    Nothing can be written through it."""

    readonly = True

    def __init__(self, engine: Engine, clock: Clock) -> None:
        super().__init__(clock)
        self.engine = engine
        self.connection: Connection

    def _db(self) -> Executor:
        return self.connection

    def __enter__(self) -> ReadingUnit:
        self.check_year()
        self.connection = self.engine.execution_options(**{READONLY: True}).connect()
        db = self.connection
        db.begin()
        self.cases = CaseRows(db)
        self.meetings = MeetingRows(db)
        self.agenda = AgendaRows(db)
        self.bodies = BodyRows(db)
        self.people = PersonRows(db, lambda: self.council)
        self.outbox = OutboxRows(db)
        self.reads = Reads(db, RowsByKey(db))
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            self.connection.rollback()
        finally:
            self.connection.close()
        conflict = busy(exc) if exc is not None else None
        if conflict is not None:
            raise conflict from None


def busy(exc: BaseException) -> Conflict | None:
    """SQLite busy or locked past its timeout, told as people understand it; else None."""
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower()
        if "locked" in text or "busy" in text:
            return Conflict("Databasen var oppteken av ei anna endring; ingenting er lagra.",
                            "Prøv igjen om eit augeblikk.")
    return None
