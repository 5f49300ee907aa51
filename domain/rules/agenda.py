"""The shape of an agenda (saksliste): which section an item stands in, the order of a frozen
agenda, and the wording of its standing items.

A frozen agenda reads: the standing items first (approval of earlier minutes, then reports of
urgency decisions, KL § 11-8 (1)), then the cases, then the items for information; within a
section, in the order they were placed.
"""

from __future__ import annotations

from datetime import date

from domain.rules.calendar import format_date
from domain.rules.terms import AgendaItemKind, AgendaSection, CaseKind

SECTION_ORDER = (AgendaSection.STANDING, AgendaSection.CASES, AgendaSection.INFORMATION)


def section_for(kind: CaseKind | str) -> AgendaSection:
    """The section a case of this kind stands in."""
    if kind == CaseKind.URGENCY_REPORT:
        return AgendaSection.STANDING
    if kind == CaseKind.INFORMATION:
        return AgendaSection.INFORMATION
    return AgendaSection.CASES


def order_key(section: AgendaSection | str, kind: AgendaItemKind | str, position: int,
              tiebreak: int = 0) -> tuple[int, int, int, int]:
    """Sort key of an item on a frozen agenda: section, minutes approval before other standing
    items, then the order of placing."""
    kind_rank = 0 if kind == AgendaItemKind.MINUTES_APPROVAL else 1
    return (SECTION_ORDER.index(AgendaSection(section)), kind_rank, position, tiebreak)


def minutes_approval_title(day: date, ref: str, *, written: bool) -> str:
    """The standing item that approves the minutes of an earlier meeting (or written
    handling)."""
    if written:
        return f"Godkjenning av protokoll frå skriftleg handsaming {format_date(day)} ({ref})"
    return f"Godkjenning av møtebok frå møtet {format_date(day)}"
