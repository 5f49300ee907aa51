"""Commands for the follow-up of decisions: owner and due day."""

from __future__ import annotations

from domain.commands.cases import close_implemented
from domain.commands.fields import CaseNumber, Day, PersonId, Text, described
from domain.commands.registry import CARRY_CASE, CommandInput, command
from domain.errors import InvalidInput, RuleViolation
from domain.operations.deadlines import followup_owner, open_deadline
from domain.rules.access import OWNER, SECRETARIAT, Actor, Scope, allowed
from domain.rules.calendar import format_date
from domain.rules.terms import (
    CaseState,
    DeadlineKind,
    DeadlineStatus,
    Role,
)
from domain.store.tables import (
    Case,
)
from domain.store.uow import UnitOfWork


class AssignFollowup(CommandInput):
    """Gje oppfølginga av eit vedtak ein ansvarleg og ein frist (owner and due day)."""

    case: CaseNumber
    owner: PersonId | None = described("Ansvarleg: ein kommunedirektør eller dagleg leiar",
                                       "owner: a chief executive or the daily leader",
                                       default=None)
    due: Day | None = described("Frist for oppfølginga", "follow-up due day", default=None)


@command("followup.assign", AssignFollowup, what="gje oppfølginga ein ansvarleg",
         allowed=allowed(SECRETARIAT))
def assign_followup(uow: UnitOfWork, actor: Actor, data: AssignFollowup) -> Case:
    """Give a decision's follow-up an owner (a chief executive or the daily leader) and a due
    day."""
    owner, due = data.owner, data.due
    case = uow.cases.get(data.case)
    if CaseState(case.state) != CaseState.IN_IMPLEMENTATION:
        raise RuleViolation(f"Sak {case.number} er ikkje under effektuering.",
                            "Oppfølging gjeld vedtak som skal setjast i verk.", field="case")
    if owner is None and due is None:
        raise InvalidInput("Ingenting å endre.", "Gje [field:owner] og/eller [field:due].",
                           field="owner")
    if owner is not None:
        person = uow.people.get(owner, field="owner")
        candidate = uow.people.actor(person.id)
        if not (candidate.has(Role.CHIEF_EXECUTIVE) or candidate.has(Role.DIRECTOR)):
            # The owner given is unsuitable (bad input), not the actor's permission.
            raise InvalidInput(f"{person.name} kan ikkje eige oppfølginga.",
                               "Vel ein kommunedirektør eller dagleg leiar.", field="owner")
    if due is not None and due < uow.today:
        raise InvalidInput(f"Fristen {format_date(due)} har alt gått ut.",
                           "Vel ein dato frå i dag.", field="due")
    current = uow.deadlines.current_followup(case.id)
    new_owner = owner or (current.owner_id if current else case.lead_id)
    new_due = due or (current.due_date if current else uow.today)
    if current is not None and current.status == DeadlineStatus.OPEN:
        current.status = DeadlineStatus.CANCELLED
        current.closed_at = uow.now
        current.next_check_at = None
    body = uow.bodies.get(case.competent_body_id)
    open_deadline(uow, kind=DeadlineKind.FOLLOWUP, due_date=new_due,
                  reminder_days=body.reminder_days, case=case, owner_id=new_owner,
                  note="Effektuering av vedtaket")
    case.updated_at = uow.now  # the case's preparation lead stays who she was
    uow.journal(actor, "followup.assign",
                f"Oppfølging: ansvarleg {new_owner}, frist {format_date(new_due)}.",
                case=case, role=(Role.DIRECTOR, Role.STAFF))
    return case


class FollowupDone(CommandInput):
    """Melde vedtaket sett i verk: saka vert avslutta (the decision is carried out)."""

    case: CaseNumber
    note: Text = described("Kva som er gjort", "what was done", default="", max_length=2000)


def _owner(uow: UnitOfWork, data: FollowupDone) -> Scope:
    return Scope(owner=followup_owner(uow, uow.cases.get(data.case)))


@command("followup.done", FollowupDone, what="melde vedtaket sett i verk", scope=_owner,
         allowed=allowed(OWNER, SECRETARIAT), follows=[CARRY_CASE])
def followup_done(uow: UnitOfWork, actor: Actor, data: FollowupDone) -> Case:
    """Meld vedtaket sett i verk: the owner of the follow-up, or the secretariat."""
    return close_implemented(uow, actor, data.case, data.note)
