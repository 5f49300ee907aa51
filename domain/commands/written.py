"""Commands for written handling (KL § 11-8 (2)): start it, record a member's answer."""

from __future__ import annotations

from domain.commands.fields import CaseNumber, Day, MaybeText, PersonId, described
from domain.commands.registry import CommandInput, command
from domain.errors import InvalidInput, RuleViolation
from domain.operations.agenda import add_item, take_off_agenda
from domain.operations.outbox import written_proposal
from domain.operations.substitutes import seats_of
from domain.operations.written import ANSWER_TIME, adopt, fail_handling, open_handling
from domain.rules.access import HERSELF, LEADER_OF_BODY, SECRETARIAT, Actor, Scope, allowed
from domain.rules.calendar import format_date
from domain.rules.lifecycle import check
from domain.rules.numbering import agenda_number, written_ref
from domain.rules.scheduling import written_reminder_at
from domain.rules.terms import (
    BodyKind,
    CaseState,
    MeetingKind,
    MeetingStatus,
    Role,
    WrittenStatus,
)
from domain.store.tables import (
    Meeting,
    WrittenAnswer,
    WrittenHandling,
)
from domain.store.uow import UnitOfWork


class StartWritten(CommandInput):
    """Sende ei hastesak til skriftleg handsaming i regionrådet (KL § 11-8 (2))."""

    case: CaseNumber
    proposal: MaybeText = described("Framlegget (elles tilrådinga)", "the proposal (else the "
                                    "recommendation)", default=None, max_length=50_000)
    answer_by: Day = described("Svarfrist (svar innan utgangen av dagen)", "answers due by the "
                               "end of this day")


def _current_body(uow: UnitOfWork, data: StartWritten) -> Scope:
    body = uow.bodies.get(uow.cases.get(data.case).current_body_id)
    return Scope(body=body.id, body_name=body.name)


@command("written.start", StartWritten, what="sende saka til skriftleg handsaming",
         scope=_current_body, allowed=allowed(LEADER_OF_BODY, SECRETARIAT))
def start_written(uow: UnitOfWork, actor: Actor, data: StartWritten) -> WrittenHandling:
    """Send a council case to written handling: a numbered item of its own, answers by a day."""
    proposal, answer_by = data.proposal, data.answer_by
    case = uow.cases.get(data.case)
    council = uow.bodies.get(case.current_body_id)
    if council.kind != BodyKind.COUNCIL or case.competent_body_id != council.id:
        raise RuleViolation(
            f"Skriftleg handsaming gjeld saker regionrådet avgjer sjølv; sak {case.number} "
            "skal ikkje avgjerast av det.", "Bruk eit møte, eller hastefullmakta for saker til "
            "representantskapet.", field="case")
    if not council.written_handling:
        raise RuleViolation(f"{council.name} har ikkje opna for skriftleg handsaming.",
                            "Set written_handling = true i organisasjonsfila om reglementet "
                            "opnar for det.", field="case")
    if not case.urgent:
        raise RuleViolation(
            f"Sak {case.number} er ikkje ei hastesak; skriftleg handsaming er for saker som må "
            "avgjerast før eit møte kan haldast (kommunelova § 11-8 (2)).",
            "Set saka på eit møte.", field="case")
    text = (proposal or "").strip() or case.recommendation
    if not text:
        raise InvalidInput("Framlegget manglar.", "Legg til [field:proposal] \"...\".",
                           field="proposal")
    if answer_by < uow.today or (case.external_deadline and answer_by > case.external_deadline):
        raise InvalidInput(
            f"Svarfristen {format_date(answer_by)} må vere frå i dag og"
            + (f" seinast {format_date(case.external_deadline)}" if case.external_deadline
               else "") + ".", "Vel ein annan [field:answer_by].", field="answer_by")
    state = CaseState(case.state)
    if state == CaseState.ON_AGENDA:
        take_off_agenda(uow, case, "sende til skriftleg handsaming")
        case.state = CaseState.RECOMMENDED
    elif state != CaseState.RECOMMENDED:
        check("place", state, case.number)
    cal = uow.calendar
    due = cal.at(answer_by, ANSWER_TIME)
    base = f"{council.agenda_prefix}-{uow.today.isoformat()}-S"
    taken = uow.meetings.refs_starting(base)
    ref = written_ref(council.agenda_prefix or "", uow.today, taken)
    meeting = Meeting(
        ref=ref, body_id=council.id, kind=MeetingKind.WRITTEN, status=MeetingStatus.NOTIFIED,
        day=uow.today, starts_at=uow.now, ends_at=due, place=None, remote=True,
        notice_date=uow.today, preparation_deadline=uow.today, notice_at=uow.now,
        notified_at=uow.now, notice_late=False,
        reason=f"Skriftleg handsaming av sak {case.number}", created_at=uow.now,
        agenda_changed_at=uow.now, next_check_at=None)
    meeting.body = council
    uow.add(meeting)
    uow.flush()
    item = add_item(uow, actor, meeting, case=case, position=1, numbered=True)
    case.state = check("place", CaseState(case.state), case.number)
    case.agenda_meeting_id = meeting.id
    case.updated_at = uow.now
    handling = WrittenHandling(case_id=case.id, meeting_id=meeting.id, proposal=text,
                               answer_by=due, status=WrittenStatus.OPEN, started_by=actor.id,
                               started_at=uow.now, next_check_at=due)
    uow.add(handling)
    uow.flush()
    members = [s.member_id for s in seats_of(uow, council.id)]
    number_text = agenda_number(council.agenda_prefix, item.number, item.year)
    uow.journal(actor, "written.start",
                f"Skriftleg handsaming ({number_text}): framlegget er sendt til alle "
                f"{len(members)} medlemene, svar innan {format_date(answer_by)}. Vedteke berre "
                "om alle seier ja både til framlegget og til skriftleg handsaming.",
                case=case, meeting=meeting, data={"members": members},
                role=(Role.CHAIR, Role.DIRECTOR, Role.STAFF))
    written_proposal(uow, meeting, case, due, members)
    handling.next_check_at = written_reminder_at(uow.now, due) or due
    return handling


class AnswerWritten(CommandInput):
    """Eit medlem sitt svar i skriftleg handsaming (a member's answer)."""

    case: CaseNumber
    person: PersonId
    proposal: bool = described("Ja til framlegget", "yes to the proposal")
    written: bool = described("Ja til å avgjere saka skriftleg", "yes to deciding in writing")


def _answering(uow: UnitOfWork, data: AnswerWritten) -> Scope:
    return Scope(person=data.person)


@command("written.answer", AnswerWritten, what="svare for medlemen", scope=_answering,
         allowed=allowed(HERSELF, SECRETARIAT))
def answer_written(uow: UnitOfWork, actor: Actor, data: AnswerWritten) -> WrittenHandling:
    """One member's answer (or the secretariat's record of it)."""
    person_id, agrees_proposal, agrees_written = data.person, data.proposal, data.written
    case = uow.cases.get(data.case)
    handling = open_handling(uow, case)
    meeting = uow.meetings.by_id(handling.meeting_id)
    members = [s.member_id for s in seats_of(uow, meeting.body_id)]
    if person_id not in members:
        raise RuleViolation(f"{person_id} er ikkje medlem av {meeting.body.name}.",
                            f"Medlemene er: {', '.join(members)}.", field="person")
    if uow.now > handling.answer_by:
        raise RuleViolation(
            f"Svarfristen gjekk ut {uow.calendar.local(handling.answer_by):%d.%m.%Y kl. %H:%M}.",
            "Den skriftlege handsaminga er over; saka går til eit møte.", field="case")
    existing = uow.written.answer_of(handling.id, person_id)
    person = uow.people.get(person_id, field="person")
    if existing is not None:
        raise RuleViolation(f"{person.name} har alt svart.", "Eit svar kan ikkje endrast.",
                            field="person")
    uow.add(WrittenAnswer(written_id=handling.id, person_id=person_id,
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
    answered = uow.written.answered(handling.id)
    if set(members) <= answered:
        adopt(uow, actor, handling, case, meeting, members)
    return handling
