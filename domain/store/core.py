"""The system of record: tables for the council, its cases, meetings, deadlines and journal.

Names follow OParl/eInnsyn where they fit: Body, Membership, Meeting, AgendaItem, Case (sak),
Treatment (behandling: one per case and meeting, at most one authoritative). Cases and meetings
carry a version number for optimistic locking. Every datetime is stored in UTC.

``next_check_at`` on cases, meetings and deadlines is when the engine must look at the row
again; it is NULL while the row waits for a person. The sweep reads only rows whose time has
come, through partial indexes, so its cost follows what is due, not how much is stored.

These are SQLAlchemy Core tables, and nothing here imports the ORM: the read commands
(``domain.store.reading``) select from them as they are, and a process that only reads never
pays for the ORM (importing it and mapping the classes cost about as much again as SQLAlchemy
itself). The classes the commands change (``domain.store.tables``) are mapped onto these
tables.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    text,
)
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


metadata = MetaData(naming_convention=NAMING)


# -- organisation ------------------------------------------------------------------------------

#: The council this database serves, and where its configuration came from.
council = Table(
    "council", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("short_name", String(300), nullable=False),
    Column("region", String(300), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("holiday_country", String(8), nullable=False),
    Column("email", String(300), nullable=False),
    Column("website", String(300)),
    Column("period_name", String(100)),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("plan_name", String(100)),
    Column("plan_start", Date, nullable=False),
    Column("plan_end", Date, nullable=False),
    Column("director_id", String(64), nullable=False),
    Column("staff_ids", JSON, nullable=False, default=list),
    Column("source", String(1000), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("loaded_at", UTCDateTime(), nullable=False),
    #: Made by ``init`` with a clock set by hand (tests, the demo, a rehearsal): only then may
    #: later commands run at another time than the real one.
    Column("simulation", Boolean, nullable=False, default=False),
)


municipalities = Table(
    "municipalities", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("short_name", String(300), nullable=False),
    Column("mayor_id", String(64), nullable=False),
    Column("deputy_mayor_id", String(64), nullable=False),
    Column("chief_executive_id", String(64), nullable=False),
)


people = Table(
    "people", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("email", String(300), nullable=False),
    Column("municipality_id", String(64), ForeignKey("municipalities.id")),
    Column("title", String(300)),
    Column("active", Boolean, nullable=False, default=True),
)


#: Organ: the council, the assembly, the admin committee, other committees.
bodies = Table(
    "bodies", metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("name", String(300), nullable=False),
    Column("short_name", String(300), nullable=False),
    Column("agenda_prefix", String(8)),
    Column("notice_days", Integer, nullable=False),
    Column("preparation_days", Integer, nullable=False),
    Column("reminder_days", Integer, nullable=False),
    Column("urgent_notice_days", Integer),
    Column("followup_days", Integer, nullable=False),
    Column("minutes_due_days", Integer, nullable=False),
    Column("remote_meetings", Boolean, nullable=False),
    Column("written_handling", Boolean, nullable=False),
    #: Call a substitute in for a member recused in one case, for that case (KL § 7-10).
    Column("substitute_for_recusal", Boolean, nullable=False, default=True,
           server_default=text("true")),
    #: The council only: the case kinds its urgency authority covers (KL § 11-8 (1)), as the
    #: assembly delegated it in the organisation file; NULL is the default reading.
    Column("urgency_authority", JSON),
    Column("chair_id", String(64), ForeignKey("people.id")),
    Column("deputy_chair_id", String(64), ForeignKey("people.id")),
    Column("prepared_by_id", String(64)),
    Column("attend_and_speak", JSON, nullable=False, default=list),
    Column("default_place", String(300)),
    Column("default_start", Time, nullable=False),
    Column("default_end", Time, nullable=False),
)


#: A seat or a substitute's place in a body, for one municipality (group).
memberships = Table(
    "memberships", metadata,
    Column("id", Integer, primary_key=True),
    Column("body_id", String(64), ForeignKey("bodies.id"), nullable=False),
    Column("person_id", String(64), ForeignKey("people.id"), nullable=False),
    Column("municipality_id", String(64), ForeignKey("municipalities.id"), nullable=False),
    Column("role", String(16), nullable=False),  # member | substitute
    Column("rank", Integer, nullable=False),  # 1.. within (body, municipality, role)
    UniqueConstraint("body_id", "person_id"),
)


#: Who sat when: a membership's history, [valid_from, valid_to) in UTC; open while current.
#:
#: ``memberships`` is the current state; the organisation loader keeps one open period here
#: per current membership (same municipality, role and rank) and closes the others.
membership_periods = Table(
    "membership_periods", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", String(64), ForeignKey("people.id"), nullable=False),
    Column("body_id", String(64), ForeignKey("bodies.id"), nullable=False),
    Column("municipality_id", String(64), ForeignKey("municipalities.id"), nullable=False),
    Column("role", String(16), nullable=False),  # member | substitute
    Column("rank", Integer, nullable=False),
    Column("valid_from", UTCDateTime(), nullable=False),
    Column("valid_to", UTCDateTime()),
    Index("ix_membership_periods_body_valid_to", "body_id", "valid_to"),
    _partial_index("uq_membership_periods_one_open", "person_id", "body_id", "role",
                   unique=True, where="valid_to IS NULL"),
)


# -- meetings ----------------------------------------------------------------------------------

#: Møte. ``ref`` is what people type: body prefix and date, e.g. ``RR-2026-09-24``.
meetings = Table(
    "meetings", metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(64), nullable=False, unique=True),
    Column("body_id", String(64), ForeignKey("bodies.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    Column("day", Date, nullable=False),  # local date of the meeting
    Column("starts_at", UTCDateTime(), nullable=False),
    Column("ends_at", UTCDateTime(), nullable=False),
    Column("place", String(300)),
    Column("remote", Boolean, nullable=False, default=False),
    Column("notice_date", Date, nullable=False),
    Column("preparation_deadline", Date, nullable=False),
    Column("notice_at", UTCDateTime(), nullable=False),
    Column("notified_at", UTCDateTime()),
    Column("notice_late", Boolean, nullable=False, default=False),
    Column("reason", Text),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("agenda_changed_at", UTCDateTime()),
    Column("next_check_at", UTCDateTime()),
    Column("version", Integer, nullable=False),
    #: The calendar SEQUENCE of the meeting's invitation (RFC 5545): 0 at the notice, one up
    #: on every change the invited can see (an agenda change after the notice, the
    #: cancellation), never on one they cannot.
    Column("calendar_sequence", Integer, nullable=False, default=0),
    #: When the minutes were sent to the members (``meeting.send_minutes``), if they were.
    Column("minutes_sent_at", UTCDateTime()),
    _partial_index("ix_meetings_due", "next_check_at", where=_DUE),
    Index("ix_meetings_body_start", "body_id", "starts_at"),
)


#: A line on an agenda (saksliste). Numbered (``RR 12/26``) when the notice goes out.
agenda_items = Table(
    "agenda_items", metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False, index=True),
    Column("body_id", String(64), ForeignKey("bodies.id"), nullable=False),
    Column("case_id", Integer, ForeignKey("cases.id"), index=True),
    Column("kind", String(32), nullable=False),
    Column("section", String(32), nullable=False),
    Column("position", Integer, nullable=False),
    Column("year", Integer),
    Column("number", Integer),
    Column("title", String(500)),
    Column("related_meeting_id", Integer, ForeignKey("meetings.id")),
    Column("withdrawn", Boolean, nullable=False, default=False),
    Column("placed_at", UTCDateTime(), nullable=False),
    Column("placed_by", String(64), nullable=False),
    UniqueConstraint("meeting_id", "case_id"),
    UniqueConstraint("body_id", "year", "number"),
)


# -- cases -------------------------------------------------------------------------------------

#: Sak. Numbered per year (``2026/17``).
cases = Table(
    "cases", metadata,
    Column("id", Integer, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("title", String(500), nullable=False),
    Column("description", Text),
    Column("kind", String(32), nullable=False),
    Column("state", String(32), nullable=False),
    Column("competent_body_id", String(64), ForeignKey("bodies.id"), nullable=False),
    Column("current_body_id", String(64), ForeignKey("bodies.id"), nullable=False),
    Column("decision_basis", String(32), nullable=False),
    Column("competence_reason", Text, nullable=False),
    Column("origin", String(32), nullable=False),
    Column("origin_municipality_id", String(64), ForeignKey("municipalities.id")),
    Column("proposed_by_id", String(64), nullable=False),
    Column("lead_id", String(64), ForeignKey("people.id")),
    Column("principled", Boolean, nullable=False, default=False),
    Column("exempt_basis", String(300)),
    Column("exempt_offl_section", Integer),
    Column("public_title", String(500)),
    Column("external_deadline", Date),
    Column("urgent", Boolean, nullable=False, default=False),
    Column("urgency_reason", Text),
    Column("urgency_options", JSON),
    Column("preparation_deadline", Date),
    Column("target_meeting_id", Integer, ForeignKey("meetings.id")),
    Column("agenda_meeting_id", Integer, ForeignKey("meetings.id")),
    Column("recommendation", Text),
    Column("recommended_at", UTCDateTime()),
    Column("recommended_by_id", String(64)),
    Column("hold", Boolean, nullable=False, default=False),
    Column("hold_reason", Text),
    Column("related_case_id", Integer, ForeignKey("cases.id")),
    Column("closed_reason", String(32)),
    Column("registered_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("next_check_at", UTCDateTime()),
    Column("version", Integer, nullable=False),
    UniqueConstraint("year", "seq"),
    _partial_index("ix_cases_due", "next_check_at", where=_DUE),
    Index("ix_cases_state", "state"),
)


#: Behandling: what one body did with the case in one meeting.
treatments = Table(
    "treatments", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("body_id", String(64), ForeignKey("bodies.id"), nullable=False),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False),
    Column("agenda_item_id", Integer, ForeignKey("agenda_items.id")),
    Column("outcome", String(32), nullable=False),
    Column("basis", String(32), nullable=False),
    Column("text", Text),
    Column("authoritative", Boolean, nullable=False, default=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by_id", String(64), nullable=False),
    Column("recorded_role", String(32), nullable=False),
    Column("proposal_id", Integer, ForeignKey("proposals.id")),
    Column("vote_summary", Text),
    #: A referral by which the body sent the case on without a recommendation of its own
    #: (oversendt utan innstilling), after its proposals fell.
    Column("without_recommendation", Boolean, nullable=False, default=False),
    UniqueConstraint("case_id", "meeting_id"),
    _partial_index("uq_treatments_one_authoritative", "case_id", unique=True,
                   where="authoritative"),
)


# -- meetings in session ---------------------------------------------------------------------

#: Forfall: a member away for a whole meeting, part of it, or one case (inhabil).
absences = Table(
    "absences", metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False),
    Column("person_id", String(64), ForeignKey("people.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # meeting | part | case
    Column("case_id", Integer, ForeignKey("cases.id")),
    Column("from_position", Integer),
    Column("to_position", Integer),
    #: For a recusal: its legal ground (a RecusalBasis: public); ``reason`` is the note behind
    #: it or the reason for an absence (internal).
    Column("basis", String(16)),
    Column("reason", Text),
    Column("reported_by", String(64), nullable=False),
    Column("reported_at", UTCDateTime(), nullable=False),
    Column("withdrawn_at", UTCDateTime()),
    Index("ix_absences_meeting_person", "meeting_id", "person_id"),
)


#: Innkalling av varamedlem: one substitute asked to take one absent member's seat, for the
#: whole meeting or (``case_id``) for the one case the member is recused in.
substitute_calls = Table(
    "substitute_calls", metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False),
    Column("absence_id", Integer, ForeignKey("absences.id"), nullable=False),
    Column("seat_id", String(64), ForeignKey("people.id"), nullable=False),
    Column("substitute_id", String(64), ForeignKey("people.id"), nullable=False),
    Column("case_id", Integer, ForeignKey("cases.id")),  # None: whole meeting
    Column("rank", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # a CallStatus
    Column("asked_at", UTCDateTime(), nullable=False),
    Column("answer_by", UTCDateTime(), nullable=False),
    Column("answered_at", UTCDateTime()),
    Column("next_check_at", UTCDateTime()),
    _partial_index("ix_substitute_calls_due", "next_check_at", where=_DUE),
    Index("ix_substitute_calls_meeting", "meeting_id"),
)


#: Frammøte as it happened: who sat in which seat, from and to which agenda item.
#:
#: A row with ``case_id`` is a substitute who sat for one case only, in the seat of a member
#: recused in it; a person has one row for the whole meeting and at most one per case.
attendances = Table(
    "attendances", metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False),
    Column("person_id", String(64), ForeignKey("people.id"), nullable=False),
    Column("seat_id", String(64), ForeignKey("people.id")),  # None: attends only
    Column("case_id", Integer, ForeignKey("cases.id")),  # None: every item
    Column("role", String(16), nullable=False),  # member | substitute | attendee
    Column("from_position", Integer),
    Column("to_position", Integer),
    Column("chair", Boolean, nullable=False, default=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    UniqueConstraint("meeting_id", "person_id", "case_id"),
    _partial_index("uq_attendances_one_whole", "meeting_id", "person_id", unique=True,
                   where="case_id IS NULL"),
)


#: Framlegg put to the vote in one case at one meeting, with its counted result.
proposals = Table(
    "proposals", metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # proposal | election
    Column("round", Integer, nullable=False, default=1),
    Column("text", Text, nullable=False),
    Column("proposer_id", String(64)),
    Column("candidates", JSON),
    Column("result", String(16), nullable=False),  # adopted | fallen | no_consensus | ...
    Column("explanation", Text, nullable=False),
    Column("votes_for", Integer, nullable=False, default=0),
    Column("votes_against", Integer, nullable=False, default=0),
    Column("votes_blank", Integer, nullable=False, default=0),
    Column("casting_vote", Boolean, nullable=False, default=False),
    Column("chair_id", String(64)),
    Column("elected", String(300)),
    Column("drawn_among", JSON),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Index("ix_proposals_case_meeting", "case_id", "meeting_id"),
)


#: One member's vote on one proposal (or one election round).
ballots = Table(
    "ballots", metadata,
    Column("id", Integer, primary_key=True),
    Column("proposal_id", Integer, ForeignKey("proposals.id"), nullable=False),
    Column("voter_id", String(64), ForeignKey("people.id"), nullable=False),
    Column("seat_id", String(64), ForeignKey("people.id"), nullable=False),
    Column("choice", String(16), nullable=False),  # for | against | blank
    Column("candidate", String(300)),
    UniqueConstraint("proposal_id", "voter_id"),
)


#: Skriftleg handsaming (KL § 11-8 (2)): a proposal sent to every member in writing.
written_handlings = Table(
    "written_handlings", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), nullable=False),
    Column("proposal", Text, nullable=False),
    Column("answer_by", UTCDateTime(), nullable=False),
    Column("status", String(16), nullable=False),  # open | adopted | failed
    Column("started_by", String(64), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("closed_at", UTCDateTime()),
    Column("outcome_note", Text),
    Column("next_check_at", UTCDateTime()),
    #: When those who had not answered were reminded (once), if they were.
    Column("reminded_at", UTCDateTime()),
    _partial_index("ix_written_handlings_due", "next_check_at", where=_DUE),
)


written_answers = Table(
    "written_answers", metadata,
    Column("id", Integer, primary_key=True),
    Column("written_id", Integer, ForeignKey("written_handlings.id"), nullable=False),
    Column("person_id", String(64), ForeignKey("people.id"), nullable=False),
    Column("agrees_proposal", Boolean, nullable=False),
    Column("agrees_written", Boolean, nullable=False),
    Column("answered_at", UTCDateTime(), nullable=False),
    UniqueConstraint("written_id", "person_id"),
)


# -- deadlines, alerts, journal ----------------------------------------------------------------

#: Frist: something due by a day, with a reminder before it.
deadlines = Table(
    "deadlines", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("case_id", Integer, ForeignKey("cases.id"), index=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), index=True),
    Column("due_date", Date, nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),  # first instant after the due day, local time
    Column("remind_at", UTCDateTime()),
    Column("status", String(16), nullable=False),
    Column("reminded_at", UTCDateTime()),
    Column("closed_at", UTCDateTime()),
    Column("owner_id", String(64)),
    Column("note", Text),
    Column("next_check_at", UTCDateTime()),
    _partial_index("ix_deadlines_due", "next_check_at", where=_DUE),
)


#: Varsel to the leader, the daily leader or an owner: raised once per ``key``.
alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("raised_at", UTCDateTime(), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("case_id", Integer, ForeignKey("cases.id"), index=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id")),
    Column("recipients", JSON, nullable=False),
    Column("message", Text, nullable=False),
)


#: Every change: when, who (and in what role), what, why.
journal = Table(
    "journal", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=False, index=True),
    Column("actor_id", String(64), nullable=False),
    Column("actor_role", String(32), nullable=False),
    Column("action", String(64), nullable=False),
    Column("case_id", Integer, ForeignKey("cases.id"), index=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), index=True),
    Column("summary", Text, nullable=False),
    Column("reason", Text),
    Column("data", JSON),
    #: The operating-system account and machine that ran the command: ``actor_id`` is who it
    #: was done for, a claim the person at the keyboard makes; these say whose account made it.
    Column("os_user", String(64)),
    Column("host", String(255)),
    #: The way in: ``cli``, ``prefect-ui`` (a staff form), ``prefect-schedule``, ``demo``; and
    #: the Prefect flow run that made the change, when one did.
    Column("via", String(32)),
    Column("run_ref", String(64)),
)


#: A message to one person, written in the same transaction as the change that caused it
#: and delivered afterwards by the dispatcher (``notifications.dispatch``).
#:
#: ``key`` says what it is, to whom, about which meeting or case and at which calendar
#: sequence (``notice:RR-2026-09-24:0:gol-ordforar``): the same intent is never written twice.
#: ``payload`` holds what the message says, as the change saw it (a snapshot of the read
#: model for the recipient's audience), so that the message sent later says what was true
#: when it was caused; the dispatcher renders it (with a fresh DTSTAMP) when it sends.
#: Status: ``pending`` -> ``sending`` (claimed by a dispatcher run) -> ``sent``; ``failed``
#: after a permanent refusal or too many attempts; a temporary failure goes back to
#: ``pending`` with a later ``next_attempt_at``.
outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(400), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("person_id", String(64), index=True),
    Column("name", String(300), nullable=False),
    Column("address", String(300), nullable=False),
    Column("meeting_id", Integer, ForeignKey("meetings.id"), index=True),
    Column("case_id", Integer, ForeignKey("cases.id"), index=True),
    Column("sequence", Integer),
    Column("subject", String(500), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime()),
    Column("claim", String(64)),
    Column("claimed_at", UTCDateTime()),
    Column("sent_at", UTCDateTime()),
    Column("receipt", Text),
    Column("last_error", Text),
    _partial_index("ix_outbox_due", "next_attempt_at", where="status = 'pending'"),
)


#: Running numbers: case numbers per year, agenda numbers per body and year.
counters = Table(
    "counters", metadata,
    Column("name", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("value", Integer, nullable=False),
)


#: A public holiday of the council's country, as the ``holidays`` package gives it, kept by
#: ``init`` for the years around the election period: a command that counts working days reads
#: these rows instead of loading the package (about 100 ms of start-up, for every country it
#: knows). Years not kept are asked of the package.
holidays = Table(
    "holidays", metadata,
    Column("country", String(8), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("name", String(300), nullable=False),
)


