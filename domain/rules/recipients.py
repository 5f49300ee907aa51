"""Who receives what: a meeting's notice, a substitute's call-in, a written proposal, an alert.

From the law and the cooperation agreement (see ``docs/rules.md``):

- The notice (innkalling, KL § 11-3) goes to the body's members; to a substitute who has said
  yes to sit for an absent member (for the whole meeting, or for the case she sits in); and to
  those with the right to attend and speak without a vote (møte- og talerett: the chief
  executives, the daily leader), who get it as optional participants. A member who has
  reported absence for the whole meeting, and whose seat a substitute has taken, is told that
  her absence is registered instead of being invited.
- A substitute who is asked gets the call-in (with how to answer), not the notice.
- A written proposal (KL § 11-8 (2)) goes to every member of the council, the recused too: she
  must be told that her recusal ends the written handling.

Values in, decisions out: the store is read by ``domain.operations.recipients``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Why(StrEnum):
    """Why a person gets a message, and so how she is addressed."""

    MEMBER = "member"  # voting member (REQ-PARTICIPANT in a calendar invitation)
    SUBSTITUTE = "substitute"  # called-in substitute who sits (REQ-PARTICIPANT)
    ATTEND_AND_SPEAK = "attend_and_speak"  # møte- og talerett (OPT-PARTICIPANT)
    ABSENT = "absent"  # reported absence: gets the confirmation, not the invitation
    ASKED = "asked"  # substitute being asked: gets the call-in
    LEADER = "leader"  # the council's leader (urgent cases)
    DIRECTOR = "director"  # the daily leader


@dataclass(frozen=True)
class Recipient:
    person_id: str
    why: Why
    seat: str | None = None  # the seat a substitute takes
    case: str | None = None  # a substitute sitting for one case only

    @property
    def votes(self) -> bool:
        return self.why in (Why.MEMBER, Why.SUBSTITUTE)


@dataclass(frozen=True)
class Sitting:
    """What the store knows of one meeting's seats, as plain values."""

    members: tuple[str, ...]  # the body's voting members, in seat order
    absent: frozenset[str] = frozenset()  # members absent for the whole meeting
    substitutes: Mapping[str, str] | None = None  # substitute -> seat (said yes)
    case_substitutes: Mapping[str, tuple[str, str]] | None = None  # sub -> (seat, case)
    asked: Mapping[str, str] | None = None  # substitute being asked -> seat
    attend_and_speak: tuple[str, ...] = ()  # people with the right to attend and speak


def notice_recipients(sitting: Sitting) -> list[Recipient]:
    """Who receives the notice of a meeting, each once, members first."""
    out: list[Recipient] = []
    seen: set[str] = set()

    def add(recipient: Recipient) -> None:
        if recipient.person_id not in seen:
            seen.add(recipient.person_id)
            out.append(recipient)

    for member in sitting.members:
        if member in sitting.absent:
            add(Recipient(member, Why.ABSENT))
        else:
            add(Recipient(member, Why.MEMBER))
    for substitute, seat in (sitting.substitutes or {}).items():
        add(Recipient(substitute, Why.SUBSTITUTE, seat=seat))
    for substitute, (seat, case) in (sitting.case_substitutes or {}).items():
        add(Recipient(substitute, Why.SUBSTITUTE, seat=seat, case=case))
    for person in sitting.attend_and_speak:
        add(Recipient(person, Why.ATTEND_AND_SPEAK))
    return out


def call_in_recipients(sitting: Sitting) -> list[Recipient]:
    """The substitutes being asked now: each gets the call-in for the seat she is asked for."""
    return [Recipient(person, Why.ASKED, seat=seat)
            for person, seat in (sitting.asked or {}).items()]


def written_recipients(members: Iterable[str]) -> list[Recipient]:
    """A written proposal goes to every member (KL § 11-8 (2)), each once."""
    return [Recipient(m, Why.MEMBER) for m in dict.fromkeys(members)]


def attend_and_speak_people(groups: Iterable[str], *, director: str | None,
                            staff: Iterable[str], bodies: Mapping[str, Iterable[str]]
                            ) -> tuple[str, ...]:
    """The people behind a body's ``attend_and_speak`` groups: ``director``, ``staff``, or the
    members of another body (the admin committee: the chief executives)."""
    people: list[str] = []
    for group in groups:
        if group == "director":
            people += [director] if director else []
        elif group == "staff":
            people += list(staff)
        else:
            people += list(bodies.get(group, ()))
    return tuple(dict.fromkeys(people))



#: What still goes out about a meeting cancelled after it was written: the cancellation itself.
KEPT_AFTER_CANCELLATION = frozenset({"cancellation"})
#: What no longer goes out about a case that was withdrawn or closed after it was written.
DROPPED_WITH_THE_CASE = frozenset({"alert", "written_proposal", "written_reminder"})


def overtaken(kind: str, *, meeting_cancelled: bool, case_ended: bool) -> str | None:
    """Why a message still waiting in the outbox is no longer to be sent, if it is not: a
    cancelled meeting gets no notices, reminders or call-ins, only its cancellation; a
    withdrawn or closed case gets no reminders."""
    if meeting_cancelled and kind not in KEPT_AFTER_CANCELLATION:
        return "møtet er avlyst"
    if case_ended and kind in DROPPED_WITH_THE_CASE:
        return "saka er trekt eller avslutta"
    return None
