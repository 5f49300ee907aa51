"""``tingflyt written ...``: written handling in the council (KL § 11-8 (2))."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import AsOpt, CaseArg, JsonOpt, command, yes_no

app = typer.Typer(no_args_is_help=True, help="Skriftleg handsaming (KL § 11-8 (2)).")


@app.command("start")
def written_start(
    number: CaseArg,
    answer_by: Annotated[str, typer.Option("--answer-by", help="Svarfrist (ÅÅÅÅ-MM-DD).")],
    proposal: Annotated[str | None, typer.Option("--proposal", help="Framlegget (standard: "
                                                 "tilrådinga).")] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Send ei hastesak til skriftleg handsaming i regionrådet."""
    from domain.queries.written import written_view
    from flows.output import render_written

    with command(json_output) as s:
        s.run("written.start", actor, case=number, proposal=proposal, answer_by=answer_by)
        s.emit(s.read(lambda uow: written_view(uow, number)), render_written)


@app.command("answer")
def written_answer(
    number: CaseArg,
    person: Annotated[str, typer.Option("--person", help="Medlemen som svarar.")],
    proposal: Annotated[str, typer.Option("--proposal", help="ja/nei til framlegget.")],
    written: Annotated[str, typer.Option("--written", help="ja/nei til skriftleg handsaming.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Før eit medlem sitt svar. Eitt nei, og saka går til møte."""
    from domain.queries.written import written_view
    from flows.output import render_written

    agrees = yes_no(proposal, "--proposal")
    in_writing = yes_no(written, "--written")
    with command(json_output, flows=True) as s:
        s.run("written.answer", actor, case=number, person=person, proposal=agrees,
              written=in_writing)
        data = s.read(lambda uow: written_view(uow, number))
        data["engine"] = s.follow(number)
        s.emit(data, render_written)


@app.command("show")
def written_show(number: CaseArg, actor: AsOpt = None, json_output: JsonOpt = False) -> None:
    """Vis den skriftlege handsaminga: framlegg, svarfrist og svara. Utan --as: den offentlege
    utgåva (framlegget i ei unnateken sak vert ikkje vist)."""
    from domain.queries.cases import case_audience
    from domain.queries.written import written_view
    from flows.output import render_written

    with command(json_output) as s:
        s.emit(s.read(lambda uow: written_view(
            uow, number, case_audience(uow, actor, uow.cases.get(number)))), render_written)
