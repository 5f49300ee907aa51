"""Written handling (skriftleg handsaming, KL § 11-8 (2)) of a council case that cannot wait.

The proposal goes to every member of the council. It is adopted only if every member agrees
both to the proposal and to deciding it in writing. Any "no", or a missing answer when the
answer deadline passes, ends it: the case goes back to the engine, which puts it on an
ordinary or urgent remote meeting.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from domain.errors import InvalidInput, NotAllowed, RuleViolation
from domain.rules.calendar import format_date
from domain.rules.lifecycle import check
from domain.rules.terms import (
    AgendaItemKind,
    AlertKind,
    BodyKind,
    CaseState,
    DecisionBasis,
    MeetingKind,
    MeetingStatus,
    Outcome,
    Role,
)
from domain.services.attendance import recused_in, seats_of
from domain.services.cases import apply_outcome
from domain.services.common import agenda_number, leaders, meeting_label
from domain.services.meetings import section_for, take_off_agenda
from domain.services.views import INTERNAL, PUBLIC, _iso, case_title, use_zone
from domain.store.tables import (
    AgendaItem,
    Ballot,
    Case,
    Meeting,
    Person,
    Proposal,
    WrittenAnswer,
    WrittenHandling,
)
from domain.store.uow import SYSTEM_ACTOR, Actor, UnitOfWork, requires

WRITTEN_STATUS_LABELS = {"open": "i gang, ventar på svar", "adopted": "vedteke",
                         "failed": "fall"}

#: Answers are due by the end of the answer day, local time: an answer at 23:59 counts.
ANSWER_TIME = time(23, 59, 59)


@requires(Role.CHAIR, Role.DIRECTOR, Role.STAFF)
def start_written(uow: UnitOfWork, actor: Actor, number: str, *, proposal: str,
                  answer_by: date) -> WrittenHandling:
    """Send a council case to written handling: a numbered item of its own, answers by a day."""
    case = uow.case(number)
    council = uow.body(case.current_body_id)
    if council.kind != BodyKind.COUNCIL or case.competent_body_id != council.id:
        raise RuleViolation(
            f"Skriftleg handsaming gjeld saker regionrådet avgjer sjølv; sak {case.number} "
            "skal ikkje avgjerast av det.", "Bruk eit møte, eller hastefullmakta for saker til "
            "representantskapet.", field="case")
    if not council.written_handling:
        raise RuleViolation(f"{council.name} har ikkje opna for skriftleg handsaming.",
                            "Set written_handling = true i organisasjonsfila om reglementet "
                            "opnar for det.", field="case")
    if actor.has(Role.CHAIR) and not actor.is_staff and not actor.has(Role.CHAIR, council.id):
        raise NotAllowed(f"{actor.name} leier ikkje {council.name}.",
                         "Leiaren avgjer om ei sak skal handsamast skriftleg.", field="as")
    if not case.urgent:
        raise RuleViolation(
            f"Sak {case.number} er ikkje ei hastesak; skriftleg handsaming er for saker som må "
            "avgjerast før eit møte kan haldast (kommunelova § 11-8 (2)).",
            "Set saka på eit møte.", field="case")
    text = (proposal or "").strip() or case.recommendation
    if not text:
        raise InvalidInput("Framlegget manglar.", "Legg til --proposal \"...\".",
                           field="proposal")
    if answer_by < uow.today or (case.external_deadline and answer_by > case.external_deadline):
        raise InvalidInput(
            f"Svarfristen {format_date(answer_by)} må vere frå i dag og"
            + (f" seinast {format_date(case.external_deadline)}" if case.external_deadline
               else "") + ".", "Vel ein annan --answer-by.", field="answer_by")
    state = CaseState(case.state)
    if state == CaseState.ON_AGENDA:
        take_off_agenda(uow, case, "sende til skriftleg handsaming")
        case.state = CaseState.RECOMMENDED
    elif state != CaseState.RECOMMENDED:
        check("place", state, case.number)
    cal = uow.calendar
    due = cal.at(answer_by, ANSWER_TIME)
    base = f"{council.agenda_prefix}-{uow.today.isoformat()}-S"
    ref, n = base, 2
    while uow.session.scalars(select(Meeting.id).where(Meeting.ref == ref)).first():
        ref, n = f"{base}{n}", n + 1
    meeting = Meeting(
        ref=ref, body_id=council.id, kind=MeetingKind.WRITTEN, status=MeetingStatus.NOTIFIED,
        day=uow.today, starts_at=uow.now, ends_at=due, place=None, remote=True,
        notice_date=uow.today, preparation_deadline=uow.today, notice_at=uow.now,
        notified_at=uow.now, notice_late=False,
        reason=f"Skriftleg handsaming av sak {case.number}", created_at=uow.now,
        agenda_changed_at=uow.now, next_check_at=None)
    meeting.body = council
    uow.session.add(meeting)
    uow.flush()
    year = uow.today.year
    item = AgendaItem(meeting_id=meeting.id, body_id=council.id, case_id=case.id,
                      kind=AgendaItemKind.CASE, section=section_for(case), position=1,
                      year=year, number=uow.next_number(f"agenda:{council.id}", year),
                      title=None, placed_at=uow.now, placed_by=actor.id)
    uow.session.add(item)
    case.state = check("place", CaseState(case.state), case.number)
    case.agenda_meeting_id = meeting.id
    case.updated_at = uow.now
    handling = WrittenHandling(case_id=case.id, meeting_id=meeting.id, proposal=text,
                               answer_by=due, status="open", started_by=actor.id,
                               started_at=uow.now, next_check_at=due)
    uow.session.add(handling)
    uow.flush()
    members = [s.member_id for s in seats_of(uow, council.id)]
    number_text = agenda_number(council.agenda_prefix, item.number, item.year)
    uow.journal(actor, "written.start",
                f"Skriftleg handsaming ({number_text}): framlegget er sendt til alle "
                f"{len(members)} medlemene, svar innan {format_date(answer_by)}. Vedteke berre "
                "om alle seier ja både til framlegget og til skriftleg handsaming.",
                case=case, meeting=meeting, data={"members": members},
                role=(Role.CHAIR, Role.DIRECTOR, Role.STAFF))
    return handling


def handling_at(uow: UnitOfWork, meeting: Meeting) -> WrittenHandling:
    """The written handling a written-handling meeting holds (one per such meeting)."""
    return uow.session.scalars(select(WrittenHandling).where(
        WrittenHandling.meeting_id == meeting.id)).one()


def open_handling(uow: UnitOfWork, case: Case) -> WrittenHandling:
    handling = uow.session.scalars(select(WrittenHandling).where(
        WrittenHandling.case_id == case.id, WrittenHandling.status == "open")).first()
    if handling is None:
        raise RuleViolation(f"Sak {case.number} er ikkje til skriftleg handsaming no.",
                            "Start ho med `tingflyt written start`.", field="case")
    return handling


def answer_written(uow: UnitOfWork, actor: Actor, number: str, person_id: str, *,
                   agrees_proposal: bool, agrees_written: bool) -> WrittenHandling:
    """One member's answer (or the secretariat's record of it)."""
    case = uow.case(number)
    handling = open_handling(uow, case)
    meeting = uow.session.get_one(Meeting, handling.meeting_id)
    if not (actor.is_staff or actor.id == person_id):
        raise NotAllowed(f"{actor.name} kan ikkje svare for {person_id}.",
                         "Medlemen svarar sjølv, eller sekretariatet fører svaret.", field="as")
    members = [s.member_id for s in seats_of(uow, meeting.body_id)]
    if person_id not in members:
        raise RuleViolation(f"{person_id} er ikkje medlem av {meeting.body.name}.",
                            f"Medlemene er: {', '.join(members)}.", field="person")
    if uow.now > handling.answer_by:
        raise RuleViolation(
            f"Svarfristen gjekk ut {uow.calendar.local(handling.answer_by):%d.%m.%Y kl. %H:%M}.",
            "Den skriftlege handsaminga er over; saka går til eit møte.", field="case")
    existing = uow.session.scalars(select(WrittenAnswer).where(
        WrittenAnswer.written_id == handling.id, WrittenAnswer.person_id == person_id)).first()
    person = uow.person(person_id, field_name="person")
    if existing is not None:
        raise RuleViolation(f"{person.name} har alt svart.", "Eit svar kan ikkje endrast.",
                            field="person")
    uow.session.add(WrittenAnswer(written_id=handling.id, person_id=person_id,
                                  agrees_proposal=agrees_proposal,
                                  agrees_written=agrees_written, answered_at=uow.now))
    uow.flush()
    yes = "ja" if agrees_proposal else "nei"
    written = "ja" if agrees_written else "nei"
    uow.journal(actor, "written.answer",
                f"{person.name} svarte {yes} til framlegget og {written} til skriftleg "
                "handsaming.", case=case, meeting=meeting)
    if not (agrees_proposal and agrees_written):
        fail_handling(uow, actor, handling, case, meeting,
                      f"{person.name} sa nei til " + ("framlegget" if not agrees_proposal
                                                        else "skriftleg handsaming") + ".")
        return handling
    answered = set(uow.session.scalars(select(WrittenAnswer.person_id).where(
        WrittenAnswer.written_id == handling.id)))
    if set(members) <= answered:
        _adopt(uow, actor, handling, case, meeting, members)
    return handling


def _adopt(uow: UnitOfWork, actor: Actor, handling: WrittenHandling, case: Case,
           meeting: Meeting, members: list[str]) -> None:
    proposal = Proposal(
        meeting_id=meeting.id, case_id=case.id, kind="proposal", round=1,
        text=handling.proposal, proposer_id=handling.started_by, candidates=None,
        result="adopted", explanation=f"Alle {len(members)} medlemene sa ja til framlegget og "
        "til skriftleg handsaming (kommunelova § 11-8 (2)).", votes_for=len(members),
        votes_against=0, votes_blank=0, casting_vote=False, chair_id=None, elected=None,
        drawn_among=None, recorded_at=uow.now, recorded_by=actor.id)
    uow.session.add(proposal)
    uow.flush()
    uow.session.add_all(Ballot(proposal_id=proposal.id, voter_id=m, seat_id=m, choice="for",
                               candidate=None) for m in members)
    handling.status = "adopted"
    handling.closed_at = uow.now
    handling.next_check_at = None
    handling.outcome_note = proposal.explanation
    apply_outcome(uow, actor, case, meeting, Outcome.DECIDED, text=handling.proposal,
                  proposal_id=proposal.id, basis_override=DecisionBasis.WRITTEN,
                  vote_summary=f"Skriftleg: alle {len(members)} medlemene sa ja.")
    meeting.status = MeetingStatus.HELD
    meeting.ends_at = uow.now


def fail_handling(uow: UnitOfWork, actor: Actor, handling: WrittenHandling, case: Case,
                  meeting: Meeting, why: str) -> None:
    """End a written handling without a decision: the case goes back to be placed on an
    ordinary or urgent remote meeting, and the leaders are alerted."""
    handling.status = "failed"
    handling.closed_at = uow.now
    handling.next_check_at = None
    handling.outcome_note = why
    item = uow.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.case_id == case.id)).first()
    if item is not None:
        item.withdrawn = True  # the numbered item stays in the record, without a decision
    case.state = CaseState.RECOMMENDED
    case.agenda_meeting_id = None
    case.updated_at = uow.now
    case.next_check_at = uow.now  # the engine finds an ordinary or urgent remote meeting
    meeting.status = MeetingStatus.HELD
    meeting.ends_at = uow.now
    meeting.agenda_changed_at = uow.now
    message = (f"Skriftleg handsaming av sak {case.number} fall: {why} Saka går til eit "
               "ordinært møte eller hastefjernmøte.")
    uow.journal(actor, "written.failed", message, case=case, meeting=meeting)
    uow.alert(f"written-failed:{handling.id}", AlertKind.WRITTEN_FAILED, message,
              recipients=leaders(uow), severity="critical", case=case, meeting=meeting)


def process_written(uow: UnitOfWork, handling: WrittenHandling) -> str | None:
    """Sweep: when the answer deadline passes, missing answers end the written handling."""
    handling.next_check_at = None
    if handling.status != "open":
        return None
    if uow.now <= handling.answer_by:
        handling.next_check_at = handling.answer_by + timedelta(seconds=1)
        return None
    case = uow.session.get_one(Case, handling.case_id)
    meeting = uow.session.get_one(Meeting, handling.meeting_id)
    members = [s.member_id for s in seats_of(uow, meeting.body_id)]
    answered = set(uow.session.scalars(select(WrittenAnswer.person_id).where(
        WrittenAnswer.written_id == handling.id)))
    missing = [m for m in members if m not in answered]
    names = {p.id: p.name for p in uow.session.scalars(select(Person).where(
        Person.id.in_(missing)))}
    fail_handling(uow, SYSTEM_ACTOR, handling, case, meeting,
                  f"ingen svar frå {', '.join(names.get(m, m) for m in missing)} innan fristen.")
    return f"Skriftleg handsaming av sak {case.number} fall (manglande svar)."


def written_view(uow: UnitOfWork, number: str, audience: str = INTERNAL) -> dict[str, object]:
    """The written handling of a case: proposal, deadline, each member's answers. The public
    reads an exempt case's handling without the proposal."""
    use_zone(uow)
    case = uow.case(number)
    handling = uow.session.scalars(select(WrittenHandling).where(
        WrittenHandling.case_id == case.id).order_by(WrittenHandling.id.desc())).first()
    if handling is None:
        raise RuleViolation(f"Sak {case.number} har ikkje vore til skriftleg handsaming.",
                            f"Start ho med `tingflyt written start {case.number}`.",
                            field="case")
    hidden = audience == PUBLIC and case.exempt_basis is not None
    meeting = uow.session.get_one(Meeting, handling.meeting_id)
    members = [s.member_id for s in seats_of(uow, meeting.body_id)]
    names = {p.id: p.name for p in uow.session.scalars(select(Person).where(
        Person.id.in_(members)))}
    answers = {a.person_id: a for a in uow.session.scalars(select(WrittenAnswer).where(
        WrittenAnswer.written_id == handling.id))}
    recused = recused_in(uow, meeting)
    return {
        "case": case.number, "title": case_title(case, audience),
        "exempt_basis": case.exempt_basis, "meeting": meeting.ref,
        "status": handling.status, "status_label": WRITTEN_STATUS_LABELS[handling.status],
        "proposal": None if hidden else handling.proposal,
        "answer_by": _iso(handling.answer_by),
        "outcome_note": handling.outcome_note,
        "answers": [{"member": m, "name": names.get(m, m), "recused": m in recused,
                     "proposal": (answers[m].agrees_proposal if m in answers else None),
                     "written": (answers[m].agrees_written if m in answers else None)}
                    for m in members],
        "label": meeting_label(uow, meeting),
    }


__all__ = ["answer_written", "process_written", "start_written", "written_view"]
