"""The life of a case (domain.md section 2): which step may follow which."""

from __future__ import annotations

from collections import deque

import pytest

from domain.errors import IllegalTransition
from domain.rules.lifecycle import AUTOMATIC, OPEN_STATES, STEPS, TERMINAL, allowed_steps, check
from domain.rules.terms import CaseState as S

#: The lawful steps as domain.md describes them: step -> (from states, to state).
EXPECTED: dict[str, tuple[set[S], S]] = {
    "start_preparation": ({S.REGISTERED, S.SENT_BACK}, S.IN_PREPARATION),
    "skip_preparation": ({S.REGISTERED}, S.RECOMMENDED),
    "recommend": ({S.IN_PREPARATION}, S.RECOMMENDED),
    "place": ({S.RECOMMENDED, S.POSTPONED, S.REFERRED}, S.ON_AGENDA),
    "move": ({S.ON_AGENDA}, S.ON_AGENDA),
    "remove_from_agenda": ({S.ON_AGENDA}, S.RECOMMENDED),
    "decide": ({S.ON_AGENDA}, S.DECIDED),
    "refer": ({S.ON_AGENDA}, S.REFERRED),
    "postpone": ({S.ON_AGENDA}, S.POSTPONED),
    "send_back": ({S.ON_AGENDA}, S.SENT_BACK),
    "reject": ({S.ON_AGENDA}, S.NOT_ADOPTED),
    "withdraw": (
        {S.REGISTERED, S.IN_PREPARATION, S.RECOMMENDED, S.ON_AGENDA, S.POSTPONED, S.SENT_BACK,
         S.REFERRED},
        S.WITHDRAWN,
    ),
    "start_implementation": ({S.DECIDED}, S.IN_IMPLEMENTATION),
    "close": ({S.DECIDED, S.IN_IMPLEMENTATION, S.NOT_ADOPTED, S.WITHDRAWN}, S.CLOSED),
}

ALLOWED = [(name, state, target) for name, (sources, target) in EXPECTED.items()
           for state in sorted(sources)]
REFUSED = [(name, state) for name, (sources, _) in EXPECTED.items()
           for state in S if state not in sources]


def test_the_engine_knows_exactly_the_expected_steps():
    assert set(STEPS) == set(EXPECTED)
    for name, (sources, target) in EXPECTED.items():
        assert set(STEPS[name].sources) == sources, name
        assert STEPS[name].target == target, name


def test_every_allowed_step_leads_to_its_state():
    wrong = [(step, state, check(step, state, "2026/17"), target)
             for step, state, target in ALLOWED if check(step, state, "2026/17") != target]
    assert not wrong
    assert len(ALLOWED) == 26


def _refusal_problems(step: str, state: S) -> list[str]:
    try:
        check(step, state, "2026/17")
    except IllegalTransition as err:
        problems = []
        if err.code != "illegal_transition" or err.field != "state":
            problems.append("code/field")
        for fragment in ("2026/17", f"«{state.label}»", f"«{STEPS[step].label}»"):
            if fragment not in err.message:
                problems.append(f"message lacks {fragment}")
        allowed = allowed_steps(state)
        if not allowed and "avslutta" not in err.hint:
            problems.append("closed case not said to be closed")
        by_people = [s for s in allowed if (state, s.name) not in AUTOMATIC]
        # People are offered what they may do; when only the engine can move the case on,
        # the hint says so and names those steps.
        expected = by_people or allowed
        if allowed and not by_people and "tingflyt tek neste steg sjølv" not in err.hint:
            problems.append("engine-only state not said to be automatic")
        for other in STEPS.values():
            offered = f"«{other.label}»" in err.hint
            if offered != (other in expected):
                problems.append(f"hint {'offers' if offered else 'lacks'} «{other.label}»")
        return problems
    return ["not refused"]


def test_every_other_step_is_refused_naming_state_and_what_is_allowed():
    failures = {(step, state): problems for step, state in REFUSED
                if (problems := _refusal_problems(step, state))}
    assert not failures
    assert len(REFUSED) == len(STEPS) * len(S) - len(ALLOWED)


def test_deciding_a_registered_case_is_refused_with_the_ways_forward():
    with pytest.raises(IllegalTransition) as info:
        check("decide", S.REGISTERED, "2026/3")
    err = info.value
    assert "«registrert»" in err.message
    assert "«gjere vedtak»" in err.message
    # preparation starts by itself; what a person can do from here is to withdraw the case
    assert "«sende til utgreiing»" not in err.hint
    assert "«trekkje»" in err.hint
    assert "«avslutte»" not in err.hint
    assert "«registrert»" in err.one_line() and "«trekkje»" in err.one_line()


def test_a_decided_case_cannot_be_withdrawn_or_decided_again():
    for step in ("withdraw", "decide", "place", "postpone"):
        with pytest.raises(IllegalTransition):
            check(step, S.DECIDED, "2026/5")


def test_closed_case_has_no_steps_and_says_so():
    assert allowed_steps(S.CLOSED) == []
    for step in STEPS:
        with pytest.raises(IllegalTransition) as info:
            check(step, S.CLOSED, "2026/9")
        assert "«avslutta»" in info.value.message
        assert "ingen fleire steg" in info.value.hint


def test_terminal_and_open_states_partition_the_states():
    assert {S.CLOSED} == TERMINAL
    assert set(S) - {S.CLOSED} == OPEN_STATES
    assert not OPEN_STATES & TERMINAL


@pytest.mark.parametrize("state", sorted(set(S) - {S.CLOSED}))
def test_every_open_state_has_a_step_and_can_reach_closed(state):
    assert allowed_steps(state), f"{state} is a dead end"
    seen = {state}
    queue = deque([state])
    while queue:
        current = queue.popleft()
        for step in allowed_steps(current):
            if step.target not in seen:
                seen.add(step.target)
                queue.append(step.target)
    assert S.CLOSED in seen


def test_postponed_and_referred_cases_go_back_on_an_agenda():
    assert check("place", S.POSTPONED, "2026/1") == S.ON_AGENDA
    assert check("place", S.REFERRED, "2026/1") == S.ON_AGENDA
    assert check("start_preparation", S.SENT_BACK, "2026/1") == S.IN_PREPARATION


def test_step_labels_are_unique_so_messages_are_unambiguous():
    labels = [step.label for step in STEPS.values()]
    assert len(labels) == len(set(labels))
