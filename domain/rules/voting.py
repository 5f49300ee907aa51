"""Counting votes: quorum, the duty to vote, majority, the casting vote, consensus, elections.

Pure rules over plain values (domain.md section 4; kommunelova §§ 11-9, 8-1 and 7-8; the
cooperation agreement pkt. 3a on consensus):

- Quorum (vedtaksføre): at least half of the body's members must be present and vote in the
  case. Recused members are not present for the case and do not count.
- Every member present votes; blank votes only in elections and appointments.
- A decision needs a majority of the votes cast. On a tie the chair's vote decides
  (dobbeltstemme), except in elections.
- In the assembly, cases on the distribution of the council's funds need consensus: every vote
  for the proposal. Without it there is no decision.
- Elections: elected with more than half of the votes cast (blank ballots are votes cast);
  otherwise a new vote, won by most votes; a tie there is settled by drawing lots.

A count that breaks a rule returns ``breaches`` and no result: the engine refuses to record
such a decision and says which rule it breaks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    BLANK = "blank"


CHOICE_LABELS = {Choice.FOR: "for", Choice.AGAINST: "mot", Choice.BLANK: "blank"}

QUORUM_RULE = "kommunelova § 11-9"
DUTY_RULE = "kommunelova § 8-1"
BLANK_RULE = "kommunelova § 8-1: blankt berre ved val og tilsetjing"
MAJORITY_RULE = "kommunelova § 11-9"
CASTING_RULE = "kommunelova § 11-9: møteleiaren si dobbeltstemme"
CONSENSUS_RULE = "samarbeidsavtalen pkt. 3a: konsensus ved fordeling av midlar"
ELECTION_RULE = "kommunelova § 7-8: fleirtalsval"


@dataclass(frozen=True)
class Breach:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.message} ({self.rule})"


@dataclass(frozen=True)
class VoteResult:
    """The outcome of a vote on a proposal. ``adopted`` is None when the vote is invalid."""

    adopted: bool | None
    votes_for: int
    votes_against: int
    voters: int
    seats: int
    casting_vote: bool = False
    consensus_required: bool = False
    explanation: str = ""
    breaches: tuple[Breach, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.breaches


def quorum_needed(seats: int) -> int:
    """The fewest members present and voting for a quorum: at least half of the seats."""
    return (seats + 1) // 2


def _common_breaches(seats: int, present: Sequence[str], ballots: Mapping[str, object],
                     *, blanks_allowed: bool) -> list[Breach]:
    breaches: list[Breach] = []
    present_set = set(present)
    strangers = sorted(set(ballots) - present_set)
    if strangers:
        breaches.append(Breach(
            DUTY_RULE, f"Røyster frå nokon som ikkje er til stades i saka: {', '.join(strangers)}"))
    silent = sorted(present_set - set(ballots))
    if silent:
        breaches.append(Breach(
            DUTY_RULE, f"Alle som er til stades skal røyste; manglar røyst frå "
            f"{', '.join(silent)}"))
    if not blanks_allowed:
        blank = sorted(v for v, c in ballots.items() if c == Choice.BLANK)
        if blank:
            breaches.append(Breach(BLANK_RULE, f"Blank røyst er ikkje lov her: {', '.join(blank)}"))
    voting = len(present_set & set(ballots))
    if voting < quorum_needed(seats):
        breaches.append(Breach(
            QUORUM_RULE, f"Ikkje vedtaksføre: {voting} av {seats} medlemer er til stades og "
            f"røystar; minst {quorum_needed(seats)} trengst"))
    return breaches


def count_vote(
    *,
    seats: int,
    present: Sequence[str],
    ballots: Mapping[str, Choice],
    chair: str | None,
    consensus: bool = False,
) -> VoteResult:
    """Count a vote on one proposal in an ordinary (non-election) case.

    ``present`` are the people sitting in a seat for this case (members and substitutes, not
    the recused); ``chair`` is who leads the meeting for this case (the casting vote).
    """
    breaches = _common_breaches(seats, present, ballots, blanks_allowed=False)
    votes_for = sum(1 for c in ballots.values() if c == Choice.FOR)
    votes_against = sum(1 for c in ballots.values() if c == Choice.AGAINST)
    base = dict(votes_for=votes_for, votes_against=votes_against, voters=len(ballots),
                seats=seats, consensus_required=consensus)
    if breaches:
        return VoteResult(adopted=None, breaches=tuple(breaches),
                          explanation="; ".join(str(b) for b in breaches), **base)
    if consensus:
        adopted = votes_against == 0
        why = (f"Konsensus: alle {votes_for} røysta for" if adopted else
               f"Ikkje konsensus: {votes_against} røysta mot; utan konsensus blir det ikkje "
               "noko vedtak")
        return VoteResult(adopted=adopted, explanation=f"{why} ({CONSENSUS_RULE}).", **base)
    if votes_for != votes_against:
        adopted = votes_for > votes_against
        word = "vedteke" if adopted else "ikkje vedteke"
        return VoteResult(adopted=adopted, explanation=(
            f"{word.capitalize()} med {votes_for} mot {votes_against} røyster "
            f"({MAJORITY_RULE})."), **base)
    if chair is None or chair not in ballots:
        breach = Breach(CASTING_RULE, "Stemmelikskap, men møteleiaren har ikkje røysta; "
                        "møteleiaren si røyst avgjer")
        return VoteResult(adopted=None, breaches=(breach,), explanation=str(breach), **base)
    adopted = ballots[chair] == Choice.FOR
    return VoteResult(
        adopted=adopted, casting_vote=True,
        explanation=(f"Stemmelikskap {votes_for}-{votes_against}; møteleiaren røysta "
                     f"{CHOICE_LABELS[ballots[chair]]}, og det avgjer ({CASTING_RULE})."),
        **base)


@dataclass(frozen=True)
class ElectionResult:
    """One round of a majority election (fleirtalsval)."""

    elected: str | None
    round: int
    counts: dict[str, int]
    blank: int
    voters: int
    needs_new_round: bool = False
    drawn_among: tuple[str, ...] = ()
    explanation: str = ""
    breaches: tuple[Breach, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not self.breaches


def count_election(
    *,
    seats: int,
    present: Sequence[str],
    ballots: Mapping[str, str | None],
    candidates: Sequence[str],
    round: int = 1,
    draw: Callable[[Sequence[str]], str] | None = None,
) -> ElectionResult:
    """Count one round. A ballot is a candidate or None (blank, which is a vote cast).

    Round 1: elected with more than half of the votes cast; otherwise a new round is needed.
    Round 2 (and later): most votes wins; a tie is settled by ``draw`` (lots), which must be
    given and whose result is recorded.
    """
    choice_map = {v: (Choice.BLANK if c is None else Choice.FOR) for v, c in ballots.items()}
    breaches = _common_breaches(seats, present, choice_map, blanks_allowed=True)
    unknown = sorted({c for c in ballots.values() if c is not None} - set(candidates))
    if unknown:
        breaches.append(Breach(ELECTION_RULE, f"Røyst på nokon som ikkje er kandidat: "
                               f"{', '.join(unknown)}"))
    counts = Counter(c for c in ballots.values() if c is not None)
    counts_full = {c: counts.get(c, 0) for c in candidates}
    blank = sum(1 for c in ballots.values() if c is None)
    base = dict(round=round, counts=counts_full, blank=blank, voters=len(ballots))
    if breaches:
        return ElectionResult(elected=None, breaches=tuple(breaches),
                              explanation="; ".join(str(b) for b in breaches), **base)
    cast = len(ballots)
    if round == 1:
        for candidate, votes in counts_full.items():
            if votes * 2 > cast:
                return ElectionResult(elected=candidate, explanation=(
                    f"{candidate} er vald med {votes} av {cast} avgjevne røyster, meir enn "
                    f"halvparten ({ELECTION_RULE})."), **base)
        return ElectionResult(elected=None, needs_new_round=True, explanation=(
            f"Ingen fekk meir enn halvparten av {cast} avgjevne røyster; ny røysting der den "
            f"som får flest røyster er vald ({ELECTION_RULE})."), **base)
    top = max(counts_full.values(), default=0)
    leaders = [c for c, v in counts_full.items() if v == top and v > 0]
    if len(leaders) == 1:
        return ElectionResult(elected=leaders[0], explanation=(
            f"{leaders[0]} er vald med flest røyster ({top}) i ny røysting ({ELECTION_RULE})."),
            **base)
    if not leaders:
        breach = Breach(ELECTION_RULE, "Ingen kandidat fekk røyster")
        return ElectionResult(elected=None, breaches=(breach,), explanation=str(breach), **base)
    if draw is None:
        breach = Breach(ELECTION_RULE, f"Stemmelikskap mellom {', '.join(leaders)}: "
                        "valet skal avgjerast ved loddtrekning")
        return ElectionResult(elected=None, breaches=(breach,), explanation=str(breach), **base)
    winner = draw(leaders)
    if winner not in leaders:
        raise ValueError("the draw must pick one of the tied candidates")
    return ElectionResult(elected=winner, drawn_among=tuple(leaders), explanation=(
        f"Stemmelikskap mellom {', '.join(leaders)} med {top} røyster kvar; {winner} er vald "
        f"ved loddtrekning ({ELECTION_RULE})."), **base)
