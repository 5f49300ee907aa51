"""``tingflyt``: the staff's command line.

Every command takes ``--json`` (stable fields, see README) and the global ``--now`` clock
override; commands that change something take ``--as <person-id>`` (or ``TINGFLYT_AS``) and
check that person's roles. Wrong input prints one line naming the problem and the fix, exits
non-zero and writes nothing.

Exit codes: 0 done; 1 refused by a rule or the case's state; 2 bad input or unknown name;
3 conflict with a simultaneous change (try again); 4 not allowed for this person;
5 configuration or database not ready.

This module imports only typer at load time, so ``tingflyt --help`` stays fast; the engine,
SQLAlchemy and Prefect are imported inside the commands that need them.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    name="tingflyt", no_args_is_help=True, add_completion=False,
    pretty_exceptions_enable=False, rich_markup_mode=None,
    help="Sakshandsaming for interkommunale politiske råd: saker, møte, frister og flyt.")
org_app = typer.Typer(no_args_is_help=True, help="Organisasjonen: råd, organ og medlemer.")
meeting_app = typer.Typer(no_args_is_help=True, help="Møteplan, ekstra møte og sakslister.")
case_app = typer.Typer(no_args_is_help=True, help="Saker: registrere, tilrå, setje på "
                       "saksliste, vedta, trekkje, vise.")
app.add_typer(org_app, name="org")
app.add_typer(meeting_app, name="meeting")
app.add_typer(case_app, name="case")

_json_mode: ContextVar[bool] = ContextVar("json_mode", default=False)
_now: ContextVar[Any] = ContextVar("now", default=None)

JsonOpt = Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON.")]
AsOpt = Annotated[str | None, typer.Option(
    "--as", envvar="TINGFLYT_AS", help="Kven du er: person-id frå `tingflyt org show`.")]
VersionOpt = Annotated[int | None, typer.Option(
    "--expect-version", help="Gjer det berre om saka framleis har denne versjonen "
    "(frå `case show`).")]


@app.callback()
def main_options(
    now: Annotated[str | None, typer.Option(
        "--now", help="Køyr som om klokka var dette (ÅÅÅÅ-MM-DD eller \"ÅÅÅÅ-MM-DD TT:MM\", "
        "Europe/Oslo).")] = None,
) -> None:
    """Sakshandsaming for interkommunale politiske råd."""
    if now is not None:
        from flows.app import parse_now

        _now.set(parse_now(now))


# -- plumbing -------------------------------------------------------------------------------

class Session:
    """What one command needs: the engine, the clock and the output mode."""

    def __init__(self, json_output: bool, *, need_schema: bool = True,
                 flows: bool = False) -> None:
        from flows.app import clock_for, database_url, engine_for

        self.json = json_output
        # Decide (and check the Prefect API) before anything is written, not after.
        self.prefect = _use_prefect() if flows else False
        self.url = database_url()
        self.engine = engine_for(self.url)
        self.clock = clock_for(_now.get())
        if need_schema:
            from domain.store.db import require_schema

            require_schema(self.engine)

    def run(self, fn: Any, actor: str | None, *args: Any, view: Any = None,
            **kwargs: Any) -> Any:
        from flows.app import run

        return run(self.engine, self.clock, fn, actor, *args, view=view, **kwargs)

    def read(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        from flows.app import read

        return read(self.engine, self.clock, fn, *args, **kwargs)

    def follow(self, number: str) -> dict[str, Any]:
        """After a staff action: let the engine carry the case on (the case flow)."""
        return carry_case(self.engine, self.clock, number, prefect=self.prefect)

    def sweep(self) -> dict[str, Any]:
        """Run the sweep flow: through Prefect when an API is configured, else here."""
        if self.prefect:
            from flows.prefect_flows import quick_runs, sweep_flow

            with quick_runs():
                report = sweep_flow(self.clock.now() if _now.get() is not None else None)
            return {**report, "via": "prefect"}
        from domain.engine.sweep import sweep

        return {**sweep(self.engine, self.clock).as_dict(), "via": "direct"}

    def emit(self, data: Any, render: Any) -> None:
        if self.json:
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            render(data)


def _use_prefect() -> bool:
    """Flows run through Prefect when an API is configured (or TINGFLYT_FLOWS=prefect)."""
    mode = os.environ.get("TINGFLYT_FLOWS", "auto")
    if mode not in ("auto", "direct", "prefect"):
        from domain.errors import InvalidInput

        raise InvalidInput(f"TINGFLYT_FLOWS={mode} er ukjend.",
                           "Bruk auto, direct eller prefect.", field="TINGFLYT_FLOWS")
    url = os.environ.get("PREFECT_API_URL")
    if mode == "direct" or (mode == "auto" and not url):
        return False
    from flows.runtime import PrefectUnavailable, require_api

    if not url:
        raise PrefectUnavailable("TINGFLYT_FLOWS=prefect, men PREFECT_API_URL er ikkje sett. "
                                 "Start Prefect med `make serve` og set URL-en han skriv ut.")
    require_api(url)
    return True


def carry_case(engine: Any, clock: Any, number: str, *, prefect: bool) -> dict[str, Any]:
    """Run the case flow: through Prefect when an API is configured, else in this process."""
    if prefect:
        from flows.prefect_flows import case_flow, quick_runs

        now = clock.now() if _now.get() is not None else None
        with quick_runs():
            done = case_flow(number, now)
        return {"via": "prefect", "done": done}
    from domain.engine.reconcile import reconcile

    return {"via": "direct", "done": reconcile(engine, clock, number)}


@contextlib.contextmanager
def command(json_output: bool, *, need_schema: bool = True,
            flows: bool = False) -> Iterator[Session]:
    _json_mode.set(json_output)
    yield Session(json_output, need_schema=need_schema, flows=flows)


# -- init and org ---------------------------------------------------------------------------

@app.command("init")
def init(
    org: Annotated[Path | None, typer.Option(
        "--org", help="Organisasjonsfila (standard: TINGFLYT_ORG_FILE eller "
        "config/hallingdal.toml).")] = None,
    json_output: JsonOpt = False,
) -> None:
    """Lag eller oppgrader databasen og les inn organisasjonsfila (kan køyrast fleire gonger)."""
    from config.organisation import load_organisation
    from domain.commands import organisation as org_service
    from domain.store.schema import upgrade
    from domain.store.uow import UnitOfWork
    from flows.app import settings
    from flows.output import render_init

    with command(json_output, need_schema=False) as s:
        path = org or _default_org_file(s.engine, settings())
        loaded = load_organisation(path)
        revision = upgrade(s.engine)
        with UnitOfWork(s.engine, s.clock) as uow:
            report = org_service.load_organisation(uow, loaded)
            uow.commit()
        data = {**report.as_dict(), "database": s.engine.url.render_as_string(
            hide_password=True), "schema_revision": revision, "org_file": str(path)}
        s.emit(data, render_init)


def _default_org_file(engine: Any, config: Any) -> Path:
    """Without --org: TINGFLYT_ORG_FILE if set, else the file this database was loaded from,
    else Hallingdal's."""
    if "org_file" in config.model_fields_set:
        return Path(config.org_file)
    from sqlalchemy import inspect, select
    from sqlalchemy.exc import DBAPIError

    from domain.store.db import sqlite_file
    from domain.store.tables import CouncilRecord

    path = sqlite_file(engine)
    if path is None or path.exists():
        try:
            if inspect(engine).has_table("council"):
                with engine.connect() as connection:
                    source = connection.execute(select(CouncilRecord.source)).scalar()
                if source and Path(source).exists():
                    return Path(source)
        except DBAPIError:
            pass  # init reports a database it cannot reach itself, in one line
    return Path(config.org_file)


@org_app.command("show")
def org_show(json_output: JsonOpt = False) -> None:
    """Vis rådet: kommunar, organ, medlemer og varamedlemer i rekkjefølgje."""
    from domain.queries.organisation import org_view
    from flows.output import render_org

    with command(json_output) as s:
        s.emit(s.read(org_view), render_org)


# -- meetings -------------------------------------------------------------------------------

@meeting_app.command("plan")
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


@meeting_app.command("add")
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
    from domain.commands.meetings import add_meeting
    from domain.queries.meetings import meeting_summary
    from flows.app import parse_date, parse_time
    from flows.output import render_meeting_added

    day = parse_date(date_, "date")
    start_t = parse_time(start, "start") if start else None
    end_t = parse_time(end, "end") if end else None
    with command(json_output, flows=True) as s:
        data = s.run(add_meeting, actor, body_id=body, day=day, start=start_t, end=end_t,
                     place=place, remote=remote, urgent=urgent, reason=reason,
                     view=meeting_summary)
        s.sweep()  # waiting and urgent cases may now have a place
        s.emit(data, render_meeting_added)


@meeting_app.command("show")
def meeting_show(
    ref: Annotated[str, typer.Argument(metavar="MØTE", help="Møte, t.d. RR-2026-09-24.")],
    public: Annotated[bool, typer.Option("--public", help="Vis det ålmenta ser.")] = False,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Vis eit møte med sakslista (utvalssaksnummer når innkallinga er sendt)."""
    from domain.queries.cases import audience_for
    from domain.queries.format import PUBLIC
    from domain.queries.meetings import meeting_detail
    from flows.output import render_meeting

    def detail(uow: Any) -> dict[str, Any]:
        meeting = uow.meeting(ref)
        audience = PUBLIC if public else audience_for(uow, actor, [meeting.body_id])
        return meeting_detail(uow, meeting, audience)

    with command(json_output) as s:
        s.emit(s.read(detail), render_meeting)


@meeting_app.command("notice")
def meeting_notice(
    ref: Annotated[str, typer.Argument(metavar="MØTE", help="Møte, t.d. RR-2026-09-24.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Send innkallinga no: frys og nummerer sakslista før innkallingsdagen."""
    from domain.commands.meetings import issue_notice
    from domain.queries.meetings import meeting_detail
    from flows.output import render_meeting

    with command(json_output) as s:
        s.emit(s.run(issue_notice, actor, ref, view=meeting_detail), render_meeting)


@meeting_app.command("cancel")
def meeting_cancel(
    ref: Annotated[str, typer.Argument(metavar="MØTE", help="Møte, t.d. RR-2026-09-24.")],
    reason: Annotated[str, typer.Option("--reason", help="Kvifor møtet vert avlyst.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Avlys eit møte: sakene på sakslista går til neste møte."""
    from domain.commands.meetings import cancel_meeting
    from domain.queries.meetings import meeting_summary
    from flows.output import render_meeting_cancelled

    with command(json_output, flows=True) as s:
        data = s.run(cancel_meeting, actor, ref, reason=reason, view=meeting_summary)
        data["engine"] = s.sweep()  # the cases find their next meeting
        s.emit(data, render_meeting_cancelled)


# -- cases ----------------------------------------------------------------------------------

@case_app.command("register")
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
    from domain.commands.cases import register_case
    from domain.queries.cases import case_summary
    from flows.app import parse_date

    due = parse_date(deadline, "deadline") if deadline else None
    with command(json_output, flows=True) as s:
        data = s.run(register_case, actor, title=title, kind=kind, description=description,
                     principled=principled, exempt=exempt, public_title=public_title,
                     external_deadline=due, body_id=body, origin=origin, lead_id=lead,
                     aim_meeting=aim, view=case_summary)
        _finish_case_action(s, data, "Registrert")


def _finish_case_action(s: Session, data: dict[str, Any], verb: str,
                        extra: dict[str, Any] | None = None) -> None:
    from domain.queries.cases import case_summary
    from flows.output import render_case_action

    follow = s.follow(data["number"])
    after = s.read(lambda uow: case_summary(uow, uow.case(data["number"])))
    s.emit({"action": verb, "case": after, "engine": follow, **(extra or {})},
           render_case_action)


@case_app.command("recommend")
def case_recommend(
    number: Annotated[str, typer.Argument(metavar="SAKSNUMMER", help="Saksnummer, t.d. 2026/17.")],
    text: Annotated[str, typer.Option("--text", help="Tilrådinga (innstillinga).")],
    actor: AsOpt = None,
    expect_version: VersionOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Legg fram tilråding: utgreiinga er ferdig (kommunedirektør eller dagleg leiar)."""
    from domain.commands.cases import recommend_case
    from domain.queries.cases import case_summary

    with command(json_output, flows=True) as s:
        data = s.run(recommend_case, actor, number, text=text, expected_version=expect_version,
                     view=case_summary)
        _finish_case_action(s, data, "Tilrådd")


@case_app.command("place")
def case_place(
    number: Annotated[str, typer.Argument(metavar="SAKSNUMMER", help="Saksnummer, t.d. 2026/17.")],
    meeting: Annotated[str | None, typer.Option(
        "--meeting", help="Møte å setje saka på eller flytte til (t.d. RR-2026-10-22).")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Ta saka av sakslista.")] = False,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    actor: AsOpt = None,
    expect_version: VersionOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Set saka på sakslista, flytt henne, eller ta henne av (før innkallinga er sendt)."""
    from domain.commands.cases import place_case
    from domain.queries.cases import case_summary

    with command(json_output, flows=True) as s:
        data = s.run(place_case, actor, number, meeting_ref=meeting, remove=remove,
                     reason=reason, expected_version=expect_version, view=case_summary)
        _finish_case_action(s, data, "Teken av sakslista" if remove else "Sett på sakslista")


@case_app.command("withdraw")
def case_withdraw(
    number: Annotated[str, typer.Argument(metavar="SAKSNUMMER", help="Saksnummer, t.d. 2026/17.")],
    reason: Annotated[str, typer.Option("--reason", help="Kvifor saka vert trekt.")],
    actor: AsOpt = None,
    expect_version: VersionOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Trekk saka (sekretariatet eller den som la henne fram)."""
    from domain.commands.cases import withdraw_case
    from domain.queries.cases import case_summary

    with command(json_output, flows=True) as s:
        data = s.run(withdraw_case, actor, number, reason=reason,
                     expected_version=expect_version, view=case_summary)
        _finish_case_action(s, data, "Trekt")


@case_app.command("decide")
def case_decide(
    number: Annotated[str, typer.Argument(metavar="SAKSNUMMER", help="Saksnummer, t.d. 2026/17.")],
    outcome: Annotated[str, typer.Option(
        "--outcome", help="postponed, sent_back, withdrawn, eller taken_for_information for "
        "referatsaker. Vedtak vert førte med `tingflyt vote`.")],
    text: Annotated[str | None, typer.Option("--text", help="Grunngjeving eller merknad.")
                    ] = None,
    actor: AsOpt = None,
    expect_version: VersionOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Før eit utfall som ikkje er vedtak: utsett, sendt attende, trekt, teke til orientering."""
    from domain.commands.cases import record_outcome

    with command(json_output, flows=True) as s:
        s.run(record_outcome, actor, number, outcome=outcome, text=text,
              expected_version=expect_version, view=lambda uow, t: None)
        _finish_case_action(s, {"number": number}, "Handsama")


@case_app.command("close")
def case_close(
    number: Annotated[str, typer.Argument(metavar="SAKSNUMMER", help="Saksnummer, t.d. 2026/17.")],
    reason: Annotated[str, typer.Option("--reason", help="Kva som er gjort.")],
    actor: AsOpt = None,
    expect_version: VersionOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Avslutt ei sak under effektuering når vedtaket er sett i verk."""
    from domain.commands.cases import close_case
    from domain.queries.cases import case_summary

    with command(json_output, flows=True) as s:
        data = s.run(close_case, actor, number, reason=reason, expected_version=expect_version,
                     view=case_summary)
        _finish_case_action(s, data, "Avslutta")


@case_app.command("show")
def case_show(
    number: Annotated[str, typer.Argument(metavar="SAKSNUMMER", help="Saksnummer, t.d. 2026/17.")],
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Vis saka med heile sporet: kven gjorde kva, når og kvifor."""
    from domain.queries.cases import case_audience, case_detail
    from flows.output import render_case

    def detail(uow: Any) -> dict[str, Any]:
        case = uow.case(number)
        return case_detail(uow, case, case_audience(uow, actor, case))

    with command(json_output) as s:
        s.emit(s.read(detail), render_case)


@case_app.command("list")
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
        s.emit(s.read(query, state=state, body=body, urgent=urgent, open_only=open_only,
                      actor_id=actor), render_case_list)


@case_app.command("reconcile")
def case_reconcile(
    number: Annotated[str, typer.Argument(metavar="SAKSNUMMER", help="Saksnummer, t.d. 2026/17.")],
    json_output: JsonOpt = False,
) -> None:
    """Køyr saksflyten for ei sak: gjer alt som er forfalle til eit menneske trengst."""
    from flows.output import render_engine

    with command(json_output, flows=True) as s:
        s.read(lambda uow: uow.case(number))
        s.emit({"case": number, **s.follow(number)}, render_engine)


# -- sweep, journal, alerts -----------------------------------------------------------------

@app.command("sweep")
def sweep_command(json_output: JsonOpt = False) -> None:
    """Gjer alt som er forfalle: innkallingar, påminningar, fristar, saker som skal vidare."""
    from flows.output import render_sweep

    with command(json_output, flows=True) as s:
        s.emit(s.sweep(), render_sweep)


@app.command("journal")
def journal_command(
    case: Annotated[str | None, typer.Option("--case", help="Berre denne saka.")] = None,
    meeting: Annotated[str | None, typer.Option("--meeting", help="Berre dette møtet.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000)] = 50,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Vis journalen: kven gjorde kva, når og kvifor (nyaste sist)."""
    from domain.queries.journal import journal_list
    from flows.output import render_journal

    with command(json_output) as s:
        s.emit(s.read(journal_list, actor_id=actor, case=case, meeting=meeting, limit=limit),
               render_journal)


@app.command("alerts")
def alerts_command(
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000)] = 30,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Vis varsla motoren har sendt: hastesaker, fristar som nærmar seg eller er passerte."""
    from domain.queries.journal import alert_list
    from flows.output import render_alerts

    with command(json_output) as s:
        s.emit(s.read(alert_list, actor_id=actor, limit=limit), render_alerts)


# -- entry point ----------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    """Console entry point: translate refusals into one line and an exit code."""
    # typer (pinned) vendors click: its usage errors are not the click package's classes.
    from typer import Abort
    from typer._click.exceptions import UsageError

    from_args = sys.argv[1:] if argv is None else argv
    json_requested = "--json" in from_args
    _json_mode.set(json_requested)
    _now.set(None)
    try:
        result = app(args=from_args, prog_name="tingflyt", standalone_mode=False)
        return int(result) if isinstance(result, int) else 0
    except UsageError as exc:
        message = _nynorsk(exc.format_message())
        hint = "Sjå `tingflyt --help`"
        if exc.ctx is not None:
            hint = f"Sjå `{exc.ctx.command_path} --help`"
        _fail({"code": "usage", "message": message, "hint": hint + ".", "field": None},
              2, json_requested)
        return 2
    except Abort:
        print("Avbrote.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - refusals become one line; bugs re-raise
        from domain.errors import TingflytError

        if isinstance(exc, TingflytError):
            _fail(exc.as_dict(), exc.exit_code, json_requested or _json_mode.get(),
                  line=exc.one_line())
            return exc.exit_code
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):  # the database's operation, not our code
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            _fail({"code": "database", "message": f"Databasefeil: {first}.",
                   "hint": "Sjekk TINGFLYT_DATABASE_URL, at tenaren køyrer og at det er plass "
                   "på disken.", "field": "database_url"}, 5, json_requested)
            return 5
        from flows.runtime import PrefectUnavailable

        if isinstance(exc, PrefectUnavailable):
            _fail({"code": "prefect_unavailable", "message": str(exc), "hint": "", "field": None},
                  6, json_requested)
            return 6
        raise


_USAGE_PHRASES = [
    (r"^No such command '(.+)'\. Did you mean '(.+)'\?$",
     "Ukjend kommando «{0}». Meinte du «{1}»?"),
    (r"^No such command '(.+)'\.$", "Ukjend kommando «{0}»."),
    (r"^Invalid value for '(.+)': (.+)$", "Ugyldig verdi for {0}: {1}"),
    (r"^Missing option '(.+)'\.$", "Manglar {0}."),
    (r"^Missing argument '(.+)'\.$", "Manglar {0}."),
    (r"^No such option: (\S+)(.*)$", "Ukjend val {0}.{1}"),
    (r"^Option '(.+)' requires an argument\.$", "{0} treng ein verdi."),
    (r"^Got unexpected extra arguments? \((.+)\)$", "Uventa ekstra argument: {0}."),
    (r"^Invalid value for '(.+)': (.+)$", "Ugyldig verdi for {0}: {1}"),
]


_VALUE_PHRASES = [
    (r"Input should be greater than or equal to (\S+)", "må vere minst {0}."),
    (r"Input should be less than or equal to (\S+)", "kan vere høgst {0}."),
    (r"Input should be a valid integer.*", "må vere eit heiltal."),
    (r"'?(.+?)'? is not in the range (.+?)\.?$", "{0} er utanfor lovleg område ({1})."),
    (r"'(.+)' is not one of (.+?)\.?$", "«{0}» er ikkje lov; bruk ein av {1}."),
]


def _nynorsk(message: str) -> str:
    """Click's and typer's own usage messages, in the words the rest of the CLI uses."""
    import re

    for pattern, template in _USAGE_PHRASES:
        match = re.match(pattern, message.strip())
        if match:
            parts = list(match.groups())
            if template.startswith("Ugyldig verdi"):
                for inner, wording in _VALUE_PHRASES:
                    found = re.match(inner, parts[-1])
                    if found:
                        parts[-1] = wording.format(*found.groups())
                        break
            return template.format(*parts)
    return message


def _fail(error: dict[str, Any], code: int, as_json: bool, *, line: str | None = None) -> None:
    if as_json:
        print(json.dumps({"error": error, "exit_code": code}, ensure_ascii=False, indent=2))
    else:
        text = line or f"{error['message']} {error.get('hint') or ''}".strip()
        print(f"tingflyt: {text}", file=sys.stderr)


# The commands for meetings in session live in their own module; importing it registers them.
from flows import cli_session  # noqa: E402, F401


def console() -> None:  # pragma: no cover - the installed script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
