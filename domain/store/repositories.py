"""Repositories: lookups by number, ref and id, refused naming the field when nothing matches,
and the actor's roles, resolved once per unit of work.

The repositories hang on the unit of work (``uow.cases``, ``uow.meetings``, ``uow.bodies``,
``uow.people``); they read and add through its session and never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, case, literal, select, union_all
from sqlalchemy.orm import Session

from domain.errors import NotAllowed, NotFound
from domain.rules.access import Actor
from domain.rules.numbering import parse_case_number
from domain.rules.terms import MembershipRole, Role
from domain.store.tables import (
    Body,
    Case,
    Meeting,
    Membership,
    Municipality,
    Person,
)

_CASE_BY_NUMBER = select(Case).where(Case.year == bindparam("year"), Case.seq == bindparam("seq"))


class CaseRepository:
    """Cases by number (a number, once found, is not looked up again in the same unit)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._found: dict[tuple[int, int], Case] = {}

    def get(self, number: str, *, field: str = "case") -> Case:
        key = parse_case_number(number)
        case = self._found.get(key)
        if case is None:
            case = self.session.scalars(_CASE_BY_NUMBER, {"year": key[0], "seq": key[1]}).first()
        if case is None:
            raise NotFound(f"Ukjend sak «{number}».",
                           "Sjå [cmd:case.list] for saksnummera som finst.", field=field)
        self._found[key] = case
        return case


class MeetingRepository:
    """Meetings by ref (once found, not looked up again in the same unit)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._found: dict[str, Meeting] = {}

    def get(self, ref: str, *, field: str = "meeting") -> Meeting:
        meeting = self._found.get(ref)
        if meeting is None:
            meeting = self.session.scalars(select(Meeting).where(Meeting.ref == ref)).first()
        if meeting is None:
            raise NotFound(f"Ukjend møte «{ref}».",
                           "Sjå [cmd:meeting.plan] for møta (t.d. RR-2026-09-24).", field=field)
        self._found[ref] = meeting
        return meeting


class BodyRepository:
    """Bodies by id and kind."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, body_id: str, *, field: str = "body") -> Body:
        body = self.session.get(Body, body_id)
        if body is None:
            known = ", ".join(sorted(self.session.scalars(select(Body.id))))
            raise NotFound(f"Ukjend organ «{body_id}».", f"Bruk eitt av: {known}.", field=field)
        return body

    def of_kind(self, kind: str) -> Body:
        body = self.session.scalars(select(Body).where(Body.kind == kind)).first()
        if body is None:
            raise NotFound(f"Organisasjonen har ikkje noko organ av typen «{kind}».",
                           "Legg det til i organisasjonsfila og køyr [cmd:init] på nytt.")
        return body


class PersonRepository:
    """People by id, and the actor's roles, resolved once per unit of work with one query (the
    organisation changes only with ``init``)."""

    def __init__(self, session: Session, council: Callable[[], Any]) -> None:
        self.session = session
        self._council = council
        self._actors: dict[str, Actor] = {}

    def get(self, person_id: str, *, field: str = "person") -> Person:
        person = self.session.get(Person, person_id)
        if person is None or not person.active:
            raise NotFound(f"Ukjend person «{person_id}».",
                           "Sjå [cmd:org.show] for id-ane til personane.", field=field)
        return person

    def actor(self, person_id: str | None) -> Actor:
        if person_id is None:
            raise NotAllowed("Denne handlinga krev at du seier kven du er.",
                             "Gje [field:as] (sjå [cmd:org.show] for id-ane), eller set "
                             "TINGFLYT_AS.", field="as")
        if person_id not in self._actors:
            self._actors[person_id] = self._resolve(person_id)
        return self._actors[person_id]

    def _resolve(self, person_id: str) -> Actor:
        """The person's roles from the organisation: one statement for the person and every
        scoped role, and the council row the unit of work holds anyway."""
        rows = self.session.execute(_ROLES, {"person": person_id}).all()
        name = next((scope for role, scope in rows if role == "person"), None)
        if name is None:
            raise NotFound(f"Ukjend person «{person_id}».",
                           "Sjå [cmd:org.show] for id-ane til personane.", field="as")
        roles: set[tuple[Role, str | None]] = {
            (Role(role), scope) for role, scope in rows if role != "person"}
        council = self._council()
        if person_id == council.director_id:
            roles.update({(Role.DIRECTOR, None), (Role.STAFF, None)})
        if person_id in (council.staff_ids or []):
            roles.add((Role.STAFF, None))
        return Actor(person_id, name, frozenset(roles))


def _scoped(role: Role | None, scope: Any, where: Any) -> Any:
    label = literal("person") if role is None else literal(role.value)
    return select(label.label("role"), scope.label("scope")).where(where)


_PERSON = bindparam("person")
#: Who the person is, and each role she holds with its scope (a municipality or a body).
_ROLES = union_all(
    _scoped(None, Person.name, (Person.id == _PERSON) & Person.active.is_(True)),
    _scoped(Role.MAYOR, Municipality.id, Municipality.mayor_id == _PERSON),
    _scoped(Role.CHIEF_EXECUTIVE, Municipality.id, Municipality.chief_executive_id == _PERSON),
    select(case((Membership.role == MembershipRole.MEMBER, literal(Role.MEMBER.value)),
                else_=literal(Role.SUBSTITUTE.value)).label("role"),
           Membership.body_id.label("scope")).where(Membership.person_id == _PERSON),
    _scoped(Role.CHAIR, Body.id, Body.chair_id == _PERSON),
    _scoped(Role.DEPUTY_CHAIR, Body.id, Body.deputy_chair_id == _PERSON),
)
