"""``tingflyt sweep``, ``journal`` and ``alerts``: what the engine does and has done."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import AsOpt, JsonOpt, command


def sweep_command(json_output: JsonOpt = False) -> None:
    """Gjer alt som er forfalle: innkallingar, påminningar, fristar, saker som skal vidare."""
    from flows.app import deliver
    from flows.output import render_sweep

    with command(json_output, flows=True) as s:
        report = s.sweep()
        report["outbox"] = deliver(s.engine, s.clock)
        s.emit(report, render_sweep)


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
        s.emit(s.read_rows(journal_list, actor_id=actor, case=case, meeting=meeting,
                           limit=limit), render_journal)


def alerts_command(
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000)] = 30,
    actor: AsOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Vis varsla motoren har sendt: hastesaker, fristar som nærmar seg eller er passerte."""
    from domain.queries.journal import alert_list
    from flows.output import render_alerts

    with command(json_output) as s:
        s.emit(s.read_rows(alert_list, actor_id=actor, limit=limit), render_alerts)
