"""``tingflyt case ...``: register, recommend, place, withdraw, outcomes, close, show, list, and
the cases taken up, demanded or deferred in a meeting."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from flows.cli.common import (
    AsOpt,
    CaseArg,
    JsonOpt,
    MeetingArg,
    VersionOpt,
    command,
    finish_case_action,
    people,
)

app = typer.Typer(no_args_is_help=True, help="Saker: registrere, tilrå, setje på saksliste, "
                  "vedta, trekkje, vise.")


def _summary(uow: Any, case: Any) -> Any:
    from domain.queries.cases import case_summary

    return case_summary(uow, case)


@app.command("register")
def case_register(
    title: Annotated[str, typer.Option("--title", help="Sakstittel.")],
    kind: Annotated[str, typer.Option(
        "--kind", help="ordinary, budget, strategic_plan, annual_report, committee, "
        "fund_allocation, statement, information.")] = "ordinary",
    description: Annotated[str | None, typer.Option("--description")] = None,
    principled: Annotated[bool, typer.Option("--principled", help="Prinsipiell sak.")] = False,
    exempt: Annotated[str | None, typer.Option(
        "--exempt", help="Unnateken offentlegheit, med heimel (t.d. \"offl. § 13 jf. fvl. "
        "§ 13 første ledd nr. 1\").")] = None,
    public_title: Annotated[str | None, typer.Option(
        "--public-title", help="Nøytral tittel for ålmenta (unnatekne saker).")] = None,
    deadline: Annotated[str | None, typer.Option(
        "--deadline", help="Ekstern frist for vedtak (ÅÅÅÅ-MM-DD).")] = None,
    body: Annotated[str | None, typer.Option(
        "--body", help="Organ som skal avgjere, der sakstypen tillét val.")] = None,
    origin: Annotated[str | None, typer.Option(
        "--origin", help="director, admin_committee eller municipality:<id> (for "
        "sekretariatet).")] = None,
    lead: Annotated[str | None, typer.Option("--lead", help="Ansvarleg for utgreiinga.")] = None,
    aim: Annotated[str | None, typer.Option(
        "--aim", help="Møtet utgreiinga skal sikte mot, om ikkje det neste (t.d. "
        "RR-2026-11-12).")] = None,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Registrer ei sak: saksnummer, type, organ som avgjer, flagg og frist."""
    from domain.errors import InvalidInput

    municipality = None
    if origin is not None and origin.startswith("municipality:"):
        origin, municipality = "municipality", origin.split(":", 1)[1]
    elif origin not in (None, "director", "admin_committee"):
        raise InvalidInput(f"Ukjend opphav «{origin}».",
                           "Bruk director, admin_committee eller municipality:<kommune-id>.",
                           field="origin")
    with command(json_output, flows=True) as s:
        data = s.run("case.register", actor, view=_summary, title=title, kind=kind,
                     description=description, principled=principled, exempt=exempt,
                     public_title=public_title, deadline=deadline, body=body, origin=origin,
                     municipality=municipality, lead=lead, aim=aim)
        finish_case_action(s, data, "Registrert")


@app.command("recommend")
def case_recommend(
    number: CaseArg,
    text: Annotated[str, typer.Option("--text", help="Tilrådinga (innstillinga).")],
    actor: AsOpt = None,
    expect_version: VersionOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Legg fram tilråding: utgreiinga er ferdig (kommunedirektør eller dagleg leiar)."""
    with command(json_output, flows=True) as s:
        data = s.run("case.recommend", actor, view=_summary, case=number, text=text,
                     expect_version=expect_version)
        finish_case_action(s, data, "Tilrådd")


@app.command("place")
def case_place(
    number: CaseArg,
    meeting: Annotated[str | None, typer.Option(
        "--meeting", help="Møte å setje saka på eller flytte til (t.d. RR-2026-10-22).")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Ta saka av sakslista.")] = False,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    actor: AsOpt = None,
    expect_version: VersionOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Set saka på sakslista, flytt henne, eller ta henne av (før innkallinga er sendt)."""
    with command(json_output, flows=True) as s:
        data = s.run("case.place", actor, view=_summary, case=number, meeting=meeting,
                     remove=remove, reason=reason, expect_version=expect_version)
        finish_case_action(s, data, "Teken av sakslista" if remove else "Sett på sakslista")


@app.command("withdraw")
def case_withdraw(
    number: CaseArg,
    reason: Annotated[str, typer.Option("--reason", help="Kvifor saka vert trekt.")],
    actor: AsOpt = None,
    expect_version: VersionOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Trekk saka (sekretariatet eller den som la henne fram)."""
    with command(json_output, flows=True) as s:
        data = s.run("case.withdraw", actor, view=_summary, case=number, reason=reason,
                     expect_version=expect_version)
        finish_case_action(s, data, "Trekt")


@app.command("decide")
def case_decide(
    number: CaseArg,
    outcome: Annotated[str, typer.Option(
        "--outcome", help="postponed, sent_back, withdrawn, eller taken_for_information for "
        "referatsaker; referred med --without-recommendation. Vedtak vert førte med "
        "`tingflyt vote`.")],
    text: Annotated[str | None, typer.Option("--text", help="Grunngjeving eller merknad.")
                    ] = None,
    without_recommendation: Annotated[bool, typer.Option(
        "--without-recommendation", help="Send saka vidare til organet som avgjer, utan "
        "innstilling (med --outcome referred).")] = False,
    actor: AsOpt = None,
    expect_version: VersionOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Før eit utfall som ikkje er vedtak: utsett, sendt attende, trekt, teke til orientering,
    eller send vidare utan innstilling."""
    with command(json_output, flows=True) as s:
        s.run("case.decide", actor, case=number, outcome=outcome, text=text,
              without_recommendation=without_recommendation, expect_version=expect_version)
        finish_case_action(s, {"number": number}, "Handsama")


@app.command("close")
def case_close(
    number: CaseArg,
    reason: Annotated[str, typer.Option("--reason", help="Kva som er gjort.")],
    actor: AsOpt = None,
    expect_version: VersionOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Avslutt ei sak under effektuering når vedtaket er sett i verk."""
    with command(json_output, flows=True) as s:
        data = s.run("case.close", actor, view=_summary, case=number, reason=reason,
                     expect_version=expect_version)
        finish_case_action(s, data, "Avslutta")


@app.command("show")
def case_show(number: CaseArg, actor: AsOpt = None, json_output: JsonOpt = False) -> None:
    """Vis saka med heile sporet: kven gjorde kva, når og kvifor."""
    from domain.queries.cases import case_audience, case_detail
    from flows.output import render_case

    def detail(uow: Any) -> dict[str, Any]:
        case = uow.cases.get(number)
        return case_detail(uow, case, case_audience(uow, actor, case))

    with command(json_output) as s:
        s.emit(s.read_rows(detail), render_case)


@app.command("list")
def case_list(
    state: Annotated[str | None, typer.Option("--state", help="Berre saker i denne "
                                              "tilstanden.")] = None,
    body: Annotated[str | None, typer.Option("--body", help="Berre saker hos dette "
                                             "organet.")] = None,
    urgent: Annotated[bool, typer.Option("--urgent", help="Berre hastesaker.")] = False,
    open_only: Annotated[bool, typer.Option("--open", help="Berre opne saker.")] = False,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """List sakene (saksliste for sekretariatet)."""
    from domain.queries.cases import case_list as query
    from flows.output import render_case_list

    with command(json_output) as s:
        s.emit(s.read_rows(query, state=state, body=body, urgent=urgent, open_only=open_only,
                           actor_id=actor), render_case_list)


@app.command("reconcile")
def case_reconcile(number: CaseArg, json_output: JsonOpt = False) -> None:
    """Køyr saksflyten for ei sak: gjer alt som er forfalle til eit menneske trengst."""
    from flows.output import render_engine

    with command(json_output, flows=True) as s:
        s.read(lambda uow: uow.cases.get(number))
        s.emit({"case": number, **s.follow(number)}, render_engine)


@app.command("take-up")
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
    with command(json_output, flows=True) as s:
        s.run("case.take_up", actor, case=number, meeting=ref, objecting=people(objecting),
              chair_objects=chair_objects)
        finish_case_action(s, {"number": number}, "Teken opp utanfor sakslista")


@app.command("demand")
def case_demand(
    number: CaseArg,
    ref: MeetingArg,
    members: Annotated[str, typer.Option("--members", help="Medlemene som krev det.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Ein tredjedel av medlemene krev saka sett på sakslista (kommunelova § 11-3)."""
    with command(json_output, flows=True) as s:
        target = s.run("case.demand", actor, view=lambda uow, m: m.ref, case=number,
                       meeting=ref, members=people(members))
        finish_case_action(s, {"number": number}, f"Sett på sakslista til {target} etter krav")


@app.command("defer")
def case_defer(
    number: CaseArg,
    members: Annotated[str, typer.Option("--members", help="Medlemene som krev at saka ventar.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Hastefjernmøte: ein tredjedel krev at saka ventar på ordinært møte (KL § 11-8 (3))."""
    with command(json_output, flows=True) as s:
        s.run("case.defer", actor, case=number, members=people(members))
        finish_case_action(s, {"number": number}, "Utsett til ordinært møte")
