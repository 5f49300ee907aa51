"""Which body decides, which meetings a case can reach, and what to do when none is in time.

Pure rules over plain values: no database, no clock of their own. The service layer hands in
the bodies, the meetings and "today"; these functions answer.

Sources: domain.md sections 2 (which body decides) and 5 (deadlines and urgency); the
cooperation agreement pkt. 3 (principled cases, hastefullmakt); KL §§ 11-2, 11-7, 11-8.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from domain.errors import NotFound, RuleViolation
from domain.rules.calendar import CouncilCalendar, format_date
from domain.rules.terms import (
    BodyKind,
    CaseKind,
    DecisionBasis,
    MeetingKind,
    UrgencyOptionKind,
)

#: Kinds only the assembly may decide (samarbeidsavtalen pkt. 3a).
ASSEMBLY_ONLY: frozenset[CaseKind] = frozenset(
    {CaseKind.BUDGET, CaseKind.STRATEGIC_PLAN, CaseKind.ANNUAL_REPORT, CaseKind.COMMITTEE}
)
#: Kinds that need no preparation by the admin committee: they are ready when registered.
NO_PREPARATION: frozenset[CaseKind] = frozenset({CaseKind.INFORMATION, CaseKind.URGENCY_REPORT})
#: Kinds that may be put to either body; the council is the default.
EITHER_BODY: frozenset[CaseKind] = frozenset(
    {CaseKind.ORDINARY, CaseKind.STATEMENT, CaseKind.FUND_ALLOCATION, CaseKind.INFORMATION}
)
#: Kinds that end when taken for information, with nothing to carry out.
INFORMATION_ONLY: frozenset[CaseKind] = NO_PREPARATION

#: Kinds that are never decided, only taken for information: no urgency authority for them.
NOT_DECIDED: frozenset[CaseKind] = NO_PREPARATION
#: Kinds the council's urgency authority (KL § 11-8 (1)) may cover at all: every kind that is
#: decided. Which of them it does cover is the assembly's delegation, in the organisation file.
URGENCY_AUTHORITY_KINDS: frozenset[CaseKind] = frozenset(CaseKind) - NOT_DECIDED
#: Hallingdal's reading, the default when the organisation file says nothing: every assembly
#: case except the kinds only the assembly may decide (samarbeidsavtalen pkt. 3a).
DEFAULT_URGENCY_AUTHORITY: frozenset[CaseKind] = URGENCY_AUTHORITY_KINDS - ASSEMBLY_ONLY

#: Days a written handling (skriftleg handsaming) needs for every member to answer.
WRITTEN_HANDLING_WORKING_DAYS = 3

#: Those who have not answered a written proposal are reminded this long before the deadline,
#: if the handling has run at least ``WRITTEN_REMINDER_AFTER`` by then (a window of a few hours
#: gets no reminder: the proposal itself is the reminder).
WRITTEN_REMINDER_BEFORE = timedelta(hours=24)
WRITTEN_REMINDER_AFTER = timedelta(hours=12)


def written_reminder_at(started_at: datetime, answer_by: datetime) -> datetime | None:
    """When the members who have not answered a written proposal get a reminder, if at all."""
    at = answer_by - WRITTEN_REMINDER_BEFORE
    return at if at - started_at >= WRITTEN_REMINDER_AFTER else None


def minutes_due_on(meeting_day: date, minutes_due_days: int) -> date:
    """The last day for sending the minutes: ``minutes_due_days`` calendar days after the
    meeting day (the body's ``minutes_due_days`` in the organisation file)."""
    return meeting_day + timedelta(days=minutes_due_days)


@dataclass(frozen=True)
class BodyRules:
    """What the rules need to know about a body (from the organisation file)."""

    id: str
    kind: BodyKind
    name: str
    notice_days: int
    preparation_days: int
    urgent_notice_days: int | None = None
    remote_meetings: bool = False
    written_handling: bool = False
    prepared_by: str | None = None
    #: For the council: the case kinds the assembly lets it decide under the urgency authority
    #: (KL § 11-8 (1)); None is the default reading (``DEFAULT_URGENCY_AUTHORITY``).
    urgency_authority: frozenset[CaseKind] | None = None


def urgency_authority_scope(kinds: Iterable[str] | None) -> frozenset[CaseKind]:
    """The case kinds the council's urgency authority covers, from the council's
    ``urgency_authority`` (the organisation file's list, as stored): None is Hallingdal's
    reading, ``DEFAULT_URGENCY_AUTHORITY``."""
    if kinds is None:
        return DEFAULT_URGENCY_AUTHORITY
    return frozenset(CaseKind(k) for k in kinds)


@dataclass(frozen=True)
class MeetingSlot:
    """A meeting as the scheduling rules see it."""

    ref: str
    body_id: str
    day: date
    notice_date: date
    preparation_deadline: date
    open: bool  # agenda not frozen, meeting not cancelled
    remote: bool = False
    kind: MeetingKind = MeetingKind.PLANNED


@dataclass(frozen=True)
class Competence:
    body_id: str
    basis: DecisionBasis
    reason: str


class Bodies:
    """The bodies of one council, found by kind."""

    def __init__(self, bodies: Iterable[BodyRules]) -> None:
        self.by_id = {b.id: b for b in bodies}

    def of_kind(self, kind: BodyKind) -> BodyRules:
        for body in self.by_id.values():
            if body.kind == kind:
                return body
        raise RuleViolation(f"Organisasjonen har ikkje noko organ av typen «{kind}».",
                            "Legg det til i organisasjonsfila.")

    def __getitem__(self, body_id: str) -> BodyRules:
        return self.by_id[body_id]


# -- routes ---------------------------------------------------------------------------------------

def treatment_path(kind: CaseKind, competent_body_id: str, bodies: Bodies) -> list[str]:
    """The bodies a case passes through, in order; the last one decides.

    The assembly's cases are prepared by the body named in its ``prepared_by`` (the council in
    Hallingdal), which sends them on with its recommendation. Reports and items for information
    go straight to the body they are for.
    """
    competent = bodies[competent_body_id]
    if competent.prepared_by and kind not in NO_PREPARATION:
        return [competent.prepared_by, competent.id]
    return [competent.id]


def next_meeting(
    meetings: Sequence[MeetingSlot],
    body_id: str,
    *,
    ready_on: date,
    by_preparation_deadline: bool,
    after: date | None = None,
    exclude: Iterable[str] = (),
) -> MeetingSlot | None:
    """The first open meeting of ``body_id`` a case ready on ``ready_on`` can reach.

    A newly recommended case must meet the meeting's preparation deadline; a case that was
    postponed or referred only needs the agenda to be still open (notice not yet sent).
    """
    excluded = set(exclude)
    for slot in sorted(meetings, key=lambda m: (m.day, m.ref)):
        if slot.body_id != body_id or not slot.open or slot.ref in excluded:
            continue
        if after is not None and slot.day <= after:
            continue
        latest = slot.preparation_deadline if by_preparation_deadline else slot.notice_date
        if latest >= ready_on:
            return slot
    return None


def plan_route(
    path: Sequence[str],
    meetings: Sequence[MeetingSlot],
    *,
    today: date,
    needs_preparation_deadline: bool,
    current: MeetingSlot | None = None,
) -> list[MeetingSlot] | None:
    """The earliest chain of meetings that carries a case along ``path``, or None.

    ``current`` is the meeting the case already sits on (for the first body in ``path``).
    """
    route: list[MeetingSlot] = []
    for index, body_id in enumerate(path):
        if index == 0:
            slot = current or next_meeting(
                meetings, body_id, ready_on=today,
                by_preparation_deadline=needs_preparation_deadline,
            )
        else:
            previous = route[-1]
            slot = next_meeting(
                meetings, body_id, ready_on=previous.day, by_preparation_deadline=False,
                after=previous.day,
            )
        if slot is None:
            return None
        route.append(slot)
    return route


# -- which body decides ---------------------------------------------------------------------------

def decide_competence(
    *,
    kind: CaseKind,
    principled: bool,
    requested_body_id: str | None,
    external_deadline: date | None,
    bodies: Bodies,
    meetings: Sequence[MeetingSlot],
    today: date,
) -> Competence:
    """The competent body for a new case, with the reason written out (domain.md section 2)."""
    council = bodies.of_kind(BodyKind.COUNCIL)
    assembly = bodies.of_kind(BodyKind.ASSEMBLY)
    requested = bodies.by_id.get(requested_body_id) if requested_body_id else None
    if requested_body_id and requested is None:
        raise NotFound(f"Ukjend organ «{requested_body_id}».",
                            f"Bruk eitt av: {', '.join(sorted(bodies.by_id))}.", field="body")
    if requested and requested.kind not in (BodyKind.COUNCIL, BodyKind.ASSEMBLY):
        raise RuleViolation(
            f"{requested.name} gjer ikkje vedtak i saker.",
            f"Vel {council.name} eller {assembly.name}.", field="body")

    if kind in ASSEMBLY_ONLY:
        if requested and requested.id != assembly.id:
            raise RuleViolation(
                f"Ei sak av typen «{kind.label}» kan berre avgjerast av {assembly.name} "
                "(samarbeidsavtalen pkt. 3a).",
                f"Ta vekk [field:body], eller bruk [field:body={assembly.id}].", field="body")
        return Competence(assembly.id, DecisionBasis.ORDINARY,
                          f"«{kind.label}» er sak for {assembly.name} åleine.")
    if kind == CaseKind.URGENCY_REPORT:
        return Competence(assembly.id, DecisionBasis.ORDINARY,
                          f"Melding om hastevedtak skal til neste møte i {assembly.name} "
                          "(kommunelova § 11-8 (1)).")
    if principled:
        return _principled_competence(
            kind, requested, external_deadline, bodies, meetings, today, council, assembly)
    if requested:
        if kind not in EITHER_BODY:
            raise RuleViolation(
                f"Ei sak av typen «{kind.label}» kan ikkje flyttast til anna organ.",
                "Ta vekk [field:body].", field="body")
        return Competence(requested.id, DecisionBasis.ORDINARY,
                          f"Lagt fram for {requested.name} etter ønske frå innsendaren.")
    return Competence(council.id, DecisionBasis.ORDINARY,
                      f"«{kind.label}» er sak for {council.name}.")


def _principled_competence(
    kind: CaseKind,
    requested: BodyRules | None,
    deadline: date | None,
    bodies: Bodies,
    meetings: Sequence[MeetingSlot],
    today: date,
    council: BodyRules,
    assembly: BodyRules,
) -> Competence:
    path = treatment_path(kind, assembly.id, bodies)
    route = plan_route(path, meetings, today=today, needs_preparation_deadline=True)
    assembly_in_time = deadline is None or (route is not None and route[-1].day <= deadline)
    if assembly_in_time:
        if requested and requested.id == council.id:
            when = f" ({format_date(route[-1].day)})" if route else ""
            raise RuleViolation(
                f"Prinsipielle saker skal til {assembly.name} når dei kan vente til neste møte"
                f"{when} (samarbeidsavtalen pkt. 3b).",
                "Ta vekk [field:body], eller registrer saka utan [field:principled] om ho ikkje er "
                "prinsipiell.", field="body")
        return Competence(assembly.id, DecisionBasis.ORDINARY,
                          f"Prinsipiell sak: {assembly.name} avgjer (samarbeidsavtalen pkt. 3b).")
    assert deadline is not None
    if route is None:
        why = f"ingen møte i {assembly.name} kan avgjere ho før fristen"
    else:
        why = (f"neste møte i {assembly.name} som kan avgjere ho er "
               f"{format_date(route[-1].day)}")
    return Competence(
        council.id, DecisionBasis.PRINCIPLED_CANNOT_WAIT,
        f"Prinsipiell sak med frist {format_date(deadline)}, men {why}; {council.name} kan "
        "difor avgjere ho (samarbeidsavtalen pkt. 3b).")


# -- urgency --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UrgencyOption:
    kind: UrgencyOptionKind
    body_id: str
    text: str  # Nynorsk, one line for the leader and the daily leader
    legal_basis: str
    meeting_day: date | None = None
    notice_by: date | None = None
    #: An existing meeting that can take the case, or the kind of meeting to call.
    meeting_ref: str | None = None
    new_meeting: MeetingKind | None = None

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["new_meeting"] = self.new_meeting.value if self.new_meeting else None
        data["meeting_day"] = self.meeting_day.isoformat() if self.meeting_day else None
        data["notice_by"] = self.notice_by.isoformat() if self.notice_by else None
        return data


@dataclass(frozen=True)
class DeadlineAssessment:
    urgent: bool
    decision_day: date | None  # when the ordinary route decides, if there is one
    reason: str


def assess_deadline(
    *,
    deadline: date | None,
    route: list[MeetingSlot] | None,
    deciding_body: BodyRules,
) -> DeadlineAssessment:
    """Is the case urgent? It is when no ordinary meeting decides it by its external deadline."""
    decision_day = route[-1].day if route else None
    if deadline is None:
        return DeadlineAssessment(False, decision_day, "")
    if decision_day is not None and decision_day <= deadline:
        return DeadlineAssessment(False, decision_day, "")
    if decision_day is None:
        why = f"ingen planlagt møte i {deciding_body.name} kan avgjere saka"
    else:
        why = (f"første møte i {deciding_body.name} som kan avgjere saka er "
               f"{format_date(decision_day)}")
    return DeadlineAssessment(True, decision_day,
                              f"Fristen er {format_date(deadline)}, men {why}.")


def urgency_options(
    *,
    kind: CaseKind,
    path: Sequence[str],
    deadline: date,
    bodies: Bodies,
    meetings: Sequence[MeetingSlot],
    calendar: CouncilCalendar,
    today: date,
    needs_closed_meeting: bool,
) -> list[UrgencyOption]:
    """The lawful ways to decide in time (domain.md section 5), best first.

    Extra meeting with ordinary notice if it still fits; for the council's own cases an urgent
    remote meeting or written handling; for the assembly's cases of a kind the assembly has
    delegated (the council's ``urgency_authority`` in the organisation file; by default every
    kind but those reserved to the assembly) the council's urgency authority under
    KL § 11-8 (1). When nothing fits, the only honest option is to ask for a later deadline.
    """
    deciding = bodies[path[-1]]
    options: list[UrgencyOption] = []

    extra = _extra_meeting_chain(path, bodies, meetings, calendar, today)
    extra_fits = extra[-1].day <= deadline
    if extra_fits:
        last = extra[-1]
        lead = ""
        if len(extra) > 1:
            first = extra[0]
            where = (f"i møtet {first.ref} ({format_date(first.day)})" if first.ref else
                     f"i eit ekstra møte tidlegast {format_date(first.day)}")
            lead = f"{bodies[first.body_id].name} må først gje innstilling {where}. "
        options.append(UrgencyOption(
            UrgencyOptionKind.EXTRA_MEETING, last.body_id,
            f"{lead}Ekstra møte i {deciding.name} med vanleg varsel ({deciding.notice_days} "
            f"dagar): møtedag mellom {format_date(last.day)} og {format_date(deadline)}; for "
            f"møte {format_date(last.day)} må innkallinga gå ut seinast "
            f"{format_date(last.notice)}.",
            "kommunelova § 11-2 (møte når leiaren meiner det trengst)", last.day, last.notice,
            new_meeting=MeetingKind.EXTRA))

    if deciding.kind == BodyKind.COUNCIL:
        options.extend(_council_fast_options(deciding, deadline, calendar, today,
                                             needs_closed_meeting))
    elif deciding.kind == BodyKind.ASSEMBLY and not extra_fits \
            and kind in urgency_authority_scope(bodies.of_kind(BodyKind.COUNCIL)
                                                .urgency_authority):
        # The urgency authority is for when the assembly cannot be convened in time, and only
        # for the kinds of case the assembly has delegated.
        options.extend(_urgency_authority_options(deciding, deadline, bodies, meetings,
                                                  calendar, today, needs_closed_meeting))
    if not options:
        options.append(UrgencyOption(
            UrgencyOptionKind.EXTEND_DEADLINE, deciding.id,
            f"Ingen lovleg veg gjer vedtak i {deciding.name} innan {format_date(deadline)}: be "
            "om utsett frist, og set saka på første møte som kan ta henne.",
            "kommunelova §§ 11-2, 11-3 og 11-8"))
    return options


def _urgency_authority_options(
    assembly: BodyRules,
    deadline: date,
    bodies: Bodies,
    meetings: Sequence[MeetingSlot],
    calendar: CouncilCalendar,
    today: date,
    needs_closed_meeting: bool,
) -> list[UrgencyOption]:
    council = bodies.of_kind(BodyKind.COUNCIL)
    report = f"vedtaket skal meldast til neste møte i {assembly.name}"
    basis = "kommunelova § 11-8 (1), samarbeidsavtalen pkt. 3b"
    slot = next_meeting(meetings, council.id, ready_on=today, by_preparation_deadline=False)
    if slot is not None and slot.day <= deadline:
        return [UrgencyOption(
            UrgencyOptionKind.URGENCY_AUTHORITY, council.id,
            f"{council.name} gjer hastevedtak i møtet {slot.ref} ({format_date(slot.day)}); "
            f"{report}.", basis, slot.day, slot.notice_date, meeting_ref=slot.ref)]
    options = [UrgencyOption(
        UrgencyOptionKind.URGENCY_AUTHORITY, council.id,
        f"{council.name} gjer hastevedtak i eit hastefjernmøte tidlegast "
        f"{format_date(fast.meeting_day)} (innkalling seinast {format_date(fast.notice_by)}); "
        f"{report}.", f"{basis}; {fast.legal_basis}", fast.meeting_day, fast.notice_by,
        new_meeting=fast.new_meeting)
        for fast in _council_fast_options(council, deadline, calendar, today,
                                          needs_closed_meeting, include_written=False)
        if fast.meeting_day is not None and fast.notice_by is not None]
    extra = _extra_meeting_chain([council.id], bodies, meetings, calendar, today)[-1]
    if extra.day <= deadline:
        options.append(UrgencyOption(
            UrgencyOptionKind.URGENCY_AUTHORITY, council.id,
            f"{council.name} gjer hastevedtak i eit ekstra møte tidlegast "
            f"{format_date(extra.day)} (innkalling seinast {format_date(extra.notice)}); "
            f"{report}.", f"{basis}; kommunelova § 11-2", extra.day, extra.notice,
            new_meeting=MeetingKind.EXTRA))
    return options


def earliest_decision(
    *,
    path: Sequence[str],
    bodies: Bodies,
    meetings: Sequence[MeetingSlot],
    calendar: CouncilCalendar,
    today: date,
) -> date:
    """The earliest day the last body in ``path`` can decide, using open meetings or extra
    meetings with ordinary notice (a case ready today)."""
    route = plan_route(path, meetings, today=today, needs_preparation_deadline=False)
    extra = _extra_meeting_chain(path, bodies, meetings, calendar, today)[-1].day
    return min(route[-1].day, extra) if route else extra


def _council_fast_options(
    council: BodyRules,
    deadline: date,
    calendar: CouncilCalendar,
    today: date,
    needs_closed_meeting: bool,
    *,
    include_written: bool = True,
) -> list[UrgencyOption]:
    options: list[UrgencyOption] = []
    if (council.remote_meetings and council.urgent_notice_days is not None
            and not needs_closed_meeting):
        day = calendar.earliest_meeting_day(today, council.urgent_notice_days)
        if day <= deadline:
            notice = calendar.notice_date(day, council.urgent_notice_days)
            options.append(UrgencyOption(
                UrgencyOptionKind.URGENT_REMOTE_MEETING, council.id,
                f"Hastefjernmøte i {council.name}: møtedag tidlegast {format_date(day)}, "
                f"innkalling seinast {format_date(notice)} (kortare varsel; ein tredjedel av "
                "medlemene kan krevje at saka ventar på ordinært møte).",
                "kommunelova § 11-8 (3) og § 11-7", day, notice,
                new_meeting=MeetingKind.URGENT_REMOTE))
    if include_written and council.written_handling:
        answer_by = calendar.add_working_days(today, WRITTEN_HANDLING_WORKING_DAYS)
        if answer_by <= deadline:
            options.append(UrgencyOption(
                UrgencyOptionKind.WRITTEN_HANDLING, council.id,
                f"Skriftleg handsaming i {council.name}: framlegget går til alle medlemene med "
                f"svarfrist {format_date(answer_by)}; vedteke berre om alle seier ja både til "
                "framlegget og til skriftleg handsaming.",
                "kommunelova § 11-8 (2)", answer_by, today))
    return options


@dataclass(frozen=True)
class _Stage:
    body_id: str
    day: date
    notice: date
    ref: str | None  # an existing open meeting, or None for an extra one to call


def _extra_meeting_chain(
    path: Sequence[str],
    bodies: Bodies,
    meetings: Sequence[MeetingSlot],
    calendar: CouncilCalendar,
    today: date,
) -> list[_Stage]:
    """Earliest chain along ``path`` that ends in an extra meeting of the deciding body.

    Earlier bodies in the path use their next open meeting, or an extra one if that is sooner.
    """
    chain: list[_Stage] = []
    ready = today
    for index, body_id in enumerate(path):
        body = bodies[body_id]
        extra_day = calendar.earliest_meeting_day(ready, body.notice_days)
        if index < len(path) - 1:
            slot = next_meeting(meetings, body_id, ready_on=ready, by_preparation_deadline=False)
            if slot is not None and slot.day <= extra_day:
                chain.append(_Stage(body_id, slot.day, slot.notice_date, slot.ref))
                ready = slot.day
                continue
        chain.append(_Stage(body_id, extra_day, calendar.notice_date(extra_day,
                                                                      body.notice_days), None))
        ready = extra_day
    return chain
