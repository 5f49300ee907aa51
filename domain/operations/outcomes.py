"""Outcomes of a treatment: the case in session, the treatment recorded, the case routed on, and
the report of an urgency decision made at once and placed on the assembly's next open agenda in
the same transaction.
"""

from __future__ import annotations

from domain.errors import Conflict, IllegalTransition, InvalidInput, RuleViolation
from domain.operations.agenda import check_report_target, place_on_agenda
from domain.operations.deadlines import close_deadlines
from domain.operations.paths import case_path
from domain.rules.access import SYSTEM_ACTOR, Actor
from domain.rules.calendar import format_date
from domain.rules.lifecycle import check
from domain.rules.scheduling import (
    ASSEMBLY_ONLY,
    INFORMATION_ONLY,
    earliest_decision,
    urgency_authority_scope,
)
from domain.rules.terms import (
    DECISION_BASIS_LABELS,
    OUTCOME_LABELS,
    AlertKind,
    BodyKind,
    CaseKind,
    CaseState,
    DeadlineKind,
    DecisionBasis,
    MeetingKind,
    MeetingStatus,
    Origin,
    Outcome,
    Role,
    case_kind_phrase,
)
from domain.store.rule_values import agenda_item_for, all_bodies, meeting_label, upcoming_slots
from domain.store.tables import Body, Case, Meeting, Treatment
from domain.store.uow import UnitOfWork


def check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise Conflict(
            f"Sak {case.number} er endra sidan du henta ho (versjon {expected_version}, no "
            f"{case.version}); ingenting er lagra.",
            "Sjå [cmd:case.show] for kva som er endra, og prøv igjen.", field="expect_version")


def touch(uow: UnitOfWork, case: Case, *, due_now: bool = True) -> None:
    case.updated_at = uow.now
    if due_now:
        case.next_check_at = uow.now


_OUTCOME_STEP = {
    Outcome.DECIDED: "decide",
    Outcome.TAKEN_FOR_INFORMATION: "decide",
    Outcome.REFERRED: "refer",
    Outcome.POSTPONED: "postpone",
    Outcome.SENT_BACK: "send_back",
    Outcome.NOT_ADOPTED: "reject",
    Outcome.WITHDRAWN: "withdraw",
}


AUTHORITATIVE = frozenset({Outcome.DECIDED, Outcome.NOT_ADOPTED, Outcome.TAKEN_FOR_INFORMATION})


#: Outcomes that are decisions and so need a vote (``votes.record_vote``).
VOTED = frozenset({Outcome.DECIDED, Outcome.REFERRED, Outcome.NOT_ADOPTED})


def case_in_session(uow: UnitOfWork, actor: Actor, number: str,
                    expected_version: int | None = None) -> tuple[Case, Meeting]:
    """The case and the meeting it is being handled in, checked: on the agenda of a lawfully
    called meeting that has started (who may act on it is the command's permission)."""
    case = uow.cases.get(number)
    check_version(case, expected_version)
    state = CaseState(case.state)
    if state != CaseState.ON_AGENDA or case.agenda_meeting_id is None:
        check("decide", state, case.number)
        raise IllegalTransition(f"Sak {case.number} står ikkje på noka saksliste.", "")
    meeting = uow.meetings.by_id(case.agenda_meeting_id)
    if meeting.kind == MeetingKind.WRITTEN:
        raise RuleViolation(
            f"Sak {case.number} er til skriftleg handsaming ({meeting.ref}): ho er vedteken "
            "berre om alle medlemene seier ja, og fell ved eitt nei eller manglande svar "
            "(kommunelova § 11-8 (2)).",
            f"Før svara med [cmd:written.answer|case={case.number}].", field="case")
    if meeting.status == MeetingStatus.PLANNED:
        raise RuleViolation(
            f"Innkallinga til {meeting.ref} er ikkje sendt; møtet kan ikkje gjere vedtak før "
            "det er lovleg kalla inn (kommunelova § 11-3).",
            "Send innkallinga ([cmd:meeting.notice]) eller vent til fristen.",
            field="meeting")
    if uow.now < meeting.starts_at:
        raise RuleViolation(f"Møtet {meeting.ref} har ikkje byrja enno "
                            f"({uow.calendar.local(meeting.starts_at):%d.%m.%Y %H:%M}).",
                            "Før vedtaket når møtet er i gang.", field="meeting")
    return case, meeting


def _vote_hint(case: Case) -> str:
    """How a decision (or a recommendation to another body) is made: by a vote."""
    return (f"før røystinga med [cmd:case.vote|case={case.number}|for=...|against=...], eller "
            "[field:unanimous] når alle som er til stades røystar for")


def apply_outcome(uow: UnitOfWork, actor: Actor, case: Case, meeting: Meeting,
                  result: Outcome, *, text: str | None = None, urgency: bool = False,
                  proposal_id: int | None = None, vote_summary: str | None = None,
                  basis_override: DecisionBasis | None = None,
                  without_recommendation: bool = False) -> Treatment:
    """Record a treatment and route the case (after ``case_in_session`` and, for a decision,
    a counted vote). ``without_recommendation``: a referral by which a preparing body sends the
    case on without a recommendation of its own (no vote; ``text`` is an optional note)."""
    state = CaseState(case.state)
    body = meeting.body
    kind = CaseKind(case.kind)
    competent = case.competent_body_id == body.id
    basis = DecisionBasis(case.decision_basis) if competent else DecisionBasis.ORDINARY
    if result == Outcome.TAKEN_FOR_INFORMATION and kind not in INFORMATION_ONLY:
        raise RuleViolation(f"Sak {case.number} er {case_kind_phrase(kind)} og skal avgjerast, "
                            "ikkje berre takast til orientering.",
                            "Avgjerda krev røysting: " + _vote_hint(case) + ".", field="outcome")
    if urgency:
        _check_urgency_authority(uow, case, body)
        basis = DecisionBasis.URGENCY
        if result not in (Outcome.DECIDED, Outcome.NOT_ADOPTED):
            raise InvalidInput("Hastevedtak gjeld berre vedtak (decided eller not_adopted).",
                               "Ta vekk [field:urgency], eller bruk [field:outcome=decided].",
                               field="outcome")
    elif not competent:
        nxt = uow.bodies.get(case.competent_body_id)
        if result in (Outcome.DECIDED, Outcome.NOT_ADOPTED):
            hint = (f"Innstillinga vert gjeven ved røysting ({_vote_hint(case)}); elles "
                    "[field:outcome=postponed], sent_back eller withdrawn.")
            if kind in ASSEMBLY_ONLY:
                hint += f" Ei sak av typen «{kind.label}» avgjer berre {nxt.name}."
            elif body.kind == BodyKind.COUNCIL \
                    and kind not in urgency_authority_scope(body.urgency_authority):
                hint += (f" Hastefullmakta gjeld ikkje «{kind.label}» (organisasjonsfila: "
                         f"urgency_authority); {nxt.name} avgjer saka.")
            else:
                hint += " Kan saka ikkje vente, vurder hastevedtak ([field:urgency])."
            raise RuleViolation(
                f"Sak {case.number} skal avgjerast av {nxt.name}; {body.name} gjev innstilling.",
                hint, field="outcome")
    elif result == Outcome.REFERRED:
        raise RuleViolation(f"{body.name} avgjer sak {case.number} sjølv; det finst ikkje noko "
                            "organ å innstille til.",
                            "Avgjerda krev røysting: " + _vote_hint(case) + ".", field="outcome")
    text = (text or "").strip() or None
    if without_recommendation:
        nxt = uow.bodies.get(case.competent_body_id)
        text = f"{body.name} sender saka til {nxt.name} utan innstilling." + (
            f" {text}" if text else "")
    elif result in (Outcome.DECIDED, Outcome.REFERRED) and text is None:
        text = case.recommendation
    if result in (Outcome.DECIDED, Outcome.REFERRED, Outcome.NOT_ADOPTED) and not text:
        raise InvalidInput("Vedtaksteksten manglar.", "Legg til [field:text] \"...\".",
                           field="text")
    if basis_override is not None:
        basis = basis_override

    with uow.no_autoflush():  # read first, so the case is written once, at the end
        item = agenda_item_for(uow, case, meeting.id)
        path = case_path(uow, case)
    case.state = check(_OUTCOME_STEP[result], state, case.number)
    treatment = Treatment(
        case_id=case.id, body_id=body.id, meeting_id=meeting.id,
        agenda_item_id=item.id if item else None, outcome=result, basis=basis, text=text,
        authoritative=result in AUTHORITATIVE, recorded_at=uow.now, recorded_by_id=actor.id,
        recorded_role=actor.role_for_journal((Role.CHAIR, Role.DEPUTY_CHAIR)),
        proposal_id=proposal_id, vote_summary=vote_summary,
        without_recommendation=without_recommendation)
    uow.add(treatment)
    if meeting.status == MeetingStatus.NOTIFIED:
        meeting.status = MeetingStatus.HELD
    case.agenda_meeting_id = None
    if result == Outcome.REFERRED:
        case.current_body_id = path[path.index(body.id) + 1]
    elif result == Outcome.SENT_BACK:
        # New preparation means a new recommendation from the first body on the path.
        case.current_body_id = path[0]
    if result in AUTHORITATIVE:
        close_deadlines(uow, kinds=(DeadlineKind.EXTERNAL,), case=case)
        case.urgent = False
    if result == Outcome.WITHDRAWN:
        close_deadlines(uow, kinds=(DeadlineKind.EXTERNAL,), case=case, cancelled=True)
    touch(uow, case)
    uow.flush()
    label = "sendt vidare utan innstilling" if without_recommendation else OUTCOME_LABELS[result]
    summary = f"{body.short_name} {format_date(meeting.day)}: {label}."
    # The count of an exempt case (for an appointment: who got how many votes) is kept in the
    # reason, which the public never reads.
    hidden_count = vote_summary if vote_summary and case.exempt_basis else None
    if vote_summary and not hidden_count:
        summary += f" {vote_summary}"
    if basis != DecisionBasis.ORDINARY:
        summary += f" Heimel: {DECISION_BASIS_LABELS[basis]}."
    uow.journal(actor, "case.outcome", summary, case=case, meeting=meeting,
                reason=hidden_count,
                data={"outcome": result.value, "basis": basis.value,
                      "authoritative": treatment.authoritative},
                role=(Role.CHAIR, Role.DEPUTY_CHAIR, Role.DIRECTOR, Role.STAFF))
    if basis == DecisionBasis.URGENCY:
        _report_urgency_decision(uow, actor, case, meeting)
    return treatment


def _check_urgency_authority(uow: UnitOfWork, case: Case, body: Body) -> None:
    competent = uow.bodies.get(case.competent_body_id)
    if body.kind != BodyKind.COUNCIL or competent.kind != BodyKind.ASSEMBLY:
        raise RuleViolation(
            "Hastefullmakta (kommunelova § 11-8 (1)) gjeld saker som høyrer til "
            f"{competent.name if competent.kind == BodyKind.ASSEMBLY else 'representantskapet'}, "
            "avgjorde av regionrådet.", "Ta vekk [field:urgency].", field="urgency")
    kind = CaseKind(case.kind)
    scope = urgency_authority_scope(body.urgency_authority)
    if kind not in scope:
        covered = ", ".join(f"«{k.label}»" for k in CaseKind if k in scope) or "ingen sakstypar"
        reserved = (f" Ei sak av typen «{kind.label}» skal alltid avgjerast av {competent.name} "
                    "(samarbeidsavtalen pkt. 3a)." if kind in ASSEMBLY_ONLY else "")
        raise RuleViolation(
            f"Hastefullmakta gjeld ikkje saker av typen «{kind.label}»: etter "
            f"organisasjonsfila (urgency_authority på {body.name}) har {competent.name} "
            f"delegert ho for {covered} (kommunelova § 11-8 (1)).{reserved}",
            f"Kall inn {competent.name} til ekstra møte i staden, eller få {competent.name} til "
            "å utvide delegeringa og før ho inn i urgency_authority i organisasjonsfila.",
            field="urgency")
    if not case.urgent or case.external_deadline is None:
        raise RuleViolation(
            f"Sak {case.number} er ikkje ei hastesak: {competent.name} kan avgjere henne i tide.",
            "Hastefullmakt kan berre brukast når vedtaket trengst så snart at "
            f"{competent.name} ikkje kan kallast inn. Bruk [field:outcome=referred].",
            field="urgency")
    can_decide = earliest_decision(path=[competent.id], bodies=all_bodies(uow),
                                   meetings=upcoming_slots(uow), calendar=uow.calendar,
                                   today=uow.today)
    if can_decide <= case.external_deadline:
        raise RuleViolation(
            f"{competent.name} kan framleis kallast inn og avgjere sak {case.number} før fristen "
            f"{format_date(case.external_deadline)} (møte {format_date(can_decide)}); då gjeld "
            "ikkje hastefullmakta (kommunelova § 11-8 (1)).",
            "Bruk [field:outcome=referred], og kall inn til møte i tide.", field="urgency")


def _report_urgency_decision(uow: UnitOfWork, actor: Actor, case: Case,
                             meeting: Meeting) -> Case:
    """Melding om hastevedtak: a case for the assembly's next meeting, made at once."""
    assembly = uow.bodies.get(case.competent_body_id)
    year = uow.today.year
    report = Case(
        year=year, seq=uow.next_number("case", year),
        title=f"Melding om hastevedtak i sak {case.number}: {case.title}",
        description=f"{meeting.body.name} gjorde vedtak i sak {case.number} i møtet "
                    f"{format_date(meeting.day)} etter kommunelova § 11-8 (1).",
        kind=CaseKind.URGENCY_REPORT, state=CaseState.REGISTERED,
        competent_body_id=assembly.id, current_body_id=assembly.id,
        decision_basis=DecisionBasis.ORDINARY,
        competence_reason=f"Melding om hastevedtak skal til neste møte i {assembly.name} "
                          "(kommunelova § 11-8 (1)).",
        origin=Origin.ENGINE, origin_municipality_id=None, proposed_by_id=actor.id,
        lead_id=uow.council.director_id, principled=False, exempt_basis=case.exempt_basis,
        exempt_offl_section=case.exempt_offl_section,
        public_title=(f"Melding om hastevedtak: {case.public_title}" if case.exempt_basis
                      else None),
        external_deadline=None, urgent=False, hold=False, related_case_id=case.id,
        registered_at=uow.now, updated_at=uow.now, next_check_at=uow.now)
    uow.add(report)
    uow.flush()
    uow.journal(actor, "case.urgency_report",
                f"Melding om hastevedtaket er registrert som sak {report.number} til "
                f"{assembly.name}.", case=case, data={"report": report.number})
    uow.journal(SYSTEM_ACTOR, "case.register",
                f"Registrert av tingflyt etter hastevedtaket i sak {case.number} (ført av "
                f"{actor.name}). Skal til neste møte i {assembly.name}.", case=report)
    _place_report(uow, report, assembly)
    return report


def report_target(uow: UnitOfWork, body: Body) -> Meeting | None:
    """The meeting a report of an urgency decision goes on: the body's next meeting whose agenda
    is still open (not a written handling). The same rule as ``check_report_target``."""
    return uow.meetings.next_open(body.id, uow.now)


def _place_report(uow: UnitOfWork, report: Case, assembly: Body) -> Meeting | None:
    """Put the report on the assembly's next open agenda now, in the transaction that made the
    decision (KL § 11-8 (1)); with no such meeting it stays registered, and the daily leader is
    told to add one."""
    target = report_target(uow, assembly)
    if target is None:
        # The key the engine's placing uses once the report is ready (``place_by_rule``): the
        # sweep that carries the report on then does not raise the same alert again.
        ready = CaseState.RECOMMENDED.value
        uow.alert(f"no-meeting:{report.id}:{assembly.id}:{ready}", AlertKind.NO_MEETING,
                  f"Sak {report.number} (melding om hastevedtak) skal til neste møte i "
                  f"{assembly.name}, men det finst ikkje noko ope møte der. Legg til møte "
                  "([cmd:meeting.add]).", recipients=[uow.council.director_id], case=report)
        return None
    check_report_target(uow, report, target.ref, False)
    place_on_agenda(uow, SYSTEM_ACTOR, report, target,
                    reason=f"Melding om hastevedtak skal stå på neste møte i {assembly.name}, "
                    f"{meeting_label(uow, target)} (kommunelova § 11-8 (1)).")
    return target
