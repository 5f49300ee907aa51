"""An outbox row -> an e-mail: subject, text, HTML, and for a meeting's notice, update or
cancellation the calendar invitation (``notifications.invites``) and the agenda as a document.

Rendered when the message is sent (or shown), from the read models of the meeting as the
recipient's audience may read them (``payload["audience"]``, decided when the intent was written:
an exempt case shows its neutral title and legal basis to anyone without access). Every message
carries its date, time, place and agenda in the body itself, not only in the attachment: a
calendar that drops invitations from unknown senders (Google's default since December 2025)
must still leave the member with what she needs, and how to report absence.

Templates are Jinja (``notifications.agenda.environment``: autoescape for HTML, strict
undefined), in ``templates/mail/``.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape
from typing import Any

from domain.errors import render as render_markup
from domain.queries.cases import case_title, content_hidden
from domain.queries.format import INTERNAL, PUBLIC
from domain.queries.meetings import meeting_detail, meeting_summary
from domain.queries.minutes import minutes_view
from domain.queries.organisation import org_view
from domain.rules import publicity
from domain.rules.calendar import format_long_date
from domain.rules.recipients import Why
from domain.rules.terms import MessageKind
from domain.store.tables import Meeting, OutboxMessage
from domain.store.uow import UnitOfWork
from notifications.agenda import environment, render_agenda_html, render_agenda_text
from notifications.events import domain_of, meeting_event, place_of
from notifications.invites import Attendee, MeetingEvent, invitation
from notifications.mime import Attachment, Composed
from notifications.minutes import render_minutes_html, render_minutes_text

#: The message kinds that carry the calendar object, and its METHOD.
CALENDAR_METHOD = {MessageKind.NOTICE: "REQUEST", MessageKind.UPDATE: "REQUEST",
                   MessageKind.CANCELLATION: "CANCEL"}

ROLE_LINES = {
    Why.ATTEND_AND_SPEAK.value: "Du har møte- og talerett i møtet, men ikkje røysterett.",
}

ABSENCE_WHAT = {"meeting": "heile møtet", "part": "delar av møtet"}


def _sender(uow: UnitOfWork) -> dict[str, Any]:
    """The council as the templates name it: the sender of every message."""
    council = uow.council
    return {"name": council.name, "email": council.email, "website": council.website}


def _composed(uow: UnitOfWork, row: OutboxMessage, stamp: datetime, *, text: str, html: str,
              **extra: Any) -> Composed:
    """The e-mail of ``row``: from the council (which is also where replies go), to the row's
    recipient, with the Message-ID its key gives and the time it is sent."""
    council = uow.council
    return Composed(
        message_id=message_id(row.key, council.email), from_name=council.name,
        from_address=council.email, to_name=row.name, to_address=row.address,
        subject=row.subject, text=text, html=html, date=uow.calendar.local(stamp),
        reply_to=council.email, **extra)


def _templated(uow: UnitOfWork, row: OutboxMessage, stamp: datetime, template: str,
               context: dict[str, Any], **extra: Any) -> Composed:
    """``row`` rendered from ``mail/<template>.txt.j2`` and ``.html.j2`` with ``context``."""
    env = environment()
    return _composed(uow, row, stamp,
                     text=env.get_template(f"mail/{template}.txt.j2").render(context),
                     html=env.get_template(f"mail/{template}.html.j2").render(context),
                     **extra)


def _once(uow: UnitOfWork, key: tuple[Any, ...], make: Any) -> Any:
    """What every message of a batch about the same meeting and audience shares (the meeting's
    read model, its agenda document, the council's header), made once per unit of work: the
    dispatcher renders a batch in one unit that changes nothing it reads."""
    cache = uow.memo.setdefault("messages", {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _council_view(uow: UnitOfWork) -> dict[str, Any]:
    return _once(uow, ("council",), lambda: org_view(uow)["council"])


def message_id(key: str, sender: str) -> str:
    """A stable Message-ID for the outbox key: the same notification always has the same id,
    so a mail client that gets a message twice (the documented window of the dispatcher) can
    tell that it is one message."""
    local = re.sub(r"[^A-Za-z0-9-]+", ".", key).strip(".")
    return f"<{local}@{domain_of(sender)}>"


def render(uow: UnitOfWork, row: OutboxMessage, *, stamp: datetime) -> Composed:
    """The e-mail ``row`` stands for, as its recipient will see it (``stamp``: the DTSTAMP of
    its calendar object and the Date of the message, the moment it is sent)."""
    kind = MessageKind(row.kind)
    payload = dict(row.payload or {})
    if kind == MessageKind.ALERT:
        return _alert(uow, row, payload, stamp)
    if kind in (MessageKind.WRITTEN_PROPOSAL, MessageKind.WRITTEN_REMINDER):
        return _written(uow, row, payload, stamp)
    if row.meeting_id is None:
        raise ValueError(f"outbox {row.id}: a {kind.value} without a meeting")
    meeting = _once(uow, ("meeting", row.meeting_id), lambda: uow.meetings.by_id(row.meeting_id))
    audience = INTERNAL if payload.get("audience") == INTERNAL.value else PUBLIC
    detail = _once(uow, ("detail", meeting.id, audience),
                   lambda: meeting_detail(uow, meeting, audience))
    if kind == MessageKind.ANNOUNCEMENT:
        return _announcement(uow, row, detail, stamp)
    if kind == MessageKind.MINUTES:
        return _minutes(uow, row, meeting, audience, stamp)
    context: dict[str, Any] = {
        "kind": kind.value, "subject": row.subject, "meeting": detail,
        "agenda": detail["agenda"], "place": place_of(detail) or "Stad kjem seinare",
        "council": _sender(uow),
        "recipient": {"name": row.name, "address": row.address},
        "changes": payload.get("changes", []), "reason": payload.get("reason"),
        "role_line": ROLE_LINES.get(payload.get("why", "")),
        "case": payload.get("case"),
    }
    if payload.get("why") == Why.SUBSTITUTE.value and payload.get("seat"):
        context["role_line"] = (f"Du møter som varamedlem for {uow.people.name_of(payload['seat'])}"
                                + (f" i sak {payload['case']}" if payload.get("case") else "")
                                + ".")
    if kind == MessageKind.CALL_IN:
        context["seat_name"] = uow.people.name_of(payload["seat"])
        answer_by = uow.calendar.local(datetime.fromisoformat(payload["answer_by"]))
        context["answer_by"] = f"{format_long_date(answer_by.date())} kl. {answer_by:%H:%M}"
        template = "call_in"
    elif kind == MessageKind.ABSENCE:
        absence = uow.sitting.absence(payload["absence"])
        context["what"] = ABSENCE_WHAT.get(absence.kind) or (
            f"inhabil i sak {payload.get('case')}")
        context["substitute_asked"] = any(
            c.absence_id == absence.id for c in uow.sitting.calls_of(meeting.id))
        template = "absence"
    else:
        template = "meeting"
    calendar = method = None
    attachments: tuple[Attachment, ...] = ()
    if kind in CALENDAR_METHOD:
        method = CALENDAR_METHOD[kind]
        calendar = invitation(_event(uow, meeting, detail, row, payload), method=method,
                              stamp=stamp)
        if kind != MessageKind.CANCELLATION:
            agenda = _once(uow, ("agenda", meeting.id, audience), lambda: render_agenda_html(
                detail, _council_view(uow), internal=audience == INTERNAL))
            attachments = (Attachment(f"saksliste-{meeting.ref}.html", "text/html",
                                      agenda.encode("utf-8")),)
    return _templated(uow, row, stamp, template, context, calendar=calendar,
                      calendar_method=method, attachments=attachments)


def _plain_command(name: str, values: list[tuple[str, str]]) -> str:
    """A command named in an alert: the command, and what it is given in words (which of them
    the CLI takes as arguments and which as flags is the CLI's to say, not a message's)."""
    given = ", ".join(f"{k} {v}" if v else k for k, v in values)
    return f"«tingflyt {name.replace('.', ' ')}»" + (f" ({given})" if given else "")


def _alert(uow: UnitOfWork, row: OutboxMessage, payload: dict[str, Any],
           stamp: datetime) -> Composed:
    case = uow.cases.find(row.case_id) if row.case_id is not None else None
    meeting = uow.meetings.find(row.meeting_id) if row.meeting_id is not None else None
    audience = INTERNAL if payload.get("audience") == INTERNAL.value else PUBLIC
    context = {
        "subject": row.subject, "recipient": {"name": row.name},
        "message": render_markup(payload["message"], command=_plain_command),
        "severity": payload.get("severity"),
        "case": {"number": case.number, "title": case_title(case, audience)} if case else None,
        "meeting": meeting_summary(uow, meeting) if meeting is not None else None,
        "council": _sender(uow),
    }
    return _templated(uow, row, stamp, "alert", context)


def _announcement(uow: UnitOfWork, row: OutboxMessage, detail: dict[str, Any],
                  stamp: datetime) -> Composed:
    """The public announcement: the public agenda itself (the document that is published),
    as text and HTML; nothing in it that the public may not read."""
    council_view = _council_view(uow)
    return _composed(uow, row, stamp, text=render_agenda_text(detail, council_view),
                     html=render_agenda_html(detail, council_view))


def _minutes(uow: UnitOfWork, row: OutboxMessage, meeting: Meeting, audience: Any,
             stamp: datetime) -> Composed:
    """The minutes themselves in the body (text and HTML), as the recipient may read them."""
    council = uow.council
    council_view = _council_view(uow)
    minutes = _once(uow, ("minutes", meeting.id, audience),
                    lambda: minutes_view(uow, meeting, audience))
    intro = (f"Hei, {row.name}.\n\nHer er møteboka frå møtet i {meeting.body.name} "
             f"{format_long_date(meeting.day)} ({meeting.ref}). Ho vert godkjend i neste "
             f"møte; merknader sender du til sekretariatet, {council.email}.\n\n")
    html = render_minutes_html(minutes, council_view)
    html_intro = (f"<p>Hei, {escape(row.name)}.</p><p>Her er møteboka frå møtet i "
                  f"{escape(meeting.body.name)} {format_long_date(meeting.day)} "
                  f"({escape(meeting.ref)}). Ho vert godkjend i neste møte; merknader sender "
                  f"du til sekretariatet, {escape(council.email)}.</p>")
    html = html.replace("<body>", "<body>" + html_intro, 1) if "<body>" in html \
        else html_intro + html
    return _composed(uow, row, stamp, text=intro + render_minutes_text(minutes, council_view),
                     html=html)


def _written(uow: UnitOfWork, row: OutboxMessage, payload: dict[str, Any],
             stamp: datetime) -> Composed:
    """The written proposal (or its reminder): the proposal itself, the deadline, and how to
    answer; no calendar invitation (a written handling is no meeting)."""
    case = uow.cases.by_id(row.case_id)
    meeting = uow.meetings.by_id(row.meeting_id)
    handling = uow.written.of_meeting(meeting.id)
    audience = INTERNAL if payload.get("audience") == INTERNAL.value else PUBLIC
    hidden = content_hidden(case, audience)
    due = uow.calendar.local(datetime.fromisoformat(payload["answer_by"]))
    context = {
        "subject": row.subject, "recipient": {"name": row.name},
        "reminder": row.kind == MessageKind.WRITTEN_REMINDER.value,
        "case": {"number": case.number, "title": case_title(case, audience),
                 "exempt_basis": case.exempt_basis},
        "meeting": {"ref": meeting.ref},
        "proposal": publicity.written_proposal_for(handling.proposal, hidden)
        or "Unnateke offentlegheit: få framlegget frå sekretariatet.",
        "answer_by": f"{format_long_date(due.date())} kl. {due:%H:%M}",
        "council": _sender(uow),
    }
    return _templated(uow, row, stamp, "written", context)


def _event(uow: UnitOfWork, meeting: Meeting, detail: dict[str, Any], row: OutboxMessage,
           payload: dict[str, Any]) -> MeetingEvent:
    """The invitation to the row's recipient: a voting member or substitute is a required
    participant, one who attends and speaks an optional one."""
    why = payload.get("why", Why.MEMBER.value)
    role = "OPT-PARTICIPANT" if why == Why.ATTEND_AND_SPEAK.value else "REQ-PARTICIPANT"
    cancelled = row.kind == MessageKind.CANCELLATION.value
    return meeting_event(
        uow, meeting, detail, sequence=row.sequence or 0, cancelled=cancelled,
        closing=(f"Meld forfall til sekretariatet ({uow.council.email}); å takke nei i "
                 "kalenderen er ikkje melding om forfall.",),
        attendee=Attendee(row.name, row.address, role, rsvp=not cancelled))
