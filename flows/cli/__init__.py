"""``tingflyt``: the staff's command line.

Every command takes ``--json`` (stable fields, see README) and the global ``--now`` clock
override; commands that change something take ``--as <person-id>`` (or ``TINGFLYT_AS``) and
run the registered command of that name (``domain.commands.registry``), which checks that
person's permission. Wrong input prints one line naming the problem and the fix (the field as
its flag), exits non-zero and writes nothing; the exit codes are in ``flows.cli.common``.

One module per subject (``org``, ``meetings``, ``cases``, ``session``, ``written``,
``followup``, ``engine``); each imports only ``flows.cli.common``, and this module puts them
together. At load time only typer is imported, so ``tingflyt --help`` stays fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from flows.cli import cases, engine, followup, meetings, org, session, written
from flows.cli.common import (
    command_style,
    exit_code,
    fail,
    field_style,
    json_mode,
    now_override,
    nynorsk,
    running,
)

app = typer.Typer(
    name="tingflyt", no_args_is_help=True, add_completion=False,
    pretty_exceptions_enable=False, rich_markup_mode=None,
    help="Sakshandsaming for interkommunale politiske råd: saker, møte, frister og flyt.")


@app.callback()
def main_options(
    now: Annotated[str | None, typer.Option(
        "--now", help="Køyr som om klokka var dette (ÅÅÅÅ-MM-DD eller \"ÅÅÅÅ-MM-DD TT:MM\", "
        "Europe/Oslo).")] = None,
) -> None:
    """Sakshandsaming for interkommunale politiske råd."""
    if now is not None:
        from flows.app import parse_now

        now_override.set(parse_now(now))


app.command("init")(org.init)
app.command("sweep")(engine.sweep_command)
app.command("journal")(engine.journal_command)
app.command("alerts")(engine.alerts_command)
app.command("attend")(session.attend)
app.command("vote")(session.vote)
app.command("minutes")(session.minutes)
app.add_typer(org.app, name="org")
app.add_typer(meetings.app, name="meeting")
app.add_typer(cases.app, name="case")
app.add_typer(session.absence_app, name="absence")
app.add_typer(session.substitute_app, name="substitute")
app.add_typer(written.app, name="written")
app.add_typer(followup.app, name="followup")


def main(argv: list[str] | None = None) -> int:
    """Console entry point: translate refusals into one line and an exit code."""
    # typer (pinned) vendors click: its usage errors are not the click package's classes.
    from typer import Abort
    from typer._click.exceptions import UsageError

    from_args = sys.argv[1:] if argv is None else argv
    json_requested = "--json" in from_args
    json_mode.set(json_requested)
    now_override.set(None)
    running.set(None)
    try:
        result = app(args=from_args, prog_name="tingflyt", standalone_mode=False)
        return int(result) if isinstance(result, int) else 0
    except UsageError as exc:
        message = nynorsk(exc.format_message())
        hint = "Sjå `tingflyt --help`"
        if exc.ctx is not None:
            hint = f"Sjå `{exc.ctx.command_path} --help`"
        fail({"code": "usage", "message": message, "hint": hint + ".", "field": None},
             2, json_requested)
        return 2
    except Abort:
        print("Avbrote.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - refusals become one line; bugs re-raise
        from domain.errors import TingflytError

        if isinstance(exc, TingflytError):
            code = exit_code(exc)
            fail(exc.as_dict(field_style, command_style), code,
                 json_requested or json_mode.get(),
                 line=exc.one_line(field_style, command_style))
            return code
        from domain.store.db import database_failure

        first = database_failure(exc)
        if first is not None:  # the database's operation, not our code
            fail({"code": "database", "message": f"Databasefeil: {first}.",
                  "hint": "Sjekk TINGFLYT_DATABASE_URL, at tenaren køyrer og at det er plass "
                  "på disken.", "field": "database_url"}, 5, json_requested)
            return 5
        from flows.runtime import PrefectUnavailable

        if isinstance(exc, PrefectUnavailable):
            fail({"code": "prefect_unavailable", "message": str(exc), "hint": "",
                  "field": None}, 6, json_requested)
            return 6
        raise


def console() -> None:  # pragma: no cover - the installed script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
