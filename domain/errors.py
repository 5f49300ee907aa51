"""Errors meant for people: what is wrong and what to do about it.

Every refusal the engine makes is a ``TingflytError`` with a ``message`` (what is wrong) and a
``hint`` (the fix). The CLI prints them on one line and exits non-zero; a bug is anything else
and keeps its traceback.
"""

from __future__ import annotations


class TingflytError(Exception):
    """A refusal with a message for the person who asked."""

    code = "refused"
    exit_code = 1

    def __init__(self, message: str, hint: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.field = field

    def one_line(self) -> str:
        return f"{self.message} {self.hint}".strip()

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "hint": self.hint, "field": self.field}


class InvalidInput(TingflytError):
    """A value given by the user is malformed or out of range."""

    code = "invalid_input"
    exit_code = 2


class NotFound(TingflytError):
    """Something named by the user does not exist."""

    code = "not_found"
    exit_code = 2


class NotAllowed(TingflytError):
    """The actor does not have the role the action needs."""

    code = "not_allowed"
    exit_code = 4


class IllegalTransition(TingflytError):
    """The case or meeting is in a state where this step is not lawful."""

    code = "illegal_transition"


class RuleViolation(TingflytError):
    """A rule of law or of the cooperation agreement forbids this."""

    code = "rule_violation"


class Conflict(TingflytError):
    """Someone else changed the same thing at the same time; nothing was written."""

    code = "conflict"
    exit_code = 3


class ConfigError(TingflytError):
    """The organisation file is broken. ``problems`` holds one line per problem."""

    code = "config_error"
    exit_code = 5

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(
            f"{path}: {len(problems)} feil i organisasjonsfila, ingenting er lese inn.",
            "Rett linjene under og prøv igjen.",
            field=None,
        )

    def one_line(self) -> str:
        return "\n".join([super().one_line(), *(f"  {p}" for p in self.problems)])

    def as_dict(self) -> dict[str, object]:  # type: ignore[override]
        return {**super().as_dict(), "path": self.path, "problems": self.problems}


class NotInitialised(TingflytError):
    code = "not_initialised"
    exit_code = 5
