"""``tingflyt meeting ...``: the meeting plan, extra and urgent meetings, notices, agendas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from flows.cli.common import AsOpt, JsonOpt, MeetingArg, check_out, command, rendered, write_out

app = typer.Typer(no_args_is_help=True, help="Møteplan, ekstra møte og sakslister.")


@app.command("plan")
def meeting_plan(
    body: Annotated[str | None, typer.Option("--body", help="Berre dette organet.")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Frå dato (ÅÅÅÅ-MM-DD).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Til dato (ÅÅÅÅ-MM-DD).")] = None,
    json_output: JsonOpt = False,
) -> None:
    """Vis møteplanen med innkallingsdatoar og fristar for saksutgreiing."""
    from domain.queries.meetings import meeting_list
    from flows.app import parse_date
    from flows.output import render_plan

    start = parse_date(from_, "from") if from_ else None
    end = parse_date(to, "to") if to else None
    with command(json_output) as s:
        s.emit(s.read(meeting_list, body=body, start=start, end=end), render_plan)


@app.command("add")
def meeting_add(
    body: Annotated[str, typer.Option("--body", help="Organ-id, t.d. council.")],
    date_: Annotated[str, typer.Option("--date", help="Møtedato (ÅÅÅÅ-MM-DD).")],
    start: Annotated[str | None, typer.Option("--start", help="Starttid TT:MM.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Sluttid TT:MM.")] = None,
    place: Annotated[str | None, typer.Option("--place", help="Møtestad.")] = None,
    remote: Annotated[bool, typer.Option("--remote", help="Fjernmøte (KL § 11-7).")] = False,
    urgent: Annotated[bool, typer.Option(
        "--urgent", help="Hastefjernmøte med kortare varsel (KL § 11-8 (3)).")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Kvifor møtet trengst.")] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Legg til eit ekstra møte (vanleg varsel) eller eit hastefjernmøte."""
    from domain.queries.meetings import meeting_summary
    from flows.output import render_meeting_added

    with command(json_output, flows=True) as s:
        data = s.run("meeting.add", actor, view=meeting_summary, body=body, date=date_,
                     start=start, end=end, place=place, remote=remote, urgent=urgent,
                     reason=reason)
        if s.follows.sweep:  # waiting and urgent cases may now have a place
            s.sweep()
        s.emit(data, render_meeting_added)


@app.command("show")
def meeting_show(
    ref: MeetingArg,
    public: Annotated[bool, typer.Option("--public", help="Vis det ålmenta ser.")] = False,
    html: Annotated[bool, typer.Option(
        "--html", help="Sakslista som HTML-dokument (utan --out: skriv det ut).")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Skriv sakslista til fil (tekst, eller HTML med --html).")] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Vis eit møte med sakslista (utvalssaksnummer når innkallinga er sendt). Med --html
    eller --out: sakslista som dokument, slik ho skal kunngjerast (kommunelova § 11-3)."""
    from domain.queries.cases import audience_for
    from domain.queries.format import PUBLIC
    from domain.queries.meetings import meeting_detail
    from domain.queries.organisation import org_view
    from flows.output import render_meeting

    if out is not None:
        check_out(out)  # a missing folder is refused before any work is done
    document = html or out is not None

    def detail(uow: Any) -> dict[str, Any]:
        meeting = uow.meetings.get(ref)
        audience = PUBLIC if public else audience_for(uow, actor, [meeting.body_id])
        return {"meeting": meeting_detail(uow, meeting, audience), "audience": audience,
                "council": org_view(uow)["council"] if document else None}

    with command(json_output) as s:
        data = s.read(detail)
        if s.json and out is not None:
            write_out(out, json.dumps(rendered(data["meeting"]), ensure_ascii=False, indent=2,
                                      default=str) + "\n")
            print(json.dumps({"written": str(out)}, ensure_ascii=False))
        elif s.json or not document:
            s.emit(data["meeting"], render_meeting)
        else:
            _agenda_document(data, html=html, out=out)


def _agenda_document(data: dict[str, Any], *, html: bool, out: Path | None) -> None:
    """The agenda (saksliste) as the document that is sent and announced: text or HTML, for
    the audience the reader may read (``--public``: what the public reads)."""
    from domain.queries.format import PUBLIC
    from notifications.agenda import render_agenda_html, render_agenda_text

    render = render_agenda_html if html else render_agenda_text
    text = render(data["meeting"], data["council"], internal=data["audience"] != PUBLIC)
    if out is not None:
        write_out(out, text)
        print(f"Sakslista er skriven til {out}.")
    else:
        print(text, end="")


@app.command("notice")
def meeting_notice(ref: MeetingArg, actor: AsOpt = None, json_output: JsonOpt = False) -> None:
    """Send innkallinga no: frys og nummerer sakslista før innkallingsdagen."""
    from domain.queries.meetings import meeting_detail
    from flows.output import render_meeting

    with command(json_output) as s:
        s.emit(s.run("meeting.notice", actor, view=meeting_detail, meeting=ref), render_meeting)


@app.command("cancel")
def meeting_cancel(
    ref: MeetingArg,
    reason: Annotated[str, typer.Option("--reason", help="Kvifor møtet vert avlyst.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Avlys eit møte: sakene på sakslista går til neste møte."""
    from domain.queries.meetings import meeting_summary
    from flows.output import render_meeting_cancelled

    with command(json_output, flows=True) as s:
        data = s.run("meeting.cancel", actor, view=meeting_summary, meeting=ref, reason=reason)
        # the cases find their next meeting
        data["engine"] = s.sweep() if s.follows.sweep else {}
        s.emit(data, render_meeting_cancelled)


@app.command("send-minutes")
def meeting_send_minutes(
    ref: MeetingArg,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Send møteboka til medlemene når alle utfalla er førte (ho vert godkjend i neste møte)."""
    from domain.queries.meetings import meeting_summary
    from flows.app import deliver
    from flows.output import render_dispatch

    with command(json_output) as s:
        data = s.run("meeting.send_minutes", actor, view=meeting_summary, meeting=ref)
        data["outbox"] = deliver(s.engine, s.clock)
        if s.json:
            s.emit(data, render_dispatch)
        else:
            print(f"Møteboka for {data['ref']} er send.")
            render_dispatch(data["outbox"])


@app.command("change")
def meeting_change(
    ref: MeetingArg,
    start: Annotated[str | None, typer.Option("--start", help="Ny starttid TT:MM.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Ny sluttid TT:MM.")] = None,
    place: Annotated[str | None, typer.Option("--place", help="Ny møtestad.")] = None,
    remote: Annotated[bool | None, typer.Option(
        "--remote/--in-person", help="Fjernmøte (KL § 11-7), eller fysisk møte.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Kvifor det vert endra.")
                      ] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Endre tid, stad eller fjernmøte same dagen; etter innkallinga får alle ei endra
    innkalling."""
    from domain.queries.meetings import meeting_summary
    from flows.app import deliver
    from flows.output import render_dispatch

    with command(json_output) as s:
        data = s.run("meeting.change", actor, view=meeting_summary, meeting=ref, start=start,
                     end=end, place=place, remote=remote, reason=reason)
        data["outbox"] = deliver(s.engine, s.clock)
        if s.json:
            s.emit(data, render_dispatch)
        else:
            print(f"Møtet {data['ref']} er endra: kl. {data['starts_at'][11:16]}-"
                  f"{data['ends_at'][11:16]}, "
                  + ("fjernmøte" if data["remote"] else data["place"] or "stad kjem seinare")
                  + ".")
            render_dispatch(data["outbox"])
