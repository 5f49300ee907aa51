"""The life of a case: which step may follow which (domain.md section 2).

registered -> in preparation -> recommended -> on an agenda -> decided / postponed / sent back /
not adopted / withdrawn / referred (council recommendation to the assembly) -> ... -> in
implementation -> closed. Steps are named; each has the states it may start from and the state it
leads to. Anything else is refused with the case's state and what is allowed from there.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import IllegalTransition
from domain.rules.terms import CaseState as S


@dataclass(frozen=True)
class Step:
    name: str
    label: str  # Nynorsk, for messages
    sources: frozenset[S]
    target: S


_OPEN_BEFORE_MEETING = frozenset({S.REGISTERED, S.IN_PREPARATION, S.RECOMMENDED, S.ON_AGENDA})

STEPS: dict[str, Step] = {
    step.name: step
    for step in [
        Step("start_preparation", "sende til utgreiing", frozenset({S.REGISTERED, S.SENT_BACK}),
             S.IN_PREPARATION),
        Step("skip_preparation", "gjere klar utan utgreiing", frozenset({S.REGISTERED}),
             S.RECOMMENDED),
        Step("recommend", "leggje fram tilråding", frozenset({S.IN_PREPARATION}), S.RECOMMENDED),
        Step("place", "setje på saksliste",
             frozenset({S.RECOMMENDED, S.POSTPONED, S.REFERRED}), S.ON_AGENDA),
        Step("move", "flytte til eit anna møte", frozenset({S.ON_AGENDA}), S.ON_AGENDA),
        Step("remove_from_agenda", "ta av sakslista", frozenset({S.ON_AGENDA}), S.RECOMMENDED),
        Step("decide", "gjere vedtak", frozenset({S.ON_AGENDA}), S.DECIDED),
        Step("refer", "innstille til neste organ", frozenset({S.ON_AGENDA}), S.REFERRED),
        Step("postpone", "utsetje", frozenset({S.ON_AGENDA}), S.POSTPONED),
        Step("send_back", "sende attende", frozenset({S.ON_AGENDA}), S.SENT_BACK),
        Step("reject", "ikkje vedta", frozenset({S.ON_AGENDA}), S.NOT_ADOPTED),
        Step("withdraw", "trekkje", _OPEN_BEFORE_MEETING | {S.POSTPONED, S.SENT_BACK, S.REFERRED},
             S.WITHDRAWN),
        Step("start_implementation", "starte effektuering", frozenset({S.DECIDED}),
             S.IN_IMPLEMENTATION),
        Step("close", "avslutte",
             frozenset({S.DECIDED, S.IN_IMPLEMENTATION, S.NOT_ADOPTED, S.WITHDRAWN}), S.CLOSED),
    ]
}


def allowed_steps(state: S) -> list[Step]:
    return [step for step in STEPS.values() if state in step.sources]


#: Steps the engine takes by itself from these states; people are not offered them.
AUTOMATIC = frozenset({
    (S.REGISTERED, "start_preparation"), (S.REGISTERED, "skip_preparation"),
    (S.SENT_BACK, "start_preparation"), (S.DECIDED, "start_implementation"),
    (S.DECIDED, "close"), (S.NOT_ADOPTED, "close"), (S.WITHDRAWN, "close"),
})


def check(step_name: str, state: S, case_label: str) -> S:
    """Return the state after ``step_name`` or refuse, naming the state and what is allowed."""
    step = STEPS[step_name]
    if state in step.sources:
        return step.target
    allowed = allowed_steps(state)
    by_people = [s for s in allowed if (state, s.name) not in AUTOMATIC]
    if by_people:
        options = ", ".join(f"«{s.label}»" for s in by_people)
        hint = f"Frå «{state.label}» kan saka: {options}."
    elif allowed:
        options = ", ".join(f"«{s.label}»" for s in allowed)
        hint = f"tingflyt tek neste steg sjølv ({options}); køyr [cmd:sweep] om det hastar."
    else:
        hint = "Saka er avslutta; ingen fleire steg er moglege."
    raise IllegalTransition(
        f"Sak {case_label} er «{state.label}»; ein kan ikkje «{step.label}» no.", hint,
        field="state",
    )


TERMINAL = frozenset({S.CLOSED})
OPEN_STATES = frozenset(S) - TERMINAL
