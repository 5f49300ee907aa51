"""The system of record: tables for the council, its cases, meetings, deadlines and journal.

Names follow OParl/eInnsyn where they fit: Body, Membership, Meeting, AgendaItem, Case (sak),
Treatment (behandling: one per case and meeting, at most one authoritative). Cases and meetings
carry a version number for optimistic locking. Every datetime is stored in UTC.

``next_check_at`` on cases, meetings and deadlines is when the engine must look at the row
again; it is NULL while the row waits for a person. The sweep reads only rows whose time has
come, through partial indexes, so its cost follows what is due, not how much is stored.

The annotations are not strings (no ``from __future__ import annotations``; a class defined
further down is named in quotes): SQLAlchemy would otherwise evaluate every ``Mapped[...]``
from its text, about 25 ms of every command's start-up.
"""

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_DUE = "next_check_at IS NOT NULL"


def _partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index over the rows where ``where`` holds, in SQLite and PostgreSQL alike.

    The condition is declared for SQLite here and kept in ``info["where"]``; the PostgreSQL one
    is added by ``postgresql_conditions`` when a PostgreSQL engine is made (``db.make_engine``).
    Declaring ``postgresql_where=`` here would make SQLAlchemy import its PostgreSQL dialect and
    drivers to check the keyword, on SQLite too: some 40 ms of every command's start-up.
    """
    return Index(name, *columns, unique=unique, sqlite_where=text(where), info={"where": where})


def postgresql_conditions(metadata: MetaData) -> None:
    """Give every partial index of ``metadata`` its PostgreSQL condition (the same as
    SQLite's), so that DDL and Alembic see on PostgreSQL the schema the migrations make there.
    Idempotent; only called once the PostgreSQL dialect is loaded anyway."""
    for table in metadata.tables.values():
        for index in table.indexes:
            where = index.info.get("where")
            if where is not None and index.dialect_options["postgresql"]["where"] is None:
                index.dialect_options["postgresql"]["where"] = text(where)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC. Refuses naive datetimes on the way in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; give it a zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


# -- organisation ------------------------------------------------------------------------------

class CouncilRecord(Base):
    """The council this database serves, and where its configuration came from."""

    __tablename__ = "council"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(300))
    timezone: Mapped[str] = mapped_column(String(64))
    holiday_country: Mapped[str] = mapped_column(String(8))
    email: Mapped[str] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(300))
    period_name: Mapped[str | None] = mapped_column(String(100))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    plan_name: Mapped[str | None] = mapped_column(String(100))
    plan_start: Mapped[date] = mapped_column(Date)
    plan_end: Mapped[date] = mapped_column(Date)
    director_id: Mapped[str] = mapped_column(String(64))
    staff_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(1000))
    digest: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime]
    #: Made by ``init`` with a clock set by hand (tests, the demo, a rehearsal): only then may
    #: later commands run at another time than the real one.
    simulation: Mapped[bool] = mapped_column(Boolean, default=False)


class Municipality(Base):
    __tablename__ = "municipalities"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(300))
    mayor_id: Mapped[str] = mapped_column(String(64))
    deputy_mayor_id: Mapped[str] = mapped_column(String(64))
    chief_executive_id: Mapped[str] = mapped_column(String(64))


class Person(Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(300))
    municipality_id: Mapped[str | None] = mapped_column(ForeignKey("municipalities.id"))
    title: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Body(Base):
    """Organ: the council, the assembly, the admin committee, other committees."""

    __tablename__ = "bodies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(300))
    agenda_prefix: Mapped[str | None] = mapped_column(String(8))
    notice_days: Mapped[int] = mapped_column(Integer)
    preparation_days: Mapped[int] = mapped_column(Integer)
    reminder_days: Mapped[int] = mapped_column(Integer)
    urgent_notice_days: Mapped[int | None] = mapped_column(Integer)
    followup_days: Mapped[int] = mapped_column(Integer)
    minutes_due_days: Mapped[int] = mapped_column(Integer)
    remote_meetings: Mapped[bool] = mapped_column(Boolean)
    written_handling: Mapped[bool] = mapped_column(Boolean)
    #: Call a substitute in for a member recused in one case, for that case (KL § 7-10).
    substitute_for_recusal: Mapped[bool] = mapped_column(Boolean, default=True,
                                                         server_default=text("true"))
    #: The council only: the case kinds its urgency authority covers (KL § 11-8 (1)), as the
    #: assembly delegated it in the organisation file; NULL is the default reading.
    urgency_authority: Mapped[list[Any] | None] = mapped_column(JSON)
    chair_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    deputy_chair_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    prepared_by_id: Mapped[str | None] = mapped_column(String(64))
    attend_and_speak: Mapped[list[Any]] = mapped_column(JSON, default=list)
    default_place: Mapped[str | None] = mapped_column(String(300))
    default_start: Mapped[time] = mapped_column(Time)
    default_end: Mapped[time] = mapped_column(Time)


class Membership(Base):
    """A seat or a substitute's place in a body, for one municipality (group)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("body_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipalities.id"))
    role: Mapped[str] = mapped_column(String(16))  # member | substitute
    rank: Mapped[int] = mapped_column(Integer)  # 1.. within (body, municipality, role)


class MembershipPeriod(Base):
    """Who sat when: a membership's history, [valid_from, valid_to) in UTC; open while current.

    ``memberships`` is the current state; the organisation loader keeps one open period here
    per current membership (same municipality, role and rank) and closes the others.
    """

    __tablename__ = "membership_periods"
    __table_args__ = (
        Index("ix_membership_periods_body_valid_to", "body_id", "valid_to"),
        _partial_index("uq_membership_periods_one_open", "person_id", "body_id", "role",
                       unique=True, where="valid_to IS NULL"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"))
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipalities.id"))
    role: Mapped[str] = mapped_column(String(16))  # member | substitute
    rank: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[datetime]
    valid_to: Mapped[datetime | None]


# -- meetings ----------------------------------------------------------------------------------

class Meeting(Base):
    """Møte. ``ref`` is what people type: body prefix and date, e.g. ``RR-2026-09-24``."""

    __tablename__ = "meetings"
    __table_args__ = (
        _partial_index("ix_meetings_due", "next_check_at", where=_DUE),
        Index("ix_meetings_body_start", "body_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)  # local date of the meeting
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(300))
    remote: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_date: Mapped[date] = mapped_column(Date)
    preparation_deadline: Mapped[date] = mapped_column(Date)
    notice_at: Mapped[datetime]
    notified_at: Mapped[datetime | None]
    notice_late: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    agenda_changed_at: Mapped[datetime | None]
    next_check_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    #: The calendar SEQUENCE of the meeting's invitation (RFC 5545): 0 at the notice, one up
    #: on every change the invited can see (an agenda change after the notice, the
    #: cancellation), never on one they cannot.
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: When the minutes were sent to the members (``meeting.send_minutes``), if they were.
    minutes_sent_at: Mapped[datetime | None]

    body: Mapped[Body] = relationship(lazy="joined")
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position",
        foreign_keys="AgendaItem.meeting_id")

    __mapper_args__ = {"version_id_col": version}


class AgendaItem(Base):
    """A line on an agenda (saksliste). Numbered (``RR 12/26``) when the notice goes out."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "case_id"),
        UniqueConstraint("body_id", "year", "number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    section: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(500))
    related_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    placed_at: Mapped[datetime]
    placed_by: Mapped[str] = mapped_column(String(64))

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])
    case: Mapped["Case | None"] = relationship(foreign_keys=[case_id])


# -- cases -------------------------------------------------------------------------------------

class Case(Base):
    """Sak. Numbered per year (``2026/17``)."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        _partial_index("ix_cases_due", "next_check_at", where=_DUE),
        Index("ix_cases_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    competent_body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"))
    current_body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"))
    decision_basis: Mapped[str] = mapped_column(String(32))
    competence_reason: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(32))
    origin_municipality_id: Mapped[str | None] = mapped_column(ForeignKey("municipalities.id"))
    proposed_by_id: Mapped[str] = mapped_column(String(64))
    lead_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    principled: Mapped[bool] = mapped_column(Boolean, default=False)
    exempt_basis: Mapped[str | None] = mapped_column(String(300))
    exempt_offl_section: Mapped[int | None] = mapped_column(Integer)
    public_title: Mapped[str | None] = mapped_column(String(500))
    external_deadline: Mapped[date | None] = mapped_column(Date)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    urgency_reason: Mapped[str | None] = mapped_column(Text)
    urgency_options: Mapped[list[Any] | None] = mapped_column(JSON)
    preparation_deadline: Mapped[date | None] = mapped_column(Date)
    target_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    agenda_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    recommendation: Mapped[str | None] = mapped_column(Text)
    recommended_at: Mapped[datetime | None]
    recommended_by_id: Mapped[str | None] = mapped_column(String(64))
    hold: Mapped[bool] = mapped_column(Boolean, default=False)
    hold_reason: Mapped[str | None] = mapped_column(Text)
    related_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    closed_reason: Mapped[str | None] = mapped_column(String(32))
    registered_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    next_check_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    treatments: Mapped[list["Treatment"]] = relationship(
        back_populates="case", order_by="Treatment.recorded_at")

    __mapper_args__ = {"version_id_col": version}

    @property
    def number(self) -> str:
        return f"{self.year}/{self.seq}"

    @property
    def exempt(self) -> bool:
        return self.exempt_basis is not None


class Treatment(Base):
    """Behandling: what one body did with the case in one meeting."""

    __tablename__ = "treatments"
    __table_args__ = (
        UniqueConstraint("case_id", "meeting_id"),
        _partial_index("uq_treatments_one_authoritative", "case_id", unique=True,
                       where="authoritative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    outcome: Mapped[str] = mapped_column(String(32))
    basis: Mapped[str] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)
    authoritative: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[str] = mapped_column(String(64))
    recorded_role: Mapped[str] = mapped_column(String(32))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    vote_summary: Mapped[str | None] = mapped_column(Text)
    #: A referral by which the body sent the case on without a recommendation of its own
    #: (oversendt utan innstilling), after its proposals fell.
    without_recommendation: Mapped[bool] = mapped_column(Boolean, default=False)

    case: Mapped[Case] = relationship(back_populates="treatments")


# -- meetings in session ---------------------------------------------------------------------

class Absence(Base):
    """Forfall: a member away for a whole meeting, part of it, or one case (inhabil)."""

    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_meeting_person", "meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(16))  # meeting | part | case
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    from_position: Mapped[int | None] = mapped_column(Integer)
    to_position: Mapped[int | None] = mapped_column(Integer)
    #: For a recusal: its legal ground (a RecusalBasis: public); ``reason`` is the note behind
    #: it or the reason for an absence (internal).
    basis: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]


class SubstituteCall(Base):
    """Innkalling av varamedlem: one substitute asked to take one absent member's seat, for the
    whole meeting or (``case_id``) for the one case the member is recused in."""

    __tablename__ = "substitute_calls"
    __table_args__ = (
        _partial_index("ix_substitute_calls_due", "next_check_at", where=_DUE),
        Index("ix_substitute_calls_meeting", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    absence_id: Mapped[int] = mapped_column(ForeignKey("absences.id"))
    seat_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    substitute_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))  # None: whole meeting
    rank: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # a CallStatus
    asked_at: Mapped[datetime]
    answer_by: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    next_check_at: Mapped[datetime | None]


class Attendance(Base):
    """Frammøte as it happened: who sat in which seat, from and to which agenda item.

    A row with ``case_id`` is a substitute who sat for one case only, in the seat of a member
    recused in it; a person has one row for the whole meeting and at most one per case.
    """

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id", "case_id"),
        _partial_index("uq_attendances_one_whole", "meeting_id", "person_id", unique=True,
                       where="case_id IS NULL"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    seat_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))  # None: attends only
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))  # None: every item
    role: Mapped[str] = mapped_column(String(16))  # member | substitute | attendee
    from_position: Mapped[int | None] = mapped_column(Integer)
    to_position: Mapped[int | None] = mapped_column(Integer)
    chair: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]


class Proposal(Base):
    """Framlegg put to the vote in one case at one meeting, with its counted result."""

    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_case_meeting", "case_id", "meeting_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))  # proposal | election
    round: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(Text)
    proposer_id: Mapped[str | None] = mapped_column(String(64))
    candidates: Mapped[list[Any] | None] = mapped_column(JSON)
    result: Mapped[str] = mapped_column(String(16))  # adopted | fallen | no_consensus | ...
    explanation: Mapped[str] = mapped_column(Text)
    votes_for: Mapped[int] = mapped_column(Integer, default=0)
    votes_against: Mapped[int] = mapped_column(Integer, default=0)
    votes_blank: Mapped[int] = mapped_column(Integer, default=0)
    casting_vote: Mapped[bool] = mapped_column(Boolean, default=False)
    chair_id: Mapped[str | None] = mapped_column(String(64))
    elected: Mapped[str | None] = mapped_column(String(300))
    drawn_among: Mapped[list[Any] | None] = mapped_column(JSON)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(64))

    ballots: Mapped[list["Ballot"]] = relationship(back_populates="proposal",
                                                 order_by="Ballot.id")


class Ballot(Base):
    """One member's vote on one proposal (or one election round)."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("proposal_id", "voter_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    voter_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    seat_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    choice: Mapped[str] = mapped_column(String(16))  # for | against | blank
    candidate: Mapped[str | None] = mapped_column(String(300))

    proposal: Mapped[Proposal] = relationship(back_populates="ballots")


class WrittenHandling(Base):
    """Skriftleg handsaming (KL § 11-8 (2)): a proposal sent to every member in writing."""

    __tablename__ = "written_handlings"
    __table_args__ = (
        _partial_index("ix_written_handlings_due", "next_check_at", where=_DUE),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    proposal: Mapped[str] = mapped_column(Text)
    answer_by: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # open | adopted | failed
    started_by: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    outcome_note: Mapped[str | None] = mapped_column(Text)
    next_check_at: Mapped[datetime | None]
    #: When those who had not answered were reminded (once), if they were.
    reminded_at: Mapped[datetime | None]


class WrittenAnswer(Base):
    __tablename__ = "written_answers"
    __table_args__ = (UniqueConstraint("written_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    written_id: Mapped[int] = mapped_column(ForeignKey("written_handlings.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    agrees_proposal: Mapped[bool] = mapped_column(Boolean)
    agrees_written: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime]


# -- deadlines, alerts, journal ----------------------------------------------------------------

class Deadline(Base):
    """Frist: something due by a day, with a reminder before it."""

    __tablename__ = "deadlines"
    __table_args__ = (
        _partial_index("ix_deadlines_due", "next_check_at", where=_DUE),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime]  # first instant after the due day, local time
    remind_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    reminded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    owner_id: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    next_check_at: Mapped[datetime | None]


class Alert(Base):
    """Varsel to the leader, the daily leader or an owner: raised once per ``key``."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    raised_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    recipients: Mapped[list[Any]] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(Text)


class JournalEntry(Base):
    """Every change: when, who (and in what role), what, why."""

    __tablename__ = "journal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The operating-system account and machine that ran the command: ``actor_id`` is who it
    #: was done for, a claim the person at the keyboard makes; these say whose account made it.
    os_user: Mapped[str | None] = mapped_column(String(64))
    host: Mapped[str | None] = mapped_column(String(255))
    #: The way in: ``cli``, ``prefect-ui`` (a staff form), ``prefect-schedule``, ``demo``; and
    #: the Prefect flow run that made the change, when one did.
    via: Mapped[str | None] = mapped_column(String(32))
    run_ref: Mapped[str | None] = mapped_column(String(64))


class OutboxMessage(Base):
    """A message to one person, written in the same transaction as the change that caused it
    and delivered afterwards by the dispatcher (``notifications.dispatch``).

    ``key`` says what it is, to whom, about which meeting or case and at which calendar
    sequence (``notice:RR-2026-09-24:0:gol-ordforar``): the same intent is never written twice.
    ``payload`` holds what the message says, as the change saw it (a snapshot of the read
    model for the recipient's audience), so that the message sent later says what was true
    when it was caused; the dispatcher renders it (with a fresh DTSTAMP) when it sends.
    Status: ``pending`` -> ``sending`` (claimed by a dispatcher run) -> ``sent``; ``failed``
    after a permanent refusal or too many attempts; a temporary failure goes back to
    ``pending`` with a later ``next_attempt_at``.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        _partial_index("ix_outbox_due", "next_attempt_at", where="status = 'pending'"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(300))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    sequence: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(500))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    claim: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    receipt: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)


class Counter(Base):
    """Running numbers: case numbers per year, agenda numbers per body and year."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class Holiday(Base):
    """A public holiday of the council's country, as the ``holidays`` package gives it, kept by
    ``init`` for the years around the election period: a command that counts working days reads
    these rows instead of loading the package (about 100 ms of start-up, for every country it
    knows). Years not kept are asked of the package."""

    __tablename__ = "holidays"

    country: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))


__all__ = [
    "Absence", "AgendaItem", "Alert", "Attendance", "Ballot", "Base", "Body", "Case",
    "CouncilRecord", "Counter", "Deadline", "Holiday", "Proposal", "SubstituteCall",
    "WrittenAnswer",
    "WrittenHandling",
    "JournalEntry", "Meeting", "Membership", "Municipality", "OutboxMessage", "Person",
    "Treatment", "UTCDateTime",
]
