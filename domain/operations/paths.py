"""The path of a case through the bodies, and whether it needs a closed meeting."""

from __future__ import annotations

from domain.rules.publicity import Exemption
from domain.rules.scheduling import treatment_path
from domain.rules.terms import CaseKind
from domain.store.reading import Unit
from domain.store.reads import Record
from domain.store.rule_values import all_bodies


def case_path(uow: Unit, case: Record) -> list[str]:
    return treatment_path(CaseKind(case.kind), case.competent_body_id, all_bodies(uow))


def remaining_path(uow: Unit, case: Record) -> list[str]:
    path = case_path(uow, case)
    if case.current_body_id in path:
        return path[path.index(case.current_body_id):]
    return [case.current_body_id]


def exemption_of(case: Record) -> Exemption | None:
    if case.exempt_basis is None:
        return None
    return Exemption(case.exempt_basis, case.exempt_offl_section or 0,
                     case.public_title or "")


def closed_meeting_required(case: Record) -> bool:
    exemption = exemption_of(case)
    return exemption is not None and exemption.closed_meeting_required
