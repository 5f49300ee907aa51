"""``tingflyt`` commands for meetings in session: absence, substitutes, attendance, votes,
written handling, minutes and follow-up. Same conventions as ``flows.cli``: ``--json``,
``--now``, ``--as``, one-line refusals, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from flows.cli import AsOpt, JsonOpt, VersionOpt, app, case_app, command

absence_app = typer.Typer(no_args_is_help=True, help="Forfall og inhabilitet.")
substitute_app = typer.Typer(no_args_is_help=True, help="Varamedlemer: svar på innkalling.")
written_app = typer.Typer(no_args_is_help=True, help="Skriftleg handsaming (KL § 11-8 (2)).")
followup_app = typer.Typer(no_args_is_help=True, help="Oppfølging av vedtak.")
app.add_typer(absence_app, name="absence")
app.add_typer(substitute_app, name="substitute")
app.add_typer(written_app, name="written")
app.add_typer(followup_app, name="followup")

MeetingArg = Annotated[str, typer.Argument(metavar="MØTE", help="Møte, t.d. RR-2026-09-24.")]
CaseArg = Annotated[str, typer.Argument(metavar="SAKSNUMMER", help="Saksnummer, t.d. 2026/17.")]


def _seats(uow: Any, ref: str, actor: str | None) -> dict[str, Any]:
    """The seats of a meeting, as the one asking may read them (reasons are internal)."""
    from domain.queries.cases import audience_for
    from domain.queries.meetings import seats_view

    meeting = uow.meeting(ref)
    return seats_view(uow, meeting, audience_for(uow, actor, [meeting.body_id]))


def _emit_seats(s: Any, ref: str, actor: str | None) -> None:
    """A meeting's seats; for a written handling, which has no seats to cover, the handling
    itself (every member answers; a recusal ends it)."""
    from domain.operations.written import handling_at
    from domain.queries.cases import case_audience
    from domain.queries.written import written_view
    from domain.store.tables import Case
    from flows.output import render_seats, render_written

    def build(uow: Any) -> tuple[str, dict[str, Any]]:
        meeting = uow.meeting(ref)
        if meeting.kind != "written":
            return "seats", _seats(uow, ref, actor)
        case = uow.session.get_one(Case, handling_at(uow, meeting).case_id)
        return "written", written_view(uow, case.number, case_audience(uow, actor, case))

    kind, data = s.read(build)
    s.emit(data, render_written if kind == "written" else render_seats)


def _people(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(",") if p.strip()]


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    from domain.errors import InvalidInput

    out: dict[str, str] = {}
    for value in values or []:
        if "=" not in value:
            raise InvalidInput(f"«{value}» i {option} manglar «=».",
                               f"Skriv {option} person=verdi, t.d. {option} "
                               "gol-varaordforar=gol-ordforar.", field=option.strip("-"))
        key, _, rest = value.partition("=")
        out[key.strip()] = rest.strip()
    return out


def check_out(path: Path) -> None:
    """Refuse an --out whose folder does not exist, before any work is done."""
    from domain.errors import InvalidInput

    if not path.parent.is_dir():
        raise InvalidInput(f"Mappa {path.parent} finst ikkje.",
                           "Opprett mappa først, eller vel ei anna fil med --out.", field="out")
    if path.is_dir():
        raise InvalidInput(f"{path} er ei mappe.", "Gje eit filnamn med --out, t.d. "
                           f"{path / 'moetebok.txt'}.", field="out")


def write_out(path: Path, text: str) -> None:
    """Write a rendered document, or refuse in one line naming --out (never half a file)."""
    from domain.errors import InvalidInput

    check_out(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"Kunne ikkje skrive {path}: {exc.strerror}.",
                           "Vel ei fil du kan skrive til med --out.", field="out") from None


def _yes_no(value: str, option: str) -> bool:
    from domain.errors import InvalidInput

    text = value.strip().lower()
    if text in ("ja", "yes", "j", "y"):
        return True
    if text in ("nei", "no", "n"):
        return False
    raise InvalidInput(f"«{value}» i {option} er verken ja eller nei.", f"Skriv {option} ja "
                       "eller nei.", field=option.strip("-"))


# -- absence and substitutes ---------------------------------------------------------------

@absence_app.command("report")
def absence_report(
    ref: MeetingArg,
    person: Annotated[str, typer.Option("--person", help="Medlemen som har forfall.")],
    kind: Annotated[str, typer.Option(
        "--kind", help="meeting (heile møtet), part (del av møtet) eller case (inhabil).")
    ] = "meeting",
    from_item: Annotated[str | None, typer.Option("--from-item", help="Frå punkt, t.d. "
                                                  "\"RR 14/26\".")] = None,
    to_item: Annotated[str | None, typer.Option("--to-item", help="Til og med punkt.")] = None,
    from_time: Annotated[str | None, typer.Option("--from", help="Frå klokkeslett TT:MM.")] = None,
    to_time: Annotated[str | None, typer.Option("--to", help="Til klokkeslett TT:MM.")] = None,
    case: Annotated[str | None, typer.Option("--case", help="Saka medlemen er inhabil i.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Grunn (krav ved inhabilitet).")
                      ] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Meld forfall: heile møtet, delar av det, eller inhabil i ei sak. Varamedlem vert spurd."""
    from domain.commands.attendance import report_absence
    from flows.app import parse_time

    start = parse_time(from_time, "from") if from_time else None
    end = parse_time(to_time, "to") if to_time else None
    with command(json_output) as s:
        s.run(report_absence, actor, ref, person, kind=kind, from_item=from_item,
              to_item=to_item, from_time=start, to_time=end, case_number=case, reason=reason,
              view=lambda uow, a: None)
        _emit_seats(s, ref, actor)


@absence_app.command("list")
def absence_list(ref: MeetingArg, actor: AsOpt = None, json_output: JsonOpt = False) -> None:
    """Vis plassane i møtet: kven har forfall, kven møter for dei, og om møtet blir vedtaksført.
    Grunnane til forfall ser berre sekretariatet og organet sjølv (--as). For ei skriftleg
    handsaming: svara frå medlemene."""
    with command(json_output) as s:
        _emit_seats(s, ref, actor)


@substitute_app.command("answer")
def substitute_answer(
    ref: MeetingArg,
    person: Annotated[str, typer.Option("--person", help="Varamedlemen som svarar.")],
    accept: Annotated[bool, typer.Option("--accept/--decline", help="Møter eller kan ikkje.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Svar på innkalling som varamedlem. Nei går vidare til neste i rekkjefølgja."""
    from domain.commands.attendance import answer_call
    from flows.output import render_seats

    with command(json_output) as s:
        s.run(answer_call, actor, ref, person, accept=accept, view=lambda uow, c: None)
        s.emit(s.read(_seats, ref, actor), render_seats)


# -- recording the meeting -------------------------------------------------------------------

@app.command("attend")
def attend(
    ref: MeetingArg,
    present: Annotated[str, typer.Option("--present", help="Medlemer som møtte, kommaskilde.")],
    chair: Annotated[str, typer.Option("--chair", help="Møteleiaren.")],
    substitute: Annotated[list[str] | None, typer.Option(
        "--substitute", help="Varamedlem som møtte: vara=medlem (kan gjentakast).")] = None,
    arrived: Annotated[list[str] | None, typer.Option(
        "--arrived", help="Kom til punktet: person=\"RR 14/26\".")] = None,
    left: Annotated[list[str] | None, typer.Option(
        "--left", help="Gjekk etter punktet: person=\"RR 14/26\".")] = None,
    attendees: Annotated[str | None, typer.Option(
        "--attendees", help="Med møte- og talerett (kommunedirektørar, dagleg leiar).")] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Før frammøtet slik det var: kven møtte, for kven, kven kom seint eller gjekk tidleg."""
    from domain.commands.attendance import record_attendance
    from domain.queries.cases import audience_for
    from domain.queries.minutes import minutes_view
    from domain.rules.voting import quorum_needed
    from flows.output import render_attendance

    def recorded(uow: Any) -> dict[str, Any]:
        meeting = uow.meeting(ref)
        data = minutes_view(uow, meeting, audience_for(uow, actor, [meeting.body_id]))
        seats = len(data["present"]) + sum(1 for a in data["absent"] if not a["substitute"])
        out = {key: data[key] for key in ("meeting", "chair", "present", "absent",
                                          "attendees")}
        out["quorum"] = {"seats": seats, "needed": quorum_needed(seats),
                         "present": len(data["present"])}
        return out

    with command(json_output) as s:
        s.run(record_attendance, actor, ref, present=_people(present),
              substitutes=_pairs(substitute, "--substitute"),
              arrived=_pairs(arrived, "--arrived"), left=_pairs(left, "--left"), chair=chair,
              attendees=_people(attendees), view=lambda uow, rows: None)
        s.emit(s.read(recorded), render_attendance)


@app.command("vote")
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
    actor: AsOpt = None,
    expect_version: VersionOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Før røystinga i ei sak (eller eit val); motoren tel og fører vedtaket."""
    from domain.commands.votes import record_election, record_vote
    from domain.errors import InvalidInput
    from flows.cli import _finish_case_action

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
            names = _people(candidates)
            ballots: dict[str, Any] = {
                voter: (None if choice.lower() == "blank" else choice)
                for voter, choice in _pairs(ballot, "--ballot").items()}
            result = s.run(record_election, actor, number, candidates=names, ballots=ballots,
                           what=what or "Val", chair=chair,
                           view=lambda uow, p: _proposal_data(p))
        else:
            if ballot:
                raise InvalidInput("--ballot gjeld val.", "Bruk --for/--against, eller gje "
                                   "--candidates for eit val.", field="ballot")
            ballots = {**{p: "for" for p in _people(votes_for)},
                       **{p: "against" for p in _people(against)}}
            overlap = set(_people(votes_for)) & set(_people(against))
            if overlap:
                raise InvalidInput(f"{', '.join(sorted(overlap))} står både for og mot.",
                                   "Kvar person har éi røyst.", field="ballot")
            result = s.run(record_vote, actor, number, ballots=ballots, unanimous=unanimous,
                           proposal=proposal, proposer=proposer, chair=chair, urgency=urgency,
                           more_proposals=more, expected_version=expect_version,
                           view=lambda uow, p: _proposal_data(p))
        _finish_case_action(s, {"number": number}, "Røysting ført", extra={"vote": result})


def _proposal_data(proposal: Any) -> dict[str, Any]:
    return {"result": proposal.result, "explanation": proposal.explanation,
            "round": proposal.round, "kind": proposal.kind, "votes_for": proposal.votes_for,
            "votes_against": proposal.votes_against, "votes_blank": proposal.votes_blank,
            "casting_vote": proposal.casting_vote, "elected": proposal.elected,
            "drawn_among": proposal.drawn_among}


@case_app.command("take-up")
def case_take_up(
    number: CaseArg,
    ref: MeetingArg,
    objecting: Annotated[str | None, typer.Option(
        "--objecting", help="Frammøtte som er imot, kommaskilde.")] = None,
    chair_objects: Annotated[bool, typer.Option(
        "--chair-objects", help="Møteleiaren er imot.")] = False,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Ta opp ei sak som ikkje står på sakslista (kommunelova § 11-3)."""
    from domain.commands.votes import take_up_unlisted
    from flows.cli import _finish_case_action

    with command(json_output, flows=True) as s:
        s.run(take_up_unlisted, actor, number, ref, objecting=_people(objecting),
              chair_objects=chair_objects, view=lambda uow, item: None)
        _finish_case_action(s, {"number": number}, "Teken opp utanfor sakslista")


@case_app.command("demand")
def case_demand(
    number: CaseArg,
    ref: MeetingArg,
    members: Annotated[str, typer.Option("--members", help="Medlemene som krev det.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Ein tredjedel av medlemene krev saka sett på sakslista (kommunelova § 11-3)."""
    from domain.commands.votes import demand_agenda
    from flows.cli import _finish_case_action

    with command(json_output, flows=True) as s:
        target = s.run(demand_agenda, actor, number, ref, members=_people(members),
                       view=lambda uow, m: m.ref)
        _finish_case_action(s, {"number": number}, f"Sett på sakslista til {target} etter krav")


@case_app.command("defer")
def case_defer(
    number: CaseArg,
    members: Annotated[str, typer.Option("--members", help="Medlemene som krev at saka ventar.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Hastefjernmøte: ein tredjedel krev at saka ventar på ordinært møte (KL § 11-8 (3))."""
    from domain.commands.votes import defer_to_ordinary
    from flows.cli import _finish_case_action

    with command(json_output, flows=True) as s:
        s.run(defer_to_ordinary, actor, number, members=_people(members),
              view=lambda uow, t: None)
        _finish_case_action(s, {"number": number}, "Utsett til ordinært møte")


# -- written handling ------------------------------------------------------------------------

@written_app.command("start")
def written_start(
    number: CaseArg,
    answer_by: Annotated[str, typer.Option("--answer-by", help="Svarfrist (ÅÅÅÅ-MM-DD).")],
    proposal: Annotated[str | None, typer.Option("--proposal", help="Framlegget (standard: "
                                                 "tilrådinga).")] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Send ei hastesak til skriftleg handsaming i regionrådet."""
    from domain.commands.written import start_written
    from domain.queries.written import written_view
    from flows.app import parse_date
    from flows.output import render_written

    due = parse_date(answer_by, "answer-by")
    with command(json_output) as s:
        s.run(start_written, actor, number, proposal=proposal or "", answer_by=due,
              view=lambda uow, h: None)
        s.emit(s.read(lambda uow: written_view(uow, number)), render_written)


@written_app.command("answer")
def written_answer(
    number: CaseArg,
    person: Annotated[str, typer.Option("--person", help="Medlemen som svarar.")],
    proposal: Annotated[str, typer.Option("--proposal", help="ja/nei til framlegget.")],
    written: Annotated[str, typer.Option("--written", help="ja/nei til skriftleg handsaming.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Før eit medlem sitt svar. Eitt nei, og saka går til møte."""
    from domain.commands.written import answer_written
    from domain.queries.written import written_view
    from flows.output import render_written

    agrees = _yes_no(proposal, "--proposal")
    in_writing = _yes_no(written, "--written")
    with command(json_output, flows=True) as s:
        s.run(answer_written, actor, number, person, agrees_proposal=agrees,
              agrees_written=in_writing, view=lambda uow, h: None)
        data = s.read(lambda uow: written_view(uow, number))
        data["engine"] = s.follow(number)
        s.emit(data, render_written)


@written_app.command("show")
def written_show(number: CaseArg, actor: AsOpt = None, json_output: JsonOpt = False) -> None:
    """Vis den skriftlege handsaminga: framlegg, svarfrist og svara. Utan --as: den offentlege
    utgåva (framlegget i ei unnateken sak vert ikkje vist)."""
    from domain.queries.cases import case_audience
    from domain.queries.written import written_view
    from flows.output import render_written

    with command(json_output) as s:
        s.emit(s.read(lambda uow: written_view(
            uow, number, case_audience(uow, actor, uow.case(number)))), render_written)


# -- minutes and follow-up ---------------------------------------------------------------------

@app.command("minutes")
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
        meeting = uow.meeting(ref)
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


@followup_app.command("list")
def followup_list(
    body: Annotated[str | None, typer.Option("--body", help="Berre vedtak i dette organet.")
                    ] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Oppfølgingslista: kva er vedteke, kven følgjer opp, innan når, og kva er gjort."""
    from domain.queries.followup import followup_list as query
    from domain.queries.format import INTERNAL, PUBLIC
    from flows.output import render_followups

    with command(json_output) as s:
        audience = INTERNAL if actor else PUBLIC
        if actor:
            s.read(lambda uow: uow.actor(actor))
        s.emit(s.read(query, body=body, audience=audience), render_followups)


@followup_app.command("assign")
def followup_assign(
    number: CaseArg,
    owner: Annotated[str | None, typer.Option("--owner", help="Ansvarleg (kommunedirektør "
                                              "eller dagleg leiar).")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Frist (ÅÅÅÅ-MM-DD).")] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Gje oppfølginga av eit vedtak ein ansvarleg og ein frist."""
    from domain.commands.followup import assign_followup
    from domain.queries.cases import case_summary
    from flows.app import parse_date
    from flows.cli import _finish_case_action

    day = parse_date(due, "due") if due else None
    with command(json_output, flows=True) as s:
        data = s.run(assign_followup, actor, number, owner=owner, due=day, view=case_summary)
        _finish_case_action(s, data, "Oppfølging sett")


@followup_app.command("done")
def followup_done(
    number: CaseArg,
    note: Annotated[str, typer.Option("--note", help="Kva som er gjort.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Meld vedtaket sett i verk: saka vert avslutta."""
    from domain.commands.cases import close_case
    from domain.queries.cases import case_summary
    from flows.cli import _finish_case_action

    with command(json_output, flows=True) as s:
        data = s.run(close_case, actor, number, reason=note, view=case_summary)
        _finish_case_action(s, data, "Sett i verk")
