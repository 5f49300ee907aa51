"""Errors meant for people: what is wrong and what to do about it.

Every refusal the engine makes is a ``TingflytError``: a ``code`` (what kind of refusal), a
``message`` (what is wrong), a ``hint`` (the fix) and the ``field`` of the input at fault. A bug
is anything else and keeps its traceback. The family::

    TingflytError            refused
    +-- InvalidInput         a value is malformed or out of range       (the person's input)
    +-- NotFound             something named does not exist             (the person's input)
    +-- NotAllowed           the actor may not do this                  (who acts)
    +-- IllegalTransition    the case or meeting is in the wrong state  (the rules)
    +-- RuleViolation        the law or the agreement forbids it        (the rules)
    +-- Conflict             someone else changed it at the same time   (try again)
    +-- ConfigError          the organisation file is broken            (configuration)
    +-- NotInitialised       the database is not prepared               (configuration)
    +-- DatabaseProblem      the database cannot do its work            (configuration)

The texts speak of fields and commands, never of one entry point's way to name them: a field
is written ``[field:reason]`` (or ``[field:chair=gol-ordforar]`` with a value), a command
``[cmd:case.show]`` (or ``[cmd:case.decide|case=2026/17|outcome=decided]`` with its input);
square brackets, so that the markup reads the same inside an f-string.
Each entry point renders them its own way (``render``): the CLI as ``--reason`` and
``tingflyt case show``, a form as the field's name. Exit codes belong to the CLI, not here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: ``[field:name]``, ``[field:name=value]``, ``[cmd:name]``, ``[cmd:name|field=value|...]``
MARKUP = re.compile(r"\[(field|cmd):([^\[\]]+)\]")

FieldStyle = Callable[[str, str | None], str]
CommandStyle = Callable[[str, list[tuple[str, str]]], str]


def _plain_field(name: str, value: str | None) -> str:
    return f"«{name}»" if value is None else f"«{name}» = {value}"


def _plain_command(name: str, values: list[tuple[str, str]]) -> str:
    given = ", ".join(f"{k} = {v}" for k, v in values)
    return f"«{name}»" + (f" ({given})" if given else "")


def render(text: str, field: FieldStyle = _plain_field,
           command: CommandStyle = _plain_command) -> str:
    """Replace the field and command markup in ``text`` as one entry point names them."""

    def replace(match: re.Match[str]) -> str:
        kind, body = match.group(1), match.group(2)
        if kind == "field":
            name, _, value = body.partition("=")
            return field(name.strip(), value or None)
        name, *pairs = body.split("|")
        values = [(k.strip(), v) for k, _, v in (p.partition("=") for p in pairs)]
        return command(name.strip(), values)

    return MARKUP.sub(replace, text)


class TingflytError(Exception):
    """A refusal with a message for the person who asked."""

    code = "refused"

    def __init__(self, message: str, hint: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.field = field

    def one_line(self, field: FieldStyle = _plain_field,
                 command: CommandStyle = _plain_command) -> str:
        return render(f"{self.message} {self.hint}".strip(), field, command)

    def as_dict(self, field: FieldStyle = _plain_field,
                command: CommandStyle = _plain_command) -> dict[str, str | None]:
        return {"code": self.code, "message": render(self.message, field, command),
                "hint": render(self.hint, field, command), "field": self.field}

    def __str__(self) -> str:
        return self.one_line()


class InvalidInput(TingflytError):
    """A value given by the user is malformed or out of range."""

    code = "invalid_input"


class NotFound(TingflytError):
    """Something named by the user does not exist."""

    code = "not_found"


class NotAllowed(TingflytError):
    """The actor does not have the role the action needs."""

    code = "not_allowed"


class IllegalTransition(TingflytError):
    """The case or meeting is in a state where this step is not lawful."""

    code = "illegal_transition"


class RuleViolation(TingflytError):
    """A rule of law or of the cooperation agreement forbids this."""

    code = "rule_violation"


class Conflict(TingflytError):
    """Someone else changed the same thing at the same time; nothing was written."""

    code = "conflict"


class ConfigError(TingflytError):
    """The organisation file is broken. ``problems`` holds one line per problem."""

    code = "config_error"

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(
            f"{path}: {len(problems)} feil i organisasjonsfila, ingenting er lese inn.",
            "Rett linjene under og prøv igjen.",
            field=None,
        )

    def one_line(self, field: FieldStyle = _plain_field,
                 command: CommandStyle = _plain_command) -> str:
        return "\n".join([super().one_line(field, command),
                          *(f"  {render(p, field, command)}" for p in self.problems)])

    def as_dict(self, field: FieldStyle = _plain_field,  # type: ignore[override]
                command: CommandStyle = _plain_command) -> dict[str, object]:
        return {**super().as_dict(field, command), "path": self.path,
                "problems": [render(p, field, command) for p in self.problems]}


class NotInitialised(TingflytError):
    code = "not_initialised"


class DatabaseProblem(TingflytError):
    """The database cannot do its work: a file that is not a database, a read-only folder, a
    server that does not answer, a full disk, or it is another council's database."""

    code = "database"
