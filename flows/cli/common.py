"""What every ``tingflyt`` command shares: options, the session (engine, clock, output), running
a registered command and what follows it, and the CLI's way of naming fields and commands in a
refusal (``--reason``, ``tingflyt case show``) and its exit codes.

This module imports only typer and the standard library at load time, so ``tingflyt --help``
stays fast; the engine, SQLAlchemy and Prefect are imported inside what needs them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

import typer

json_mode: ContextVar[bool] = ContextVar("json_mode", default=False)
now_override: ContextVar[Any] = ContextVar("now", default=None)
#: The registered command running now: a refusal's fields are named by its flags.
running: ContextVar[str | None] = ContextVar("running", default=None)
#: ``--via``: ``direct`` (the command runs in this process) or ``prefect`` (as a run of its
#: form's deployment, ``flows.cli.handover``).
via_mode: ContextVar[str] = ContextVar("via", default="direct")

JsonOpt = Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON.")]
AsOpt = Annotated[str | None, typer.Option(
    "--as", envvar="TINGFLYT_AS", help="Kven du er: person-id frå `tingflyt org show`.")]
VersionOpt = Annotated[int | None, typer.Option(
    "--expect-version", help="Gjer det berre om saka framleis har denne versjonen "
    "(frå `case show`).")]
MeetingArg = Annotated[str, typer.Argument(metavar="MØTE", help="Møte, t.d. RR-2026-09-24.")]
CaseArg = Annotated[str, typer.Argument(metavar="SAKSNUMMER", help="Saksnummer, t.d. 2026/17.")]


# -- naming fields and commands as the CLI does -------------------------------------------------

#: The CLI's command line for each registered command and read.
CLI_PATHS = {
    "case.register": "case register", "case.recommend": "case recommend",
    "case.place": "case place", "case.withdraw": "case withdraw", "case.decide": "case decide",
    "case.close": "case close", "case.show": "case show", "case.list": "case list",
    "case.take_up": "case take-up", "case.demand": "case demand", "case.defer": "case defer",
    "case.vote": "vote", "case.elect": "vote", "meeting.add": "meeting add",
    "meeting.notice": "meeting notice", "meeting.cancel": "meeting cancel",
    "meeting.show": "meeting show", "meeting.plan": "meeting plan", "meeting.attend": "attend",
    "absence.report": "absence report", "absence.list": "absence list",
    "substitute.answer": "substitute answer", "written.start": "written start",
    "written.answer": "written answer", "written.show": "written show",
    "followup.assign": "followup assign", "followup.done": "followup done",
    "followup.list": "followup list", "init": "init", "org.show": "org show", "sweep": "sweep",
    "minutes": "minutes", "journal": "journal", "alerts": "alerts",
    "meeting.send_minutes": "meeting send-minutes", "meeting.change": "meeting change",
    "outbox.list": "outbox",
    "outbox.show": "outbox show", "outbox.retry": "outbox retry", "outbox.send": "outbox send",
}

#: Fields given as arguments, in their order, for commands whose CLI path starts so.
_POSITIONAL = {"case.take_up": ["case", "meeting"], "case.demand": ["case", "meeting"]}
_POSITIONAL_BY_SUBJECT = {"case": ["case"], "meeting": ["meeting"], "absence": ["meeting"],
                          "substitute": ["meeting"], "written": ["case"], "followup": ["case"],
                          "minutes": ["meeting"]}
_METAVARS = {"case": "SAKSNUMMER", "meeting": "MØTE"}

#: Fields whose flag is not simply ``--field-name``.
_FLAGS = {
    "from_time": "--from", "to_time": "--to", "substitutes": "--substitute",
    "municipality": "--origin", "org_file": "--org", "ballots": "--for/--against",
    "more_proposals": "--more", "case_substitutes": "--case-substitute", "as": "--as",
    "data_dir": "TINGFLYT_DATA_DIR",
    "database_url": "TINGFLYT_DATABASE_URL",
}
_FLAGS_BY_COMMAND = {"case.elect": {"ballots": "--ballot"},
                     "written.answer": {"proposal": "--proposal", "written": "--written"}}


def positional(name: str) -> list[str]:
    if name in ("meeting.add", "meeting.plan", "case.register", "case.list", "followup.list"):
        return []
    if name in ("case.vote", "case.elect"):
        return ["case"]
    return _POSITIONAL.get(name) or _POSITIONAL_BY_SUBJECT.get(name.split(".")[0], [])


def flag(command: str | None, field: str) -> str:
    if command is not None:
        if field in positional(command) and field in _METAVARS:
            return _METAVARS[field]
        special = _FLAGS_BY_COMMAND.get(command, {}).get(field)
        if special:
            return special
    return _FLAGS.get(field, "--" + field.replace("_", "-"))


def field_style(field: str, value: str | None) -> str:
    name = flag(running.get(), field)
    return name if value is None else f"{name} {value}"


def command_style(name: str, values: list[tuple[str, str]]) -> str:
    path = CLI_PATHS.get(name, name.replace(".", " "))
    words = [f"tingflyt {path}"]
    given = dict(values)
    for field in positional(name):
        if field in given:
            words.append(given.pop(field))
    for field, value in given.items():
        words.append(flag(name, field) + (f" {value}" if value else ""))
    return "`" + " ".join(words) + "`"


def rendered(data: Any) -> Any:
    """Stored texts that name fields or commands (alerts, the journal), as the CLI names them."""
    if isinstance(data, str):
        if "[cmd:" in data or "[field:" in data:
            from domain.errors import render

            return render(data, field_style, command_style)
        return data
    if isinstance(data, dict):
        return {key: rendered(value) for key, value in data.items()}
    if isinstance(data, list):
        return [rendered(value) for value in data]
    return data


#: Exit codes: 0 done; 1 refused by a rule or the case's state; 2 bad input or unknown name;
#: 3 conflict with a simultaneous change; 4 not allowed for this person; 5 configuration or
#: database not ready; 6 Prefect API unreachable.
EXIT_CODES = {"invalid_input": 2, "not_found": 2, "usage": 2, "conflict": 3, "not_allowed": 4,
              "config_error": 5, "not_initialised": 5, "database": 5,
              "prefect_unavailable": 6}


def exit_code(error: Any) -> int:
    return EXIT_CODES.get(getattr(error, "code", ""), 1)


# -- the session ---------------------------------------------------------------------------------

class Session:
    """What one command needs: the engine, the clock and the output mode."""

    def __init__(self, json_output: bool, *, need_schema: bool = True,
                 flows: bool = False) -> None:
        from flows.app import clock_for, database_url, engine_for

        self.json = json_output
        self.follows: Any = None  # what the last command run declared follows it
        # Decide (and check the Prefect API) before anything is written, not after.
        self.prefect = use_prefect() if flows else False
        self.url = database_url()
        self.engine = engine_for(self.url)
        self.clock = clock_for(now_override.get())
        if need_schema:
            from domain.store.db import require_schema

            require_schema(self.engine)

    def run(self, name: str, actor: Any, view: Any = None, **fields: Any) -> Any:
        """Run the registered command ``name`` with ``fields`` as ``actor``; return its view."""
        from domain.commands import registry
        from domain.store.uow import Via

        running.set(name)
        if via_mode.get() == "prefect":
            from flows.cli.handover import hand_over

            hand_over(name, fields, actor, now_override.get())  # raises HandedOver
        done = registry.run(name, fields, actor, engine=self.engine, clock=self.clock,
                            view=view, via=Via("cli"))
        self.follows = done.follows
        return done.view

    def read(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run the read model ``fn(uow, ...)`` in a read-only unit of work."""
        from flows.app import read

        return read(self.engine, self.clock, fn, *args, **kwargs)

    def read_rows(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run the read model ``fn(unit, ...)``, which needs only rows, without the ORM."""
        from flows.app import read_rows

        return read_rows(self.engine, self.clock, fn, *args, **kwargs)

    def follow(self, number: str) -> dict[str, Any]:
        """After a staff action: let the engine carry the case on (the case flow)."""
        return carry_case(self.engine, self.clock, number, prefect=self.prefect)

    def sweep(self) -> dict[str, Any]:
        """Run the sweep flow: through Prefect when an API is configured, else here."""
        if self.prefect:
            from flows.engine import quick_runs, sweep_flow

            with quick_runs():
                report = sweep_flow(self.clock.now() if now_override.get() is not None else None)
            return {**report, "via": "prefect"}
        from domain.engine.sweep import sweep

        return {**sweep(self.engine, self.clock).as_dict(), "via": "direct"}

    def emit(self, data: Any, render: Any) -> None:
        data = rendered(data)
        if self.json:
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            render(data)


def use_prefect() -> bool:
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
        from flows.engine import carry_on, quick_runs

        now = clock.now() if now_override.get() is not None else None
        with quick_runs():
            done = carry_on(number, now)
        return {"via": "prefect", "done": done}
    from domain.engine.reconcile import reconcile

    return {"via": "direct", "done": reconcile(engine, clock, number)}


@contextlib.contextmanager
def command(json_output: bool, *, need_schema: bool = True,
            flows: bool = False) -> Iterator[Session]:
    json_mode.set(json_output)
    yield Session(json_output, need_schema=need_schema, flows=flows)


def finish_case_action(s: Session, data: dict[str, Any], verb: str,
                       extra: dict[str, Any] | None = None) -> None:
    """After a command on a case: carry it on, and show it as it now stands."""
    from domain.queries.cases import case_summary
    from flows.output import render_case_action

    # What the command declared follows it: the engine carries its case (or the one it made) on.
    numbers = s.follows.cases if s.follows is not None and s.follows.cases else (data["number"],)
    runs = [s.follow(number) for number in numbers]
    follow = {"via": runs[0]["via"], "done": [step for run in runs for step in run["done"]]}
    after = s.read(lambda uow: case_summary(uow, uow.cases.get(data["number"])))
    s.emit({"action": verb, "case": after, "engine": follow, **(extra or {})},
           render_case_action)


# -- what people type ------------------------------------------------------------------------

def people(value: str | None) -> list[str]:
    """A comma list of person ids."""
    return [p.strip() for p in (value or "").split(",") if p.strip()]


def pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """Repeated ``key=value`` options."""
    from domain.errors import InvalidInput

    out: dict[str, str] = {}
    for value in values or []:
        if "=" not in value:
            raise InvalidInput(f"«{value}» i {option} manglar «=».",
                               f"Skriv {option} person=verdi, t.d. {option} "
                               "gol-varaordforar=gol-ordforar.", field=option.strip("-"))
        key, _, rest = value.partition("=")
        if key.strip() in out:
            raise InvalidInput(f"«{key.strip()}» står to gonger i {option}.",
                               "Gje kvar person berre éin gong.", field=option.strip("-"))
        out[key.strip()] = rest.strip()
    return out


def yes_no(value: str, option: str) -> bool:
    from domain.errors import InvalidInput

    text = value.strip().lower()
    if text in ("ja", "yes", "j", "y"):
        return True
    if text in ("nei", "no", "n"):
        return False
    raise InvalidInput(f"«{value}» i {option} er verken ja eller nei.", f"Skriv {option} ja "
                       "eller nei.", field=option.strip("-"))


def check_out(path: Path) -> None:
    """Refuse an --out whose folder does not exist, before any work is done."""
    from domain.errors import InvalidInput

    if not path.parent.is_dir():
        raise InvalidInput(f"Mappa {path.parent} finst ikkje.",
                           "Opprett mappa først, eller vel ei anna fil med --out.", field="out")
    if path.is_dir():
        raise InvalidInput(f"{path} er ei mappe.", "Gje eit filnamn med --out, t.d. "
                           f"{path / 'moetebok.txt'}.", field="out")
    if path.is_symlink() or (path.exists() and not path.is_file()):
        # The file is written beside it and renamed over it: never over a device or a link.
        raise InvalidInput(f"{path} er ikkje ei vanleg fil.",
                           "Gje eit filnamn med --out, eller ta vekk --out for å skrive til "
                           "skjermen.", field="out")


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


# -- refusals --------------------------------------------------------------------------------

_USAGE_PHRASES = [
    (r"^No such command '(.+)'\. Did you mean '(.+)'\?$",
     "Ukjend kommando «{0}». Meinte du «{1}»?"),
    (r"^No such command '(.+)'\.$", "Ukjend kommando «{0}»."),
    (r"^Invalid value for '(.+)': (.+)$", "Ugyldig verdi for {0}: {1}"),
    (r"^Missing option '(.+)'\.$", "Manglar {0}."),
    (r"^Missing argument '(.+)'\.$", "Manglar {0}."),
    (r"^No such option: (\S+?)\.? \(Possible options: (.+)\)$",
     "Ukjend val {0}. (Moglege val: {1})"),
    (r"^No such option: (\S+?)\.? Did you mean (.+)\?$", "Ukjend val {0}. Meinte du {1}?"),
    (r"^No such option: (\S+)(.*)$", "Ukjend val {0}.{1}"),
    (r"^Option '(.+)' requires an argument\.$", "{0} treng ein verdi."),
    (r"^Got unexpected extra arguments? \((.+)\)$", "Uventa ekstra argument: {0}."),
]

_VALUE_PHRASES = [
    (r"Input should be greater than or equal to (\S+)", "må vere minst {0}."),
    (r"Input should be less than or equal to (\S+)", "kan vere høgst {0}."),
    (r"Input should be a valid integer.*", "må vere eit heiltal."),
    (r"'?(.+?)'? is not in the range (\S+?)<=x<=(\S+?)\.?$",
     "{0} er ikkje lov: må vere mellom {1} og {2}."),
    (r"'?(.+?)'? is not in the range x>=(\S+?)\.?$", "{0} er ikkje lov: må vere minst {1}."),
    (r"'?(.+?)'? is not in the range x<=(\S+?)\.?$", "{0} er ikkje lov: kan vere høgst {1}."),
    (r"'?(.+?)'? is not in the range (.+?)\.?$", "{0} er utanfor lovleg område ({1})."),
    (r"'(.+)' is not one of (.+?)\.?$", "«{0}» er ikkje lov; bruk ein av {1}."),
]


def nynorsk(message: str) -> str:
    """Click's and typer's own usage messages, in the words the rest of the CLI uses."""
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


def fail(error: dict[str, Any], code: int, as_json: bool, *, line: str | None = None) -> None:
    import sys

    if as_json:
        print(json.dumps({"error": error, "exit_code": code}, ensure_ascii=False, indent=2))
    else:
        text = line or f"{error['message']} {error.get('hint') or ''}".strip()
        print(f"tingflyt: {text}", file=sys.stderr)
