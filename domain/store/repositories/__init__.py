"""Repositories: the statements the commands, operations and the engine need, one class per
aggregate, hung on the unit of work.

==========================  ============================================================
``uow.cases``               cases: by number or id, on an agenda, waiting for a meeting
``uow.meetings``            meetings: by ref or id, the next open one, refs taken
``uow.agenda``              agenda items of a meeting
``uow.bodies``              bodies, their members and substitutes in order
``uow.people``              people, and the actor's roles (resolved once per unit of work)
``uow.organisation``        the council row, municipalities, membership and its history
``uow.sitting``             absences, substitute calls and recorded attendance
``uow.votes``               treatments, proposals and ballots
``uow.written``             written handlings and their answers
``uow.deadlines``           deadlines: opened, closed in one statement, the current follow-up
``uow.due``                 what the sweep finds due, and when next
``uow.outbox``              messages waiting, claimed, sent or failed
==========================  ============================================================

They read and add through the unit's session and never commit. Lookups that people make by
number, ref or id are refused naming the field when nothing matches.
"""

from domain.store.repositories.cases import CaseRepository
from domain.store.repositories.deadlines import DeadlineRepository
from domain.store.repositories.due import DueRepository
from domain.store.repositories.meetings import AgendaRepository, MeetingRepository
from domain.store.repositories.organisation import (
    BodyRepository,
    OrganisationRepository,
    PersonRepository,
)
from domain.store.repositories.outbox import OutboxMarker, OutboxRepository
from domain.store.repositories.sitting import SittingRepository
from domain.store.repositories.votes import VoteRepository
from domain.store.repositories.written import WrittenRepository

__all__ = [
    "AgendaRepository",
    "BodyRepository",
    "CaseRepository",
    "DeadlineRepository",
    "DueRepository",
    "MeetingRepository",
    "OrganisationRepository",
    "OutboxMarker",
    "OutboxRepository",
    "PersonRepository",
    "SittingRepository",
    "VoteRepository",
    "WrittenRepository",
]
