"""Unit of work: one command, one transaction, and the people acting in it.

Every staff action and every automatic step runs inside one ``UnitOfWork``: it reads, checks,
changes, writes its journal entry, and commits, or it raises and nothing is written. A change
that races with another on the same case or meeting is refused as a ``Conflict``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Engine, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from domain.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    NotInitialised,
    TingflytError,
)
from domain.rules.calendar import Clock, CouncilCalendar
from domain.rules.terms import ROLE_LABELS, Role
from domain.store.db import READONLY
from domain.store.tables import (
    Alert,
    Body,
    Case,
    CouncilRecord,
    Counter,
    JournalEntry,
    Meeting,
    Membership,
    Municipality,
    Person,
)

# -- actors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who is acting, and in which roles. Body- or municipality-bound roles carry a scope."""

    id: str
    name: str
    roles: frozenset[tuple[Role, str | None]] = field(default_factory=frozenset)

    def has(self, role: Role, scope: str | None = None) -> bool:
        if scope is None:
            return any(r == role for r, _ in self.roles)
        return (role, scope) in self.roles

    def any_of(self, roles: Iterable[Role]) -> bool:
        return any(self.has(role) for role in roles)

    def scopes(self, role: Role) -> set[str]:
        return {s for r, s in self.roles if r == role and s is not None}

    @property
    def is_staff(self) -> bool:
        return self.has(Role.DIRECTOR) or self.has(Role.STAFF)

    @property
    def is_system(self) -> bool:
        return self.has(Role.SYSTEM)

    def role_for_journal(self, preferred: Iterable[Role] = ()) -> str:
        for role in preferred:
            if self.has(role):
                return role.value
        for role in (Role.SYSTEM, Role.OPERATOR, Role.DIRECTOR, Role.STAFF, Role.CHAIR,
                     Role.DEPUTY_CHAIR, Role.CHIEF_EXECUTIVE, Role.MAYOR, Role.MEMBER,
                     Role.SUBSTITUTE):
            if self.has(role):
                return role.value
        return "public"

    def describe(self) -> str:
        labels = sorted({ROLE_LABELS[r] for r, _ in self.roles})
        return f"{self.name} ({', '.join(labels)})" if labels else self.name


SYSTEM_ACTOR = Actor("tingflyt", "tingflyt", frozenset({(Role.SYSTEM, None)}))
OPERATOR_ACTOR = Actor("operator", "driftsansvarleg", frozenset({(Role.OPERATOR, None)}))


# -- the unit of work ---------------------------------------------------------------------------


class UnitOfWork:
    """A transaction with the clock, the council's calendar, the journal and alerts at hand."""

    def __init__(self, engine: Engine, clock: Clock, *, readonly: bool = False) -> None:
        self._factory = _session_factory(engine, readonly)
        self.clock = clock
        self.readonly = readonly
        self.now: datetime = clock.now()
        self.session: Session
        self._council: Any = None
        self._calendar: CouncilCalendar | None = None
        self._actors: dict[str, Actor] = {}
        self.committed = False

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
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
            try:
                self.session.commit()
            except Exception as exc:
                self.session.rollback()
                conflict = _as_conflict(exc)
                if conflict is not None:
                    raise conflict from None
                raise
        self.committed = True

    def flush(self) -> None:
        """Flush now (to get ids); a lost race surfaces as ``Conflict`` when the unit ends."""
        self.session.flush()

    # -- council and calendar ---------------------------------------------------------------
    @property
    def council(self) -> Any:
        """The council row (read once per unit, as a plain row: nothing here changes it)."""
        if self._council is None:
            record = self.session.execute(select(CouncilRecord.__table__)).first()
            if record is None:
                raise NotInitialised(
                    "Databasen har inga organisasjon enno.",
                    "Køyr `tingflyt init` (med --org <fil> for eit anna råd enn standardfila).",
                )
            self._council = record
        return self._council

    @property
    def calendar(self) -> CouncilCalendar:
        if self._calendar is None:
            self._calendar = calendar_for(self.council.timezone, self.council.holiday_country)
        return self._calendar

    @property
    def today(self):  # noqa: ANN201 - a date
        return self.calendar.local_date(self.now)

    # -- lookups ----------------------------------------------------------------------------
    def body(self, body_id: str) -> Body:
        body = self.session.get(Body, body_id)
        if body is None:
            known = ", ".join(sorted(self.session.scalars(select(Body.id))))
            raise NotFound(f"Ukjend organ «{body_id}».",
                           f"Bruk eitt av: {known}.", field="body")
        return body

    def body_of_kind(self, kind: str) -> Body:
        body = self.session.scalars(select(Body).where(Body.kind == kind)).first()
        if body is None:
            raise NotFound(f"Organisasjonen har ikkje noko organ av typen «{kind}».",
                           "Legg det til i organisasjonsfila og køyr `tingflyt init` på nytt.")
        return body

    def person(self, person_id: str, *, field_name: str = "person") -> Person:
        person = self.session.get(Person, person_id)
        if person is None or not person.active:
            raise NotFound(f"Ukjend person «{person_id}».",
                           "Sjå `tingflyt org show` for id-ane til personane.", field=field_name)
        return person

    def case(self, number: str) -> Case:
        year, seq = parse_case_number(number)
        case = self.session.scalars(_CASE_BY_NUMBER, {"year": year, "seq": seq}).first()
        if case is None:
            raise NotFound(f"Ukjend sak «{number}».",
                           "Sjå `tingflyt case list` for saksnummera som finst.", field="case")
        return case

    def meeting(self, ref: str) -> Meeting:
        meeting = self.session.scalars(select(Meeting).where(Meeting.ref == ref)).first()
        if meeting is None:
            raise NotFound(f"Ukjend møte «{ref}».",
                           "Sjå `tingflyt meeting plan` for møta (t.d. RR-2026-09-24).",
                           field="meeting")
        return meeting

    def actor(self, person_id: str | None) -> Actor:
        if person_id is None:
            raise NotAllowed("Denne handlinga krev at du seier kven du er.",
                             "Legg til --as <person-id> (sjå `tingflyt org show`), eller set "
                             "TINGFLYT_AS.", field="as")
        if person_id not in self._actors:
            # Roles follow from the loaded organisation, which changes only with `init`: they
            # are cached per organisation load, so a command costs one small query for them.
            council = self.council
            key = (self.session.get_bind().url, council.id, council.digest,
                   council.loaded_at, person_id)
            actor = _ACTOR_CACHE.get(key)
            if actor is None:
                actor = resolve_actor(self.session, self.person(person_id, field_name="as"))
                if len(_ACTOR_CACHE) > 512:
                    _ACTOR_CACHE.clear()
                _ACTOR_CACHE[key] = actor
            self._actors[person_id] = actor
        return self._actors[person_id]

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
        values = dict(
            at=self.now, actor_id=actor.id, actor_role=actor.role_for_journal(role),
            action=action, case_id=case.id if case is not None else None,
            meeting_id=meeting.id if meeting is not None else None,
            summary=summary, reason=reason, data=data)
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
        return alert


_ACTOR_CACHE: dict[tuple[object, ...], Actor] = {}
_JOURNAL_INSERT = insert(JournalEntry.__table__)
_CASE_BY_NUMBER = select(Case).where(Case.year == bindparam("year"), Case.seq == bindparam("seq"))


@functools.lru_cache(maxsize=16)
def _session_factory(engine: Engine, readonly: bool) -> sessionmaker[Session]:
    bind = engine.execution_options(**{READONLY: True}) if readonly else engine
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=True)


def _as_conflict(exc: BaseException) -> Conflict | None:
    """A lost race with another transaction, told as people understand it; else None."""
    if isinstance(exc, StaleDataError):
        return Conflict(
            "Nokon andre endra same sak eller møte samstundes; ingenting er lagra.",
            "Hent saka på nytt (t.d. `tingflyt case show`) og prøv igjen.")
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower()
        if "locked" in text or "busy" in text:
            return Conflict("Databasen var oppteken av ei anna endring; ingenting er lagra.",
                            "Prøv igjen om eit augeblikk.")
    if isinstance(exc, IntegrityError):
        text = str(exc.orig).lower()
        code = getattr(exc.orig, "sqlstate", None)
        if code == "23505" or "unique constraint failed" in text:
            return Conflict(
                "Endringa kolliderte med ei anna endring som vart lagra samstundes; ingenting "
                "er lagra.", "Prøv igjen.")
    return None


@functools.lru_cache(maxsize=8)
def calendar_for(timezone: str, country: str) -> CouncilCalendar:
    return CouncilCalendar(timezone, country)


def parse_case_number(number: str) -> tuple[int, int]:

    text = number.strip()
    parts = text.split("/")
    if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit() and len(parts[0]) == 4:
        return int(parts[0]), int(parts[1])
    raise InvalidInput(f"«{number}» er ikkje eit saksnummer.",
                       "Skriv saksnummeret som år/nummer, t.d. 2026/17.", field="case")


def resolve_actor(session: Session, person: Person) -> Actor:
    """Work out a person's roles from the organisation in the database."""
    roles: set[tuple[Role, str | None]] = set()
    council = session.scalars(select(CouncilRecord)).first()
    if council is not None:
        if person.id == council.director_id:
            roles.update({(Role.DIRECTOR, None), (Role.STAFF, None)})
        if person.id in (council.staff_ids or []):
            roles.add((Role.STAFF, None))
    for mun in session.scalars(select(Municipality)):
        if mun.mayor_id == person.id:
            roles.add((Role.MAYOR, mun.id))
        if mun.chief_executive_id == person.id:
            roles.add((Role.CHIEF_EXECUTIVE, mun.id))
    for ms in session.scalars(select(Membership).where(Membership.person_id == person.id)):
        if ms.role == "member":
            roles.add((Role.MEMBER, ms.body_id))
        elif ms.role == "substitute":
            roles.add((Role.SUBSTITUTE, ms.body_id))
    for body in session.scalars(select(Body)):
        if body.chair_id == person.id:
            roles.add((Role.CHAIR, body.id))
        if body.deputy_chair_id == person.id:
            roles.add((Role.DEPUTY_CHAIR, body.id))
    return Actor(person.id, person.name, frozenset(roles))


P = ParamSpec("P")
R = TypeVar("R")


def requires(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare which roles may perform a service function (checked before it runs).

    The wrapped function takes ``(uow, actor, ...)``; a body- or case-specific check stays in
    the function itself.
    """

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            actor = args[1] if len(args) > 1 else kwargs.get("actor")
            assert isinstance(actor, Actor), "service functions take (uow, actor, ...)"
            if roles and not (actor.is_system or actor.any_of(roles)):
                needed = " eller ".join(ROLE_LABELS[r] for r in roles)
                raise NotAllowed(
                    f"{actor.describe()} kan ikkje gjere dette; det krev rolla {needed}.",
                    "Be nokon med den rolla gjere det, eller bruk --as med rett person.",
                    field="as")
            return fn(*args, **kwargs)

        inner.required_roles = roles  # type: ignore[attr-defined]
        return inner

    return decorate


__all__ = ["Actor", "OPERATOR_ACTOR", "SYSTEM_ACTOR", "TingflytError", "UnitOfWork", "requires"]
