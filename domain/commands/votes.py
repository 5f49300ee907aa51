"""Commands in session: votes, elections, unlisted cases, members' demands, deferral from an urgent
remote meeting.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated

from pydantic import BeforeValidator, Field

from domain.commands.fields import (
    CaseNumber,
    Line,
    MaybeLine,
    MaybeText,
    MeetingRef,
    PersonId,
    Version,
    described,
    refuse,
)
from domain.commands.registry import CARRY_CASE, CommandInput, command
from domain.errors import InvalidInput, RuleViolation
from domain.operations.agenda import (
    add_item,
    check_report_target,
    place_on_agenda,
    take_off_agenda,
)
from domain.operations.deadlines import close_deadlines
from domain.operations.outcomes import apply_outcome, case_in_session
from domain.operations.scopes import case_body, meeting_body
from domain.operations.substitutes import Presence, presence_for, seats_of
from domain.rules.access import CHAIR_OF_BODY, MEMBER_BEHIND, SECRETARIAT, Actor, Scope, allowed
from domain.rules.lifecycle import check
from domain.rules.scheduling import INFORMATION_ONLY
from domain.rules.sitting import a_third, at_least_a_third, leading
from domain.rules.terms import (
    BodyKind,
    CaseKind,
    CaseState,
    DeadlineKind,
    MeetingKind,
    MeetingStatus,
    Outcome,
    ProposalKind,
    ProposalResult,
    Role,
    case_kind_phrase,
)
from domain.rules.voting import Choice, count_election, count_vote
from domain.store.rule_values import meeting_label
from domain.store.tables import (
    AgendaItem,
    Ballot,
    Case,
    Meeting,
    Proposal,
    Treatment,
)
from domain.store.uow import UnitOfWork


def _drawn_by_hand(name: str) -> Callable[[Sequence[str]], str]:
    """The lot as the meeting drew it: it must be one of the tied candidates."""

    def draw(tied: Sequence[str]) -> str:
        if name not in tied:
            raise InvalidInput(f"«{name}» var ikkje mellom dei med like mange røyster "
                               f"({', '.join(tied)}).", "Gje den loddtrekninga gav.",
                               field="drawn")
        return name

    return draw


def breaches_sentence(breaches: Sequence[object]) -> str:
    """The broken rules as one sentence: the first capitalised, the rest after semicolons."""
    parts = [str(b) for b in breaches]
    return "; ".join([parts[0]] + [p[:1].lower() + p[1:] for p in parts[1:]]) if parts else ""


def consensus_required(case: Case, meeting: Meeting) -> bool:
    """In the assembly, the distribution of the council's funds is decided by consensus."""
    return meeting.body.kind == BodyKind.ASSEMBLY and case.kind == CaseKind.FUND_ALLOCATION


def _summary(result_for: int, result_against: int, casting: bool, consensus: bool) -> str:
    text = f"Røysting: {result_for} for, {result_against} mot"
    if casting:
        text += ", møteleiaren si røyst avgjorde"
    if consensus:
        text += " (krav om konsensus)"
    return text + "."


def _choices(value: object) -> object:
    if isinstance(value, Mapping):
        for choice in value.values():
            if isinstance(choice, str) and choice not in {c.value for c in Choice}:
                raise refuse(f"Ukjend røyst «{choice}».", "Bruk for, against eller blank.")
    return value


class RecordVote(CommandInput):
    """Røysting over eit framlegg (a vote on a proposal)."""

    case: CaseNumber
    ballots: Annotated[dict[PersonId, Choice], BeforeValidator(_choices)] = described(
        "Kvar som er til stades: for eller against", "each person present: for or against",
        default_factory=dict)
    unanimous: bool = described("Alle som er til stades røystar for", "everyone present votes "
                                "for", default=False)
    proposal: MaybeText = described("Framlegget (elles tilrådinga)", "the proposal (else the "
                                    "recommendation)", default=None, max_length=50_000)
    proposer: PersonId | None = described("Kven som sette fram framlegget", "who proposed it",
                                          default=None)
    chair: PersonId | None = described("Møteleiar vald for saka (berre når verken leiaren eller "
                                       "nestleiaren er med)", "chair elected for this case",
                                       default=None)
    urgency: bool = described("Hastevedtak etter kommunelova § 11-8 (1)", "urgency decision "
                              "(KL § 11-8 (1))", default=False)
    more_proposals: bool = described("Fleire framlegg følgjer om dette fell", "more proposals "
                                     "follow if this one falls", default=False)
    expect_version: Version = None


@command("case.vote", RecordVote, what="føre røysting", scope=case_body,
         allowed=allowed(CHAIR_OF_BODY, SECRETARIAT), follows=[CARRY_CASE])
def record_vote(uow: UnitOfWork, actor: Actor, data: RecordVote) -> Proposal:
    """Røysting over eit framlegg: count it, and record the decision it makes.

    ``ballots`` maps each person present to for/against; ``unanimous`` records everyone
    present as voting for. An adopted proposal is the decision (or, at a body that prepares
    the case, its recommendation). A fallen proposal ends the case as not adopted unless more
    proposals follow; without consensus where it is required there is no decision.
    """
    ballots, unanimous, proposal, proposer, chair, urgency, more_proposals = (
        data.ballots, data.unanimous, data.proposal, data.proposer, data.chair, data.urgency,
        data.more_proposals)
    case, meeting = case_in_session(uow, actor, data.case, data.expect_version)
    if CaseKind(case.kind) in INFORMATION_ONLY:
        raise RuleViolation(f"Sak {case.number} er {case_kind_phrase(case.kind)}; ho vert "
                            "teken til orientering utan røysting.",
                            f"Bruk [cmd:case.decide|case={case.number}|"
                            "outcome=taken_for_information].",
                            field="case")
    presence = presence_for(uow, meeting, case)
    leader = _leader(uow, case, meeting, presence, chair)
    if unanimous and ballots:
        raise InvalidInput("Bruk anten [field:unanimous] eller røystene kvar for seg.",
                           "Ta vekk den eine.", field="ballot")
    given = {person: Choice.FOR for person in presence.sitting} if unanimous else dict(ballots)
    needs_consensus = consensus_required(case, meeting)
    result = count_vote(seats=presence.seats, present=list(presence.sitting), ballots=given,
                        chair=leader, consensus=needs_consensus)
    if not result.valid:
        raise RuleViolation(
            f"Røystinga i sak {case.number} bryt reglane: "
            + breaches_sentence(result.breaches) + ".",
            "Rett røystene eller frammøtet og før røystinga på nytt.", field="ballot")
    text = (proposal or "").strip() or case.recommendation or ""
    if not text:
        raise InvalidInput("Framlegget manglar tekst, og saka har inga tilråding.",
                           "Legg til [field:proposal] \"...\".", field="proposal")
    earlier = uow.votes.results(case.id, meeting.id)  # one statement: rounds and what fell
    same = next((p for p in earlier if p[0] == ProposalKind.PROPOSAL and p[1] in (
        ProposalResult.FALLEN, ProposalResult.NO_CONSENSUS)
        and " ".join(p[2].split()) == " ".join(text.split())), None)
    if same is not None:
        raise RuleViolation(
            f"Framlegget i sak {case.number} er alt røysta over i {meeting.ref} og fall "
            f"({same[3]} for, {same[4]} mot); same framlegg kan ikkje "
            "setjast fram att i same møtet.",
            "Røyst over eit anna framlegg ([field:proposal]), send saka attende "
            f"([cmd:case.decide|case={case.number}|outcome=sent_back]), utset henne "
            f"([cmd:case.decide|case={case.number}|outcome=postponed])"
            + (f" eller send henne vidare utan innstilling ([cmd:case.decide|case={case.number}|"
               "outcome=referred|without_recommendation])"
               if case.competent_body_id != meeting.body_id else "") + ".", field="proposal")
    rounds = len(earlier)
    outcome_word = {True: ProposalResult.ADOPTED, False: ProposalResult.NO_CONSENSUS
                    if needs_consensus else ProposalResult.FALLEN}[bool(result.adopted)]
    row = Proposal(
        meeting_id=meeting.id, case_id=case.id, kind=ProposalKind.PROPOSAL, round=rounds + 1,
        text=text,
        proposer_id=proposer, candidates=None, result=outcome_word,
        explanation=result.explanation, votes_for=result.votes_for,
        votes_against=result.votes_against, votes_blank=0, casting_vote=result.casting_vote,
        chair_id=leader, elected=None, drawn_among=None, recorded_at=uow.now,
        recorded_by=actor.id)
    uow.add(row)
    uow.flush()
    # One multi-row INSERT for the ballots: they are written once and never changed.
    uow.votes.add_ballots([
        {"proposal_id": row.id, "voter_id": person, "seat_id": presence.sitting[person],
         "choice": choice.value, "candidate": None} for person, choice in given.items()])
    summary = _summary(result.votes_for, result.votes_against, result.casting_vote,
                       needs_consensus)
    preparing = case.competent_body_id != meeting.body_id and not urgency
    if result.adopted:
        apply_outcome(uow, actor, case, meeting,
                      Outcome.REFERRED if preparing else Outcome.DECIDED, text=text,
                      urgency=urgency, proposal_id=row.id, vote_summary=summary)
    elif needs_consensus:
        apply_outcome(uow, actor, case, meeting, Outcome.NOT_ADOPTED,
                      text=f"Ikkje konsensus om framlegget: {text}", proposal_id=row.id,
                      vote_summary=summary + " Utan konsensus blir det ikkje noko vedtak.")
    elif more_proposals or preparing:
        uow.journal(actor, "case.vote", f"Framlegget fall i {meeting.ref}. {summary} "
                    "Saka står att for nye framlegg.", case=case, meeting=meeting,
                    data={"proposal": row.id}, role=(Role.CHAIR, Role.STAFF))
    else:
        # Not adopted: the body has decided (under the urgency authority, if it used it).
        apply_outcome(uow, actor, case, meeting, Outcome.NOT_ADOPTED, text=text,
                      urgency=urgency, proposal_id=row.id, vote_summary=summary)
    return row


def _leader(uow: UnitOfWork, case: Case, meeting: Meeting, presence: Presence,
            chair: str | None) -> str:
    """Who leads the meeting for this case: the leader, else the deputy leader; only when
    neither is with the case does the body elect someone, named with ``chair``."""
    body = meeting.body
    if chair is not None:
        person = uow.people.get(chair, field="chair")
        if chair not in presence.sitting:
            raise RuleViolation(f"{person.name} er ikkje med i sak {case.number} (ikkje til "
                                "stades eller inhabil).", "Møteleiaren må vere ein av dei "
                                "som er med i saka.", field="chair")
        if presence.chair is not None and chair != presence.chair:
            leader = uow.people.find(presence.chair)
            raise RuleViolation(
                f"{person.name} kan ikkje leie sak {case.number}: "
                f"{leader.name if leader else presence.chair} leier møtet i saka. Ein annan "
                "møteleiar vert vald berre når verken leiaren eller nestleiaren er med.",
                f"Ta vekk [field:chair] (eller gje [field:chair={presence.chair}]).", field="chair")
        return chair
    if presence.chair is None:
        raise RuleViolation(
            f"Verken leiaren eller nestleiaren i {body.name} er med i sak {case.number}, og "
            "den som leier møtet er det heller ikkje; organet vel ein møteleiar for saka.",
            "Gje [field:chair=<den som vart vald>], ein av dei som er med i saka.", field="chair")
    return presence.chair


#: A candidate in an election, as the meeting named her.
Candidate = Annotated[Line, Field(min_length=1, max_length=300)]


class RecordElection(CommandInput):
    """Val (an election or appointment)."""

    case: CaseNumber
    candidates: tuple[Candidate, ...] = described("Kandidatane", "the candidates", min_length=1)
    ballots: dict[PersonId, str | None] = described(
        "Kvar som er til stades: kandidaten, eller null for blank", "each person present: the "
        "candidate, or null for blank", default_factory=dict)
    what: Line = described("Kva valet gjeld (t.d. «Leiar»)", "what the election is for",
                          min_length=1, max_length=500)
    chair: PersonId | None = described("Møteleiar vald for saka", "chair elected for this case",
                                       default=None)
    drawn: MaybeLine = described(
        "Kven loddtrekninga i møtet gav, når møtet trekte sjølv; elles trekkjer tingflyt",
        "who the lot drawn in the meeting gave; otherwise tingflyt draws", default=None)


@command("case.elect", RecordElection, what="føre valet", scope=case_body,
         allowed=allowed(CHAIR_OF_BODY, SECRETARIAT), follows=[CARRY_CASE])
def record_election(uow: UnitOfWork, actor: Actor, data: RecordElection) -> Proposal:
    """Val (fleirtalsval): more than half of the votes cast; else a new round by most votes; a
    tie there by lot, recorded. ``ballots`` maps each person present to a candidate or None
    (blank)."""
    candidates, ballots, what, chair = data.candidates, data.ballots, data.what, data.chair
    draw = _drawn_by_hand(data.drawn) if data.drawn is not None else None
    case, meeting = case_in_session(uow, actor, data.case)
    if not candidates or len(set(candidates)) != len(candidates):
        raise InvalidInput("Kandidatlista er tom eller har same namn to gonger.",
                           "Gje [field:candidates] \"Namn A,Namn B\".", field="candidates")
    presence = presence_for(uow, meeting, case)
    leader = _leader(uow, case, meeting, presence, chair)
    rounds = uow.votes.election_rounds(case.id, meeting.id)
    round_no = len(rounds) + 1
    if rounds and rounds[-1].result != ProposalResult.NEW_ROUND:
        raise RuleViolation("Valet i denne saka er alt avgjort.", "", field="case")
    result = count_election(seats=presence.seats, present=list(presence.sitting),
                            ballots=dict(ballots), candidates=list(candidates),
                            round=round_no, draw=draw or secrets.choice)
    if not result.valid:
        raise RuleViolation(f"Valet i sak {case.number} bryt reglane: "
                            + breaches_sentence(result.breaches) + ".",
                            "Rett røystene eller frammøtet og før valet på nytt.",
                            field="ballot")
    outcome = ProposalResult.ELECTED if result.elected else ProposalResult.NEW_ROUND
    row = Proposal(
        meeting_id=meeting.id, case_id=case.id, kind=ProposalKind.ELECTION, round=round_no,
        text=what,
        proposer_id=None, candidates=list(candidates), result=outcome,
        explanation=result.explanation, votes_for=sum(result.counts.values()),
        votes_against=0, votes_blank=result.blank, casting_vote=False, chair_id=leader,
        elected=result.elected, drawn_among=list(result.drawn_among) or None,
        recorded_at=uow.now, recorded_by=actor.id)
    uow.add(row)
    uow.flush()
    uow.add_all(Ballot(proposal_id=row.id, voter_id=person,
                               seat_id=presence.sitting[person],
                               choice=(Choice.BLANK if choice is None else Choice.FOR).value,
                               candidate=choice)
                        for person, choice in ballots.items())
    counts = ", ".join(f"{name} {votes}" for name, votes in result.counts.items())
    summary = f"Val, {round_no}. røysting: {counts}, blanke {result.blank}. {result.explanation}"
    # Who stood and who won is the content of an exempt appointment: in the journal it goes
    # to the reason, which the public never sees.
    exempt = case.exempt_basis is not None
    if result.drawn_among:
        drawn = (f"Loddtrekning mellom {', '.join(result.drawn_among)}: {result.elected} er "
                 "vald.")
        uow.journal(actor, "election.draw",
                    "Loddtrekning mellom kandidatar med like mange røyster." if exempt
                    else drawn, case=case, meeting=meeting, reason=drawn if exempt else None,
                    data={"among": list(result.drawn_among), "elected": result.elected})
    if result.elected is None:
        uow.journal(actor, "election.round",
                    f"Val, {round_no}. røysting: ingen fekk meir enn halvparten; ny røysting."
                    if exempt else summary, case=case, meeting=meeting,
                    reason=summary if exempt else None, data={"round": round_no},
                    role=(Role.CHAIR, Role.STAFF))
        return row
    preparing = case.competent_body_id != meeting.body_id
    apply_outcome(uow, actor, case, meeting,
                  Outcome.REFERRED if preparing else Outcome.DECIDED,
                  text=f"{what}: {result.elected}", proposal_id=row.id, vote_summary=summary)
    return row


def _present_now(uow: UnitOfWork, meeting: Meeting) -> tuple[set[str], str | None]:
    """Who sits in a seat now (at the end of the agenda: not those who left, nor a substitute
    seated for one case only), and who leads."""
    rows = uow.sitting.seated_for_meeting(meeting.id)
    present = {r.person_id for r in rows if r.to_position is None}
    meeting_chair = next((r.person_id for r in rows if r.chair), None)
    return present, leading(meeting.body, meeting_chair, present)


class TakeUp(CommandInput):
    """Ta opp ei sak som ikkje står på sakslista (KL § 11-3)."""

    case: CaseNumber
    meeting: MeetingRef
    objecting: tuple[PersonId, ...] = described("Frammøtte som er imot", "those present who "
                                                "object", default=())
    chair_objects: bool = described("Møteleiaren er imot", "the chair objects", default=False)


@command("case.take_up", TakeUp, what="ta opp saka", scope=meeting_body,
         allowed=allowed(CHAIR_OF_BODY, SECRETARIAT), follows=[CARRY_CASE])
def take_up_unlisted(uow: UnitOfWork, actor: Actor, data: TakeUp) -> AgendaItem:
    """Ta opp ei sak som ikkje står på sakslista (KL § 11-3): only if neither the chair nor a
    third of those present object."""
    objecting, chair_objects = data.objecting, data.chair_objects
    meeting = uow.meetings.get(data.meeting)
    case = uow.cases.get(data.case)
    if meeting.kind == MeetingKind.WRITTEN:
        raise RuleViolation(f"{meeting.ref} er ei skriftleg handsaming; der kan ingen sak "
                            "takast opp.", "Ta saka opp i eit møte.", field="meeting")
    if meeting.status not in (MeetingStatus.NOTIFIED, MeetingStatus.HELD) \
            or uow.now < meeting.starts_at:
        raise RuleViolation(f"Møtet {meeting.ref} er ikkje i gang.",
                            "Ei sak utanfor sakslista kan berre takast opp i møtet.",
                            field="meeting")
    if case.agenda_meeting_id == meeting.id:
        raise RuleViolation(f"Sak {case.number} står alt på sakslista til {meeting.ref}.",
                            "Handsam henne som eit vanleg punkt ([cmd:case.vote]).",
                            field="case")
    if case.agenda_meeting_id is not None:
        other = uow.meetings.by_id(case.agenda_meeting_id)
        raise RuleViolation(
            f"Sak {case.number} står på sakslista til {other.ref}.",
            f"Ta henne av den først ([cmd:case.place|case={case.number}|remove]), og ta "
            "henne så opp her." if other.status == MeetingStatus.PLANNED else
            f"Ho vert handsama i {other.ref}.", field="case")
    if case.current_body_id != meeting.body_id:
        raise RuleViolation(f"Sak {case.number} skal ikkje handsamast av {meeting.body.name} no.",
                            f"Ho ligg hos {uow.bodies.get(case.current_body_id).name}.",
                            field="case")
    present, chair = _present_now(uow, meeting)
    if not present:
        raise RuleViolation(f"Frammøtet til {meeting.ref} er ikkje ført.",
                            "Før kven som møtte først: "
                            f"[cmd:meeting.attend|meeting={meeting.ref}].",
                            field="meeting")
    objectors = list(dict.fromkeys(objecting))
    for person_id in objectors:
        person = uow.people.get(person_id, field="objecting")  # refuses the unknown
        if person_id not in present:
            raise InvalidInput(f"{person.name} er ikkje til stades i {meeting.ref} no.",
                               "Berre dei som er til stades kan vere imot; sjå frammøtet "
                               f"med [cmd:minutes|meeting={meeting.ref}].", field="objecting")
    chair_objects = chair_objects or (chair is not None and chair in objectors)
    if chair_objects or at_least_a_third(len(objectors), of=len(present)):
        who = "møteleiaren" if chair_objects else \
            f"{len(objectors)} av {len(present)} frammøtte"
        raise RuleViolation(
            f"Sak {case.number} kan ikkje takast opp: {who} er imot (kommunelova § 11-3: "
            "møteleiaren eller ein tredjedel av dei frammøtte kan hindre det).",
            "Set saka på sakslista til eit seinare møte.", field="objecting")
    check("place", CaseState(case.state), case.number)
    item = add_item(uow, actor, meeting, case=case, numbered=True)
    case.state = CaseState.ON_AGENDA
    case.agenda_meeting_id = meeting.id
    case.updated_at = uow.now
    meeting.agenda_changed_at = uow.now
    uow.journal(actor, "case.take_up",
                f"Teken opp utanfor sakslista i {meeting_label(uow, meeting)}; ingen "
                f"innvending frå møteleiaren, {len(objectors)} av {len(present)} frammøtte imot.",
                case=case, meeting=meeting, role=(Role.CHAIR, Role.STAFF))
    return item


class Demand(CommandInput):
    """Krav frå ein tredjedel av medlemene om ei sak på sakslista (KL § 11-3)."""

    case: CaseNumber
    meeting: MeetingRef
    members: tuple[PersonId, ...] = described("Medlemene som står bak kravet", "the members "
                                              "behind the demand", default=())


def _demand_scope(uow: UnitOfWork, data: Demand) -> Scope:
    meeting = uow.meetings.get(data.meeting)
    return Scope(body=meeting.body_id, body_name=meeting.body.name,
                 members=frozenset(data.members))


@command("case.demand", Demand, what="føre kravet", scope=_demand_scope,
         allowed=allowed(SECRETARIAT, MEMBER_BEHIND), follows=[CARRY_CASE])
def demand_agenda(uow: UnitOfWork, actor: Actor, data: Demand) -> Meeting:
    """Krav frå ein tredjedel av medlemene (KL § 11-3): the case must go on the agenda, of this
    meeting if its notice has not gone out, else of the body's next open meeting."""
    members = data.members
    meeting = uow.meetings.get(data.meeting)
    case = uow.cases.get(data.case)
    seats = [s.member_id for s in seats_of(uow, meeting.body_id)]
    demanders = list(dict.fromkeys(members))
    strangers = [m for m in demanders if m not in seats]
    if strangers:
        raise RuleViolation(f"{', '.join(strangers)} er ikkje medlem(er) av "
                            f"{meeting.body.name}.", "Berre medlemene kan krevje ei sak på "
                            "sakslista; sjå medlemene med [cmd:org.show].", field="members")
    needed = a_third(len(seats))
    if len(demanders) < needed:
        raise RuleViolation(
            f"{len(demanders)} av {len(seats)} medlemer står bak kravet; ein tredjedel "
            f"({needed}) trengst (kommunelova § 11-3).", "Samle fleire medlemer bak kravet.",
            field="members")
    if case.current_body_id != meeting.body_id:
        raise RuleViolation(f"Sak {case.number} skal ikkje handsamast av {meeting.body.name} no.",
                            "Kravet må gjelde eit møte i "
                            f"{uow.bodies.get(case.current_body_id).name}.",
                            field="case")
    target = meeting
    if meeting.status != MeetingStatus.PLANNED or meeting.starts_at <= uow.now:
        target = uow.meetings.next_open(meeting.body_id, uow.now)
        if target is None:
            raise RuleViolation(f"Innkallinga til {meeting.ref} er sendt, og det finst ikkje "
                                "noko seinare ope møte.", "Legg til eit møte først.",
                                field="meeting")
    if case.kind == CaseKind.URGENCY_REPORT:
        check_report_target(uow, case, target.ref, False)
    reason = (f"Kravd av {len(demanders)} av {len(seats)} medlemer ({', '.join(demanders)}), "
              "kommunelova § 11-3.")
    state = CaseState(case.state)
    if state == CaseState.ON_AGENDA and case.agenda_meeting_id == target.id:
        raise RuleViolation(f"Sak {case.number} står alt på {target.ref}.",
                            "Kravet er alt oppfylt; det trengst ikkje gjerast noko meir.",
                            field="case")
    if state == CaseState.ON_AGENDA:

        take_off_agenda(uow, case, "flytte")
        place_on_agenda(uow, actor, case, target, reason=reason, step="move")
    elif state in (CaseState.REGISTERED, CaseState.IN_PREPARATION, CaseState.SENT_BACK):
        # The demand puts it on the agenda even before the preparation is done.
        if CaseKind(case.kind) not in INFORMATION_ONLY and not case.recommendation:
            reason += (" Saka kjem utan tilråding: ho vart kravd sett på sakslista før "
                       "utgreiinga var ferdig.")
        case.state = CaseState.RECOMMENDED
        case.hold = False
        # The preparation is overtaken by the demand: its deadline no longer runs.
        close_deadlines(uow, kinds=(DeadlineKind.PREPARATION,), case=case, cancelled=True)
        place_on_agenda(uow, actor, case, target, reason=reason)
    else:
        case.hold = False
        place_on_agenda(uow, actor, case, target, reason=reason)
    return target


class Defer(CommandInput):
    """Ein tredjedel krev at saka i eit hastefjernmøte ventar på eit ordinært møte (KL § 11-8
    (3))."""

    case: CaseNumber
    members: tuple[PersonId, ...] = described("Medlemene som krev det", "the members who "
                                              "demand it", default=())


@command("case.defer", Defer, what="føre kravet", scope=case_body,
         allowed=allowed(CHAIR_OF_BODY, SECRETARIAT), follows=[CARRY_CASE])
def defer_to_ordinary(uow: UnitOfWork, actor: Actor, data: Defer) -> Treatment:
    """A third of the members demand that a case in an urgent remote meeting waits for an
    ordinary meeting (KL § 11-8 (3)): it is postponed, and goes to the next ordinary one."""
    members = data.members
    case, meeting = case_in_session(uow, actor, data.case)
    if meeting.kind != MeetingKind.URGENT_REMOTE:
        raise RuleViolation(f"{meeting.ref} er ikkje eit hastefjernmøte.",
                            "Kravet gjeld saker i hastefjernmøte (kommunelova § 11-8 (3)).",
                            field="meeting")
    seats = [s.member_id for s in seats_of(uow, meeting.body_id)]
    demanders = list(dict.fromkeys(members))
    strangers = [m for m in demanders if m not in seats]
    if strangers:
        raise RuleViolation(f"{', '.join(strangers)} er ikkje medlem(er) av "
                            f"{meeting.body.name}; berre medlemene kan krevje at saka ventar.",
                            "Sjå medlemene med [cmd:org.show].", field="members")
    needed = a_third(len(seats))
    if len(demanders) < needed:
        raise RuleViolation(
            f"{len(demanders)} av {len(seats)} medlemer krev at saka ventar; ein tredjedel "
            f"({needed}) trengst (kommunelova § 11-8 (3)).",
            "Utan eit slikt krav vert saka avgjord i hastefjernmøtet.", field="members")
    return apply_outcome(
        uow, actor, case, meeting, Outcome.POSTPONED,
        text=f"{len(demanders)} av {len(seats)} medlemer kravde at saka ventar på eit ordinært "
             f"møte (kommunelova § 11-8 (3)).")
