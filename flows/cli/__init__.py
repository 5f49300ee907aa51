"""``tingflyt``: the staff's command line.

Every command takes ``--json`` (stable fields, see README) and the global ``--now`` clock
override; commands that change something take ``--as <person-id>`` (or ``TINGFLYT_AS``) and
run the registered command of that name (``domain.commands.registry``), which checks that
person's permission. Wrong input prints one line naming the problem and the fix (the field as
its flag), exits non-zero and writes nothing; the exit codes are in ``flows.cli.common``.

One module per subject (``org``, ``meetings``, ``cases``, ``session``, ``written``,
``followup``, ``engine``); each imports only ``flows.cli.common``, and this module puts them
together (``COMMANDS``). At load time only typer is imported, so ``tingflyt --help`` stays fast.

A run builds only what it runs: ``tingflyt case list`` imports the module of ``case`` and makes
the click command of ``list`` alone, not the other 33 commands with their options (typer reads
every parameter of every function it is given). Anything else (``--help`` before a command, no
command, a name that is not one) gets the whole app, so help, suggestions and refusals are
those of the whole app.
"""

from __future__ import annotations

import copy
import importlib
import sys
from typing import Annotated, Any

import typer

from flows.cli.common import (
    command_style,
    exit_code,
    fail,
    field_style,
    json_mode,
    now_override,
    nynorsk,
    running,
    via_mode,
)

#: Every top-level command and group, in the order ``tingflyt --help`` lists them: the name and
#: where it lives (module, attribute: a command's function or a group's typer app).
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("flows.cli.org", "init"),
    "sweep": ("flows.cli.engine", "sweep_command"),
    "journal": ("flows.cli.engine", "journal_command"),
    "alerts": ("flows.cli.engine", "alerts_command"),
    "attend": ("flows.cli.session", "attend"),
    "vote": ("flows.cli.session", "vote"),
    "minutes": ("flows.cli.session", "minutes"),
    "org": ("flows.cli.org", "app"),
    "meeting": ("flows.cli.meetings", "app"),
    "case": ("flows.cli.cases", "app"),
    "absence": ("flows.cli.session", "absence_app"),
    "substitute": ("flows.cli.session", "substitute_app"),
    "written": ("flows.cli.written", "app"),
    "followup": ("flows.cli.followup", "app"),
    "outbox": ("flows.cli.outbox", "app"),
}


HELP_TEXT = "Vis denne hjelpa og avslutt."


def _nynorsk_help_option() -> None:
    """Click's ``--help`` says "Show this message and exit." (typer's vendored click has no
    gettext hook): its help option, made when a command is, gets the Nynorsk text instead."""
    from typer._click import decorators

    english = decorators.help_option
    if getattr(english, "nynorsk", False):
        return

    def help_option(param_decls: list[str]) -> Any:
        decorate = english(param_decls)

        def apply(command: Any) -> Any:
            command = decorate(command)
            command.params[-1].help = HELP_TEXT
            return command

        return apply

    help_option.nynorsk = True  # type: ignore[attr-defined]
    decorators.help_option = help_option


_nynorsk_help_option()


def _show_version(value: bool) -> None:
    if not value:
        return
    from importlib import metadata  # here, not at load: --help and commands need none of it

    try:
        version = metadata.version("tingflyt")
    except metadata.PackageNotFoundError:
        version = "ukjend (ikkje installert)"
    print(f"tingflyt {version}")
    raise typer.Exit()


def main_options(
    now: Annotated[str | None, typer.Option(
        "--now", help="Køyr som om klokka var dette (ÅÅÅÅ-MM-DD eller \"ÅÅÅÅ-MM-DD TT:MM\", "
        "Europe/Oslo).")] = None,
    via: Annotated[str, typer.Option(
        "--via", envvar="TINGFLYT_VIA", help="Kvar kommandoar som endrar noko køyrer: direct "
        "(her) eller prefect (som ei køyring av skjemaet sitt i Prefect; treng `make serve`).")
    ] = "direct",
    version: Annotated[bool, typer.Option(
        "--version", callback=_show_version, is_eager=True, expose_value=True,
        help="Vis versjonen av tingflyt og avslutt.")] = False,
) -> None:
    """Sakshandsaming for interkommunale politiske råd."""
    if via not in ("direct", "prefect"):
        from domain.errors import InvalidInput

        raise InvalidInput(f"«{via}» i --via er ukjend.", "Bruk --via direct eller --via prefect.",
                           field="via")
    via_mode.set(via)
    if now is not None:
        from flows.app import parse_now

        now_override.set(parse_now(now))


def build_app(name: str | None = None, sub: str | None = None) -> typer.Typer:
    """The ``tingflyt`` app; with ``name``, that command or group alone, and with ``sub``, that
    group with only its command ``sub`` (if it has one by that name)."""
    root = typer.Typer(
        name="tingflyt", no_args_is_help=True, add_completion=False,
        pretty_exceptions_enable=False, rich_markup_mode=None,
        help="Sakshandsaming for interkommunale politiske råd: saker, møte, frister og flyt.")
    root.callback()(main_options)
    for word, (module, attribute) in COMMANDS.items():
        if name is not None and word != name:
            continue
        target = getattr(importlib.import_module(module), attribute)
        if isinstance(target, typer.Typer):
            root.add_typer(_only(target, sub) if sub is not None else target, name=word)
        else:
            root.command(word)(target)
    return root


def _only(group: typer.Typer, sub: str) -> typer.Typer:
    """``group`` with its command ``sub`` alone; the whole group if it has none by that name."""
    chosen = [info for info in group.registered_commands if info.name == sub]
    if len(chosen) != 1 or group.registered_groups:
        return group
    narrowed = copy.copy(group)
    narrowed.registered_commands = chosen
    return narrowed


def app_for(args: list[str]) -> typer.Typer:
    """The app that runs ``args``: only the command named, when one is (after the global
    ``--now``), else the whole app (help, no command, an unknown one)."""
    i = 0
    while i < len(args) and (args[i] in ("--now", "--via") or
                             args[i].startswith(("--now=", "--via="))):
        i += 2 if args[i] in ("--now", "--via") else 1
    if i < len(args) and args[i] == "--version":
        return build_app("")  # the root and its options alone: no command is needed
    if i >= len(args) or args[i] not in COMMANDS:
        return build_app()
    following = args[i + 1] if i + 1 < len(args) else None
    return build_app(args[i], following)


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole app, for whoever asks for it by name
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    via_mode.set("direct")
    try:
        result = app_for(from_args)(args=from_args, prog_name="tingflyt", standalone_mode=False)
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
    except Exception as exc:  # noqa: BLE001 - a command handed over to Prefect ends here
        from flows.cli.handover import HandedOver, report

        if not isinstance(exc, HandedOver):
            return _refused(exc, json_requested)
        return report(exc, json_requested or json_mode.get())


def _refused(exc: Exception, json_requested: bool) -> int:
    """A refusal as one line and its exit code; anything else (a bug) goes on up."""
    from domain.errors import TingflytError

    if isinstance(exc, TingflytError):
        code = exit_code(exc)
        fail(exc.as_dict(field_style, command_style), code, json_requested or json_mode.get(),
             line=exc.one_line(field_style, command_style))
        return code
    from domain.store.db import database_refusal

    refusal = database_refusal(exc, _engine())
    if refusal is not None:  # the database's operation, not our code
        code = exit_code(refusal)
        fail(refusal.as_dict(field_style, command_style), code,
             json_requested or json_mode.get(), line=refusal.one_line(field_style, command_style))
        return code
    from flows.runtime import PrefectUnavailable

    if isinstance(exc, PrefectUnavailable):
        fail({"code": "prefect_unavailable", "message": str(exc), "hint": "", "field": None}, 6,
             json_requested)
        return 6
    raise exc


def _engine() -> Any:
    """The engine this run used (cached by URL), to say what is wrong with its database."""
    try:
        from flows.app import database_url, engine_for

        return engine_for(database_url())
    except Exception:  # noqa: BLE001 - a refusal about the URL itself was made before
        return None


#: A closed pipe (``tingflyt case list | head -1``): the shell's code for a program ended by
#: SIGPIPE (128 + 13), as ``cat`` or ``git log`` give there, so a script with ``pipefail``
#: sees that the output was cut short, and nobody sees a traceback.
EXIT_BROKEN_PIPE = 141


def run() -> int:
    """``main`` as a program runs it: a reader that stopped reading ends it quietly."""
    import os

    to_devnull = _stdout_is_devnull()
    try:
        code = main()
        sys.stdout.flush()  # what is still buffered meets the closed pipe here, not at exit
        return code
    except BrokenPipeError:
        # Python flushes stdout again as it exits: point it at nothing so that it is quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except SystemExit as exc:
        # rich meets a closed pipe itself (it points stdout at os.devnull), and so does typer
        # (it wraps stdout to be quiet): both exit with 1, which would read as a refusal.
        if exc.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_BROKEN_PIPE
        if exc.code == 1 and not to_devnull and _stdout_is_devnull():
            return EXIT_BROKEN_PIPE
        raise


def _stdout_is_devnull() -> bool:
    import os

    try:
        now, null = os.fstat(sys.stdout.fileno()), os.stat(os.devnull)
    except (OSError, ValueError):
        return False
    return (now.st_ino, now.st_dev, now.st_rdev) == (null.st_ino, null.st_dev, null.st_rdev)


def console() -> None:  # pragma: no cover - the installed script
    sys.exit(run())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
