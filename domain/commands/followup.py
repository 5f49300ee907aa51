"""Commands for the follow-up of decisions: owner and due day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from domain.errors import InvalidInput, NotAllowed, RuleViolation
from domain.operations.deadlines import open_deadline
from domain.rules.calendar import format_date
from domain.rules.terms import (
    CaseState,
    DeadlineKind,
    DeadlineStatus,
    Role,
)
from domain.store.tables import (
    Case,
    Deadline,
)
from domain.store.uow import Actor, UnitOfWork, requires


@requires(Role.DIRECTOR, Role.STAFF)
def assign_followup(uow: UnitOfWork, actor: Actor, number: str, *, owner: str | None = None,
                    due: date | None = None) -> Case:
    """Give a decision's follow-up an owner (a chief executive or the daily leader) and a due
    day."""
    case = uow.case(number)
    if CaseState(case.state) != CaseState.IN_IMPLEMENTATION:
        raise RuleViolation(f"Sak {case.number} er ikkje under effektuering.",
                            "Oppfølging gjeld vedtak som skal setjast i verk.", field="case")
    if owner is None and due is None:
        raise InvalidInput("Ingenting å endre.", "Gje --owner og/eller --due.", field="owner")
    if owner is not None:
        person = uow.person(owner, field_name="owner")
        candidate = uow.actor(person.id)
        if not (candidate.has(Role.CHIEF_EXECUTIVE) or candidate.has(Role.DIRECTOR)):
            raise NotAllowed(f"{person.name} kan ikkje eige oppfølginga.",
                             "Vel ein kommunedirektør eller dagleg leiar.", field="owner")
    if due is not None and due < uow.today:
        raise InvalidInput(f"Fristen {format_date(due)} har alt gått ut.",
                           "Vel ein dato frå i dag.", field="due")
    current = uow.session.scalars(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == DeadlineKind.FOLLOWUP,
        Deadline.status.in_([DeadlineStatus.OPEN, DeadlineStatus.MISSED]))
        .order_by(Deadline.id.desc())).first()
    new_owner = owner or (current.owner_id if current else case.lead_id)
    new_due = due or (current.due_date if current else uow.today)
    if current is not None and current.status == DeadlineStatus.OPEN:
        current.status = DeadlineStatus.CANCELLED
        current.closed_at = uow.now
        current.next_check_at = None
    body = uow.body(case.competent_body_id)
    open_deadline(uow, kind=DeadlineKind.FOLLOWUP, due_date=new_due,
                  reminder_days=body.reminder_days, case=case, owner_id=new_owner,
                  note="Effektuering av vedtaket")
    case.lead_id = new_owner
    case.updated_at = uow.now
    uow.journal(actor, "followup.assign",
                f"Oppfølging: ansvarleg {new_owner}, frist {format_date(new_due)}.",
                case=case, role=(Role.DIRECTOR, Role.STAFF))
    return case
