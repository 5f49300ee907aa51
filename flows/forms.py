"""Staff forms: one Prefect flow per registered command, its input model as the form.

Each flow's parameters are the command's input fields (with their Nynorsk and English
descriptions, defaults and choices, so that the Prefect UI draws a proper form), and first of
them ``acting_person``, who acts. A run does what the CLI does: it runs the command by name
through ``domain.commands.registry`` (which parses the input once and checks this person's
permission for this case or meeting), carries the case on as a subflow (the case flow), and
journals the person, that it came from the Prefect UI and the run. A refused action ends the run
``Failed`` with the same one-line refusal a person gets in the terminal, naming the form's fields
instead of the CLI's flags, and no traceback.

Prefect does not validate the parameters (``validate_parameters=False``, and the deployments
do not enforce the schema): every input reaches the registry, so that a bad value is refused in
the council's words, naming the field, as on the command line.

Runs are named and tagged by the case and the meeting (``2026/17``, ``RR-2026-09-24``), so that a
case's whole history can be found in the Prefect UI by its number.

Each form is a module-level attribute (``flows.forms.case_register``): a worker loads it by its
entry point (``flows/forms.py:case_register``). A form is made when it is first asked for (the
module's ``__getattr__``, which Prefect's loader reaches through ``getattr``), so that the
process of one form's run imports that command's module and builds that one flow, not all of
them and their parameter schemas (about 0.5 s at the start of every run); ``FORMS`` makes them
all. ``init`` has no form: it reads the organisation file from the server's disk, which is the
operator's work (``tingflyt init``).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Annotated, Any

from prefect import Flow, flow, get_run_logger
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State
from pydantic import Field
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

import flows.startup  # noqa: F401 - the first of ours to be imported (flows.startup)
from domain.commands import registry
from domain.errors import TingflytError
from domain.store.uow import Via
from flows.app import clock_for, database_url, engine_for, parse_now

#: Registered commands with no form, and why.
NO_FORM = {"init": "les organisasjonsfila frå tenaren sin disk: det gjer driftaren med "
                   "`tingflyt init`"}

ACTING = "acting_person"
#: The name of a refused run's Failed state, as the Prefect UI shows it.
REFUSED = "Avvist"
NOW = "now"
CHANNEL = "prefect-ui"

_ACTING_HELP = ("Kven du er: person-id frå `tingflyt org show`. Prefect-UI-et skal berre vere "
                "nåeleg for sekretariatet (who you are: your person id; the Prefect UI must be "
                "reachable only by the secretariat)")
_NOW_HELP = ("Berre for prøving og attspeling: gjer det som om klokka var dette (ÅÅÅÅ-MM-DD eller "
             "ÅÅÅÅ-MM-DD TT:MM, Europe/Oslo); tomt er no (for testing and replay only: act as if "
             "it were this time; empty is now)")


def form_name(command: str) -> str:
    """The flow's (and the deployment's) name: ``case.register`` -> ``tingflyt-case-register``."""
    return "tingflyt-" + command.replace(".", "-").replace("_", "-")


def attribute(command: str) -> str:
    """The module attribute, and the entry point's name: ``case.register`` -> ``case_register``."""
    return command.replace(".", "_")


def _field_style(name: str, value: str | None) -> str:
    shown = ACTING if name == "as" else name
    return f"«{shown}»" if value is None else f"«{shown}» = {value}"


def _command_style(name: str, values: list[tuple[str, str]]) -> str:
    given = ", ".join(f"{k} = {v}" for k, v in values)
    if name in registry.MODULES and name not in NO_FORM:
        where = f"skjemaet «{form_name(name)}»"
    else:  # a read, which has no form: the command line shows it (case.list, org.show)
        where = f"`tingflyt {name.replace('.', ' ').replace('_', '-')}`"
    return where + (f" ({given})" if given else "")


class Refused(Exception):  # noqa: N818 - the refusal itself, carried by the run's Failed state
    """A form's action the registry refused; its text is the one line the person reads."""


class _RefusalsSaidOnce(logging.Filter):
    """Prefect's engine re-raises a run's final Failed state and logs it with a traceback
    ("Engine execution exited with unexpected exception"), even when the flow returned that
    state itself. A refused form has said why in one line already; its traceback says nothing
    more, so it is left out. Any other failure keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], Refused))


logging.getLogger("prefect.flow_runs").addFilter(_RefusalsSaidOnce())


def refusal(error: TingflytError) -> str:
    """The refusal as one line, the fields named as the form names them."""
    return error.one_line(_field_style, _command_style)


def _named(values: dict[str, Any]) -> list[str]:
    """The case and the meeting a run acts on, as given."""
    return [str(values[key]) for key in ("case", "meeting")
            if isinstance(values.get(key), str) and values[key].strip()]


def _run_name(command: str) -> Callable[[], str]:
    def name() -> str:
        named = _named(flow_run.get_parameters() or {})
        return " · ".join([*named, command])

    return name


def _retag(named: list[str], command: str) -> None:
    """Name and tag this run by what it acted on (a case it made is known only after)."""
    from prefect.client.orchestration import get_client

    run_id = flow_run.get_id()
    if not run_id:
        return
    tags = sorted({*(flow_run.get_tags() or []), "tingflyt", "skjema", command, *named})
    with get_client(sync_client=True) as client:
        client.update_flow_run(run_id, name=" · ".join([*named, command]), tags=tags)


def submit(command: str, values: dict[str, Any]) -> State[Any]:
    """Run ``command`` with what the form was given; the run's final state."""
    from flows.engine import carry_on, deliver_now, sweep_flow

    logger = get_run_logger()
    # A field left out comes as None, as its ``Field`` default, or as pydantic's "no default".
    values = {k: v for k, v in values.items()
              if v is not None and v is not PydanticUndefined and not isinstance(v, FieldInfo)}
    given = {k: v for k, v in values.items() if k not in (ACTING, NOW)}
    acting = values.get(ACTING)
    try:
        now = parse_now(values[NOW]) if values.get(NOW) else None
        clock = clock_for(now)
        engine = engine_for(database_url())
        run_id = flow_run.get_id()
        done = registry.run(command, given, acting if acting else None, engine=engine,
                            clock=clock, via=Via(CHANNEL, str(run_id) if run_id else None))
    except TingflytError as exc:
        line = refusal(exc)
        logger.warning("Avvist: %s", line)
        return Failed(name=REFUSED, message=line, data=Refused(line))
    named = list(dict.fromkeys([*done.follows.cases, *_named(given)]))
    _retag(named, command)
    logger.info("%s gjorde %s (%s).", acting, command, ", ".join(named) or "utan sak")
    carried: dict[str, list[str]] = {}
    for number in done.follows.cases:
        carried[number] = carry_on(number, now)
    if done.follows.sweep:
        sweep_flow(now)
    # What the action wrote to the outbox goes now, not at the next minute's dispatch.
    delivered = deliver_now(now)
    return Completed(message=f"{command} gjort av {acting}",
                     data={"command": command, "acting_person": acting, "named": named,
                           "carried_on": carried, "sent": delivered["sent"]})


def _parameter(name: str, annotation: Any, description: str | None,
               default: Any = PydanticUndefined) -> inspect.Parameter:
    """A form field. Its description rides on a ``Field`` default, which is how Prefect reads
    one; a run that leaves the field out gets that ``Field`` (``submit`` drops it)."""
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
                             default=Field(default=default, description=description))


def _input_parameter(name: str, info: Any) -> inspect.Parameter:
    annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else \
        info.annotation
    default = PydanticUndefined if info.is_required() else \
        info.get_default(call_default_factory=True)
    return _parameter(name, annotation, info.description, default)


def make_form(command: str) -> Flow[..., Any]:
    """The Prefect flow of one registered command."""
    cmd = registry.get(command)

    def form(**values: Any) -> State[Any]:
        return submit(command, values)

    parameters = [
        _parameter(ACTING, str, _ACTING_HELP),
        *(_input_parameter(name, info) for name, info in cmd.input.model_fields.items()),
        _parameter(NOW, str | None, _NOW_HELP, None),
    ]
    form.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    form.__name__ = form.__qualname__ = attribute(command)
    form.__module__ = __name__
    form.__doc__ = f"{cmd.summary}\n\n{(cmd.input.__doc__ or '').strip()}"
    return flow(form, name=form_name(command), flow_run_name=_run_name(command),
                validate_parameters=False, log_prints=False,
                description=(cmd.input.__doc__ or cmd.summary).strip())


def commands_with_forms() -> list[str]:
    """Every registered command with a form, from the registry's table of modules (no command
    module imported; ``tests/architecture/test_registry.py`` holds the table to what the
    modules register)."""
    return [name for name in sorted(registry.MODULES) if name not in NO_FORM]


#: The command of each form's attribute: ``case_register`` -> ``case.register``.
_COMMANDS = {attribute(name): name for name in commands_with_forms()}


def form(command: str) -> Flow[..., Any]:
    """The form of ``command``, made once; it is then also this module's attribute."""
    made = globals().get(attribute(command))
    if made is None:
        if command not in _COMMANDS.values():
            raise KeyError(command)
        made = globals()[attribute(command)] = make_form(command)
    return made


def __getattr__(name: str) -> Any:
    """``FORMS`` (every form by command name) and each form by its attribute, made on first use
    (PEP 562: only for names the module does not hold yet)."""
    if name == "FORMS":
        return {command: form(command) for command in commands_with_forms()}
    command = _COMMANDS.get(name)
    if command is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return form(command)


def __dir__() -> list[str]:
    return sorted({*globals(), "FORMS", *_COMMANDS})
