"""The outbox as the secretariat reads it: what is waiting, sent and failed, and to whom."""

from __future__ import annotations

from typing import Any

from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.queries.format import iso
from domain.rules.terms import MessageKind, OutboxStatus
from domain.store.reading import Unit
from domain.store.reads import Record


def require_secretariat(uow: Unit, actor_id: str | None) -> None:
    """The outbox holds names, addresses and what members may read of exempt cases: it is the
    secretariat's to read and to send."""
    actor = uow.people.actor(actor_id)
    if not actor.is_staff:
        raise NotAllowed(f"{uow.people.name_of(actor.id)} kan ikkje sjå eller sende utboksen; "
                         "det gjer sekretariatet.", "Gje [field:as] med ein i sekretariatet.",
                         field="as")


def message_view(uow: Unit, row: Record) -> dict[str, Any]:
    meeting = uow.meetings.by_id(row.meeting_id) if row.meeting_id is not None else None
    return {
        "id": row.id, "key": row.key, "kind": row.kind,
        "kind_label": MessageKind(row.kind).label, "status": row.status,
        "status_label": OutboxStatus(row.status).label,
        "person": row.person_id, "name": row.name, "address": row.address,
        "meeting": meeting.ref if meeting else None, "sequence": row.sequence,
        "subject": row.subject, "created_at": iso(row.created_at), "attempts": row.attempts,
        "next_attempt_at": iso(row.next_attempt_at) if row.status == OutboxStatus.PENDING
        else None,
        "sent_at": iso(row.sent_at), "receipt": row.receipt, "error": row.last_error,
    }


def outbox_list(uow: Unit, *, actor_id: str | None, status: str | None = None,
                meeting: str | None = None, limit: int | None = None) -> dict[str, Any]:
    require_secretariat(uow, actor_id)
    if status is not None:
        try:
            status = OutboxStatus(status).value
        except ValueError:
            raise InvalidInput(f"«{status}» er ingen status i utboksen.",
                               "Bruk [field:status] pending, sending, sent, failed eller dropped.",
                               field="status") from None
    of = uow.meetings.get(meeting) if meeting is not None else None
    rows = uow.outbox.listing(status=status, meeting_id=of.id if of else None, limit=limit)
    return {"counts": uow.outbox.counts(), "messages": [message_view(uow, r) for r in rows]}


def outbox_message(uow: Unit, message_id: int, *, actor_id: str | None) -> Record:
    require_secretariat(uow, actor_id)
    row = uow.outbox.get(message_id)
    if row is None:
        raise NotFound(f"Utboksen har inga melding {message_id}.",
                       "Sjå id-ane med [cmd:outbox.list].", field="id")
    return row
