"""Staff commands on cases: register, recommend, place/move/remove, withdraw, record an outcome,
close.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from domain.commands.fields import (
    CaseNumber,
    Day,
    Line,
    MaybeLine,
    MaybeText,
    MeetingRef,
    PersonId,
    Text,
    Version,
    described,
    refuse,
)
from domain.commands.registry import CARRY_CASE, CommandInput, command
from domain.errors import IllegalTransition, InvalidInput, RuleViolation
from domain.operations.agenda import (
    check_report_target,
    place_by_rule,
    place_on_agenda,
    take_off_agenda,
)
from domain.operations.deadlines import close_deadlines, followup_owner, open_deadline
from domain.operations.invitations import meeting_update
from domain.operations.outcomes import VOTED, apply_outcome, case_in_session, check_version, touch
from domain.operations.paths import case_path, closed_meeting_required
from domain.operations.scopes import case_body
from domain.rules.access import (
    CHAIR_OF_BODY,
    CHIEF_EXECUTIVE,
    CHIEF_EXECUTIVE_FOR_COMMITTEE,
    DIRECTOR,
    MAYOR_OF_ORIGIN,
    OWNER,
    PROPOSER,
    SECRETARIAT,
    Actor,
    Scope,
    allowed,
)
from domain.rules.calendar import format_date
from domain.rules.lifecycle import check
from domain.rules.numbering import agenda_number
from domain.rules.publicity import parse_exemption
from domain.rules.scheduling import (
    INFORMATION_ONLY,
    decide_competence,
)
from domain.rules.terms import (
    CASE_KIND_LABELS,
    CaseKind,
    CaseState,
    ClosedReason,
    DeadlineKind,
    MeetingStatus,
    Origin,
    Outcome,
    Role,
)
from domain.store.rule_values import agenda_item_for, all_bodies, meeting_label, upcoming_slots
from domain.store.tables import Case, Meeting, Treatment
from domain.store.uow import UnitOfWork

MAX_TITLE = 500


def _kind(value: object) -> object:
    if isinstance(value, str) and value not in {k.value for k in CaseKind}:
        kinds = ", ".join(f"{k.value} ({k.label})" for k in CaseKind
                          if k != CaseKind.URGENCY_REPORT)
        raise refuse(f"Ukjend sakstype «{value}».", f"Bruk ein av: {kinds}.")
    return value


def _outcome(value: object) -> object:
    if isinstance(value, str):
        value = value.replace("-", "_")
        if value not in {o.value for o in Outcome}:
            options = ", ".join(f"{o.value} ({o.label})" for o in Outcome)
            raise refuse(f"Ukjend utfall «{value}».", f"Bruk eitt av: {options}.")
    return value


Kind = Annotated[CaseKind, BeforeValidator(_kind), described(
    "Sakstype: avgjer kva organ som er rett", "case kind: decides the competent body")]
OutcomeField = Annotated[Outcome, BeforeValidator(_outcome), described(
    "Utfall: postponed, sent_back, withdrawn, taken_for_information",
    "outcome that is not a decision")]
Reason = Annotated[Line, described("Grunngjeving", "reason", max_length=2000)]


class RegisterCase(CommandInput):
    """Motta og registrere ei sak (register a case)."""

    title: Line = described("Sakstittel", "title", max_length=10_000)
    kind: Kind = CaseKind.ORDINARY
    description: MaybeText = described("Skildring", "description", default=None,
                                       max_length=50_000)
    principled: bool = described("Prinsipiell sak", "principled case", default=False)
    exempt: MaybeLine = described(
        "Unnateken offentlegheit, med heimel (t.d. «offl. § 13 jf. fvl. § 13 første ledd nr. "
        "1»)", "exempt from public access, with its legal basis", default=None)
    public_title: MaybeLine = described("Nøytral tittel for ålmenta (unnatekne saker)",
                                        "neutral public title (exempt cases)", default=None)
    deadline: Day | None = described("Ekstern frist for vedtak", "external deadline",
                                      default=None)
    body: MaybeLine = described("Organ som skal avgjere, der sakstypen tillét val",
                                 "deciding body, where the kind allows a choice", default=None)
    origin: Origin | None = described("Opphav: director, admin_committee eller municipality",
                                      "origin", default=None)
    municipality: MaybeLine = described("Kommunen saka kjem frå (opphav municipality)",
                                         "the municipality the case comes from", default=None)
    lead: PersonId | None = described("Ansvarleg for utgreiinga", "who prepares the case",
                                      default=None)
    aim: MeetingRef | None = described("Møtet utgreiinga skal sikte mot, om ikkje det neste",
                                       "the meeting the preparation aims at", default=None)


def _register_scope(uow: UnitOfWork, data: RegisterCase) -> Scope:
    origin = data.origin or (Origin.MUNICIPALITY if data.municipality else None)
    return Scope(municipality=data.municipality, origin=origin)


@command("case.register", RegisterCase, what="registrere saker", scope=_register_scope,
         allowed=allowed(SECRETARIAT, CHIEF_EXECUTIVE_FOR_COMMITTEE, MAYOR_OF_ORIGIN),
         follows=[CARRY_CASE])
def register_case(uow: UnitOfWork, actor: Actor, data: RegisterCase) -> Case:
    """Motta og registrere ei sak: number it, determine the competent body, journal it.

    ``aim`` names the meeting the preparation should aim at, when it is later than the next
    one; the preparation deadline is then that meeting's.
    """
    title, case_kind, description, principled = (data.title, data.kind, data.description,
                                                  data.principled)
    exempt, public_title, external_deadline = data.exempt, data.public_title, data.deadline
    body_id, lead_id, aim_meeting = data.body, data.lead, data.aim
    if not title:
        raise InvalidInput("Saka manglar tittel.", "Legg til [field:title] \"...\".",
                           field="title")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"Tittelen er {len(title)} teikn; maks er {MAX_TITLE}.",
                           "Kort ned tittelen; legg resten i [field:description].",
                           field="title")
    if case_kind == CaseKind.URGENCY_REPORT:
        raise RuleViolation("Melding om hastevedtak lagar tingflyt sjølv når hastevedtaket er "
                            "gjort.", "Registrer den opphavlege saka i staden.", field="kind")
    exemption = parse_exemption(exempt, public_title)
    if external_deadline is not None and external_deadline < uow.today:
        raise InvalidInput(
            f"Fristen {format_date(external_deadline)} har alt gått ut.",
            "Gje ein frist frå i dag og framover, eller ta vekk [field:deadline].",
            field="deadline")

    case_origin, municipality = _origin(uow, actor, data.origin, data.municipality)
    bodies = all_bodies(uow)
    competence = decide_competence(
        kind=case_kind, principled=principled, requested_body_id=body_id,
        external_deadline=external_deadline, bodies=bodies,
        meetings=upcoming_slots(uow, include_remote=not (
            exemption and exemption.closed_meeting_required)),
        today=uow.today)
    if lead_id is None and case_origin == Origin.ADMIN_COMMITTEE and actor.has(
            Role.CHIEF_EXECUTIVE):
        lead_id = actor.id  # the chief executive who brings a case prepares it
    lead = _lead(uow, lead_id, municipality)

    year = uow.today.year
    case = Case(
        year=year, seq=uow.next_number("case", year), title=title, description=description,
        kind=case_kind, state=CaseState.REGISTERED, competent_body_id=competence.body_id,
        current_body_id=competence.body_id, decision_basis=competence.basis,
        competence_reason=competence.reason, origin=case_origin,
        origin_municipality_id=municipality, proposed_by_id=actor.id, lead_id=lead,
        principled=principled, exempt_basis=exemption.basis if exemption else None,
        exempt_offl_section=exemption.offl_section if exemption else None,
        public_title=exemption.public_title if exemption else None,
        external_deadline=external_deadline, urgent=False, hold=False,
        registered_at=uow.now, updated_at=uow.now, next_check_at=uow.now)
    case.current_body_id = case_path(uow, case)[0]
    if aim_meeting is not None:
        case.target_meeting_id = _aim(uow, case, aim_meeting).id
    uow.add(case)
    uow.flush()
    if external_deadline is not None:
        competent = uow.bodies.get(competence.body_id)
        open_deadline(uow, kind=DeadlineKind.EXTERNAL, due_date=external_deadline,
                      reminder_days=max(competent.reminder_days, competent.notice_days),
                      case=case, owner_id=uow.council.director_id,
                      note="Ekstern frist for vedtak")
    parts = [f"Registrert som {CASE_KIND_LABELS[case_kind]}", competence.reason]
    if principled:
        parts.append("Merka som prinsipiell.")
    if exemption:
        parts.append(f"Unnateken offentlegheit: {exemption.basis}.")
    if external_deadline:
        parts.append(f"Ekstern frist {format_date(external_deadline)}.")
    uow.journal(actor, "case.register", " ".join(p.rstrip(".") + "." for p in parts),
                case=case, data={"origin": case_origin, "municipality": municipality,
                                 "competent_body": competence.body_id,
                                 "basis": competence.basis.value},
                role=(Role.DIRECTOR, Role.STAFF, Role.MAYOR, Role.CHIEF_EXECUTIVE))
    return case


def _aim(uow: UnitOfWork, case: Case, ref: str) -> Meeting:
    meeting = uow.meetings.get(ref)
    body = uow.bodies.get(case.current_body_id)
    if meeting.body_id != body.id:
        raise RuleViolation(
            f"Saka skal først handsamast av {body.name}, men {meeting.ref} er eit møte i "
            f"{meeting.body.name}.", f"Vel eit møte i {body.name}.", field="aim")
    if meeting.status != MeetingStatus.PLANNED or meeting.preparation_deadline < uow.today:
        raise RuleViolation(
            f"Fristen for saksutgreiing til {meeting.ref} "
            f"({format_date(meeting.preparation_deadline)}) har gått ut, eller sakslista er "
            "fryst.", "Vel eit seinare møte, eller ta vekk [field:aim].", field="aim")
    if meeting.remote and closed_meeting_required(case):
        raise RuleViolation(f"{meeting.ref} er eit fjernmøte, og saka krev lukka møte.",
                            "Vel eit fysisk møte (kommunelova § 11-7).", field="aim")
    return meeting


def _origin(uow: UnitOfWork, actor: Actor, origin: Origin | None,
            municipality: str | None) -> tuple[Origin, str | None]:
    """Where a case comes from: the daily leader, the admin committee, or a municipality (who
    may register from where is the command's permission)."""
    if municipality is not None and origin not in (None, Origin.MUNICIPALITY):
        raise InvalidInput("Kommune gjeld berre saker frå ein kommune.",
                           "Ta vekk [field:municipality], eller bruk opphav municipality.",
                           field="municipality")
    if origin is None and municipality is not None:
        origin = Origin.MUNICIPALITY
    if origin is None:
        if actor.is_staff:
            return Origin.DIRECTOR, None
        if actor.has(Role.MAYOR):
            return Origin.MUNICIPALITY, sorted(actor.scopes(Role.MAYOR))[0]
        return Origin.ADMIN_COMMITTEE, None
    if origin == Origin.MUNICIPALITY:
        if municipality is None:
            if not actor.has(Role.MAYOR):
                raise InvalidInput("Ei sak frå ein kommune treng kommunen.",
                                   "Gje [field:municipality].", field="municipality")
            municipality = sorted(actor.scopes(Role.MAYOR))[0]
        uow.organisation.municipality(municipality, field="municipality")
        return Origin.MUNICIPALITY, municipality
    if origin == Origin.ENGINE:
        raise InvalidInput("Opphavet «engine» er tingflyt sitt eige.",
                           "Bruk director, admin_committee eller municipality.", field="origin")
    return origin, None


#: Who prepares cases (saksutgreiing): the chief executives, the daily leader and her staff.
PREPARERS = (Role.CHIEF_EXECUTIVE, Role.DIRECTOR, Role.STAFF)


def _lead(uow: UnitOfWork, lead_id: str | None, municipality: str | None) -> str:
    if lead_id is not None:
        person = uow.people.get(lead_id, field="lead")
        if not uow.people.actor(person.id).any_of(PREPARERS):
            raise RuleViolation(
                f"{person.name} kan ikkje greie ut saker.",
                "Ein kommunedirektør, dagleg leiar eller nokon i sekretariatet greier ut; sjå "
                "[cmd:org.show] for kven det er.", field="lead")
        return person.id
    if municipality is not None:
        mun = uow.organisation.find_municipality(municipality)
        if mun is not None:
            return mun.chief_executive_id
    return uow.council.director_id


class RecommendCase(CommandInput):
    """Leggje fram tilråding (the recommendation is written)."""

    case: CaseNumber
    text: Text = described("Tilrådinga (innstillinga)", "the recommendation", max_length=50_000)
    expect_version: Version = None


@command("case.recommend", RecommendCase, what="leggje fram tilråding",
         allowed=allowed(CHIEF_EXECUTIVE, DIRECTOR), follows=[CARRY_CASE])
def recommend_case(uow: UnitOfWork, actor: Actor, data: RecommendCase) -> Case:
    """Leggje fram tilråding: the preparation is done and the recommendation written."""
    case = uow.cases.get(data.case)
    check_version(case, data.expect_version)
    text = data.text
    if not text:
        raise InvalidInput("Tilrådinga er tom.", "Skriv tilrådinga i [field:text] \"...\".",
                           field="text")
    case.state = check("recommend", CaseState(case.state), case.number)
    case.recommendation = text
    case.recommended_at = uow.now
    case.recommended_by_id = actor.id
    late = case.preparation_deadline is not None and uow.today > case.preparation_deadline
    close_deadlines(uow, kinds=(DeadlineKind.PREPARATION,), case=case)
    touch(uow, case)
    summary = "Tilråding lagd fram."
    if late:
        summary += f" Etter fristen {format_date(case.preparation_deadline)}."
    uow.journal(actor, "case.recommend", summary, case=case, data={"late": late},
                role=(Role.CHIEF_EXECUTIVE, Role.DIRECTOR))
    return case


class PlaceCase(CommandInput):
    """Setje på, flytte eller ta av sakslista (place, move or remove from an agenda)."""

    case: CaseNumber
    meeting: MeetingRef | None = described("Møte å setje saka på eller flytte til",
                                           "meeting to place or move the case to", default=None)
    remove: bool = described("Ta saka av sakslista", "take the case off the agenda",
                             default=False)
    reason: MaybeLine = described("Grunngjeving", "reason", default=None, max_length=2000)
    expect_version: Version = None


@command("case.place", PlaceCase, what="setje saker på sakslista", allowed=allowed(SECRETARIAT),
         follows=[CARRY_CASE])
def place_case(uow: UnitOfWork, actor: Actor, data: PlaceCase) -> Case:
    """Set på, flytt eller ta av sakslista. Without a meeting: place by the rule now."""
    meeting_ref, remove, reason = data.meeting, data.remove, data.reason
    case = uow.cases.get(data.case)
    check_version(case, data.expect_version)
    state = CaseState(case.state)
    if remove and meeting_ref is not None:
        raise InvalidInput("[field:remove] og [field:meeting] kan ikkje brukast saman.",
                           "Bruk anten [field:remove] eller [field:meeting].", field="meeting")
    if case.kind == CaseKind.URGENCY_REPORT:
        check_report_target(uow, case, None if remove else meeting_ref, remove)
    if remove:
        check("remove_from_agenda", state, case.number)
        old = take_off_agenda(uow, case, "ta av")
        case.state = CaseState.RECOMMENDED
        case.hold = True
        case.hold_reason = reason
        touch(uow, case, due_now=False)
        case.next_check_at = None
        uow.journal(actor, "case.remove", f"Teken av sakslista til {meeting_label(uow, old)}; "
                    "ventar til sekretariatet set henne på att.", case=case, meeting=old,
                    reason=reason, role=(Role.DIRECTOR, Role.STAFF))
        return case
    if meeting_ref is None:
        if state == CaseState.ON_AGENDA:
            raise IllegalTransition(f"Sak {case.number} står alt på ei saksliste.",
                                    "Bruk [field:meeting=<møte>] for å flytte henne.",
                                    field="meeting")
        check("place", state, case.number)
        case.hold = False
        case.hold_reason = None

        meeting = place_by_rule(uow, actor, case)
        if meeting is None:
            raise RuleViolation(
                f"Det finst ikkje noko ope møte i {uow.bodies.get(case.current_body_id).name} som "
                f"sak {case.number} kan setjast på.",
                "Legg til eit møte med [cmd:meeting.add].", field="meeting")
        touch(uow, case)
        return case

    meeting = uow.meetings.get(meeting_ref)
    _check_target(uow, case, meeting)
    step = "place"
    if state == CaseState.ON_AGENDA:
        if case.agenda_meeting_id == meeting.id:
            raise IllegalTransition(f"Sak {case.number} står alt på {meeting.ref}.",
                                    "Vel eit anna møte, eller gjer ingenting.", field="meeting")
        step = "move"
        old = take_off_agenda(uow, case, "flytte")
        reason = f"Frå {old.ref}." + (f" {reason}" if reason else "")
    else:
        check("place", state, case.number)
    late = uow.today > meeting.preparation_deadline
    case.hold = False
    case.hold_reason = None
    place_on_agenda(uow, actor, case, meeting, reason=reason, step=step)
    if late:
        uow.journal(actor, "case.place.late",
                    f"Sett på etter fristen for saksutgreiing "
                    f"({format_date(meeting.preparation_deadline)}).", case=case,
                    meeting=meeting, role=(Role.DIRECTOR, Role.STAFF))
    touch(uow, case)
    return case


def _check_target(uow: UnitOfWork, case: Case, meeting: Meeting) -> None:
    body = uow.bodies.get(case.current_body_id)
    if meeting.body_id != case.current_body_id:
        raise RuleViolation(
            f"Sak {case.number} skal no handsamast av {body.name}, men {meeting.ref} er eit "
            f"møte i {meeting.body.name}.",
            f"Vel eit møte i {body.name} (sjå [cmd:meeting.plan|body={body.id}]).",
            field="meeting")
    if meeting.status != MeetingStatus.PLANNED:
        raise RuleViolation(
            f"Innkallinga til {meeting.ref} er alt sendt, og sakslista er fryst.",
            "Vel eit seinare møte. Ei sak som ikkje står på sakslista kan berre takast opp i "
            "møtet om verken møteleiaren eller ein tredjedel av medlemene er imot "
            "(kommunelova § 11-3).", field="meeting")
    if meeting.starts_at <= uow.now:
        raise RuleViolation(f"Møtet {meeting.ref} har alt byrja.", "Vel eit seinare møte.",
                            field="meeting")
    if meeting.remote and closed_meeting_required(case):
        raise RuleViolation(
            f"Sak {case.number} er underlagd teieplikt ({case.exempt_basis}) og må handsamast "
            f"i lukka møte; {meeting.ref} er eit fjernmøte.",
            "Eit møte som er lukka av omsyn til teieplikt kan ikkje haldast som fjernmøte "
            "(kommunelova § 11-7). Vel eit fysisk møte.", field="meeting")


class WithdrawCase(CommandInput):
    """Trekkje saka (withdraw the case)."""

    case: CaseNumber
    reason: Reason = ""
    expect_version: Version = None


def proposer_of(uow: UnitOfWork, data: WithdrawCase) -> Scope:
    return Scope(owner=uow.cases.get(data.case).proposed_by_id)


@command("case.withdraw", WithdrawCase, what="trekkje saka", scope=proposer_of,
         allowed=allowed(SECRETARIAT, PROPOSER), follows=[CARRY_CASE])
def withdraw_case(uow: UnitOfWork, actor: Actor, data: WithdrawCase) -> Case:
    """Trekkje saka. Staff, or whoever put it forward."""
    reason = data.reason
    case = uow.cases.get(data.case)
    check_version(case, data.expect_version)
    if not reason:
        raise InvalidInput("Grunnen til at saka vert trekt manglar.",
                           "Legg til [field:reason] \"...\".", field="reason")
    state = CaseState(case.state)
    check("withdraw", state, case.number)
    if case.kind == CaseKind.URGENCY_REPORT:
        raise RuleViolation("Ei melding om hastevedtak kan ikkje trekkjast; ho skal leggjast "
                            "fram for neste møte (kommunelova § 11-8 (1)).", "", field="case")
    note = ""
    if state == CaseState.ON_AGENDA and case.agenda_meeting_id:
        meeting = uow.meetings.by_id(case.agenda_meeting_id)
        item = agenda_item_for(uow, case, meeting.id)
        if meeting.status == MeetingStatus.PLANNED:
            take_off_agenda(uow, case, "trekkje")
            note = f" Teken av sakslista til {meeting.ref}."
        elif item is not None:
            item.withdrawn = True  # stays on the notice, marked as withdrawn
            meeting.agenda_changed_at = uow.now
            label = agenda_number(meeting.body.agenda_prefix, item.number, item.year)
            meeting_update(uow, meeting,
                           [f"Sak {label or case.number} er trekt frå sakslista."])
            case.agenda_meeting_id = None
            note = f" Står att på innkallinga til {meeting.ref}, merka som trekt."
    case.state = CaseState.WITHDRAWN
    close_deadlines(uow, kinds=(DeadlineKind.PREPARATION, DeadlineKind.EXTERNAL), case=case,
                    cancelled=True)
    case.urgent = False
    touch(uow, case)
    uow.journal(actor, "case.withdraw", "Saka er trekt." + note, case=case, reason=reason,
                role=(Role.DIRECTOR, Role.STAFF, Role.MAYOR, Role.CHIEF_EXECUTIVE))
    return case


class RecordOutcome(CommandInput):
    """Føre eit utfall som ikkje er vedtak (record an outcome that is not a decision)."""

    case: CaseNumber
    outcome: OutcomeField
    text: MaybeText = described("Grunngjeving eller merknad", "reason or note", default=None,
                                max_length=50_000)
    without_recommendation: bool = described(
        "Send saka vidare til organet som avgjer, utan innstilling (med outcome referred)",
        "refer the case to the deciding body without a recommendation (with outcome referred)",
        default=False)
    expect_version: Version = None


@command("case.decide", RecordOutcome, what="føre utfall i saka", scope=case_body,
         allowed=allowed(CHAIR_OF_BODY, SECRETARIAT), follows=[CARRY_CASE])
def record_outcome(uow: UnitOfWork, actor: Actor, data: RecordOutcome) -> Treatment:
    """Føre utfallet av ei handsaming som ikkje er eit vedtak i saka: postponed, sent back,
    withdrawn, or an item for information taken note of; or, at a body that prepares the case
    for another, a referral without a recommendation of its own (oversending utan innstilling).
    A decision (decided, referred with a recommendation, not adopted) needs a vote:
    ``case.vote``."""
    result, text = data.outcome, data.text
    case, meeting = case_in_session(uow, actor, data.case, data.expect_version)
    kind = CaseKind(case.kind)
    if data.without_recommendation:
        if result != Outcome.REFERRED:
            raise InvalidInput(
                "«Utan innstilling» gjeld berre når saka vert send vidare, ikkje "
                f"«{result.label}».",
                "Bruk [field:outcome=referred], eller ta vekk [field:without_recommendation].",
                field="without_recommendation")
        return apply_outcome(uow, actor, case, meeting, Outcome.REFERRED, text=text,
                             without_recommendation=True)
    if kind in INFORMATION_ONLY and result == Outcome.DECIDED:
        result = Outcome.TAKEN_FOR_INFORMATION
    if result == Outcome.REFERRED and case.competent_body_id != meeting.body_id:
        raise RuleViolation(
            "Ei innstilling er eit vedtak i organet, og eit vedtak krev røysting "
            "(kommunelova § 11-9).",
            f"Før røystinga: [cmd:case.vote|case={case.number}|for=...|against=...], eller "
            f"send saka vidare utan innstilling: [cmd:case.decide|case={case.number}|"
            "outcome=referred|without_recommendation].", field="outcome")
    if result in VOTED:
        raise RuleViolation(
            f"«{result.label}» er eit vedtak, og eit vedtak krev røysting (kommunelova § 11-9).",
            f"Før røystinga: [cmd:case.vote|case={case.number}|for=...|against=...], eller "
            "[field:unanimous] når alle som er til stades røystar for.", field="outcome")
    return apply_outcome(uow, actor, case, meeting, result, text=text)


class CloseCase(CommandInput):
    """Avslutte ei sak under effektuering (close a case whose decision is carried out)."""

    case: CaseNumber
    reason: Reason = described("Kva som er gjort", "what was done", default="")
    expect_version: Version = None


def owner_of_followup(uow: UnitOfWork, data: CloseCase) -> Scope:
    return Scope(owner=followup_owner(uow, uow.cases.get(data.case)))


@command("case.close", CloseCase, what="avslutte saka", scope=owner_of_followup,
         allowed=allowed(SECRETARIAT, OWNER), follows=[CARRY_CASE])
def close_case(uow: UnitOfWork, actor: Actor, data: CloseCase) -> Case:
    """Avslutte: the decision is carried out (the secretariat, or the chief executive who owns
    the follow-up)."""
    return close_implemented(uow, actor, data.case, data.reason, data.expect_version)


def close_implemented(uow: UnitOfWork, actor: Actor, number: str, reason: str,
                      expected_version: int | None = None) -> Case:
    case = uow.cases.get(number)
    check_version(case, expected_version)
    if CaseState(case.state) != CaseState.IN_IMPLEMENTATION:
        check("close", CaseState(case.state), case.number)
        raise IllegalTransition(
            f"Sak {case.number} er «{CaseState(case.state).label}»; tingflyt avsluttar henne "
            "sjølv når ho er ferdig.", "Berre saker under effektuering vert avslutta for hand.")
    if not (reason or "").strip():
        raise InvalidInput("Skriv kva som er gjort.", "Legg til [field:reason] \"...\".",
                           field="reason")
    case.state = check("close", CaseState(case.state), case.number)
    case.closed_reason = ClosedReason.IMPLEMENTED
    close_deadlines(uow, kinds=(DeadlineKind.FOLLOWUP,), case=case)
    touch(uow, case, due_now=False)
    case.next_check_at = None
    uow.journal(actor, "case.close", "Vedtaket er sett i verk; saka er avslutta.", case=case,
                reason=reason, role=(Role.DIRECTOR, Role.STAFF, Role.CHIEF_EXECUTIVE))
    return case
