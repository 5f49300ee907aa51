"""The organisation: bodies with their members and substitutes in order, people and the actor's
roles, and what loading the organisation file keeps in step (the council row, municipalities,
membership and its history)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from domain.errors import InvalidInput
from domain.rules.access import Actor
from domain.rules.terms import MembershipRole
from domain.store import lookups
from domain.store.lookups import (
    no_actor,
    no_body_of_kind,
    resolve_actor,
    unknown_body,
    unknown_person,
)
from domain.store.tables import (
    Body,
    CouncilRecord,
    Holiday,
    Membership,
    MembershipPeriod,
    Municipality,
    Person,
)


class BodyRepository:
    """Bodies by id and kind, and who sits in them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, body_id: str, *, field: str = "body") -> Body:
        body = self.session.get(Body, body_id)
        if body is None:
            raise unknown_body(body_id, self.session.scalars(select(Body.id)), field)
        return body

    def of_kind(self, kind: str) -> Body:
        body = self.session.scalars(select(Body).where(Body.kind == kind)).first()
        if body is None:
            raise no_body_of_kind(kind)
        return body

    def all(self) -> list[Body]:
        """Every body."""
        return list(self.session.scalars(select(Body)))

    def members(self, body_id: str) -> list[Membership]:
        """The body's members, by municipality and rank (the seats)."""
        return list(self.session.scalars(select(Membership).where(
            Membership.body_id == body_id, Membership.role == MembershipRole.MEMBER)
            .order_by(Membership.municipality_id, Membership.rank)))

    def member_ids(self, body_id: str) -> list[str]:
        """The ids of the body's members, by municipality and rank."""
        return list(self.session.scalars(select(Membership.person_id).where(
            Membership.body_id == body_id, Membership.role == MembershipRole.MEMBER)
            .order_by(Membership.municipality_id, Membership.rank)))

    def substitute_ids(self, body_id: str, municipality_id: str) -> list[str]:
        """The substitutes of one group (municipality) in the body, in their numbered order."""
        return list(self.session.scalars(select(Membership.person_id).where(
            Membership.body_id == body_id, Membership.role == MembershipRole.SUBSTITUTE,
            Membership.municipality_id == municipality_id).order_by(Membership.rank)))


class PersonRepository:
    """People by id, and the actor's roles, resolved once per unit of work with one query (the
    organisation changes only with ``init``)."""

    def __init__(self, session: Session, council: Callable[[], Any]) -> None:
        self.session = session
        self._council = council
        self._actors: dict[str, Actor] = {}
        self._read: list[Person] = []

    def get(self, person_id: str, *, field: str = "person") -> Person:
        person = self.session.get(Person, person_id)
        if person is None or not person.active:
            raise unknown_person(person_id, field)
        return person

    def find(self, person_id: str | None) -> Person | None:
        """The person with this id (also one no longer in the organisation), or None."""
        return self.session.get(Person, person_id) if person_id is not None else None

    def name_of(self, person_id: str | None) -> str | None:
        """The person's name, else the id as given (a person no longer on file keeps it)."""
        person = self.find(person_id)
        return person.name if person is not None else person_id

    def names(self, ids: Iterable[str]) -> dict[str, str]:
        """Names of the people with these ids, by id (those not on file are left out)."""
        wanted = list(ids)
        if not wanted:
            return {}
        return {p.id: p.name for p in self.session.scalars(select(Person).where(
            Person.id.in_(wanted)))}

    def active_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of these ids are people active in the organisation."""
        return set(self.session.scalars(select(Person.id).where(
            Person.id.in_(list(ids)), Person.active.is_(True))))

    def all_active(self) -> list[Person]:
        """Everyone active in the organisation."""
        return list(self.session.scalars(select(Person).where(Person.active.is_(True))))

    def actor(self, person_id: str | None) -> Actor:
        if person_id is None:
            raise no_actor()
        if person_id not in self._actors:
            self._actors[person_id] = resolve_actor(self.session, person_id,
                                                    self._council())
        return self._actors[person_id]

    def prefetch(self, person_ids: Iterable[str]) -> None:
        """Read these people and their roles, two statements for all of them, so that ``get``
        and ``actor`` then answer from what was read: a notice asks both for each of its
        recipients, one statement each, and every statement wrote the unit's pending rows
        first."""
        wanted = [p for p in dict.fromkeys(person_ids) if p not in self._actors]
        if not wanted:
            return
        self._actors.update(lookups.resolve_actors(self.session, wanted, self._council()))
        # Held here: the session keeps what it read only while something else holds it.
        self._read += self.session.scalars(select(Person).where(Person.id.in_(wanted))).all()


class OrganisationRepository:
    """The council row, municipalities, membership and its history: what ``init`` keeps in step
    with the organisation file."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def council_record(self) -> CouncilRecord | None:
        """The council row as a table object (to change it), if the database has one."""
        return self.session.scalars(select(CouncilRecord)).first()

    def row(self, model: type, ident: str) -> Any:
        """A council, municipality, person or body row by id, or None."""
        return self.session.get(model, ident)

    def municipality(self, municipality_id: str, *, field: str = "municipality") -> Municipality:
        """A municipality by id, refused naming the field (with the ids there are)."""
        found = self.session.get(Municipality, municipality_id)
        if found is None:
            known = ", ".join(sorted(self.session.scalars(select(Municipality.id))))
            raise InvalidInput(f"Ukjend kommune «{municipality_id}».", f"Bruk ein av: {known}.",
                               field=field)
        return found

    def find_municipality(self, municipality_id: str) -> Municipality | None:
        """A municipality by id, or None."""
        return self.session.get(Municipality, municipality_id)

    def memberships(self) -> list[Membership]:
        """Every current membership."""
        return list(self.session.scalars(select(Membership)))

    def remove_membership(self, membership: Membership) -> None:
        """Delete one current membership (its history stays in ``membership_periods``)."""
        self.session.execute(delete(Membership).where(Membership.id == membership.id))

    def open_periods(self) -> list[MembershipPeriod]:
        """Membership periods not yet ended."""
        return list(self.session.scalars(select(MembershipPeriod).where(
            MembershipPeriod.valid_to.is_(None))))

    def holidays(self, country: str) -> dict[date, str]:
        """The public holidays kept for the country, by day."""
        return lookups.holidays(self.session, country)

    def keep_holidays(self, country: str, days: dict[date, str]) -> int:
        """Keep these holidays of the country (the years they cover replace what was kept for
        those years); returns how many rows changed."""
        years = {d.year for d in days}
        kept = {h.day: h for h in self.session.scalars(select(Holiday).where(
            Holiday.country == country)) if h.day.year in years}
        changed = 0
        for day, row in kept.items():
            if day not in days:
                self.session.delete(row)
                changed += 1
            elif row.name != days[day]:
                row.name = days[day]
                changed += 1
        for day, name in days.items():
            if day not in kept:
                self.session.add(Holiday(country=country, day=day, name=name))
                changed += 1
        return changed

    def has_periods(self) -> bool:
        """Whether any membership history is recorded."""
        return bool(self.session.scalar(select(func.count()).select_from(MembershipPeriod)))
