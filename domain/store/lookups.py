"""Lookups on the Core tables, without the ORM: what the read models look up by number, ref or
id, and what both kinds of unit read the same way (the council row, the holidays kept, the
actor's roles).

The read commands run in a ``domain.store.reading.ReadingUnit``, whose ``cases``, ``meetings``,
``agenda``, ``bodies``, ``people`` and ``outbox`` are the classes here: they answer with rows
(``sqlalchemy.Row``), whose attributes are the columns, as the ORM objects of the repositories
(``domain.store.repositories``) that a command's unit of work has under the same names. A case
row carries its ``number`` too. A read model takes either, so it reads the same within a
command (after a change, or composing a notice) as in a read command.

Each function and class takes an executor: a SQLAlchemy ``Connection`` (a reading unit) or a
``Session`` (a unit of work); both run Core statements alike. The refusals of a lookup by number
or ref are made here once, for both kinds of unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, String, bindparam, case, cast, func, literal, select, union_all

from domain.errors import NotAllowed, NotFound
from domain.rules.access import Actor
from domain.rules.numbering import parse_case_number
from domain.rules.terms import MeetingKind, MeetingStatus, MembershipRole, Role
from domain.store import core

#: Something that runs a Core statement: a ``Connection`` or a ``Session``.
Executor = Any

# -- refusals, the same for both kinds of unit ------------------------------------------------


def unknown_case(number: str, field: str) -> NotFound:
    return NotFound(f"Ukjend sak «{number}».",
                    "Sjå [cmd:case.list] for saksnummera som finst.", field=field)


def unknown_meeting(ref: str, field: str) -> NotFound:
    return NotFound(f"Ukjend møte «{ref}».",
                    "Sjå [cmd:meeting.plan] for møta (t.d. RR-2026-09-24).", field=field)


def unknown_body(body_id: str, known: Iterable[str], field: str) -> NotFound:
    return NotFound(f"Ukjend organ «{body_id}».", f"Bruk eitt av: {', '.join(sorted(known))}.",
                    field=field)


def no_body_of_kind(kind: str) -> NotFound:
    return NotFound(f"Organisasjonen har ikkje noko organ av typen «{kind}».",
                    "Legg det til i organisasjonsfila og køyr [cmd:init] på nytt.")


def unknown_person(person_id: str, field: str) -> NotFound:
    return NotFound(f"Ukjend person «{person_id}».",
                    "Sjå [cmd:org.show] for id-ane til personane.", field=field)


def no_actor() -> NotAllowed:
    return NotAllowed("Denne handlinga krev at du seier kven du er.",
                      "Gje [field:as] (sjå [cmd:org.show] for id-ane), eller set TINGFLYT_AS.",
                      field="as")


# -- what both kinds of unit read alike --------------------------------------------------------

_COUNCIL = select(core.council)
_HOLIDAYS = select(core.holidays.c.day, core.holidays.c.name).where(
    core.holidays.c.country == bindparam("country"))


def council_row(db: Executor) -> Row[Any] | None:
    """The council row, if the database has one."""
    return db.execute(_COUNCIL).first()


def holidays(db: Executor, country: str) -> dict[date, str]:
    """The public holidays kept for the country, by day."""
    return {day: name for day, name in db.execute(_HOLIDAYS, {"country": country})}


_people, _municipalities, _memberships, _bodies = (
    core.people.c, core.municipalities.c, core.memberships.c, core.bodies.c)


def _roles(match: Callable[[Any], Any]) -> Any:
    """Who a person is, and each role she holds with its scope (a municipality or a body), as
    rows of (who, role, scope), for the people ``match(column)`` picks out of a person column."""

    def scoped(role: Role | None, who: Any, scope: Any, *where: Any) -> Any:
        label = literal("person") if role is None else literal(role.value)
        return select(who.label("who"), label.label("role"), scope.label("scope")).where(
            match(who), *where)

    return union_all(
        scoped(None, _people.id, _people.name, _people.active.is_(True)),
        scoped(Role.MAYOR, _municipalities.mayor_id, _municipalities.id),
        scoped(Role.CHIEF_EXECUTIVE, _municipalities.chief_executive_id, _municipalities.id),
        select(_memberships.person_id.label("who"),
               case((_memberships.role == MembershipRole.MEMBER, literal(Role.MEMBER.value)),
                    else_=literal(Role.SUBSTITUTE.value)).label("role"),
               _memberships.body_id.label("scope")).where(match(_memberships.person_id)),
        scoped(Role.CHAIR, _bodies.chair_id, _bodies.id),
        scoped(Role.DEPUTY_CHAIR, _bodies.deputy_chair_id, _bodies.id),
    )


_PERSON = bindparam("person")
_PEOPLE = bindparam("people", expanding=True)
#: One person's roles; many people's (``resolve_actors``).
_ROLES = _roles(lambda who: who == _PERSON)
_ROLES_OF_MANY = _roles(lambda who: who.in_(_PEOPLE))


def _actor(person_id: str, rows: Iterable[tuple[str, Any]], council: Any) -> Actor | None:
    """The actor from her (role, scope) rows, or None when she is not an active person."""
    rows = list(rows)
    name = next((scope for role, scope in rows if role == "person"), None)
    if name is None:
        return None
    roles: set[tuple[Role, str | None]] = {
        (Role(role), scope) for role, scope in rows if role != "person"}
    if person_id == council.director_id:
        roles.update({(Role.DIRECTOR, None), (Role.STAFF, None)})
    if person_id in (council.staff_ids or []):
        roles.add((Role.STAFF, None))
    return Actor(person_id, name, frozenset(roles))


def resolve_actor(db: Executor, person_id: str, council: Any) -> Actor:
    """The person's roles from the organisation: one statement for the person and every
    scoped role, and the council row (its daily leader and staff)."""
    actor = _actor(person_id, ((role, scope) for _who, role, scope in db.execute(
        _ROLES, {"person": person_id})), council)
    if actor is None:
        raise unknown_person(person_id, "as")
    return actor


def resolve_actors(db: Executor, person_ids: Iterable[str], council: Any) -> dict[str, Actor]:
    """The roles of many people in one statement, by id; an id that is not an active person's
    is left out (``resolve_actor`` refuses it by name)."""
    wanted = list(dict.fromkeys(person_ids))
    if not wanted:
        return {}
    rows: dict[str, list[tuple[str, Any]]] = {}
    for who, role, scope in db.execute(_ROLES_OF_MANY, {"people": wanted}):
        rows.setdefault(who, []).append((role, scope))
    actors = {person: _actor(person, rows.get(person, ()), council) for person in wanted}
    return {person: actor for person, actor in actors.items() if actor is not None}


class RowsByKey:
    """Rows by primary key, each read once per unit (a unit that only reads): what
    ``Session.get`` is to a unit of work."""

    def __init__(self, db: Executor) -> None:
        self.db = db
        self._rows: dict[tuple[str, Any], Row[Any] | None] = {}

    def __call__(self, table: Any, ident: Any) -> Row[Any] | None:
        key = (table.name, ident)
        if key not in self._rows:
            (column,) = table.primary_key.columns
            self._rows[key] = self.db.execute(select(table).where(column == ident)).first()
        return self._rows[key]


# -- rows for the read models -------------------------------------------------------------------

_cases = core.cases.c
#: A case row with its number (``2026/17``), as the ORM class has it as a property.
CASE_NUMBER = (cast(_cases.year, String) + literal("/") + cast(_cases.seq, String)).label("number")
#: Every column of a case and its number: what a case row is.
CASES = select(core.cases, CASE_NUMBER)


class _KeptById:
    """Rows of one table (``query`` selects them), each kept by id once read (a unit that only
    reads: nothing changes under it)."""

    def __init__(self, db: Executor, query: Any, what: str) -> None:
        self.db = db
        self._query = query
        self._what = what
        self._by_id: dict[int, Row[Any]] = {}

    def _first(self, *where: Any) -> Row[Any] | None:
        row = self.db.execute(self._query.where(*where)).first()
        if row is not None:
            self._by_id[row.id] = row
        return row

    def find(self, ident: int | None) -> Row[Any] | None:
        """The row with this id, or None (also for no id)."""
        if ident is None:
            return None
        if ident in self._by_id:
            return self._by_id[ident]
        return self._first(self._query.selected_columns.id == ident)

    def by_id(self, ident: int) -> Row[Any]:
        """The row with this id, which must exist (a row points to it)."""
        row = self.find(ident)
        if row is None:
            raise LookupError(f"no {self._what} with id {ident}")
        return row


class CaseRows(_KeptById):
    """Cases by number or id, as rows."""

    def __init__(self, db: Executor) -> None:
        super().__init__(db, CASES, "case")

    def get(self, number: str, *, field: str = "case") -> Row[Any]:
        year, seq = parse_case_number(number)
        row = self._first(_cases.year == year, _cases.seq == seq)
        if row is None:
            raise unknown_case(number, field)
        return row

    def by_ids(self, ids: Iterable[int]) -> dict[int, Row[Any]]:
        """The cases with these ids, by id."""
        wanted = [i for i in set(ids) if i not in self._by_id]
        if wanted:
            for row in self.db.execute(CASES.where(_cases.id.in_(wanted))):
                self._by_id[row.id] = row
        return {i: self._by_id[i] for i in ids if i in self._by_id}


_meetings = core.meetings.c


class MeetingRows(_KeptById):
    """Meetings by ref or id, as rows."""

    def __init__(self, db: Executor) -> None:
        super().__init__(db, select(core.meetings), "meeting")

    def get(self, ref: str, *, field: str = "meeting") -> Row[Any]:
        row = self._first(_meetings.ref == ref)
        if row is None:
            raise unknown_meeting(ref, field)
        return row

    def open_from(self, start: datetime) -> list[Row[Any]]:
        """Meetings from ``start`` on whose agenda is open, by time (no written handlings)."""
        rows = list(self.db.execute(self._query.where(
            _meetings.starts_at >= start, _meetings.status == MeetingStatus.PLANNED,
            _meetings.kind != MeetingKind.WRITTEN).order_by(_meetings.starts_at)))
        self._by_id.update((row.id, row) for row in rows)
        return rows


_items = core.agenda_items.c


class AgendaRows:
    """Agenda items, as rows."""

    def __init__(self, db: Executor) -> None:
        self.db = db

    def item_for(self, case_id: int, meeting_id: int | None) -> Row[Any] | None:
        """The case's item on the meeting's agenda, if it has one."""
        if meeting_id is None:
            return None
        return self.db.execute(select(core.agenda_items).where(
            _items.meeting_id == meeting_id, _items.case_id == case_id)).first()


class BodyRows:
    """The bodies, as rows: all read at the first lookup (there are a handful, and a case list
    names two per case)."""

    def __init__(self, db: Executor) -> None:
        self.db = db
        self._all: dict[str, Row[Any]] | None = None

    def _bodies(self) -> dict[str, Row[Any]]:
        if self._all is None:
            self._all = {row.id: row for row in self.db.execute(select(core.bodies))}
        return self._all

    def get(self, body_id: str, *, field: str = "body") -> Row[Any]:
        bodies = self._bodies()
        if body_id not in bodies:
            raise unknown_body(body_id, bodies, field)
        return bodies[body_id]

    def find(self, body_id: str) -> Row[Any] | None:
        return self._bodies().get(body_id)

    def of_kind(self, kind: str) -> Row[Any]:
        found = next((b for b in self._bodies().values() if b.kind == kind), None)
        if found is None:
            raise no_body_of_kind(kind)
        return found

    def all(self) -> list[Row[Any]]:
        """Every body."""
        return list(self._bodies().values())


class PersonRows:
    """People's names, and the actor's roles (resolved once per unit)."""

    def __init__(self, db: Executor, council: Any) -> None:
        self.db = db
        self._council = council
        self._actors: dict[str, Actor] = {}

    def name_of(self, person_id: str | None) -> str | None:
        """The person's name, else the id as given (a person no longer on file keeps it)."""
        if person_id is None:
            return None
        return self.names([person_id]).get(person_id, person_id)

    def names(self, ids: Iterable[str]) -> dict[str, str]:
        """Names of the people with these ids, by id (those not on file are left out)."""
        wanted = list(ids)
        if not wanted:
            return {}
        return dict(self.db.execute(select(_people.id, _people.name).where(
            _people.id.in_(wanted))).all())

    def actor(self, person_id: str | None) -> Actor:
        if person_id is None:
            raise no_actor()
        if person_id not in self._actors:
            self._actors[person_id] = resolve_actor(self.db, person_id, self._council())
        return self._actors[person_id]


_outbox = core.outbox.c


def outbox_listing(query: Any, *, status: str | None = None, meeting_id: int | None = None,
                   limit: int | None = None) -> Any:
    """``query`` (of outbox rows, or of ``OutboxMessage`` objects) narrowed to a status and a
    meeting where given, oldest first, at most ``limit``: the outbox as the secretariat lists
    it, for both kinds of unit."""
    query = query.order_by(_outbox.id)
    if status is not None:
        query = query.where(_outbox.status == status)
    if meeting_id is not None:
        query = query.where(_outbox.meeting_id == meeting_id)
    return query if limit is None else query.limit(limit)


class OutboxRows:
    """The outbox as the secretariat reads it."""

    def __init__(self, db: Executor) -> None:
        self.db = db

    def get(self, message_id: int) -> Row[Any] | None:
        return self.db.execute(select(core.outbox).where(_outbox.id == message_id)).first()

    def listing(self, *, status: str | None = None, meeting_id: int | None = None,
                limit: int | None = None) -> list[Row[Any]]:
        return list(self.db.execute(outbox_listing(
            select(core.outbox), status=status, meeting_id=meeting_id, limit=limit)))

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute(
            select(_outbox.status, func.count()).group_by(_outbox.status)).all())


