"""The registry of staff commands: one way in for every caller.

A command is a name (``case.register``), a frozen input model whose fields carry their
descriptions (Nynorsk and English) and constraints, who may do it (a scoped ``Permission``), its
effect in one transaction, and what follows it (carry the case on, sweep). The CLI, the demo,
the tests, the Prefect forms and the web run a command the same way::

    done = run("case.register", {"title": "...", "kind": "ordinary"}, "dagleg-leiar",
               engine=engine, clock=clock)
    carry_on(done.follows, engine, clock)   # or through Prefect: the entry point decides

``run`` parses the input once (a wrong field is refused naming the field), resolves the actor's
roles, checks the permission for this actor and this case or meeting, runs the effect, writes
the journal (the effect does) and commits; or it changes nothing.

Each command module registers its commands when it is imported. ``MODULES`` names, for every
command, the module that registers it, so running one command imports that module (and what it
needs) and not the other commands, their operations and input models: a whole process runs one
command, and the rest cost start-up (``make bench``, figure 5). ``load_all`` imports every module,
for what lists them all; ``tests/architecture/test_registry.py`` holds the table to what the
modules register.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from domain.errors import InvalidInput, NotFound
from domain.operations.outbox import alert_messages
from domain.rules.access import Actor, Permission, Scope
from domain.rules.calendar import Clock
from domain.store.tables import Case
from domain.store.uow import Engine, UnitOfWork, Via


class CommandInput(BaseModel):
    """What a command takes: frozen, no unknown fields, text stripped."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True,
                              use_enum_values=False)


In = TypeVar("In", bound=CommandInput)


@dataclass(frozen=True)
class Follows:
    """What follows a command once it has committed: the cases to carry on, and a sweep."""

    cases: tuple[str, ...] = ()
    sweep: bool = False


CARRY_CASE = "case"  # carry the case the command named (and any it names in its result) on
SWEEP = "sweep"  # sweep: what is due may have changed for many cases (a new or cancelled meeting)


@dataclass(frozen=True)
class Command(Generic[In]):
    name: str
    input: type[In]
    allowed: Permission
    effect: Callable[[UnitOfWork, Actor, In], Any]
    scope: Callable[[UnitOfWork, In], Scope]
    follows: tuple[str, ...]
    what: str  # Nynorsk verb phrase for refusals: "registrere saker"
    summary: str  # one line: what it does (the docstring's first line)

    def follow_ups(self, data: In, result: Any) -> Follows:
        """The case the input names, and a case the effect made or returned, are carried on."""
        cases: list[str] = []
        if CARRY_CASE in self.follows:
            number = getattr(data, "case", None)
            if isinstance(number, str):
                cases.append(number)
            if isinstance(result, Case):
                cases.append(result.number)
        return Follows(tuple(dict.fromkeys(cases)), SWEEP in self.follows)


REGISTRY: dict[str, Command[Any]] = {}

#: Every command and the module that registers it (``run`` imports only that one).
MODULES: dict[str, str] = {
    "absence.report": "domain.commands.attendance",
    "case.close": "domain.commands.cases",
    "case.decide": "domain.commands.cases",
    "case.defer": "domain.commands.votes",
    "case.demand": "domain.commands.votes",
    "case.elect": "domain.commands.votes",
    "case.place": "domain.commands.cases",
    "case.recommend": "domain.commands.cases",
    "case.register": "domain.commands.cases",
    "case.take_up": "domain.commands.votes",
    "case.vote": "domain.commands.votes",
    "case.withdraw": "domain.commands.cases",
    "followup.assign": "domain.commands.followup",
    "followup.done": "domain.commands.followup",
    "init": "domain.commands.init",
    "meeting.add": "domain.commands.meetings",
    "meeting.attend": "domain.commands.attendance",
    "meeting.cancel": "domain.commands.meetings",
    "meeting.notice": "domain.commands.meetings",
    "meeting.send_minutes": "domain.commands.meetings",
    "meeting.change": "domain.commands.meetings",
    "substitute.answer": "domain.commands.attendance",
    "written.answer": "domain.commands.written",
    "written.start": "domain.commands.written",
}


def _no_scope(uow: UnitOfWork, data: Any) -> Scope:
    return Scope()


def command(name: str, input: type[In], *, allowed: Permission, what: str,
            scope: Callable[[UnitOfWork, In], Scope] = _no_scope,
            follows: Iterable[str] = ()) -> Callable[[Callable[[UnitOfWork, Actor, In], Any]],
                                                     Callable[[UnitOfWork, Actor, In], Any]]:
    """Register ``effect(uow, actor, data)`` as the command ``name``."""

    def register(effect: Callable[[UnitOfWork, Actor, In], Any]
                 ) -> Callable[[UnitOfWork, Actor, In], Any]:
        if name in REGISTRY:
            raise RuntimeError(f"command {name} registered twice")
        summary = (effect.__doc__ or "").strip().splitlines()[0] if effect.__doc__ else name
        REGISTRY[name] = Command(name, input, allowed, effect, scope, tuple(follows), what,
                                 summary)
        return effect

    return register


def get(name: str) -> Command[Any]:
    """The command ``name``, its module imported if it is not yet."""
    if name not in REGISTRY and name in MODULES:
        importlib.import_module(MODULES[name])
    try:
        return REGISTRY[name]
    except KeyError:
        raise NotFound(f"Ukjend kommando «{name}».",
                       f"Kommandoane er: {', '.join(sorted(MODULES))}.", field="command") from None


def load_all() -> dict[str, Command[Any]]:
    """Every command, all their modules imported."""
    for module in sorted(set(MODULES.values())):
        importlib.import_module(module)
    return REGISTRY


# -- input ---------------------------------------------------------------------------------

def parse(cmd: Command[In], data: Mapping[str, Any] | In) -> In:
    """The command's input model from what the person gave, or one refusal naming the field."""
    if isinstance(data, cmd.input):
        return data
    try:
        return cmd.input.model_validate(dict(data))
    except ValidationError as exc:
        raise input_error(exc.errors()[0]) from None


def input_error(error: ErrorDetails) -> InvalidInput:
    """One pydantic error as a refusal people read: what is wrong with which field."""
    loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    name = loc[0] if loc else "input"
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    given = error.get("input")
    if kind == "refused":  # our own validators say it in full
        message = str(ctx.get("message", error.get("msg"))).replace("[field:__field__]",
                                                                    f"[field:{name}]")
        return InvalidInput(message, str(ctx.get("hint", "")), field=name)
    shown = given if isinstance(given, str | int | float) else None
    what = f"[field:{name}]"
    if kind == "missing":
        return InvalidInput(f"{what} manglar.", "Gje ein verdi.", field=name)
    if kind == "extra_forbidden":
        return InvalidInput(f"{what} er ikkje eit felt i denne kommandoen.",
                            "Ta det vekk.", field=name)
    if kind in ("string_too_short", "too_short"):
        return InvalidInput(f"{what} er tom.", "Gje ein verdi.", field=name)
    if kind in ("string_too_long", "too_long"):
        limit = ctx.get("max_length")
        return InvalidInput(f"{what} er for lang; maks er {limit} teikn.", "Kort ned teksten.",
                            field=name)
    if kind == "enum":
        return InvalidInput(f"Ukjend verdi «{shown}» i {what}.",
                            f"Bruk ein av: {ctx.get('expected', '')}.", field=name)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return InvalidInput(f"{what} må vere eit heiltal, ikkje «{shown}».", "Skriv eit tal.",
                            field=name)
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(ctx.values()), "")
        word = "minst" if kind.startswith("greater") else "høgst"
        return InvalidInput(f"{what} må vere {word} {bound}.", "Rett verdien.", field=name)
    if kind in ("bool_parsing", "bool_type"):
        return InvalidInput(f"{what} må vere ja eller nei.", "Rett verdien.", field=name)
    return InvalidInput(f"Ugyldig verdi i {what}" + (f": «{shown}»." if shown is not None
                                                     else "."),
                        str(error.get("msg", "")), field=name)


# -- running -------------------------------------------------------------------------------

@dataclass
class Done:
    """A command that committed: what its effect returned, the view built before the commit, and
    what follows."""

    name: str
    result: Any
    view: Any
    follows: Follows = field(default_factory=Follows)


def run(name: str, data: Mapping[str, Any] | CommandInput, actor: str | Actor | None, *,
        engine: Engine, clock: Clock,
        view: Callable[[UnitOfWork, Any], Any] | None = None, via: Via | None = None) -> Done:
    """Run one command as ``actor`` (a person id, or an actor the entry point stands for, such
    as the operator) in one transaction; the permission is checked here. ``via`` is the way it
    came in (the CLI, a Prefect form and its run), journalled with the change."""
    cmd = get(name)
    payload = parse(cmd, data)
    with UnitOfWork(engine, clock, via=via) as uow:
        acting = actor if isinstance(actor, Actor) else uow.people.actor(actor)
        check(cmd, uow, acting, payload)
        result = cmd.effect(uow, acting, payload)
        built = view(uow, result) if view is not None else None
        alert_messages(uow)
        uow.commit()
    return Done(name, result, built, cmd.follow_ups(payload, result))


def run_in(uow: UnitOfWork, name: str, data: Mapping[str, Any] | CommandInput,
           actor: Actor) -> Any:
    """Run a command inside a unit of work the caller holds (the caller commits)."""
    cmd = get(name)
    payload = parse(cmd, data)
    check(cmd, uow, actor, payload)
    return cmd.effect(uow, actor, payload)


def check(cmd: Command[In], uow: UnitOfWork, actor: Actor, data: In) -> None:
    """The command's permission for this actor and what the input names."""
    if actor.is_system:
        return
    cmd.allowed.check(actor, cmd.scope(uow, data), cmd.what)


def who_may(language: str = "en") -> list[tuple[str, str]]:
    """Every command and who may run it, for the README's table."""
    commands = load_all()
    return [(name, commands[name].allowed.describe(language)) for name in sorted(commands)]
