"""``tingflyt followup ...``: the follow-up of decisions."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import AsOpt, CaseArg, JsonOpt, command, finish_case_action

app = typer.Typer(no_args_is_help=True, help="Oppfølging av vedtak.")


@app.command("list")
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
            s.read_rows(lambda uow: uow.people.actor(actor))
        s.emit(s.read_rows(query, body=body, audience=audience), render_followups)


@app.command("assign")
def followup_assign(
    number: CaseArg,
    owner: Annotated[str | None, typer.Option("--owner", help="Ansvarleg (kommunedirektør "
                                              "eller dagleg leiar).")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Frist (ÅÅÅÅ-MM-DD).")] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Gje oppfølginga av eit vedtak ein ansvarleg og ein frist."""
    from domain.queries.cases import case_summary

    with command(json_output, flows=True) as s:
        data = s.run("followup.assign", actor, view=case_summary, case=number, owner=owner,
                     due=due)
        finish_case_action(s, data, "Oppfølging sett")


@app.command("done")
def followup_done(
    number: CaseArg,
    note: Annotated[str, typer.Option("--note", help="Kva som er gjort.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Meld vedtaket sett i verk: saka vert avslutta."""
    from domain.queries.cases import case_summary

    with command(json_output, flows=True) as s:
        data = s.run("followup.done", actor, view=case_summary, case=number, note=note)
        finish_case_action(s, data, "Sett i verk")
