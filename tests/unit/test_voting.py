"""Voting rules (domain.md section 4): quorum, the duty to vote, majority, the casting vote,
consensus and elections. Property tests compare the count with a direct reading of the rules."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.voting import Choice, count_election, count_vote, quorum_needed

F, A, B = Choice.FOR, Choice.AGAINST, Choice.BLANK
SIX = [f"m{i}" for i in range(6)]


def test_quorum_is_at_least_half_of_the_seats() -> None:
    assert [quorum_needed(n) for n in (1, 2, 5, 6, 30)] == [1, 1, 3, 3, 15]
    short = count_vote(seats=6, present=SIX[:2], ballots={"m0": F, "m1": F}, chair="m0")
    assert short.adopted is None and "Ikkje vedtaksføre: 2 av 6" in short.explanation
    enough = count_vote(seats=6, present=SIX[:3], ballots={"m0": F, "m1": F, "m2": A},
                        chair="m0")
    assert enough.adopted is True


def test_everyone_present_must_vote_and_blank_is_not_allowed() -> None:
    silent = count_vote(seats=6, present=SIX, ballots={m: F for m in SIX[:5]}, chair="m0")
    assert silent.adopted is None and "m5" in silent.explanation
    blank = count_vote(seats=6, present=SIX, ballots={**{m: F for m in SIX[:5]}, "m5": B},
                       chair="m0")
    assert blank.adopted is None and "Blank" in blank.explanation
    stranger = count_vote(seats=6, present=SIX[:4], ballots={**{m: F for m in SIX[:4]},
                                                             "x": F}, chair="m0")
    assert stranger.adopted is None and "x" in stranger.explanation


def test_tie_is_decided_by_the_chair() -> None:
    ballots = {"m0": F, "m1": F, "m2": F, "m3": A, "m4": A, "m5": A}
    yes = count_vote(seats=6, present=SIX, ballots=ballots, chair="m0")
    no = count_vote(seats=6, present=SIX, ballots=ballots, chair="m3")
    assert (yes.adopted, yes.casting_vote) == (True, True)
    assert (no.adopted, no.casting_vote) == (False, True)
    assert "dobbeltstemme" in yes.explanation


def test_consensus_needs_every_vote() -> None:
    ballots = {m: F for m in SIX}
    assert count_vote(seats=6, present=SIX, ballots=ballots, chair="m0",
                      consensus=True).adopted is True
    ballots["m5"] = A
    result = count_vote(seats=6, present=SIX, ballots=ballots, chair="m0", consensus=True)
    assert result.adopted is False and "Ikkje konsensus" in result.explanation


def test_election_needs_more_than_half_then_most_votes_then_lots() -> None:
    voters = [f"v{i}" for i in range(5)]
    first = count_election(seats=5, present=voters, candidates=["Kari", "Ola", "Per"],
                           ballots={"v0": "Kari", "v1": "Kari", "v2": "Ola", "v3": "Per",
                                    "v4": None})
    assert first.elected is None and first.needs_new_round  # 2 of 5 is not more than half
    second = count_election(seats=5, present=voters, candidates=["Kari", "Ola"], round=2,
                            ballots={"v0": "Kari", "v1": "Kari", "v2": "Ola", "v3": "Ola",
                                     "v4": None})
    assert second.elected is None and second.breaches  # a tie needs lots
    drawn = count_election(seats=5, present=voters, candidates=["Kari", "Ola"], round=2,
                           ballots={"v0": "Kari", "v1": "Kari", "v2": "Ola", "v3": "Ola",
                                    "v4": None}, draw=lambda tied: sorted(tied)[-1])
    assert drawn.elected == "Ola" and drawn.drawn_among == ("Kari", "Ola")
    blank_counts = count_election(seats=5, present=voters, candidates=["Kari"],
                                  ballots={"v0": "Kari", "v1": "Kari", "v2": None, "v3": None,
                                           "v4": "Kari"})
    assert blank_counts.elected == "Kari"  # 3 of 5 cast, blanks included


# -- property: the count is a direct reading of the rules ------------------------------------

@st.composite
def meetings(draw):  # noqa: ANN001, ANN201 - hypothesis strategy
    seats = draw(st.integers(min_value=1, max_value=30))
    members = [f"p{i}" for i in range(seats)]
    present = draw(st.lists(st.sampled_from(members), unique=True, max_size=seats))
    voters = draw(st.lists(st.sampled_from(members + ["outsider"]), unique=True,
                           max_size=seats + 1))
    ballots = {v: draw(st.sampled_from([F, A, B, F, A])) for v in voters}
    chair = draw(st.sampled_from(members))
    consensus = draw(st.booleans())
    return seats, present, ballots, chair, consensus


def reading_of_the_rules(seats, present, ballots, chair, consensus):  # noqa: ANN001, ANN201
    if set(ballots) != set(present):
        return None  # everyone present votes, and only they
    if any(c == B for c in ballots.values()):
        return None  # no blank outside elections
    if 2 * len(ballots) < seats:
        return None  # at least half of the members present and voting
    yes = sum(c == F for c in ballots.values())
    no = sum(c == A for c in ballots.values())
    if consensus:
        return no == 0
    if yes != no:
        return yes > no
    if chair not in ballots:
        return None
    return ballots[chair] == F


@settings(max_examples=400, deadline=None)
@given(meetings())
def test_count_matches_the_rules(case) -> None:  # noqa: ANN001
    seats, present, ballots, chair, consensus = case
    result = count_vote(seats=seats, present=present, ballots=ballots, chair=chair,
                        consensus=consensus)
    assert result.adopted == reading_of_the_rules(seats, present, ballots, chair, consensus)
    assert result.valid == (result.adopted is not None)
    if result.casting_vote:
        assert result.votes_for == result.votes_against and not consensus
