"""The rows the commands change, as ORM classes mapped onto the tables of ``domain.store.core``.

The columns, keys and indexes are defined once, there, as SQLAlchemy Core tables; here each
class gets its table, the relationships the commands walk, and optimistic locking (cases and
meetings carry a version number: a change to a row someone else changed since it was read is
refused). Reading needs none of this: ``domain.store.reading`` selects from the Core tables, so
a read command never imports the ORM.

Every attribute of a class is the column of the same name, so a row read through the Core
tables has the same attributes as the object, and the read models (``domain.queries``) take
either.
"""

from sqlalchemy.orm import DeclarativeBase, relationship

from domain.store import core
from domain.store.core import UTCDateTime, postgresql_conditions


class Base(DeclarativeBase):
    metadata = core.metadata


# -- organisation ------------------------------------------------------------------------------

class CouncilRecord(Base):
    """The council this database serves, and where its configuration came from."""

    __table__ = core.council


class Municipality(Base):
    __table__ = core.municipalities


class Person(Base):
    __table__ = core.people


class Body(Base):
    """Organ: the council, the assembly, the admin committee, other committees."""

    __table__ = core.bodies


class Membership(Base):
    """A seat or a substitute's place in a body, for one municipality (group)."""

    __table__ = core.memberships


class MembershipPeriod(Base):
    """Who sat when: a membership's history (see ``core.membership_periods``)."""

    __table__ = core.membership_periods


# -- meetings ----------------------------------------------------------------------------------

class Meeting(Base):
    """Møte. ``ref`` is what people type: body prefix and date, e.g. ``RR-2026-09-24``."""

    __table__ = core.meetings
    __mapper_args__ = {"version_id_col": core.meetings.c.version}

    body = relationship(Body, lazy="joined")
    items = relationship("AgendaItem", back_populates="meeting",
                         order_by="AgendaItem.position", foreign_keys="AgendaItem.meeting_id")


class AgendaItem(Base):
    """A line on an agenda (saksliste). Numbered (``RR 12/26``) when the notice goes out."""

    __table__ = core.agenda_items

    meeting = relationship(Meeting, back_populates="items",
                           foreign_keys=[core.agenda_items.c.meeting_id])
    case = relationship("Case", foreign_keys=[core.agenda_items.c.case_id])


# -- cases -------------------------------------------------------------------------------------

class Case(Base):
    """Sak. Numbered per year (``2026/17``)."""

    __table__ = core.cases
    __mapper_args__ = {"version_id_col": core.cases.c.version}

    treatments = relationship("Treatment", back_populates="case",
                              order_by="Treatment.recorded_at")

    @property
    def number(self) -> str:
        return f"{self.year}/{self.seq}"

    @property
    def exempt(self) -> bool:
        return self.exempt_basis is not None


class Treatment(Base):
    """Behandling: what one body did with the case in one meeting."""

    __table__ = core.treatments

    case = relationship(Case, back_populates="treatments")


# -- meetings in session ---------------------------------------------------------------------

class Absence(Base):
    """Forfall: a member away for a whole meeting, part of it, or one case (inhabil)."""

    __table__ = core.absences


class SubstituteCall(Base):
    """Innkalling av varamedlem, for the whole meeting or for one case."""

    __table__ = core.substitute_calls


class Attendance(Base):
    """Frammøte as it happened: who sat in which seat, from and to which agenda item."""

    __table__ = core.attendances


class Proposal(Base):
    """Framlegg put to the vote in one case at one meeting, with its counted result."""

    __table__ = core.proposals

    ballots = relationship("Ballot", back_populates="proposal", order_by="Ballot.id")


class Ballot(Base):
    """One member's vote on one proposal (or one election round)."""

    __table__ = core.ballots

    proposal = relationship(Proposal, back_populates="ballots")


class WrittenHandling(Base):
    """Skriftleg handsaming (KL § 11-8 (2)): a proposal sent to every member in writing."""

    __table__ = core.written_handlings


class WrittenAnswer(Base):
    __table__ = core.written_answers


# -- deadlines, alerts, journal ----------------------------------------------------------------

class Deadline(Base):
    """Frist: something due by a day, with a reminder before it."""

    __table__ = core.deadlines


class Alert(Base):
    """Varsel to the leader, the daily leader or an owner: raised once per ``key``."""

    __table__ = core.alerts


class JournalEntry(Base):
    """Every change: when, who (and in what role), what, why."""

    __table__ = core.journal


class OutboxMessage(Base):
    """A message to one person, delivered after the change that caused it (``core.outbox``)."""

    __table__ = core.outbox


class Counter(Base):
    """Running numbers: case numbers per year, agenda numbers per body and year."""

    __table__ = core.counters


class Holiday(Base):
    """A public holiday of the council's country, kept by ``init`` (``core.holidays``)."""

    __table__ = core.holidays


__all__ = [
    "Absence", "AgendaItem", "Alert", "Attendance", "Ballot", "Base", "Body", "Case",
    "CouncilRecord", "Counter", "Deadline", "Holiday", "Proposal", "SubstituteCall",
    "WrittenAnswer",
    "WrittenHandling",
    "JournalEntry", "Meeting", "Membership", "Municipality", "OutboxMessage", "Person",
    "Treatment", "UTCDateTime", "postgresql_conditions",
]
