"""What a command acts on, for its permission: the body whose chair may act, resolved from the
case or meeting the input names."""

from __future__ import annotations

from typing import Any

from domain.rules.access import Scope
from domain.store.uow import UnitOfWork


def meeting_body(uow: UnitOfWork, data: Any) -> Scope:
    """The body of the meeting named by ``data.meeting``."""
    meeting = uow.meetings.get(data.meeting)
    return Scope(body=meeting.body_id, body_name=meeting.body.name)


def case_body(uow: UnitOfWork, data: Any) -> Scope:
    """The body whose chair may act on the case named by ``data.case``: that of the meeting it
    is on, else the body it is with now."""
    case = uow.cases.get(data.case)
    meeting = uow.meetings.find(case.agenda_meeting_id)
    body = meeting.body if meeting is not None else uow.bodies.get(case.current_body_id)
    return Scope(body=body.id, body_name=body.name)
