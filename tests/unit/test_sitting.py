"""Who chairs, "a third", presence for one agenda item and the quorum forecast
(domain/rules/sitting.py): pure rules over plain values, no database."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.rules.sitting import (
    Sitting,
    a_third,
    at_least_a_third,
    chair_note,
    expected_present,
    leading,
    present_for_item,
)


@dataclass(frozen=True)
class Leaders:
    chair_id: str | None = "leiar"
    deputy_chair_id: str | None = "nestleiar"


BODY = Leaders()


# -- who chairs -------------------------------------------------------------------------------

def test_the_leader_chairs_when_she_is_there():
    assert leading(BODY, "vald", ["leiar", "nestleiar", "vald"]) == "leiar"


def test_the_deputy_leader_chairs_without_the_leader():
    assert leading(BODY, "vald", ["nestleiar", "vald"]) == "nestleiar"


def test_the_elected_chair_only_when_neither_leader_is_there():
    assert leading(BODY, "vald", ["vald", "annan"]) == "vald"
    assert leading(BODY, "vald", ["annan"]) is None  # the body must elect someone
    assert leading(BODY, None, ["annan"]) is None
    assert leading(Leaders(None, None), "vald", ["vald"]) == "vald"


def test_chair_note_says_why_another_chaired():
    assert chair_note(BODY, "leiar", []) is None
    assert chair_note(BODY, None, []) is None
    assert chair_note(BODY, "nestleiar", ["leiar"]) == \
        "nestleiaren leia saka fordi leiaren var inhabil"
    assert chair_note(BODY, "nestleiar", []) == \
        "nestleiaren leia saka fordi leiaren ikkje var til stades"
    assert "verken leiaren eller nestleiaren" in chair_note(BODY, "vald", [])


@given(st.sets(st.sampled_from(["leiar", "nestleiar", "vald", "a", "b"])),
       st.sampled_from(["vald", "a", None]))
def test_whoever_leads_is_present_and_the_leader_first(present, elected):
    chosen = leading(BODY, elected, present)
    assert chosen is None or chosen in present
    if "leiar" in present:
        assert chosen == "leiar"
    elif "nestleiar" in present:
        assert chosen == "nestleiar"
    else:
        assert chosen == (elected if elected in present else None)


# -- a third ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("members", "third"), [
    (0, 0), (1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 3), (9, 3), (30, 10), (31, 11),
])
def test_a_third_of_the_members(members, third):
    # council: 2 of 6; assembly: 10 of 30; Fjellbygd's representantskap: 3 of 9
    assert a_third(members) == third


@given(st.integers(min_value=0, max_value=10_000))
def test_a_third_is_the_fewest_that_make_at_least_a_third(n):
    k = a_third(n)
    assert 3 * k >= n
    assert k == 0 or 3 * (k - 1) < n
    assert k == math.ceil(n / 3)  # what the demands of KL §§ 11-2, 11-3, 11-8 (3) counted


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500))
def test_at_least_a_third_is_the_objection_rule_of_kl_11_3(count, present):
    # The rule for a case not on the agenda was written ``len(objectors) * 3 >= len(present)``
    assert at_least_a_third(count, of=present) == (count * 3 >= present)


def test_a_third_of_a_negative_count_is_a_bug():
    with pytest.raises(ValueError):
        a_third(-1)


# -- presence for one agenda item ---------------------------------------------------------------

ROWS = [
    Sitting("a", "a"),
    Sitting("b", "b", from_position=3),  # came to item 3
    Sitting("c", "c", to_position=2),  # left after item 2
    Sitting("vara-d", "d"),  # sits for d the whole meeting
    Sitting("e", "e"),
    Sitting("vara-e", "e", case=17),  # sits for e in case 17, where e is recused
    Sitting("dagleg-leiar", None),  # attends without a vote
]


def test_presence_follows_arrivals_and_departures():
    assert present_for_item(ROWS, 1) == {"a": "a", "c": "c", "vara-d": "d", "e": "e"}
    assert present_for_item(ROWS, 3) == {"a": "a", "b": "b", "vara-d": "d", "e": "e"}
    # an item without a position (taken up in the meeting) is within every range
    assert set(present_for_item(ROWS, None)) == {"a", "b", "c", "vara-d", "e"}


def test_the_recused_are_not_present_and_a_substitute_takes_the_seat_for_that_case():
    assert present_for_item(ROWS, 4, recused={"e"}, case=17) == {
        "a": "a", "b": "b", "vara-d": "d", "vara-e": "e"}
    # without the case substitute's case, the seat stays empty
    assert present_for_item(ROWS, 4, recused={"e"}, case=18) == {
        "a": "a", "b": "b", "vara-d": "d"}


def test_a_substitute_for_one_case_never_doubles_a_seat():
    # e is not recused in case 17 after all: she keeps her seat, the substitute does not sit
    assert "vara-e" not in present_for_item(ROWS, 4, recused=(), case=17)
    assert present_for_item([Sitting("x", "s", case=1), Sitting("y", "s", case=1)], 1,
                            case=1) == {"x": "s"}


seat_ids = st.sampled_from(["s1", "s2", "s3", "s4"])
people = st.sampled_from(["p1", "p2", "p3", "p4", "p5", "p6"])
positions = st.one_of(st.none(), st.integers(min_value=1, max_value=6))
rows = st.lists(st.builds(Sitting, people, st.one_of(st.none(), seat_ids), positions, positions,
                          st.one_of(st.none(), st.sampled_from([1, 2]))), max_size=10)


@given(rows, positions, st.sets(people), st.sampled_from([1, 2]))
def test_presence_never_counts_the_recused_nor_another_cases_substitute(
        lines, position, recused, case):
    found = present_for_item(lines, position, recused, case)
    assert not set(found) & recused
    for person, seat in found.items():
        assert any(r.person == person and r.seat == seat and r.case in (None, case)
                   for r in lines)
    by_case = [p for p in found if not any(r.person == p and r.case is None for r in lines)]
    seats_of_whole = [found[p] for p in found if p not in by_case]
    for person in by_case:  # a substitute for the case sits in a seat no one else holds
        assert found[person] not in seats_of_whole
        assert [found[p] for p in by_case].count(found[person]) == 1


# -- the quorum forecast ------------------------------------------------------------------------

SITTERS = {"a": "a", "b": "vara-b", "c": None, "d": "d"}  # c is away with no substitute


def test_the_forecast_counts_covered_seats():
    assert expected_present(SITTERS) == 3


def test_the_forecast_for_a_case_leaves_out_the_recused():
    assert expected_present(SITTERS, recused={"a"}) == 2
    assert expected_present(SITTERS, recused={"vara-b"}) == 2  # a substitute can be recused


def test_the_forecast_counts_a_substitute_who_said_yes_for_the_case():
    assert expected_present(SITTERS, recused={"a"}, case_substitutes={"a": "vara-a"}) == 3
    # a seat open for the meeting, covered for the case
    assert expected_present(SITTERS, recused=(), case_substitutes={"c": "vara-c"}) == 4
    # a case substitute for a seat whose sitter is there counts nothing extra
    assert expected_present(SITTERS, recused=(), case_substitutes={"a": "vara-a"}) == 3


@given(st.dictionaries(seat_ids, st.one_of(st.none(), people)), st.sets(people),
       st.dictionaries(seat_ids, people))
def test_the_forecast_is_between_nothing_and_every_seat(sitters, recused, covering):
    plain = expected_present(sitters)
    assert plain == sum(1 for s in sitters.values() if s is not None)
    in_case = expected_present(sitters, recused)
    assert 0 <= in_case <= plain <= len(sitters)
    with_substitutes = expected_present(sitters, recused, covering)
    assert in_case <= with_substitutes <= len(sitters)
