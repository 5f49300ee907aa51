"""Who receives a notice, a call-in and a written proposal (rules/recipients.py, no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.rules.recipients import (
    Sitting,
    Why,
    attend_and_speak_people,
    call_in_recipients,
    notice_recipients,
    written_recipients,
)

MEMBERS = ("gol-ordforar", "hol-ordforar", "aal-ordforar")


def test_members_and_attend_and_speak_get_the_notice() -> None:
    got = notice_recipients(Sitting(MEMBERS, attend_and_speak=("dagleg-leiar", "gol-kd")))
    assert [(r.person_id, r.why) for r in got] == [
        ("gol-ordforar", Why.MEMBER), ("hol-ordforar", Why.MEMBER), ("aal-ordforar", Why.MEMBER),
        ("dagleg-leiar", Why.ATTEND_AND_SPEAK), ("gol-kd", Why.ATTEND_AND_SPEAK)]
    assert [r.votes for r in got] == [True, True, True, False, False]


def test_an_absent_member_is_told_and_her_substitute_is_invited_to_her_seat() -> None:
    got = notice_recipients(Sitting(MEMBERS, absent=frozenset({"aal-ordforar"}),
                                    substitutes={"aal-vara": "aal-ordforar"}))
    by_person = {r.person_id: r for r in got}
    assert by_person["aal-ordforar"].why == Why.ABSENT and not by_person["aal-ordforar"].votes
    assert by_person["aal-vara"].why == Why.SUBSTITUTE
    assert by_person["aal-vara"].seat == "aal-ordforar" and by_person["aal-vara"].votes


def test_a_substitute_for_one_case_is_invited_for_that_case() -> None:
    got = notice_recipients(Sitting(MEMBERS, case_substitutes={"hol-vara": ("hol-ordforar",
                                                                            "2026/17")}))
    sub = next(r for r in got if r.person_id == "hol-vara")
    assert (sub.why, sub.seat, sub.case) == (Why.SUBSTITUTE, "hol-ordforar", "2026/17")
    assert next(r for r in got if r.person_id == "hol-ordforar").why == Why.MEMBER


def test_a_substitute_being_asked_gets_the_call_in_not_the_notice() -> None:
    sitting = Sitting(MEMBERS, absent=frozenset({"gol-ordforar"}),
                      asked={"gol-vara": "gol-ordforar"})
    assert "gol-vara" not in {r.person_id for r in notice_recipients(sitting)}
    assert [(r.person_id, r.why, r.seat) for r in call_in_recipients(sitting)] == [
        ("gol-vara", Why.ASKED, "gol-ordforar")]


def test_a_written_proposal_goes_to_every_member_once() -> None:
    assert [r.person_id for r in written_recipients([*MEMBERS, "gol-ordforar"])] == list(MEMBERS)


def test_attend_and_speak_groups_are_people() -> None:
    people = attend_and_speak_people(["admin_committee", "director", "staff"],
                                     director="dagleg-leiar", staff=["radgjevar"],
                                     bodies={"admin_committee": ["gol-kd", "hol-kd"]})
    assert people == ("gol-kd", "hol-kd", "dagleg-leiar", "radgjevar")


@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), unique=True, min_size=1),
       st.sets(st.sampled_from(["a", "b", "c", "d", "e"])),
       st.lists(st.sampled_from(["x", "y", "a"]), unique=True))
def test_everyone_is_told_once_and_only_members_and_substitutes_vote(
        members: list[str], absent: set[str], extra: list[str]) -> None:
    sitting = Sitting(tuple(members), absent=frozenset(absent) & set(members),
                      attend_and_speak=tuple(extra))
    got = notice_recipients(sitting)
    ids = [r.person_id for r in got]
    assert len(ids) == len(set(ids))
    assert set(members) <= set(ids)
    assert {r.person_id for r in got if r.votes} == set(members) - absent


# -- what a cancelled meeting or an ended case still gets ------------------------------------

def test_a_cancelled_meeting_gets_only_its_cancellation() -> None:
    from domain.rules.recipients import overtaken

    for kind in ("notice", "update", "call_in", "alert", "absence_confirmation",
                 "announcement", "minutes"):
        assert overtaken(kind, meeting_cancelled=True, case_ended=False) == "møtet er avlyst"
    assert overtaken("cancellation", meeting_cancelled=True, case_ended=False) is None


def test_a_withdrawn_case_gets_no_reminders_but_its_meeting_still_hears_of_it() -> None:
    from domain.rules.recipients import overtaken

    for kind in ("alert", "written_proposal", "written_reminder"):
        assert overtaken(kind, meeting_cancelled=False, case_ended=True) is not None
    for kind in ("notice", "update", "minutes", "cancellation"):
        assert overtaken(kind, meeting_cancelled=False, case_ended=True) is None
    assert overtaken("notice", meeting_cancelled=False, case_ended=False) is None
