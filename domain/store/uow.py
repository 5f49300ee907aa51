"""Unit of work: one command, one transaction, one clock.

Every staff action and every automatic step runs inside one ``UnitOfWork``: it reads, checks,
changes, writes its journal entry, and commits, or it raises and nothing is written. It keeps
the transaction, the clock (and the council's calendar), the journal and alerts, and the mapping
of a lost race to ``Conflict``; every statement is one of its repositories (``uow.cases``,
``uow.meetings``, ...: see ``domain.store.repositories``) or of its read side (``uow.reads``).
Outside the store nothing touches the session: rows are added and removed with ``uow.add`` and
``uow.delete``.
"""

from __future__ import annotations

import functools
import getpass
import os
import socket
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from domain.errors import (
    Conflict,
    RuleViolation,
)
from domain.rules.access import Actor
from domain.rules.calendar import (
    Clock,
)
from domain.rules.terms import Role
from domain.store.db import READONLY
from domain.store.reading import Unit, busy
from domain.store.reads import Reads
from domain.store.repositories import (
    AgendaRepository,
    BodyRepository,
    CaseRepository,
    DeadlineRepository,
    DueRepository,
    MeetingRepository,
    OrganisationRepository,
    OutboxRepository,
    PersonRepository,
    SittingRepository,
    VoteRepository,
    WrittenRepository,
)
from domain.store.tables import Alert, Base, Case, Counter, JournalEntry, Meeting

#: ``Engine`` is here for the callers that pass a database handle on (the engine, the registry),
#: so that nothing outside the store imports SQLAlchemy for its type.
__all__ = ["Engine", "UnitOfWork", "Via"]

# -- the unit of work ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Via:
    """The way a change came in (``cli``, ``prefect-ui``, ``prefect-schedule``, ``demo``) and the
    Prefect flow run that made it, if one did: journalled beside the person and the account."""

    channel: str | None = None
    run_ref: str | None = None


class UnitOfWork(Unit):
    """A transaction with the clock, the council's calendar, the journal and alerts at hand."""

    def __init__(self, engine: Engine, clock: Clock, *, readonly: bool = False,
                 via: Via | None = None) -> None:
        super().__init__(clock)
        self._factory = _session_factory(engine, readonly)
        #: The way this unit's changes came in, journalled with each of them.
        self.via = via or Via()
        self.readonly = readonly
        self.session: Session
        self.committed = False
        #: The alerts raised in this unit, for the messages that tell their recipients
        #: (``domain.operations.outbox.alert_messages``, before the commit).
        self.raised: list[Alert] = []
        self.cases: CaseRepository
        self.meetings: MeetingRepository
        self.agenda: AgendaRepository
        self.bodies: BodyRepository
        self.people: PersonRepository
        self.organisation: OrganisationRepository
        self.sitting: SittingRepository
        self.votes: VoteRepository
        self.written: WrittenRepository
        self.deadlines: DeadlineRepository
        self.due: DueRepository
        self.outbox: OutboxRepository
        self.reads: Reads

    def _db(self) -> Any:
        return self.session

    def _quietly(self) -> AbstractContextManager[Any]:
        return self.session.no_autoflush

    def _get(self, table: Any, ident: Any) -> Any:
        """The unit's object for a row of ``table`` by its key (``Session.get``), or None."""
        return self.session.get(_CLASS_OF[table], ident)

    def __enter__(self) -> UnitOfWork:
        self.check_year()
        self.session = self._factory()
        session = self.session
        self.cases = CaseRepository(session)
        self.meetings = MeetingRepository(session)
        self.agenda = AgendaRepository(session)
        self.bodies = BodyRepository(session)
        self.people = PersonRepository(session, lambda: self.council)
        self.organisation = OrganisationRepository(session)
        self.sitting = SittingRepository(session)
        self.votes = VoteRepository(session)
        self.written = WrittenRepository(session)
        self.deadlines = DeadlineRepository(session)
        self.due = DueRepository(session)
        self.outbox = OutboxRepository(session)
        self.reads = Reads(session, self._get)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if self.readonly and exc_type is None:
                # Keep what was read usable after the transaction ends (nothing was changed).
                self.session.expunge_all()
            if not self.committed:
                self.session.rollback()
        finally:
            self.session.close()
        conflict = _as_conflict(exc) if exc is not None else None
        if conflict is not None:
            raise conflict from None

    def commit(self) -> None:
        if self.readonly:
            self.session.rollback()
        else:
            self.check_clock()
            try:
                self.session.commit()
            except Exception as exc:
                self.session.rollback()
                conflict = _as_conflict(exc)
                if conflict is not None:
                    raise conflict from None
                raise
        self.committed = True

    def check_clock(self) -> None:
        """A clock set by hand may not write into a real database beyond a few minutes of the
        real time, and no clock may write before what is already recorded: a mistyped year
        would otherwise pass every deadline and notice day for good. Looked at once per
        instant of a hand-set clock; the real clock needs no check."""
        clock: Any = self.clock
        if not getattr(clock, "simulated", False) or clock.verified_at == self.now:
            return
        if not self.council.simulation and abs(self.now - datetime.now(UTC)) > REAL_TIME_SLACK:
            raise RuleViolation(
                "Denne databasen er ekte (ikkje ei simulering): han kan berre skrivast til med "
                "den verkelege klokka; ingenting er lagra.",
                "Ta vekk [field:now]. For å øve eller simulere: lag ein eigen database med "
                "[cmd:init] og [field:now] (t.d. med TINGFLYT_DATA_DIR).", field="now")
        last = self.session.scalar(_LAST_ENTRY, {"now": self.now})
        if last is not None:
            raise RuleViolation(
                f"Klokka {self.calendar.local(self.now):%d.%m.%Y %H:%M} er før det som alt er "
                f"ført ({self.calendar.local(last):%d.%m.%Y %H:%M}); tida kan ikkje gå "
                "bakover, og ingenting er lagra.",
                "Bruk eit tidspunkt etter det siste som er ført i [field:now], eller ingen.",
                field="now")
        clock.verified_at = self.now

    def flush(self) -> None:
        """Flush now (to get ids); a lost race surfaces as ``Conflict`` when the unit ends."""
        self.session.flush()

    # -- new and removed rows ----------------------------------------------------------------
    def add(self, row: Any) -> None:
        """A new row, written with the unit (or at the next flush)."""
        self.session.add(row)

    def add_all(self, rows: Iterable[Any]) -> None:
        self.session.add_all(list(rows))

    def delete(self, row: Any) -> None:
        """A row to remove, with the unit."""
        self.session.delete(row)

    def no_autoflush(self) -> AbstractContextManager[Any]:
        """Read without writing pending changes first (so a changed row is written once)."""
        return self.session.no_autoflush

    # -- running numbers -------------------------------------------------------------------
    def next_number(self, name: str, year: int) -> int:
        """Take the next number in a series, safely under concurrency."""
        result = self.session.execute(
            update(Counter).where(Counter.name == name, Counter.year == year)
            .values(value=Counter.value + 1).returning(Counter.value))
        value = result.scalar()
        if value is None:
            self.session.add(Counter(name=name, year=year, value=1))
            self.flush()
            return 1
        return int(value)

    # -- journal and alerts ------------------------------------------------------------------
    def journal(
        self,
        actor: Actor,
        action: str,
        summary: str,
        *,
        case: Case | None = None,
        meeting: Meeting | None = None,
        reason: str | None = None,
        data: dict[str, Any] | None = None,
        role: Iterable[Role] = (),
    ) -> None:
        os_user, host = account()
        values = dict(
            at=self.now, actor_id=actor.id, actor_role=actor.role_for_journal(role),
            action=action, case_id=case.id if case is not None else None,
            meeting_id=meeting.id if meeting is not None else None,
            summary=summary, reason=reason, data=data, os_user=os_user, host=host,
            via=self.via.channel, run_ref=self.via.run_ref)
        # A plain INSERT on the unit's connection: the journal is append-only, the ORM has
        # nothing to track, and the row needs no flush of anything else first.
        self.session.connection().execute(_JOURNAL_INSERT, values)

    def alert(
        self,
        key: str,
        kind: str,
        message: str,
        *,
        recipients: Iterable[str],
        severity: str = "warning",
        case: Case | None = None,
        meeting: Meeting | None = None,
    ) -> Alert | None:
        """Raise an alert once; the same ``key`` again is a no-op (flows run twice safely)."""
        exists = self.session.scalars(select(Alert.id).where(Alert.key == key)).first()
        if exists is not None:
            return None
        alert = Alert(key=key, raised_at=self.now, kind=kind, severity=severity,
                      case_id=case.id if case else None,
                      meeting_id=meeting.id if meeting else None,
                      recipients=sorted(set(recipients)), message=message)
        self.session.add(alert)
        self.raised.append(alert)
        return alert


#: The ORM class mapped onto each table (``UnitOfWork._get``).
_CLASS_OF = {mapper.local_table: mapper.class_ for mapper in Base.registry.mappers}


_JOURNAL_INSERT = insert(JournalEntry.__table__)

#: The latest journal entry later than a given instant (none, when time goes forward).
_LAST_ENTRY = select(func.max(JournalEntry.at)).where(JournalEntry.at > bindparam("now"))

#: How far a hand-set clock may be from the real time in a real database (a command typed
#: with ``--now`` a little ahead or behind, or machines whose clocks differ a little).
REAL_TIME_SLACK = timedelta(minutes=5)


@functools.cache
def account() -> tuple[str, str]:
    """The operating-system user and host this process runs as: journalled beside the person a
    change was made for, so that every change can be traced to an account (``--as`` is only a
    claim)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a bare container): the uid itself
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "ukjend"
    return user[:64], socket.gethostname()[:255]


@functools.lru_cache(maxsize=16)
def _session_factory(engine: Engine, readonly: bool) -> sessionmaker[Session]:
    bind = engine.execution_options(**{READONLY: True}) if readonly else engine
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=True)


def _as_conflict(exc: BaseException) -> Conflict | None:
    """A lost race with another transaction, told as people understand it; else None."""
    if isinstance(exc, StaleDataError):
        return Conflict(
            "Nokon andre endra same sak eller møte samstundes; ingenting er lagra.",
            "Hent saka på nytt (t.d. [cmd:case.show]) og prøv igjen.")
    if isinstance(exc, OperationalError):
        return busy(exc)
    if isinstance(exc, IntegrityError):
        text = str(exc.orig).lower()
        code = getattr(exc.orig, "sqlstate", None)
        if code == "23505" or "unique constraint failed" in text:
            return Conflict(
                "Endringa kolliderte med ei anna endring som vart lagra samstundes; ingenting "
                "er lagra.", "Prøv igjen.")
    return None
