"""The shape of an agenda: which section an item stands in."""

from __future__ import annotations

from domain.rules.terms import (
    AgendaSection,
    CaseKind,
)
from domain.store.tables import Case


def section_for(case: Case) -> AgendaSection:
    if case.kind == CaseKind.URGENCY_REPORT:
        return AgendaSection.STANDING
    if case.kind == CaseKind.INFORMATION:
        return AgendaSection.INFORMATION
    return AgendaSection.CASES
