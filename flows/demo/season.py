"""The main job: a council's season, simulated on the embedded default, through Prefect.

``make demo`` (``python -m flows.demo``) loads the organisation file into a fresh SQLite
database under ``data/demo/<council>/``, starts (or uses) a Prefect API, and plays the season
from the start of the meeting plan to its end: staff register cases, chief executives write
recommendations, chairs record what the meetings did, and the Prefect flows do the rest - the
case flow after each staff action, the sweep flow whenever something falls due (notices,
reminders, deadlines, escalations, urgency). Then it prints a summary in the council's own
terms and writes the public agendas beside it.

Running it again starts the season over: the demo's database is rebuilt each time.
"""

from __future__ import annotations

import argparse
import heapq
import io
import itertools
import os
import re
import shutil
import sys
import time as wallclock
from collections import Counter, deque
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from domain.errors import TingflytError

STAFF_HOUR = time(10, 0)


class FlowRunner:
    """Runs the Prefect flows and counts them."""

    def __init__(self) -> None:
        from flows.engine import case_flow, sweep_flow

        self._case = case_flow
        self._sweep = sweep_flow
        self.counts: Counter[str] = Counter()

    def case(self, number: str, now: datetime) -> list[str]:
        self.counts["case"] += 1
        return self._case(number, now)

    def sweep(self, now: datetime) -> dict[str, Any]:
        self.counts["sweep"] += 1
        report = self._sweep(now)
        if report["problems"]:
            raise RuntimeError("sweep reported problems: " + "; ".join(report["problems"]))
        return report


class Season:
    """A discrete-event simulation of one meeting plan: time jumps from event to event."""

    def __init__(self, engine: Any, plan: Any, scripts: list[Any], runner: FlowRunner,
                 org: dict[str, Any]) -> None:
        from domain.rules.calendar import FixedClock

        self.engine = engine
        self.plan = plan
        self.scripts = {s.key: s for s in scripts}
        self.runner = runner
        self.org = org
        self.zone = _zone(org)
        self.clock = FixedClock(self.at(plan.start, time(8, 0)))
        self.end = self.at(plan.end, time(23, 0))
        self.queue: list[tuple[datetime, int, str, Callable[[], None]]] = []
        self._order = itertools.count()
        self.numbers: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self.fates: dict[str, deque[str]] = {}
        self.pending_recommend: set[str] = set()
        self.prepared_once: set[str] = set()
        self.recorded: set[str] = set()
        self.urgency_handled: set[str] = set()
        self.preferred_meeting: dict[str, str] = {}
        self.closing: set[str] = set()
        self.recusals: set[str] = set()
        self.events: list[str] = []
        self.director = org["secretariat"]["director"]["id"]
        self.bodies = {b["kind"]: b for b in org["bodies"]}
        self.municipalities = org["municipalities"]

    # -- time ---------------------------------------------------------------------------------
    def at(self, day: date, clock: time = STAFF_HOUR) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.zone).astimezone(UTC)

    def now(self) -> datetime:
        return self.clock.now()

    #: Called after every step with the clock: delivers the outbox (set by the demo).
    deliver: Callable[[Any], None] | None = None

    def schedule(self, when: datetime, label: str, action: Callable[[], None]) -> None:
        heapq.heappush(self.queue, (max(when, self.now()), next(self._order), label, action))

    # -- running ------------------------------------------------------------------------------
    def run(self, progress: Callable[[datetime], None]) -> None:
        from domain.engine.sweep import next_due_at

        for script in self.scripts.values():
            day = self.plan.clamp(script.register(self.plan))
            self.schedule(self.at(day), f"register {script.key}",
                          lambda s=script: self.register(s))
        self.plan_cancelled_extra_meeting()
        while True:
            candidates = []
            if self.queue:
                candidates.append(self.queue[0][0])
            due = next_due_at(self.engine, self.clock)
            if due is not None:
                candidates.append(max(due, self.now()))
            if not candidates:
                break
            moment = min(candidates)
            if moment > self.end:
                break
            self.clock.set(moment)
            while self.queue and self.queue[0][0] <= moment:
                _, _, _, action = heapq.heappop(self.queue)
                action()
            due = next_due_at(self.engine, self.clock)
            if due is not None and due <= moment:
                self.runner.sweep(moment)
            self.after_tick()
            if self.deliver is not None:  # the dispatcher, as the service runs it each minute
                self.deliver(self.clock)
            progress(moment)

    def after_tick(self) -> None:
        """Look at the world and let people react: write recommendations, hold meetings,
        answer urgency."""
        from domain.queries.meetings import meeting_summary
        from domain.rules.terms import MeetingKind, MeetingStatus

        def look(uow: Any) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
            # Only what the people react to: each case's state and urgency (one query, not a
            # summary per case), and the meetings newly notified (summarised only then).
            rows = {c.number: c for c in uow.reads.cases()}
            cases = {n: {"state": rows[n].state, "urgent": rows[n].urgent}
                     for n in self.numbers.values()}
            notified = [meeting_summary(uow, m) for m in uow.reads.meetings()
                        if m.status == MeetingStatus.NOTIFIED and m.ref not in self.recorded
                        and m.kind != MeetingKind.WRITTEN]
            return cases, notified

        cases, notified = self.read(look)
        for number, case in cases.items():
            script = self.scripts[self.keys[number]]
            if case["state"] == "in_preparation" and number not in self.pending_recommend \
                    and script.recommend is not None:
                self.pending_recommend.add(number)
                if number in self.prepared_once:
                    when = self.now() + timedelta(days=script.reprepare_days)
                else:
                    when = self.at(script.recommend(self.plan))
                    if when <= self.now():
                        when = self.at(self.local_today() + timedelta(days=2))
                self.schedule(when, f"recommend {number}", lambda n=number: self.recommend(n))
            if case["urgent"] and number not in self.urgency_handled:
                self.urgency_handled.add(number)
                self.schedule(self.now() + timedelta(hours=2), f"urgency {number}",
                              lambda n=number: self.answer_urgency(n))
            if case["state"] == "in_implementation" and number not in self.closing \
                    and script.close_after is not None:
                self.closing.add(number)
                self.schedule(self.now() + timedelta(days=script.close_after),
                              f"close {number}", lambda n=number: self.close(n))
            preferred = self.preferred_meeting.get(number)
            if preferred and case["state"] == "recommended":
                self.schedule(self.now() + timedelta(hours=1), f"place {number}",
                              lambda n=number, m=preferred: self.place(n, m))
                del self.preferred_meeting[number]
        for meeting in notified:
            if meeting["status"] == "notified" and meeting["ref"] not in self.recorded \
                    and meeting["kind"] != "written":
                self.recorded.add(meeting["ref"])
                starts = datetime.fromisoformat(meeting["starts_at"]).astimezone(UTC)
                self.schedule(self.now() + timedelta(hours=2), f"absences {meeting['ref']}",
                              lambda m=meeting: self.report_absences(m))
                self.schedule(starts + timedelta(hours=1), f"hold {meeting['ref']}",
                              lambda ref=meeting["ref"]: self.hold_meeting(ref))

    # -- people -------------------------------------------------------------------------------
    def read(self, fn: Callable[[Any], Any]) -> Any:
        from flows.app import read

        return read(self.engine, self.clock, fn)

    def command(self, name: str, actor: str, *, view: Any = None, **fields: Any) -> Any:
        """Run a registered command, as every entry point does; ``view`` reads the result
        before the commit."""
        from domain.commands import registry

        done = registry.run(name, fields, actor, engine=self.engine, clock=self.clock,
                            view=view)
        return done.view if view is not None else done.result

    def local_today(self) -> date:
        return self.now().astimezone(self.zone).date()

    def person_for(self, who: str, body_kind: str = "assembly") -> str:
        if who == "director":
            return self.director
        role, index, *rest = who.split(":")
        mun = self.municipalities[int(index) % len(self.municipalities)]
        if role == "member":
            body = self.bodies[body_kind]
            group = next(g for g in body["groups"] if g["municipality"] == mun["id"])
            rank = min(int(rest[0]), len(group["members"])) if rest else 1
            return group["members"][rank - 1]["id"]
        return mun["mayor"]["id"] if role == "mayor" else mun["chief_executive"]["id"]

    def register(self, script: Any) -> None:

        deadline = self.plan.clamp(script.deadline(self.plan)) if script.deadline else None
        if deadline is not None and deadline < self.local_today():
            deadline = self.local_today() + timedelta(days=10)
        body = self.bodies["assembly"]["id"] if script.body == "assembly" else None
        aim = None
        if script.recommend is not None:
            aim = self.plan.aim_for(script.recommend(self.plan), self.local_today(),
                                    skip_remote=script.exempt is not None)
            aimed = next((m for m in self.plan.council if m.ref == aim), None)
            if deadline is not None and aimed is not None and aimed.day > deadline:
                aim = None  # leave it to the engine: the deadline decides where it goes
        case = self.command("case.register", self.person_for(script.by),
                        title=script.text(self.plan, script.title), kind=script.kind,
                        description=script.description, principled=script.principled,
                        exempt=script.exempt, public_title=script.public_title,
                        deadline=deadline, body=body, aim=aim,
                        view=lambda uow, c: c.number)
        self.numbers[script.key] = case
        self.keys[case] = script.key
        self.fates[case] = deque(script.fates)
        self.runner.case(case, self.now())
        if script.withdraw is not None:
            when = self.at(self.plan.clamp(script.withdraw(self.plan)))
            self.schedule(when, f"withdraw {case}", lambda: self.withdraw(case, script))

    def recommend(self, number: str) -> None:

        self.pending_recommend.discard(number)
        state = self.state(number)
        if state != "in_preparation":
            return
        script = self.scripts[self.keys[number]]
        author = self.person_for(script.by) if script.by.startswith("chief") else self.director
        text = script.text(self.plan, script.recommendation) or "Tilråding som i saksframlegget."
        self.command("case.recommend", author, case=number, text=text)
        self.prepared_once.add(number)
        self.runner.case(number, self.now())

    def withdraw(self, number: str, script: Any) -> None:

        if self.state(number) == "closed":
            return
        self.command("case.withdraw", self.person_for(script.by), case=number,
                 reason=script.withdraw_reason)
        self.runner.case(number, self.now())

    def close(self, number: str) -> None:

        if self.state(number) != "in_implementation":
            return
        self.command("case.close", self.director, case=number,
                 reason="Rådmannsutvalet melder at vedtaket er sett i verk.")
        self.runner.case(number, self.now())

    def place(self, number: str, ref: str) -> None:

        if self.state(number) != "recommended":
            return
        self.command("case.place", self.director, case=number, meeting=ref,
                 reason="Hastesak: sett på det ekstra møtet som vart kalla inn for henne.")
        self.runner.case(number, self.now())

    def state(self, number: str) -> str:
        return self.read(lambda uow: uow.cases.get(number).state)

    def answer_urgency(self, number: str) -> None:
        """The daily leader and the leader choose a lawful way (the first that fits)."""
        from domain.queries.cases import case_detail

        case = self.read(lambda uow: case_detail(uow, uow.cases.get(number)))
        if not case["urgent"]:
            return
        kinds = [o["kind"] for o in case["urgency_options"]]
        wanted = self.scripts[self.keys[number]].urgency_choice
        chosen = next((o for o in case["urgency_options"] if o["kind"] == wanted), None)
        if chosen is None:
            chosen = next((o for o in case["urgency_options"] if o["kind"] in (
                "extra_meeting", "urgent_remote_meeting")), None)
        if chosen is None:
            self.events.append(f"Sak {number}: ingen møteveg passa ({', '.join(kinds)}).")
            return
        if chosen.get("meeting_ref"):
            self.events.append(
                f"Sak {number}: {_choice(chosen)} i {chosen['meeting_ref']}.")
            return
        if chosen["kind"] == "written_handling":
            answer_by = date.fromisoformat(chosen["meeting_day"])
            self.schedule(self.now() + timedelta(hours=1), f"recommend {number} (hast)",
                          lambda n=number: self.recommend(n))
            self.schedule(self.now() + timedelta(hours=3), f"written {number}",
                          lambda n=number, by=answer_by: self.start_written(n, by))
            self.events.append(f"Sak {number}: leiaren vel skriftleg handsaming, svarfrist "
                               f"{answer_by:%d.%m.%Y}.")
            return
        deadline = date.fromisoformat(case["external_deadline"])
        earliest = date.fromisoformat(chosen["meeting_day"])
        day = self._latest_working_day(earliest, deadline - timedelta(days=1))
        faster = next((o for o in case["urgency_options"]
                       if o["new_meeting"] == "urgent_remote"), None)
        if chosen["new_meeting"] == "extra" and faster is not None \
                and self._notice_day(chosen["body_id"], day, urgent=False) \
                <= self.local_today() + timedelta(days=1):
            # No time to prepare for an ordinary notice: the shorter one is the lawful way.
            chosen = faster
            day = self._latest_working_day(date.fromisoformat(chosen["meeting_day"]),
                                           deadline - timedelta(days=1))
        urgent = chosen["new_meeting"] == "urgent_remote"
        meeting = self.command(
            "meeting.add", self.director, body=chosen["body_id"], date=day, urgent=urgent,
            remote=urgent, reason=f"Hastesak {number}: {case['urgency_reason']}",
            view=lambda uow, m: m.ref)
        self.preferred_meeting[number] = meeting
        # The chief executives hurry the recommendation so the case makes the new meeting.
        self.schedule(self.now() + timedelta(hours=2), f"recommend {number} (hast)",
                      lambda n=number: self.recommend(n))
        self.events.append(
            f"Sak {number}: {_choice(chosen)}; kallar inn "
            f"{'hastefjernmøte' if urgent else 'ekstra møte'} {meeting} "
            f"({day:%d.%m.%Y}), før fristen {deadline:%d.%m.%Y}.")
        self.runner.sweep(self.now())

    def _notice_day(self, body_id: str, day: date, *, urgent: bool) -> date:
        from domain.rules.calendar import calendar_for

        body = next(b for b in self.org["bodies"] if b["id"] == body_id)
        days = body["urgent_notice_days"] if urgent else body["notice_days"]
        return calendar_for(str(self.zone), "NO").notice_date(day, days)

    def _latest_working_day(self, earliest: date, latest: date) -> date:
        from domain.rules.calendar import calendar_for

        cal = calendar_for(str(self.zone), "NO")
        day = max(earliest, latest)
        while not cal.is_working_day(day) and day > earliest:
            day -= timedelta(days=1)
        return day

    def report_absences(self, meeting: dict[str, Any]) -> None:
        """Members report absence after the notice; substitutes answer in their order."""
        from domain.queries.meetings import meeting_detail
        from flows.demo.scenario import ABSENCES

        kind = next(b["kind"] for b in self.org["bodies"] if b["id"] == meeting["body"])
        planned = self.read(lambda uow: _planned_refs(uow, meeting["body"]))
        index = planned.index(meeting["ref"]) if meeting["ref"] in planned else None
        for script in ABSENCES:
            if script.body_kind != kind or index is None or script.meeting != index:
                continue
            person = self.person_for(script.who, kind)
            self.command("absence.report", self.director, meeting=meeting["ref"], person=person,
                     reason=script.reason)
            self.events.append(f"{meeting['ref']}: {self.person_name(person)} melde forfall "
                               f"({script.reason.lower()}); varamedlemer vert spurde i "
                               "rekkjefølgje.")
            for step, accept in enumerate(script.answers, start=1):
                self.schedule(self.now() + timedelta(hours=6 * step),
                              f"answer {meeting['ref']}",
                              lambda ref=meeting["ref"], yes=accept: self.answer_next(ref, yes))
        detail = self.read(lambda uow: meeting_detail(uow, uow.meetings.get(meeting["ref"])))
        for item in detail["agenda"]:
            number = item["case"]
            script = self.scripts.get(self.keys.get(number or "", ""))
            if script is None or not script.recused or number in self.recusals:
                continue
            self.recusals.add(number)
            person = self.person_for(script.recused)
            self.command("absence.report", person, meeting=meeting["ref"], person=person,
                         kind="case", basis=script.recusal_basis, case=number,
                         reason=script.recusal_reason)
            self.events.append(f"{meeting['ref']}: {self.person_name(person)} er inhabil i sak "
                               f"{number} ({script.recusal_reason}).")
            self.schedule(self.now() + timedelta(hours=6), f"answer {meeting['ref']} {number}",
                          lambda ref=meeting["ref"], n=number: self.answer_for_case(ref, n))

    def answer_next(self, ref: str, accept: bool) -> None:
        """The substitute asked now for this meeting answers."""
        from domain.queries.meetings import seats_view

        view = self.read(lambda uow: seats_view(uow, uow.meetings.get(ref)))
        asked = next((seat["asked"] for seat in view["seats"] if seat["asked"]), None)
        if asked is None:
            return
        self.command("substitute.answer", asked, meeting=ref, person=asked, accept=accept)
        self.events.append(f"{ref}: varamedlem {self.person_name(asked)} "
                           f"{'seier ja og møter' if accept else 'kan ikkje møte'}.")

    def answer_for_case(self, ref: str, number: str) -> None:
        """The substitute asked to sit for a recused member in one case says yes."""
        from domain.queries.meetings import seats_view

        view = self.read(lambda uow: seats_view(uow, uow.meetings.get(ref)))
        case = next((c for c in view["quorum"]["cases"] if c["case"] == number), None)
        for asked in case["asked"] if case else []:
            self.command("substitute.answer", asked["substitute"], meeting=ref,
                         person=asked["substitute"], case=number, accept=True)
            self.events.append(f"{ref}: varamedlem {asked['substitute_name']} seier ja og møter "
                               f"i sak {number}.")

    def start_written(self, number: str, answer_by: date) -> None:

        if self.state(number) not in ("recommended", "on_agenda"):
            return
        council = self.bodies["council"]
        self.command("written.start", council["chair"]["id"], case=number, proposal="",
                 answer_by=answer_by)
        for step, group in enumerate(council["groups"], start=1):
            for member in group["members"]:
                self.schedule(self.now() + timedelta(hours=3 * step), f"written {number}",
                              lambda n=number, m=member["id"]: self.answer_written(n, m))

    def answer_written(self, number: str, member: str) -> None:

        if self.state(number) != "on_agenda":
            return
        self.command("written.answer", member, case=number, person=member, proposal=True,
                 written=True)
        self.runner.case(number, self.now())

    def fate_at(self, number: str, body_id: str) -> str:
        """What this meeting does with the case: the next fate, or a referral by a body that
        only prepares it."""
        fates = self.fates.get(number, deque())
        competent = self.read(lambda uow: uow.cases.get(number).competent_body_id)
        if body_id != competent and (not fates or fates[0] not in (
                "postponed", "sent_back", "urgency_decided", "withdrawn")):
            return "referred"
        return fates.popleft() if fates else "decided"

    def hold_meeting(self, ref: str) -> None:
        """The meeting is held: attendance as it happened, then each case by its fate."""
        from domain.queries.meetings import meeting_detail, seats_view

        meeting = self.read(lambda uow: meeting_detail(uow, uow.meetings.get(ref)))
        if meeting["status"] == "cancelled":
            return  # cancelled after its notice: nobody comes
        body = next(b for b in self.org["bodies"] if b["id"] == meeting["body"])
        view = self.read(lambda uow: seats_view(uow, uow.meetings.get(ref)))
        present = [s["member"] for s in view["seats"] if s["absence"] is None]
        substitutes = {s["substitute"]: s["member"] for s in view["seats"]
                       if s["absence"] and s["substitute"]}
        chair = body["chair"]["id"] if body["chair"]["id"] in present else \
            body["deputy_chair"]["id"]
        attendees = [p["id"] for g in self.bodies["admin_committee"]["groups"]
                     for p in g["members"]] + [self.director]
        case_substitutes = {c["case"]: {s["substitute"]: s["seat"] for s in c["substitutes"]}
                            for c in view["quorum"]["cases"] if c["substitutes"]}
        self.command("meeting.attend", self.director, meeting=ref, present=present,
                     substitutes=substitutes, chair=chair, attendees=attendees,
                     case_substitutes=case_substitutes)
        for item in meeting["agenda"]:
            number = item["case"]
            if number is None or self.state(number) != "on_agenda":
                continue
            fate = self.fate_at(number, meeting["body"])
            if fate in ("decided", "referred", "urgency_decided", "tie", "no_consensus",
                        "not_adopted", "election") and item["case_kind"] not in (
                    "information", "urgency_report"):
                self.vote(number, fate, chair)
            else:
                outcome = "decided" if fate in ("decided", "referred") else fate
                self.command("case.decide", chair, case=number, outcome=outcome,
                             text=_why(outcome))
        self.runner.sweep(self.now())
        # The daily leader sends the minutes to the members two days after the meeting.
        self.schedule(self.now() + timedelta(days=2), f"minutes {ref}",
                      lambda: self.send_minutes(ref))

    def plan_cancelled_extra_meeting(self) -> None:
        """After the season's last council meeting the daily leader calls an extra one (a
        theme meeting), and, after its notice has gone out, cancels it: the members get the
        notice and invitation, then the cancellation with the same UID and a higher SEQUENCE."""
        last = self.plan.c(-1)
        day = last.day + timedelta(days=14)
        while day.weekday() != last.day.weekday():
            day += timedelta(days=1)
        if day > self.plan.end:
            return

        def add() -> None:
            meeting = self.command("meeting.add", self.director, body=self.bodies["council"]["id"],
                                   date=day, reason="Temamøte om regional planstrategi.")
            ref, notice = meeting.ref, meeting.notice_date
            self.schedule(self.at(notice + timedelta(days=1)), f"cancel {ref}",
                          lambda: self.command("meeting.cancel", self.director, meeting=ref,
                                               reason="Innleiaren kan ikkje kome; temamøtet "
                                               "vert flytta til hausten."))

        self.schedule(self.at(last.day + timedelta(days=1)), "extra meeting", add)

    def send_minutes(self, ref: str) -> None:
        from domain.rules.terms import CaseState, MeetingStatus

        def ready(uow: Any) -> bool:
            meeting = uow.meetings.get(ref)
            return meeting.status == MeetingStatus.HELD and meeting.minutes_sent_at is None \
                and not uow.cases.on_agenda_of(meeting.id, state=CaseState.ON_AGENDA)

        if self.read(ready):
            self.command("meeting.send_minutes", self.director, meeting=ref)

    def vote(self, number: str, fate: str, chair: str) -> None:
        """Cast the votes a fate describes, and let the engine count them."""
        from flows.app import read as read_now

        present = read_now(self.engine, self.clock, lambda uow: _present(uow, number))
        others = [p for p in present if p != chair]
        if fate == "tie":
            half = len(present) // 2
            ballots = {chair: "for", **{p: "for" for p in others[:half - 1]},
                       **{p: "against" for p in others[half - 1:]}}
            if len(present) % 2:
                ballots[others[-1]] = "for"  # odd number present: no tie possible
            self.command("case.vote", chair, case=number, ballots=ballots)
        elif fate == "no_consensus":
            ballots = {p: "for" for p in present}
            ballots[others[0]] = "against"
            self.command("case.vote", chair, case=number, ballots=ballots)
        elif fate == "not_adopted":
            ballots = {p: "against" for p in present}
            self.command("case.vote", chair, case=number, ballots=ballots)
        elif fate == "election":
            names = [self.person_name(p) for p in others[:2]]
            ballots = {p: names[i % 2] for i, p in enumerate(present)}
            if len(present) % 2 == 0:
                ballots[present[1]] = names[0]  # a majority in the first round
            self.command("case.elect", chair, case=number, candidates=names, ballots=ballots,
                     what="Leiar for kompetanseutvalet")
        else:
            self.command("case.vote", chair, case=number, unanimous=True,
                     urgency=fate == "urgency_decided")

    def person_name(self, person_id: str) -> str:
        for body in self.org["bodies"]:
            for group in body["groups"]:
                for person in group["members"] + group["substitutes"]:
                    if person["id"] == person_id:
                        return person["name"]
        return person_id


def _planned_refs(uow: Any, body_id: str) -> list[str]:
    from domain.rules.terms import MeetingKind

    return [m.ref for m in uow.reads.meetings(body=uow.bodies.get(body_id))
            if m.kind == MeetingKind.PLANNED]


def _present(uow: Any, number: str) -> list[str]:
    from domain.operations.substitutes import presence_for

    case = uow.cases.get(number)
    return list(presence_for(uow, uow.meetings.by_id(case.agenda_meeting_id), case).sitting)


def _choice(option: dict[str, Any]) -> str:
    return {
        "extra_meeting": "ekstra møte med vanleg varsel",
        "urgent_remote_meeting": "hastefjernmøte",
        "written_handling": "skriftleg handsaming",
        "urgency_authority": "hastevedtak etter kommunelova § 11-8 (1)",
    }.get(option["kind"], option["kind"])


def _why(outcome: str) -> str | None:
    return {
        "postponed": "Møtet vedtok å utsetje saka til neste møte.",
        "sent_back": "Saka vert send attende for betre utgreiing av økonomien.",
        "not_adopted": "Framlegget fekk ikkje fleirtal.",
        "withdrawn": "Saka vart trekt i møtet.",
    }.get(outcome)


def _zone(org: dict[str, Any]) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(org["council"]["timezone"])


# -- summary ----------------------------------------------------------------------------------

def build_summary(engine: Any, clock: Any) -> dict[str, Any]:
    from domain.queries.cases import case_detail
    from domain.queries.format import PUBLIC
    from domain.queries.journal import alert_list
    from domain.queries.meetings import meeting_detail
    from domain.queries.minutes import minutes_view
    from domain.queries.organisation import org_view
    from domain.rules.terms import MeetingStatus
    from flows.app import read

    def collect(uow: Any) -> dict[str, Any]:
        cases = [case_detail(uow, c) for c in uow.reads.cases()]
        all_meetings = uow.reads.meetings()
        meetings = [meeting_detail(uow, m) for m in all_meetings]
        public = [meeting_detail(uow, m, PUBLIC) for m in all_meetings]
        deadlines = Counter((d.kind, d.status) for d in uow.reads.deadlines())
        org = org_view(uow)
        alerts = alert_list(uow, actor_id=org["secretariat"]["director"]["id"], limit=10000)
        held = [m for m in all_meetings if m.status == MeetingStatus.HELD]
        minutes = [(minutes_view(uow, m), minutes_view(uow, m, PUBLIC)) for m in held]
        return {"cases": cases, "meetings": meetings, "public_meetings": public,
                "minutes": minutes,
                "deadlines": {f"{k}:{s}": n for (k, s), n in deadlines.items()},
                "org": org, "alerts": alerts}

    return read(engine, clock, collect)


class SummaryDocument:
    """``samandrag.txt`` as a document, not a dump of the terminal: the lines ``print_summary``
    prints, wrapped at word boundaries at 80 columns (an indented line goes on indented), no
    trailing spaces, headings underlined, the table as plain columns. It takes the calls
    ``print_summary`` makes of a rich console (``rule``, ``print``)."""

    WIDTH = 80
    AGENDA_ITEM = re.compile(r"^ {2}(?:[A-ZÆØÅ]{2,4} \d+/\d+|-) +(?=\S)")

    def __init__(self) -> None:
        self.lines: list[str] = []

    def rule(self, title: Any) -> None:
        heading = str(title).strip()
        self.lines += [heading, "=" * len(heading), ""]

    def print(self, text: Any = "", style: str | None = None) -> None:
        import textwrap

        for line in str(text).split("\n"):
            line = line.rstrip()
            if not line:
                self._blank()
                continue
            if style == "bold":  # the summary's headings
                if self.lines and self.lines[-1]:
                    self._blank()
                self.lines += [line, "-" * len(line)]
                continue
            indent = line[:len(line) - len(line.lstrip())]
            item = self.AGENDA_ITEM.match(line)  # "  RR 1/26    sak ...": under the title
            hang = " " * len(item.group(0)) if item else indent + "  "
            self.lines += textwrap.wrap(line, self.WIDTH, subsequent_indent=hang,
                                        break_long_words=False, break_on_hyphens=False)

    def table(self, title: str, rows: list[tuple[str, str]]) -> None:
        self.print(title, style="bold")
        width = max((len(label) for label, _ in rows), default=0)
        for label, count in rows:
            self.lines.append(f"  {label + ':':<{width + 1}} {count:>4}")

    def _blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self) -> str:
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        return "\n".join(self.lines) + "\n"


def print_summary(summary: dict[str, Any], out: Path, stats: dict[str, Any],
                  console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    from domain.rules.terms import CASE_STATE_LABELS, CaseState
    from flows.output import closed_label, d, dw, hm

    org = summary["org"]
    cases = summary["cases"]
    by_number = {c["number"]: c for c in cases}
    console.rule(Text(f"{org['council']['name']}: sesongen "
                      f"{org['meeting_plan']['start'][:4]}/{org['meeting_plan']['end'][2:4]}",
                      style="bold"))
    console.print(
        f"Simulert {d(org['meeting_plan']['start'])}-{d(org['meeting_plan']['end'])} på "
        f"SQLite: {stats['database']}")
    console.print(f"Prefect-flytar: {stats['flows']['sweep']} gjennomgangar og "
                  f"{stats['flows']['case']} saksflytar på {stats['seconds']:.0f} s.")

    states = Counter()
    for c in cases:
        label = CASE_STATE_LABELS[CaseState(c["state"])]
        if c["closed_reason"]:
            label += f" ({closed_label(c['closed_reason'])})"
        states[label] += 1
    title = f"Saker etter tilstand ({len(cases)} saker)"
    rows = [(label, str(count)) for label, count in sorted(states.items(), key=lambda kv: -kv[1])]
    if isinstance(console, SummaryDocument):
        console.table(title, rows)
    else:
        table = Table(title=title, title_justify="left")
        table.add_column("Tilstand")
        table.add_column("Tal", justify="right")
        for row in rows:
            table.add_row(*row)
        console.print(table)

    minutes_by_ref = {internal["meeting"]["ref"]: internal for internal, _ in summary["minutes"]}
    console.print("\nMøte og sakslister", style="bold")
    for meeting in summary["meetings"]:
        where = "fjernmøte" if meeting["remote"] else meeting["place"]
        kind = "" if meeting["kind"] == "planned" else f" - {meeting['kind_label']}"
        written = meeting.get("written")
        if written is not None:
            # The deadline and the answers are the handling's, not the meeting row's: its
            # ends_at is when the handling closed, and nobody "attends" it.
            console.print(f"\n{meeting['body_short']} {dw(meeting['date'])} ({meeting['ref']}): "
                          f"skriftleg handsaming, svarfrist {d(written['answer_by'])} kl. "
                          f"{hm(written['answer_by'])}.")
            console.print(f"  Svarte: {written['answered']} av {written['members']}; "
                          f"{written['status_label']}"
                          + (f" {d(written['closed_at'])}" if written["closed_at"] else "")
                          + ".")
        else:
            console.print(f"\n{meeting['body_short']} {dw(meeting['date'])} ({meeting['ref']}),"
                          f" {where}{kind}. Innkalling {d(meeting['notified_at'])}"
                          + (" FOR SEINT" if meeting["notice_late"] else "")
                          + f", frist for saksutgreiing {d(meeting['preparation_deadline'])}."
                          + (" AVLYST etter innkallinga." if meeting["status"] == "cancelled"
                             else ""))
        attendance = minutes_by_ref.get(meeting["ref"])
        if attendance is not None and written is None:
            subs = [f"{p['name']} for {p['seat_name']}" for p in attendance["present"]
                    if p["role"] == "substitute"]
            open_seats = sum(1 for a in attendance["absent"] if not a["substitute"])
            seats = len(attendance["present"]) + open_seats
            console.print(f"  Til stades: {len(attendance['present'])} av {seats}"
                          + (f"; varamedlem: {', '.join(subs)}" if subs else "")
                          + (f"; møteleiar {attendance['chair']['name']}"
                             if attendance["chair"] else "") + ".")
        if not meeting["agenda"]:
            console.print("  (ingen saker)")
        for item in meeting["agenda"]:
            outcome = ""
            if item["case"]:
                case = by_number[item["case"]]
                for t in case["treatments"]:
                    if t["meeting"] == meeting["ref"]:
                        outcome = f" -> {t['outcome_label']}"
                        notes = [t["basis_label"]] if t["basis"] != "ordinary" else []
                        vote_text = t.get("vote_summary") or ""
                        if "konsensus" in vote_text and t["outcome"] == "not_adopted":
                            notes.append("ikkje konsensus")
                        if "avgjorde" in vote_text:
                            notes.append("dobbeltstemme")
                        if notes:
                            outcome += f" ({', '.join(notes)})"
            note = ""
            if item["exempt_basis"]:
                note = f" [unnateke offentlegheit, {item['exempt_basis']}]"
            if item["withdrawn"]:
                note += " [trekt]"
            number = item["agenda_number"] or "-"
            ref = f"sak {item['case']}: " if item["case"] else ""
            console.print(f"  {number:<10} {ref}{item['title']}{note}{outcome}")

    escalated = [c for c in cases if any(t["outcome"] == "referred" for t in c["treatments"])]
    if escalated:
        assembly = next(b["short_name"] for b in org["bodies"] if b["kind"] == "assembly")
        console.print(f"\nInnstillingar til {assembly}", style="bold")
        for c in escalated:
            steps = ", ".join(f"{t['meeting']} {t['outcome_label']}" for t in c["treatments"])
            console.print(f"  Sak {c['number']} {c['title']}: {steps}.")

    ever_urgent = [c for c in cases if any(e["action"] == "case.urgency" for e in c["trace"])]
    console.print("\nHastesaker", style="bold")
    if not ever_urgent:
        console.print("  Ingen.")
    for c in ever_urgent:
        first = next(e for e in c["trace"] if e["action"] == "case.urgency")
        console.print(f"  Sak {c['number']} {c['title']} (frist {d(c['external_deadline'])}):")
        console.print(f"    {first['summary']}")
        for event in stats["events"]:
            if event.startswith(f"Sak {c['number']}:"):
                console.print(f"    Val: {event.split(': ', 1)[1]}")
        final = [t for t in c["treatments"] if t["authoritative"]]
        if final:
            t = final[0]
            console.print(f"    Utfall: {t['outcome_label']} i {t['meeting']} "
                          f"({d(t['date'])}), {t['basis_label']}.")
        if c["related_case"]:
            report = by_number[c["related_case"]]
            console.print(f"    Melding om hastevedtaket: sak {report['number']}.")
        for other in cases:
            if other["related_case"] == c["number"]:
                placed = [t["meeting"] for t in other["treatments"]]
                where = ", ".join(placed) if placed else "ventar på neste møte"
                console.print(f"    Melding om hastevedtaket: sak {other['number']}, {where}.")

    console.print("\nForfall, varamedlemer og inhabilitet", style="bold")
    people_events = [e for e in stats["events"] if not e.startswith("Sak ")]
    for event in people_events:
        console.print(f"  {event}")
    if not people_events:
        console.print("  Ingen.")

    deadlines = summary["deadlines"]
    late = [m["ref"] for m in summary["meetings"] if m["notice_late"]]
    console.print("\nFristar", style="bold")
    for kind, label in (("preparation", "Saksutgreiing"), ("notice", "Innkalling"),
                        ("external", "Eksterne fristar"), ("followup", "Oppfølging")):
        parts = [f"{deadlines.get(f'{kind}:{s}', 0)} {w}" for s, w in (
            ("met", "haldne"), ("missed", "passerte"), ("open", "opne"),
            ("cancelled", "fall bort"))]
        console.print(f"  {label}: {', '.join(parts)}.")
    console.print(f"  Innkallingar sende for seint: {len(late)}"
                  + (f" ({', '.join(late)})" if late else "") + ".")
    reminders = sum(1 for a in summary["alerts"] if a["kind"] == "deadline_near")
    console.print(f"  Varsel sende: {len(summary['alerts'])} (av dei {reminders} påminningar).")
    outbox = stats.get("outbox")
    if outbox is not None:
        console.print("\nE-post til medlemene", style="bold")
        kinds = ", ".join(f"{n} {label}" for label, n in outbox["kinds"].items())
        console.print(f"  {outbox['sent']} meldingar skrivne som .eml-filer ({kinds}); "
                      f"{outbox['failed']} feila.")
        console.print(f"  Opne dei i eit e-postprogram: {out / 'utboks'}")
        console.print(f"  Kalenderar å abonnere på (offentlege): {out / 'kalendrar'} "
                      f"({', '.join(outbox['feeds'])})")
    console.print(f"\nOffentlege sakslister: {out / 'sakslister'}")
    console.print(f"Møtebøker (interne og offentlege): {out / 'moteboker'}")
    console.print(f"Samandraget: {out / 'samandrag.txt'}")


def deliver_outbox(engine: Any, clock: Any, transport: Any, feeds: Path) -> dict[str, Any]:
    """The season's messages, delivered as the embedded default does (``.eml`` files in a
    folder that a member's mail client opens as the e-mail she would get): what is left is
    sent now, and what was sent is counted."""
    from domain.rules.terms import MessageKind, OutboxStatus
    from flows.app import read
    from notifications.dispatch import dispatch
    from notifications.feeds import write_feeds

    dispatch(engine, clock, transport)
    written = read(engine, clock, lambda uow: write_feeds(uow, feeds))
    rows = read(engine, clock, lambda uow: [(r.kind, r.status) for r in uow.outbox.listing()])
    statuses = [status for _kind, status in rows]
    rows = [kind for kind, _status in rows]
    kinds = {MessageKind(k).label: n for k, n in sorted(
        ((k, rows.count(k)) for k in set(rows)), key=lambda kv: (-kv[1], kv[0]))}
    return {"sent": statuses.count(OutboxStatus.SENT), "failed": statuses.count(
        OutboxStatus.FAILED), "kinds": kinds, "feeds": [p.name for p in written]}


def write_minutes(summary: dict[str, Any], out: Path) -> int:
    """The minutes of every held meeting: internal and public, text and HTML."""
    from notifications.minutes import render_minutes_html, render_minutes_text

    folder = out / "moteboker"
    folder.mkdir(parents=True, exist_ok=True)
    council = summary["org"]["council"]
    for internal, public in summary["minutes"]:
        ref = internal["meeting"]["ref"]
        for suffix, minutes in (("", internal), ("-offentleg", public)):
            (folder / f"{ref}{suffix}.txt").write_text(
                render_minutes_text(minutes, council), encoding="utf-8")
            (folder / f"{ref}{suffix}.html").write_text(
                render_minutes_html(minutes, council), encoding="utf-8")
    return len(summary["minutes"])


def write_agendas(summary: dict[str, Any], out: Path) -> int:
    from notifications.agenda import render_agenda_html, render_agenda_text

    folder = out / "sakslister"
    folder.mkdir(parents=True, exist_ok=True)
    council = summary["org"]["council"]
    for meeting in summary["public_meetings"]:
        (folder / f"{meeting['ref']}.txt").write_text(render_agenda_text(meeting, council),
                                                       encoding="utf-8")
        (folder / f"{meeting['ref']}.html").write_text(render_agenda_html(meeting, council),
                                                        encoding="utf-8")
    return len(summary["public_meetings"])


# -- main -------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.demo",
                                     description="Simuler ein sesong for eit råd.")
    parser.add_argument("--org", type=Path, help="organisasjonsfila (standard: Hallingdal)")
    parser.add_argument("--out", type=Path, help="mappe for demo-data og utdata")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except TingflytError as exc:
        from flows.cli.common import command_style, exit_code, field_style

        print(f"tingflyt-demo: {exc.one_line(field_style, command_style)}", file=sys.stderr)
        return exit_code(exc)


def _run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from config.organisation import load_organisation
    from config.settings import Settings

    settings = Settings.from_environ()
    org_file = args.org or settings.org_file
    organisation = load_organisation(org_file)
    council_id = organisation.data.council.id
    out = (args.out or settings.data_dir / "demo" / council_id).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    database = out / "tingflyt.sqlite"
    os.environ["TINGFLYT_DATABASE_URL"] = f"sqlite:///{database.as_posix()}"
    record = Console(record=True, width=110, highlight=False, markup=False, file=io.StringIO())
    screen = Console(highlight=False, markup=False)
    started = wallclock.monotonic()

    from domain.commands import registry
    from domain.queries.meetings import meeting_list
    from domain.queries.organisation import org_view
    from domain.rules.access import OPERATOR_ACTOR
    from domain.rules.calendar import FixedClock
    from domain.store.schema import upgrade
    from flows.app import engine_for, read
    from flows.demo.scenario import SEASON, plan_from
    from flows.runtime import prefect_api

    engine = engine_for(os.environ["TINGFLYT_DATABASE_URL"])
    upgrade(engine)
    zone = _zone({"council": {"timezone": organisation.data.council.timezone}})
    start = datetime.combine(organisation.data.meeting_plan.start, time(8, 0),
                             tzinfo=zone).astimezone(UTC)
    clock = FixedClock(start)
    registry.run("init", {"org_file": str(org_file)}, OPERATOR_ACTOR, engine=engine, clock=clock)
    org = read(engine, clock, org_view)
    plan = plan_from(org, read(engine, clock, meeting_list))

    screen.print(f"{org['council']['name']}: {len(org['municipalities'])} kommunar, "
                 f"{len(plan.council)} møte i {plan.council_name} og {len(plan.assembly)} i "
                 f"{plan.assembly_name}. Startar Prefect ...")
    with prefect_api(settings.data_dir.resolve() / "prefect") as url:
        from prefect.context import SyncClientContext

        from flows.engine import quick_runs

        screen.print(f"Prefect-API: {url}")
        runner = FlowRunner()
        season = Season(engine, plan, SEASON, runner, org)
        from notifications.dispatch import dispatch
        from notifications.transports.files import FileTransport

        mail = FileTransport(out / "utboks")
        season.deliver = lambda now: dispatch(engine, now, mail)
        total = (plan.end - plan.start).days or 1
        # One Prefect client for the whole season: each flow run would otherwise open its own
        # (a new connection, the CSRF token and the server's version asked for again).
        with quick_runs(), SyncClientContext.get_or_create(), Progress(
                TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[day]}"),
                TimeElapsedColumn(), console=screen, transient=False) as progress:
            task = progress.add_task("Sesongen", total=total, day="")

            def tick(moment: datetime) -> None:
                day = moment.astimezone(zone).date()
                progress.update(task, completed=min((day - plan.start).days, total),
                                day=day.strftime("%d.%m.%Y"))

            season.run(tick)
            progress.update(task, completed=total)
    summary = build_summary(engine, FixedClock(season.now()))
    stats = {"database": str(database), "flows": runner.counts, "events": season.events,
             "seconds": wallclock.monotonic() - started,
             "outbox": deliver_outbox(engine, FixedClock(season.now()), mail,
                                      out / "kalendrar")}
    print_summary(summary, out, stats, record)
    write_agendas(summary, out)
    write_minutes(summary, out)
    document = SummaryDocument()  # the file is written for reading, the record for the screen
    print_summary(summary, out, stats, document)
    (out / "samandrag.txt").write_text(document.text(), encoding="utf-8")
    sys.stdout.write(record.export_text(styles=screen.is_terminal))
    return 0


if __name__ == "__main__":
    sys.exit(main())
