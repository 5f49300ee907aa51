"""Meetings in session: absence and substitutes, attendance, votes and elections, minutes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from domain.rules.terms import AbsenceKind
from flows.cli.common import (
    AsOpt,
    CaseArg,
    JsonOpt,
    MeetingArg,
    Session,
    VersionOpt,
    check_out,
    command,
    finish_case_action,
    pairs,
    people,
    write_out,
)

absence_app = typer.Typer(no_args_is_help=True, help="Forfall og inhabilitet.")
substitute_app = typer.Typer(no_args_is_help=True, help="Varamedlemer: svar på innkalling.")


def seats(uow: Any, ref: str, actor: str | None) -> dict[str, Any]:
    """The seats of a meeting, as the one asking may read them (reasons are internal)."""
    from domain.queries.cases import audience_for
    from domain.queries.meetings import seats_view

    meeting = uow.meetings.get(ref)
    return seats_view(uow, meeting, audience_for(uow, actor, [meeting.body_id]))


def emit_seats(s: Session, ref: str, actor: str | None) -> None:
    """A meeting's seats; for a written handling, which has no seats to cover, the handling
    itself (every member answers; a recusal ends it)."""
    from domain.operations.written import handling_at
    from domain.queries.cases import case_audience
    from domain.queries.written import written_view
    from domain.rules.terms import MeetingKind
    from flows.output import render_seats, render_written

    def build(uow: Any) -> tuple[str, dict[str, Any]]:
        meeting = uow.meetings.get(ref)
        if meeting.kind != MeetingKind.WRITTEN:
            return "seats", seats(uow, ref, actor)
        case = uow.cases.by_id(handling_at(uow, meeting).case_id)
        return "written", written_view(uow, case.number, case_audience(uow, actor, case))

    kind, data = s.read(build)
    s.emit(data, render_written if kind == "written" else render_seats)


# -- absence and substitutes ---------------------------------------------------------------

@absence_app.command("report")
def absence_report(
    ref: MeetingArg,
    person: Annotated[str, typer.Option("--person", help="Medlemen som har forfall.")],
    kind: Annotated[str, typer.Option(
        "--kind", help="meeting (heile møtet), part (del av møtet) eller case (inhabil).")
    ] = AbsenceKind.MEETING.value,
    from_item: Annotated[str | None, typer.Option("--from-item", help="Frå punkt, t.d. "
                                                  "\"RR 14/26\".")] = None,
    to_item: Annotated[str | None, typer.Option("--to-item", help="Til og med punkt.")] = None,
    from_time: Annotated[str | None, typer.Option("--from", help="Frå klokkeslett TT:MM.")] = None,
    to_time: Annotated[str | None, typer.Option("--to", help="Til klokkeslett TT:MM.")] = None,
    case: Annotated[str | None, typer.Option("--case", help="Saka medlemen er inhabil i.")] = None,
    basis: Annotated[str | None, typer.Option(
        "--basis", help="Ved inhabilitet: heimelen i forvaltningslova § 6 (offentleg): fvl6-1a "
        "part, fvl6-1b slekt, fvl6-1c ektefelle/sambuar, fvl6-1d verje/fullmektig, fvl6-1e "
        "leiar/styremedlem i ein part, fvl6-2 andre særeigne forhold.")] = None,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Grunnen til forfallet, eller merknad til inhabiliteten (intern).")
    ] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Meld forfall: heile møtet, delar av det, eller inhabil i ei sak. Varamedlem vert spurd."""
    with command(json_output) as s:
        s.run("absence.report", actor, meeting=ref, person=person, kind=kind,
              from_item=from_item, to_item=to_item, from_time=from_time, to_time=to_time,
              case=case, basis=basis, reason=reason)
        emit_seats(s, ref, actor)


@absence_app.command("list")
def absence_list(ref: MeetingArg, actor: AsOpt = None, json_output: JsonOpt = False) -> None:
    """Vis plassane i møtet: kven har forfall, kven møter for dei, og om møtet blir vedtaksført.
    Grunnane til forfall ser berre sekretariatet og organet sjølv (--as). For ei skriftleg
    handsaming: svara frå medlemene."""
    with command(json_output) as s:
        emit_seats(s, ref, actor)


@substitute_app.command("answer")
def substitute_answer(
    ref: MeetingArg,
    person: Annotated[str, typer.Option("--person", help="Varamedlemen som svarar.")],
    accept: Annotated[bool, typer.Option("--accept/--decline", help="Møter eller kan ikkje.")],
    case: Annotated[str | None, typer.Option(
        "--case", help="Berre innkallinga til denne saka (der ein medlem er inhabil); elles "
        "svarar ho på alle innkallingane sine til møtet.")] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Svar på innkalling som varamedlem. Nei går vidare til neste i rekkjefølgja."""
    from flows.output import render_seats

    with command(json_output) as s:
        s.run("substitute.answer", actor, meeting=ref, person=person, accept=accept, case=case)
        s.emit(s.read(seats, ref, actor), render_seats)


# -- recording the meeting -------------------------------------------------------------------

def attend(
    ref: MeetingArg,
    present: Annotated[str, typer.Option("--present", help="Medlemer som møtte, kommaskilde.")],
    chair: Annotated[str, typer.Option("--chair", help="Møteleiaren.")],
    substitute: Annotated[list[str] | None, typer.Option(
        "--substitute", help="Varamedlem som møtte: vara=medlem (kan gjentakast).")] = None,
    case_substitute: Annotated[list[str] | None, typer.Option(
        "--case-substitute", "--case-substitutes",
        help="Varamedlem som sat for ein inhabil medlem i éi sak: sak:vara=medlem, t.d. "
        "2026/17:aal-varaordforar=aal-ordforar (kan gjentakast).")] = None,
    arrived: Annotated[list[str] | None, typer.Option(
        "--arrived", help="Kom til punktet: person=\"RR 14/26\".")] = None,
    left: Annotated[list[str] | None, typer.Option(
        "--left", help="Gjekk etter punktet: person=\"RR 14/26\".")] = None,
    attendees: Annotated[str | None, typer.Option(
        "--attendees", help="Med møte- og talerett (kommunedirektørar, dagleg leiar).")] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Før frammøtet slik det var: kven møtte, for kven, kven kom seint eller gjekk tidleg, og
    kven som sat for ein inhabil medlem i éi sak."""
    from domain.operations.substitutes import seats_of
    from domain.queries.cases import audience_for
    from domain.queries.minutes import minutes_view
    from domain.rules.voting import quorum_needed
    from flows.output import console, render_attendance

    def recorded(uow: Any) -> dict[str, Any]:
        meeting = uow.meetings.get(ref)
        data = minutes_view(uow, meeting, audience_for(uow, actor, [meeting.body_id]))
        seats = len(seats_of(uow, meeting.body_id))
        out = {key: data[key] for key in ("meeting", "chair", "present", "absent",
                                          "attendees")}
        # A substitute seated for one case (a member recused in it) sits for that case only.
        out["case_substitutes"] = [{**sub, "case": item["case"]} for item in data["items"]
                                   for sub in item["case_substitutes"]]
        out["quorum"] = {"seats": seats, "needed": quorum_needed(seats),
                         "present": len(data["present"])}
        return out

    def render(data: dict[str, Any]) -> None:
        render_attendance(data)
        for row in data["case_substitutes"]:
            console.print(f"  {row['name']} (varamedlem for {row['seat_name']} i sak "
                          f"{row['case']}, inhabil)")

    with command(json_output) as s:
        s.run("meeting.attend", actor, meeting=ref, present=people(present),
              substitutes=pairs(substitute, "--substitute"),
              case_substitutes=_case_pairs(case_substitute),
              arrived=pairs(arrived, "--arrived"), left=pairs(left, "--left"), chair=chair,
              attendees=people(attendees))
        s.emit(s.read(recorded), render)


def _case_pairs(values: list[str] | None) -> dict[str, dict[str, str]]:
    """Repeated ``--case-substitute sak:vara=medlem``: case -> {substitute: seat}."""
    from domain.errors import InvalidInput

    out: dict[str, dict[str, str]] = {}
    for value in values or []:
        number, colon, rest = value.partition(":")
        if not colon or "=" not in rest:
            raise InvalidInput(f"«{value}» i --case-substitute er ikkje sak:vara=medlem.",
                               "Skriv t.d. --case-substitute "
                               "2026/17:aal-varaordforar=aal-ordforar.",
                               field="case_substitutes")
        substitute_id, _, seat_id = rest.partition("=")
        out.setdefault(number.strip(), {})[substitute_id.strip()] = seat_id.strip()
    return out


def vote(
    number: CaseArg,
    votes_for: Annotated[str | None, typer.Option("--for", help="Røysta for, kommaskilde.")
                         ] = None,
    against: Annotated[str | None, typer.Option("--against", help="Røysta mot.")] = None,
    unanimous: Annotated[bool, typer.Option(
        "--unanimous", help="Alle som er til stades røysta for.")] = False,
    proposal: Annotated[str | None, typer.Option(
        "--proposal", help="Framlegget (standard: tilrådinga).")] = None,
    proposer: Annotated[str | None, typer.Option("--proposer", help="Kven sette fram "
                                                 "framlegget.")] = None,
    chair: Annotated[str | None, typer.Option(
        "--chair", help="Møteleiar for saka, om ein annan enn for møtet.")] = None,
    urgency: Annotated[bool, typer.Option(
        "--urgency", help="Hastevedtak etter kommunelova § 11-8 (1).")] = False,
    more: Annotated[bool, typer.Option(
        "--more", help="Fleire framlegg følgjer om dette fell.")] = False,
    candidates: Annotated[str | None, typer.Option(
        "--candidates", help="Val: kandidatane, kommaskilde.")] = None,
    ballot: Annotated[list[str] | None, typer.Option(
        "--ballot", help="Val: person=kandidat eller person=blank (kan gjentakast).")] = None,
    what: Annotated[str | None, typer.Option("--what", help="Val: kva det blir valt til.")
                    ] = None,
    drawn: Annotated[str | None, typer.Option(
        "--drawn", help="Val: kven loddtrekninga i møtet gav (elles trekkjer tingflyt).")
    ] = None,
    actor: AsOpt = None,
    expect_version: VersionOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Før røystinga i ei sak (eller eit val); motoren tel og fører vedtaket."""
    from domain.errors import InvalidInput

    with command(json_output, flows=True) as s:
        if candidates:
            stray = [option for option, given in (
                ("--for", votes_for), ("--against", against), ("--unanimous", unanimous),
                ("--proposal", proposal), ("--proposer", proposer), ("--urgency", urgency),
                ("--more", more)) if given]
            if stray:
                raise InvalidInput(f"{', '.join(stray)} gjeld ikkje val.",
                                   "Eit val vert ført med --candidates, --ballot og --what.",
                                   field=stray[0].lstrip("-"))
            ballots: dict[str, Any] = {
                voter: (None if choice.lower() == "blank" else choice)
                for voter, choice in pairs(ballot, "--ballot").items()}
            result = s.run("case.elect", actor, view=lambda uow, p: _proposal_data(p),
                           case=number, candidates=people(candidates), ballots=ballots,
                           what=what or "Val", chair=chair, drawn=drawn)
        else:
            if ballot or drawn:
                raise InvalidInput(f"{'--ballot' if ballot else '--drawn'} gjeld val.",
                                   "Bruk --for/--against, eller gje --candidates for eit val.",
                                   field="ballot" if ballot else "drawn")
            ballots = {**{p: "for" for p in people(votes_for)},
                       **{p: "against" for p in people(against)}}
            for option, named in (("for", people(votes_for)), ("against", people(against))):
                twice = sorted({p for p in named if named.count(p) > 1})
                if twice:
                    raise InvalidInput(f"{', '.join(twice)} står to gonger i --{option}.",
                                       "Kvar person har éi røyst: skriv kvar berre éin gong.",
                                       field=option)
            overlap = set(people(votes_for)) & set(people(against))
            if overlap:
                raise InvalidInput(f"{', '.join(sorted(overlap))} står både for og mot.",
                                   "Kvar person har éi røyst.", field="ballot")
            result = s.run("case.vote", actor, view=lambda uow, p: _proposal_data(p),
                           case=number, ballots=ballots, unanimous=unanimous,
                           proposal=proposal, proposer=proposer, chair=chair, urgency=urgency,
                           more_proposals=more, expect_version=expect_version)
        finish_case_action(s, {"number": number}, "Røysting ført", extra={"vote": result})


def _proposal_data(proposal: Any) -> dict[str, Any]:
    return {"result": proposal.result, "explanation": proposal.explanation,
            "round": proposal.round, "kind": proposal.kind, "votes_for": proposal.votes_for,
            "votes_against": proposal.votes_against, "votes_blank": proposal.votes_blank,
            "casting_vote": proposal.casting_vote, "elected": proposal.elected,
            "drawn_among": proposal.drawn_among}


# -- minutes -------------------------------------------------------------------------------

def minutes(
    ref: MeetingArg,
    public: Annotated[bool, typer.Option("--public", help="Den offentlege utgåva.")] = False,
    html: Annotated[bool, typer.Option("--html", help="HTML i staden for tekst.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Skriv til fil.")] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Møteboka for eit halde møte, i Nynorsk (tekst eller HTML, intern eller offentleg)."""
    from domain.queries.cases import audience_for
    from domain.queries.format import PUBLIC
    from domain.queries.minutes import minutes_view
    from domain.queries.organisation import org_view
    from notifications.minutes import render_minutes_html, render_minutes_text

    def build(uow: Any) -> dict[str, Any]:
        meeting = uow.meetings.get(ref)
        audience = PUBLIC if public else audience_for(uow, actor, [meeting.body_id])
        return {"minutes": minutes_view(uow, meeting, audience),
                "council": org_view(uow)["council"]}

    with command(json_output) as s:
        if out is not None:
            check_out(out)
        data = s.read(build)
        if s.json and out is not None:
            write_out(out, json.dumps(data["minutes"], ensure_ascii=False, indent=2,
                                      default=str) + "\n")
            print(json.dumps({"written": str(out)}, ensure_ascii=False))
            return
        if s.json:
            s.emit(data["minutes"], lambda d: None)
            return
        render = render_minutes_html if html else render_minutes_text
        text = render(data["minutes"], data["council"])
        if out is not None:
            write_out(out, text)
            print(f"Møteboka er skriven til {out}.")
        else:
            print(text, end="")
