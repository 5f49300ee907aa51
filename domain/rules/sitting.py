"""Who sits and who leads, as pure rules over plain values (no database): the leader, the deputy
leader or an elected chair; why the minutes name another chair; "a third" of the members or of
those present; who is present for one agenda item; how many seats the quorum forecast expects.

Sources: KL § 11-2 (a third of the members can demand a meeting), § 11-3 (a third of the
members can demand a case on the agenda; the chair or a third of those present can stop a case
not on the agenda), § 11-8 (3) (a third of the members can demand that a case in an urgent
remote meeting waits), § 11-9 (quorum), § 7-10 (substitutes), forvaltningslova ch. II via
KL § 11-10 (a recused member does not take part in the case).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol


class Leaders(Protocol):
    """What the rules need of a body to know who leads it (a table row or any plain value)."""

    @property
    def chair_id(self) -> str | None: ...

    @property
    def deputy_chair_id(self) -> str | None: ...


def leading(body: Leaders, meeting_chair: str | None, present: Iterable[str]) -> str | None:
    """Who leads among ``present``: the leader, else the deputy leader, else the one elected
    to chair the meeting; None when none of them is there (the body must elect someone)."""
    there = set(present)
    return next((p for p in (body.chair_id, body.deputy_chair_id, meeting_chair)
                 if p is not None and p in there), None)


def chair_note(body: Leaders, chair_id: str | None, recused: Iterable[str]) -> str | None:
    """Why someone other than the leader chaired a case, for the minutes."""
    if chair_id is None or chair_id == body.chair_id:
        return None
    why = "var inhabil" if body.chair_id in set(recused) else "ikkje var til stades"
    if chair_id == body.deputy_chair_id:
        return f"nestleiaren leia saka fordi leiaren {why}"
    return "vald til møteleiar for saka fordi verken leiaren eller nestleiaren var med"


# -- a third ---------------------------------------------------------------------------------

def a_third(n: int) -> int:
    """The fewest of ``n`` that make at least a third of them (KL §§ 11-2, 11-3, 11-8 (3)):
    the smallest whole number ``k`` with ``3 * k >= n``. Of six members, two; of 30, ten; of
    seven, three."""
    if n < 0:
        raise ValueError(f"a third of {n}: a count cannot be negative")
    return (n + 2) // 3


def at_least_a_third(count: int, of: int) -> bool:
    """Are ``count`` at least a third of ``of``?"""
    return count >= a_third(of)


# -- presence for one agenda item --------------------------------------------------------------

@dataclass(frozen=True)
class Sitting:
    """One line of the attendance as plain values: who sat in which seat (None: attends without
    a vote), from and to which agenda position (None: from the start, to the end), and, for a
    substitute seated for one case only (a recused member's seat), that case."""

    person: str
    seat: str | None
    from_position: int | None = None
    to_position: int | None = None
    case: Hashable | None = None
    chair: bool = False


def present_for_item(rows: Iterable[Sitting], position: int | None,
                     recused: Collection[str] = (),
                     case: Hashable | None = None) -> dict[str, str]:
    """Who sits in a seat for the agenda item at ``position`` (the case ``case``): person ->
    seat, without the recused.

    A line for the whole meeting counts when the item lies within its from/to positions (an
    item with no position is taken to be within every range). A line for one case counts only
    for that case, and only for a seat nobody else holds for the item: she takes the seat of a
    member who is recused (or away) there.
    """
    sitting: dict[str, str] = {}
    by_case: list[tuple[str, str, Hashable]] = []
    for row in rows:
        if row.seat is None:
            continue
        if row.case is not None:
            by_case.append((row.person, row.seat, row.case))
            continue
        if position is not None and row.from_position is not None \
                and position < row.from_position:
            continue
        if position is not None and row.to_position is not None and position > row.to_position:
            continue
        if row.person in recused:
            continue
        sitting[row.person] = row.seat
    held = set(sitting.values())
    for person, seat, for_case in by_case:
        if case is None or for_case != case or person in recused:
            continue
        if seat in held or person in sitting:
            continue
        sitting[person] = seat
        held.add(seat)
    return sitting


# -- the quorum forecast -----------------------------------------------------------------------

def expected_present(sitters: Mapping[str, str | None], recused: Collection[str] = (),
                     case_substitutes: Mapping[str, str] | None = None) -> int:
    """How many seats the forecast expects to be filled (KL § 11-9), for the meeting or, with
    ``recused`` and ``case_substitutes``, for one case.

    ``sitters`` maps each seat (its member's id) to who is expected in it for the meeting: the
    member, the substitute who said yes, or None when the seat is open. A seat counts when its
    sitter is not recused; a seat left by a recused sitter (or open) counts when a substitute
    has said yes for the case (``case_substitutes``: seat -> substitute).
    """
    covering = case_substitutes or {}

    def filled(seat: str, sitter: str | None) -> bool:
        if sitter is not None and sitter not in recused:
            return True
        return seat in covering and covering[seat] not in recused

    return sum(1 for seat, sitter in sitters.items() if filled(seat, sitter))
