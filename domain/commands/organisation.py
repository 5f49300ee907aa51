"""Loading the organisation file into the store (init): councils, people, bodies, memberships, the
meeting plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from config.organisation import Organisation
from domain.errors import DatabaseProblem
from domain.operations.meetings import create_meeting, reschedule_meeting
from domain.rules.access import OPERATOR_ACTOR
from domain.rules.calendar import CouncilCalendar
from domain.rules.terms import MeetingKind, MeetingStatus, MembershipRole
from domain.store.tables import (
    Body,
    CouncilRecord,
    Membership,
    MembershipPeriod,
    Municipality,
    Person,
)
from domain.store.uow import UnitOfWork


@dataclass
class LoadReport:
    council: str
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deactivated: list[str] = field(default_factory=list)
    meetings_not_in_file: list[str] = field(default_factory=list)
    skipped_past_meetings: list[str] = field(default_factory=list)
    unchanged: bool = True

    def count(self, bucket: dict[str, int], what: str) -> None:
        bucket[what] = bucket.get(what, 0) + 1
        self.unchanged = False

    def as_dict(self) -> dict[str, Any]:
        return {"council": self.council, "created": self.created, "updated": self.updated,
                "deactivated": self.deactivated,
                "meetings_not_in_file": self.meetings_not_in_file,
                "skipped_past_meetings": self.skipped_past_meetings,
                "unchanged": self.unchanged}


def _sync(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def load_organisation(uow: UnitOfWork, org: Organisation) -> LoadReport:
    data = org.data
    existing = uow.organisation.council_record()
    if existing is not None and existing.id != data.council.id:
        # Configuration (the database and the file are of two councils), not a rule.
        raise DatabaseProblem(
            f"Databasen høyrer til «{existing.id}» ({existing.name}); fila {org.source} er for "
            f"«{data.council.id}».",
            "Bruk ein eigen database for kvart råd (TINGFLYT_DATABASE_URL eller "
            "TINGFLYT_DATA_DIR).", field="org")
    report = LoadReport(council=data.council.id)

    council_values = dict(
        name=data.council.name, short_name=data.council.short_name, region=data.council.region,
        timezone=data.council.timezone, holiday_country=data.council.holiday_country,
        email=data.council.email, website=data.council.website,
        period_name=data.election_period.name, period_start=data.election_period.start,
        period_end=data.election_period.end, plan_name=data.meeting_plan.name,
        plan_start=data.meeting_plan.start, plan_end=data.meeting_plan.end,
        director_id=data.secretariat.director, staff_ids=list(data.secretariat.staff),
        source=org.source, digest=org.digest)
    if existing is None:
        uow.add(CouncilRecord(id=data.council.id, loaded_at=uow.now,
                              simulation=uow.clock.simulated, **council_values))
        report.count(report.created, "council")
    elif _sync(existing, {k: v for k, v in council_values.items() if k != "source"}):
        existing.loaded_at = uow.now
        existing.source = org.source
        report.count(report.updated, "council")
    uow.flush()
    _keep_holidays(uow, data)

    for mun in data.municipalities:
        values = dict(name=mun.name, short_name=mun.short_name or mun.name, mayor_id=mun.mayor,
                      deputy_mayor_id=mun.deputy_mayor, chief_executive_id=mun.chief_executive)
        _upsert(uow, Municipality, mun.id, values, report, "municipalities")
    uow.flush()

    in_file = {p.id for p in data.people}
    for person in data.people:
        values = dict(name=person.name, email=person.email, municipality_id=person.municipality,
                      title=person.title, active=True)
        _upsert(uow, Person, person.id, values, report, "people")
    for person in uow.people.all_active():
        if person.id not in in_file:
            person.active = False
            report.deactivated.append(person.id)
            report.unchanged = False
    uow.flush()

    for body in data.bodies:
        values = dict(
            kind=body.kind, name=body.name, short_name=body.short_name,
            agenda_prefix=body.agenda_prefix, notice_days=body.notice_days,
            preparation_days=body.preparation_days, reminder_days=body.reminder_days,
            urgent_notice_days=body.urgent_notice_days, followup_days=body.followup_days,
            minutes_due_days=body.minutes_due_days, remote_meetings=body.remote_meetings,
            written_handling=body.written_handling,
            substitute_for_recusal=body.substitute_for_recusal,
            urgency_authority=org.urgency_authority(body), chair_id=body.chair,
            deputy_chair_id=body.deputy_chair, prepared_by_id=body.prepared_by,
            attend_and_speak=list(body.attend_and_speak), default_place=body.default_place,
            default_start=body.default_start, default_end=body.default_end)
        _upsert(uow, Body, body.id, values, report, "bodies")
    uow.flush()

    wanted = set()
    for ms in data.memberships:
        for role, ids in ((MembershipRole.MEMBER, ms.members),
                          (MembershipRole.SUBSTITUTE, ms.substitutes)):
            for rank, pid in enumerate(ids, start=1):
                wanted.add((ms.body, pid, ms.municipality, role, rank))
    current = {(m.body_id, m.person_id, m.municipality_id, m.role, m.rank): m
               for m in uow.organisation.memberships()}
    if set(current) != wanted:
        for key in set(current) - wanted:
            uow.organisation.remove_membership(current[key])
        uow.flush()
        for body_id, pid, mun, role, rank in sorted(wanted - set(current)):
            uow.add(Membership(body_id=body_id, person_id=pid, municipality_id=mun,
                                   role=role, rank=rank))
        if current:
            report.count(report.updated, "memberships")
        else:
            report.created["memberships"] = len(wanted)
            report.unchanged = False
    uow.flush()
    _sync_membership_periods(uow, report, first_load=existing is None)

    uow.memo.clear()  # the bodies just loaded are what the meeting plan below is read against
    planned_refs = set()
    for planned in data.meetings:
        body = uow.bodies.get(planned.body)
        start = planned.start or body.default_start
        end = planned.end or body.default_end
        place = None if planned.remote else (planned.place or body.default_place)
        meeting = uow.meetings.planned_on(body.id, planned.date)
        if meeting is None:
            if uow.calendar.notice_date(planned.date, body.notice_days) < uow.today:
                # Its notice day has passed: history, not something the engine can act on.
                report.skipped_past_meetings.append(f"{body.agenda_prefix}-{planned.date}")
                continue
            meeting = create_meeting(
                uow, OPERATOR_ACTOR, body, planned.date, start, end, place=place,
                remote=planned.remote, kind=MeetingKind.PLANNED,
                reason="Frå møteplanen i organisasjonsfila.")
            report.count(report.created, "meetings")
        elif meeting.status == MeetingStatus.PLANNED and reschedule_meeting(
                uow, meeting, start, end, place, planned.remote):
            report.count(report.updated, "meetings")
        planned_refs.add(meeting.ref)
    for meeting in uow.meetings.planned():
        if meeting.ref not in planned_refs:
            report.meetings_not_in_file.append(meeting.ref)

    if not report.unchanged:
        uow.journal(
            OPERATOR_ACTOR, "org.load",
            f"Organisasjonsfila er lesen inn: {len(data.people)} personar, "
            f"{len(data.bodies)} organ, {len(data.meetings)} møte i møteplanen.",
            data={"source": org.source, "digest": org.digest, "created": report.created,
                  "updated": report.updated, "deactivated": report.deactivated})
    return report


def _keep_holidays(uow: UnitOfWork, data: Any) -> None:
    """Keep the country's public holidays for the years around the election period and the
    meeting plan, so that commands count working days without loading the holidays package."""
    country = data.council.holiday_country
    first = min(data.election_period.start.year, data.meeting_plan.start.year) - 1
    last = max(data.election_period.end.year, data.meeting_plan.end.year) + 1
    # The file check (config.organisation) has refused a country the package does not know.
    calendar = CouncilCalendar(data.council.timezone, country)
    days = {d: n for year in range(first, last + 1) for d, n in calendar.holidays_in(year).items()}
    uow.organisation.keep_holidays(country, days)


def _sync_membership_periods(uow: UnitOfWork, report: LoadReport, *, first_load: bool) -> None:
    """Keep the history in step with ``memberships`` (the current state, already synced).

    Each current membership has exactly one open period (``valid_to`` NULL) with its
    municipality, role and rank; an open period whose membership is gone, or whose
    municipality or rank changed, is closed at ``uow.now`` (and a new one opened for the
    change). New periods start now, except on the very first load of a database (the council
    row was just created and there are no periods at all): the file then describes who sits
    for the whole election period, so they start at the start of its first day, local time.
    Counts go to ``created["membership_periods"]`` (opened) and
    ``updated["membership_periods"]`` (closed).
    """
    current = {(m.person_id, m.body_id, m.role): m for m in uow.organisation.memberships()}
    open_periods = {(p.person_id, p.body_id, p.role): p for p in uow.organisation.open_periods()}
    since = uow.now
    if first_load and not uow.organisation.has_periods():
        record = uow.organisation.council_record()
        assert record is not None  # written above, in this unit
        since = uow.calendar.start_of(record.period_start)

    for key, period in open_periods.items():
        ms = current.get(key)
        if ms is None or (ms.municipality_id, ms.rank) != (period.municipality_id, period.rank):
            # Never before it began (a period loaded ahead of its start stays empty, not reversed).
            period.valid_to = max(uow.now, period.valid_from)
            report.count(report.updated, "membership_periods")
    uow.flush()  # closed before opened: at most one open period per (person, body, role)
    for key, ms in sorted(current.items()):
        period = open_periods.get(key)
        if period is None or period.valid_to is not None:
            uow.add(MembershipPeriod(
                person_id=ms.person_id, body_id=ms.body_id, municipality_id=ms.municipality_id,
                role=ms.role, rank=ms.rank, valid_from=since))
            report.count(report.created, "membership_periods")
    uow.flush()


def _upsert(uow: UnitOfWork, model: type, ident: str, values: dict[str, Any],
            report: LoadReport, what: str) -> None:
    row = uow.organisation.row(model, ident)
    if row is None:
        uow.add(model(id=ident, **values))
        report.count(report.created, what)
    elif _sync(row, values):
        report.count(report.updated, what)
