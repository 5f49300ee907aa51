"""Who sits and who leads: the leader, the deputy leader or an elected chair; why the minutes name
another chair.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.store.tables import (
    Body,
)


def leading(body: Body, meeting_chair: str | None, present: Iterable[str]) -> str | None:
    """Who leads among ``present``: the leader, else the deputy leader, else the one elected
    to chair the meeting; None when none of them is there (the body must elect someone)."""
    there = set(present)
    return next((p for p in (body.chair_id, body.deputy_chair_id, meeting_chair)
                 if p is not None and p in there), None)


def chair_note(body: Body, chair_id: str | None, recused: Iterable[str]) -> str | None:
    """Why someone other than the leader chaired a case, for the minutes."""
    if chair_id is None or chair_id == body.chair_id:
        return None
    why = "var inhabil" if body.chair_id in set(recused) else "ikkje var til stades"
    if chair_id == body.deputy_chair_id:
        return f"nestleiaren leia saka fordi leiaren {why}"
    return "vald til møteleiar for saka fordi verken leiaren eller nestleiaren var med"
