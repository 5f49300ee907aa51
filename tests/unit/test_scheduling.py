"""Which body decides, which meetings a case can reach, and urgency (domain.md sections 2, 5).

Pure rules over hand-built values: no database. Bodies and meetings follow the Hallingdal
meeting plan 2026/2027 (council: 7 days' notice, assembly: 14 days, both 7 days' preparation).
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import NotFound, RuleViolation
from domain.rules.calendar import CouncilCalendar
from domain.rules.scheduling import (
    ASSEMBLY_ONLY,
    DEFAULT_URGENCY_AUTHORITY,
    EITHER_BODY,
    URGENCY_AUTHORITY_KINDS,
    Bodies,
    BodyRules,
    MeetingSlot,
    assess_deadline,
    decide_competence,
    next_meeting,
    plan_route,
    treatment_path,
    urgency_authority_scope,
    urgency_options,
)
from domain.rules.terms import (
    BodyKind,
    CaseKind,
    DecisionBasis,
    MeetingKind,
    UrgencyOptionKind,
)

CAL = CouncilCalendar("Europe/Oslo", "NO")

COUNCIL = BodyRules(
    id="council", kind=BodyKind.COUNCIL, name="Regionrådet", notice_days=7, preparation_days=7,
    urgent_notice_days=2, remote_meetings=True, written_handling=True,
)
ASSEMBLY = BodyRules(
    id="assembly", kind=BodyKind.ASSEMBLY, name="Hallingtinget", notice_days=14,
    preparation_days=7, prepared_by="council",
)
ADMIN = BodyRules(
    id="admin_committee", kind=BodyKind.ADMIN_COMMITTEE, name="Rådmannsutvalet", notice_days=3,
    preparation_days=0,
)


def bodies(council: BodyRules = COUNCIL, assembly: BodyRules = ASSEMBLY) -> Bodies:
    return Bodies([council, assembly, ADMIN])


def slot(body: BodyRules, day: date, *, open: bool = True, remote: bool = False) -> MeetingSlot:
    notice = CAL.notice_date(day, body.notice_days)
    prefix = "RR" if body.kind == BodyKind.COUNCIL else "HT"
    return MeetingSlot(
        ref=f"{prefix}-{day.isoformat()}", body_id=body.id, day=day, notice_date=notice,
        preparation_deadline=CAL.preparation_deadline(notice, body.preparation_days),
        open=open, remote=remote,
    )


COUNCIL_DAYS = [
    date(2026, 8, 27), date(2026, 9, 24), date(2026, 10, 22), date(2026, 11, 12),
    date(2026, 12, 10), date(2027, 1, 28), date(2027, 3, 4), date(2027, 4, 1), date(2027, 6, 3),
]
ASSEMBLY_DAYS = [date(2026, 12, 3), date(2027, 5, 27)]
PLAN = [slot(COUNCIL, d) for d in COUNCIL_DAYS] + [slot(ASSEMBLY, d) for d in ASSEMBLY_DAYS]


def test_slots_follow_the_calendar():
    # sanity of the fixture itself: the 1 April 2027 notice moves off Maundy Thursday
    by_ref = {s.ref: s for s in PLAN}
    assert by_ref["RR-2027-04-01"].notice_date == date(2027, 3, 24)
    assert by_ref["RR-2026-09-24"].notice_date == date(2026, 9, 17)
    assert by_ref["RR-2026-09-24"].preparation_deadline == date(2026, 9, 10)
    assert by_ref["HT-2026-12-03"].notice_date == date(2026, 11, 19)


# -- treatment path -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", [CaseKind.ORDINARY, CaseKind.BUDGET, CaseKind.STRATEGIC_PLAN, CaseKind.STATEMENT]
)
def test_assembly_cases_are_prepared_by_the_council(kind):
    assert treatment_path(kind, "assembly", bodies()) == ["council", "assembly"]


@pytest.mark.parametrize("kind", [CaseKind.INFORMATION, CaseKind.URGENCY_REPORT])
def test_reports_and_information_go_straight_to_the_assembly(kind):
    assert treatment_path(kind, "assembly", bodies()) == ["assembly"]


def test_council_cases_go_straight_to_the_council():
    assert treatment_path(CaseKind.ORDINARY, "council", bodies()) == ["council"]


def test_assembly_without_preparing_body_takes_cases_directly():
    unprepared = BodyRules(id="assembly", kind=BodyKind.ASSEMBLY, name="Tinget", notice_days=14,
                           preparation_days=7)
    assert treatment_path(CaseKind.BUDGET, "assembly", bodies(assembly=unprepared)) == [
        "assembly"]


# -- next meeting -------------------------------------------------------------------------------


def test_new_case_needs_the_preparation_deadline():
    # ready 12.09.2026: after the 24.09 meeting's preparation deadline (10.09), before its notice
    found = next_meeting(PLAN, "council", ready_on=date(2026, 9, 12), by_preparation_deadline=True)
    assert found.ref == "RR-2026-10-22"


def test_postponed_case_only_needs_the_notice_not_yet_sent():
    found = next_meeting(PLAN, "council", ready_on=date(2026, 9, 12),
                         by_preparation_deadline=False)
    assert found.ref == "RR-2026-09-24"
    # on the notice day itself the agenda is still open
    found = next_meeting(PLAN, "council", ready_on=date(2026, 9, 17),
                         by_preparation_deadline=False)
    assert found.ref == "RR-2026-09-24"
    found = next_meeting(PLAN, "council", ready_on=date(2026, 9, 18),
                         by_preparation_deadline=False)
    assert found.ref == "RR-2026-10-22"


def test_ready_on_the_preparation_deadline_is_in_time():
    found = next_meeting(PLAN, "council", ready_on=date(2026, 9, 10), by_preparation_deadline=True)
    assert found.ref == "RR-2026-09-24"


def test_next_meeting_after_a_day_is_strictly_later():
    found = next_meeting(PLAN, "council", ready_on=date(2026, 9, 1), by_preparation_deadline=False,
                         after=date(2026, 9, 24))
    assert found.ref == "RR-2026-10-22"
    found = next_meeting(PLAN, "council", ready_on=date(2026, 9, 1), by_preparation_deadline=False,
                         after=date(2026, 9, 23))
    assert found.ref == "RR-2026-09-24"


def test_next_meeting_skips_excluded_meetings():
    found = next_meeting(PLAN, "council", ready_on=date(2026, 9, 1), by_preparation_deadline=True,
                         exclude=["RR-2026-09-24", "RR-2026-10-22"])
    assert found.ref == "RR-2026-11-12"


def test_next_meeting_skips_closed_meetings():
    meetings = [slot(COUNCIL, date(2026, 9, 24), open=False), slot(COUNCIL, date(2026, 10, 22))]
    found = next_meeting(meetings, "council", ready_on=date(2026, 9, 1),
                         by_preparation_deadline=True)
    assert found.ref == "RR-2026-10-22"


def test_next_meeting_only_looks_at_the_given_body_and_sorts_by_day():
    shuffled = list(reversed(PLAN))
    found = next_meeting(shuffled, "assembly", ready_on=date(2026, 9, 1),
                         by_preparation_deadline=True)
    assert found.ref == "HT-2026-12-03"
    found = next_meeting(shuffled, "council", ready_on=date(2026, 9, 1),
                         by_preparation_deadline=True)
    assert found.ref == "RR-2026-09-24"


def test_next_meeting_none_when_the_plan_is_over():
    assert next_meeting(PLAN, "council", ready_on=date(2027, 6, 1),
                        by_preparation_deadline=False) is None
    assert next_meeting([], "council", ready_on=date(2026, 9, 1),
                        by_preparation_deadline=False) is None


# -- routes -------------------------------------------------------------------------------------


def test_route_through_council_then_assembly():
    route = plan_route(["council", "assembly"], PLAN, today=date(2026, 10, 25),
                       needs_preparation_deadline=True)
    assert [s.ref for s in route] == ["RR-2026-11-12", "HT-2026-12-03"]


def test_route_skips_an_assembly_meeting_whose_notice_goes_before_the_council_decides():
    # ready 30.10: council 12.11 is too late (deadline 29.10); council 10.12 is after the
    # assembly of 03.12, so the case waits for the assembly of 27.05.2027
    route = plan_route(["council", "assembly"], PLAN, today=date(2026, 10, 30),
                       needs_preparation_deadline=True)
    assert [s.ref for s in route] == ["RR-2026-12-10", "HT-2027-05-27"]


def test_route_needs_assembly_notice_on_or_after_the_council_meeting():
    council = slot(COUNCIL, date(2026, 11, 19))  # same day as the assembly's notice
    assembly = slot(ASSEMBLY, date(2026, 12, 3))
    route = plan_route(["council", "assembly"], [council, assembly], today=date(2026, 11, 1),
                       needs_preparation_deadline=True)
    assert [s.ref for s in route] == ["RR-2026-11-19", "HT-2026-12-03"]
    late_council = slot(COUNCIL, date(2026, 11, 20))
    assert plan_route(["council", "assembly"], [late_council, assembly],
                      today=date(2026, 11, 1), needs_preparation_deadline=True) is None


def test_route_without_preparation_deadline_uses_the_notice_date():
    route = plan_route(["council"], PLAN, today=date(2026, 9, 12),
                       needs_preparation_deadline=False)
    assert [s.ref for s in route] == ["RR-2026-09-24"]
    route = plan_route(["council"], PLAN, today=date(2026, 9, 12),
                       needs_preparation_deadline=True)
    assert [s.ref for s in route] == ["RR-2026-10-22"]


def test_route_starts_from_the_meeting_the_case_sits_on():
    current = next(s for s in PLAN if s.ref == "RR-2026-11-12")
    route = plan_route(["council", "assembly"], PLAN, today=date(2026, 11, 20),
                       needs_preparation_deadline=True, current=current)
    assert [s.ref for s in route] == ["RR-2026-11-12", "HT-2026-12-03"]


def test_route_is_none_when_a_body_has_no_reachable_meeting():
    assert plan_route(["council", "assembly"], PLAN, today=date(2027, 5, 20),
                      needs_preparation_deadline=True) is None


# -- which body decides -------------------------------------------------------------------------


def competence(kind=CaseKind.ORDINARY, *, principled=False, body=None, deadline=None,
               meetings=PLAN, today=date(2026, 9, 1)):
    return decide_competence(kind=kind, principled=principled, requested_body_id=body,
                             external_deadline=deadline, bodies=bodies(), meetings=meetings,
                             today=today)


@pytest.mark.parametrize("kind", sorted(ASSEMBLY_ONLY))
def test_assembly_only_kinds_go_to_the_assembly(kind):
    result = competence(kind)
    assert result.body_id == "assembly"
    assert result.basis == DecisionBasis.ORDINARY
    assert kind.label in result.reason
    assert competence(kind, body="assembly").body_id == "assembly"


@pytest.mark.parametrize("kind", sorted(ASSEMBLY_ONLY))
def test_assembly_only_kinds_cannot_be_requested_to_the_council(kind):
    with pytest.raises(RuleViolation) as info:
        competence(kind, body="council")
    assert info.value.field == "body"
    assert "3a" in info.value.message
    assert "[field:body=assembly]" in info.value.hint


def test_assembly_only_kinds_stay_with_the_assembly_even_when_principled_and_urgent():
    result = competence(CaseKind.BUDGET, principled=True, deadline=date(2026, 9, 10))
    assert result.body_id == "assembly"
    assert result.basis == DecisionBasis.ORDINARY


def test_urgency_report_goes_to_the_assembly():
    result = competence(CaseKind.URGENCY_REPORT)
    assert result.body_id == "assembly"
    assert "11-8" in result.reason


def test_ordinary_case_goes_to_the_council_by_default():
    result = competence(CaseKind.ORDINARY)
    assert result.body_id == "council"
    assert result.basis == DecisionBasis.ORDINARY


@pytest.mark.parametrize("kind", sorted(EITHER_BODY))
def test_either_body_kinds_may_be_requested_to_the_assembly(kind):
    result = competence(kind, body="assembly")
    assert result.body_id == "assembly"
    assert result.basis == DecisionBasis.ORDINARY
    assert competence(kind, body="council").body_id == "council"


def test_principled_case_without_deadline_goes_to_the_assembly():
    result = competence(CaseKind.ORDINARY, principled=True)
    assert result.body_id == "assembly"
    assert result.basis == DecisionBasis.ORDINARY
    assert "3b" in result.reason


def test_principled_case_with_deadline_the_assembly_meets_goes_to_the_assembly():
    # route: council 24.09 -> assembly 03.12.2026; the deadline is the assembly day itself
    result = competence(CaseKind.STATEMENT, principled=True, deadline=date(2026, 12, 3))
    assert result.body_id == "assembly"
    assert result.basis == DecisionBasis.ORDINARY


def test_principled_case_that_cannot_wait_goes_to_the_council():
    result = competence(CaseKind.STATEMENT, principled=True, deadline=date(2026, 10, 1))
    assert result.body_id == "council"
    assert result.basis == DecisionBasis.PRINCIPLED_CANNOT_WAIT
    assert "01.10.2026" in result.reason  # the deadline
    assert "03.12.2026" in result.reason  # when the assembly could decide


def test_principled_case_with_no_assembly_meeting_at_all_goes_to_the_council():
    council_only = [s for s in PLAN if s.body_id == "council"]
    result = competence(CaseKind.ORDINARY, principled=True, deadline=date(2026, 11, 1),
                        meetings=council_only)
    assert result.body_id == "council"
    assert result.basis == DecisionBasis.PRINCIPLED_CANNOT_WAIT
    assert "01.11.2026" in result.reason
    assert "ingen møte" in result.reason


def test_principled_case_requested_to_the_council_is_refused_when_the_assembly_is_in_time():
    with pytest.raises(RuleViolation) as info:
        competence(CaseKind.ORDINARY, principled=True, body="council",
                   deadline=date(2026, 12, 31))
    assert info.value.field == "body"
    assert "03.12.2026" in info.value.message
    assert "3b" in info.value.message
    with pytest.raises(RuleViolation):
        competence(CaseKind.ORDINARY, principled=True, body="council")


def test_principled_case_requested_to_the_council_is_allowed_when_it_cannot_wait():
    result = competence(CaseKind.ORDINARY, principled=True, body="council",
                        deadline=date(2026, 10, 1))
    assert result.body_id == "council"
    assert result.basis == DecisionBasis.PRINCIPLED_CANNOT_WAIT


def test_unknown_body_is_refused_with_the_known_ones():
    with pytest.raises(NotFound) as info:
        competence(CaseKind.ORDINARY, body="regionstyret")
    assert info.value.field == "body"
    assert "regionstyret" in info.value.message
    for known in ("admin_committee", "assembly", "council"):
        assert known in info.value.hint


def test_admin_committee_does_not_decide_cases():
    with pytest.raises(RuleViolation) as info:
        competence(CaseKind.ORDINARY, body="admin_committee")
    assert info.value.field == "body"
    assert "Rådmannsutvalet" in info.value.message


def test_organisation_without_an_assembly_is_refused():
    with pytest.raises(RuleViolation, match="assembly"):
        decide_competence(kind=CaseKind.ORDINARY, principled=False, requested_body_id=None,
                          external_deadline=None, bodies=Bodies([COUNCIL, ADMIN]), meetings=[],
                          today=date(2026, 9, 1))


# -- deadlines ----------------------------------------------------------------------------------

ROUTE = [slot(COUNCIL, date(2026, 9, 24)), slot(ASSEMBLY, date(2026, 12, 3))]


def test_no_deadline_is_never_urgent():
    result = assess_deadline(deadline=None, route=ROUTE, deciding_body=ASSEMBLY)
    assert not result.urgent
    assert result.decision_day == date(2026, 12, 3)


def test_route_deciding_on_or_before_the_deadline_is_not_urgent():
    result = assess_deadline(deadline=date(2026, 12, 3), route=ROUTE, deciding_body=ASSEMBLY)
    assert not result.urgent
    assert result.decision_day == date(2026, 12, 3)


def test_route_deciding_after_the_deadline_is_urgent():
    result = assess_deadline(deadline=date(2026, 12, 2), route=ROUTE, deciding_body=ASSEMBLY)
    assert result.urgent
    assert result.decision_day == date(2026, 12, 3)
    assert "02.12.2026" in result.reason
    assert "03.12.2026" in result.reason
    assert "Hallingtinget" in result.reason


def test_no_route_with_a_deadline_is_urgent():
    result = assess_deadline(deadline=date(2026, 12, 2), route=None, deciding_body=COUNCIL)
    assert result.urgent
    assert result.decision_day is None
    assert "02.12.2026" in result.reason
    assert "ingen planlagt møte" in result.reason


# -- urgency options ----------------------------------------------------------------------------

TODAY = date(2026, 9, 1)  # a Tuesday


def options(kind=CaseKind.ORDINARY, path=("council",), *, deadline, meetings=(),
            council=COUNCIL, closed=False, today=TODAY):
    return urgency_options(
        kind=kind, path=list(path), deadline=deadline, bodies=bodies(council=council),
        meetings=list(meetings), calendar=CAL, today=today, needs_closed_meeting=closed)


def kinds(found):
    return [o.kind for o in found]


def test_council_case_gets_extra_meeting_urgent_remote_and_written_handling():
    found = options(deadline=date(2026, 9, 15))
    assert kinds(found) == [
        UrgencyOptionKind.EXTRA_MEETING,
        UrgencyOptionKind.URGENT_REMOTE_MEETING,
        UrgencyOptionKind.WRITTEN_HANDLING,
    ]
    extra, remote, written = found
    # extra meeting with 7 days' notice: notice today, meeting Tuesday 08.09
    assert extra.body_id == "council"
    assert extra.new_meeting == MeetingKind.EXTRA
    assert (extra.meeting_day, extra.notice_by) == (date(2026, 9, 8), date(2026, 9, 1))
    assert "08.09.2026" in extra.text and "15.09.2026" in extra.text
    # urgent remote meeting with 2 days' notice: Thursday 03.09
    assert remote.new_meeting == MeetingKind.URGENT_REMOTE
    assert remote.meeting_day == date(2026, 9, 3)
    assert "11-8" in remote.legal_basis
    # written handling: three working days to answer
    assert written.meeting_day == date(2026, 9, 4)
    assert "04.09.2026" in written.text
    assert "11-8 (2)" in written.legal_basis


def test_no_urgent_remote_meeting_for_a_case_that_needs_a_closed_meeting():
    found = options(deadline=date(2026, 9, 15), closed=True)
    assert UrgencyOptionKind.URGENT_REMOTE_MEETING not in kinds(found)
    assert kinds(found) == [UrgencyOptionKind.EXTRA_MEETING, UrgencyOptionKind.WRITTEN_HANDLING]


def test_no_urgent_remote_meeting_when_the_council_does_not_meet_remotely():
    local = BodyRules(id="council", kind=BodyKind.COUNCIL, name="Regionrådet", notice_days=7,
                      preparation_days=7, urgent_notice_days=2, remote_meetings=False,
                      written_handling=True)
    found = options(deadline=date(2026, 9, 15), council=local)
    assert kinds(found) == [UrgencyOptionKind.EXTRA_MEETING, UrgencyOptionKind.WRITTEN_HANDLING]


def test_no_written_handling_when_the_rules_do_not_allow_it():
    no_written = BodyRules(id="council", kind=BodyKind.COUNCIL, name="Regionrådet",
                           notice_days=7, preparation_days=7, urgent_notice_days=2,
                           remote_meetings=True, written_handling=False)
    found = options(deadline=date(2026, 9, 15), council=no_written)
    assert UrgencyOptionKind.WRITTEN_HANDLING not in kinds(found)
    assert UrgencyOptionKind.URGENT_REMOTE_MEETING in kinds(found)


def test_only_what_fits_before_the_deadline_is_offered():
    # deadline Thursday 03.09: extra meeting (08.09) and written answer (04.09) are too late
    found = options(deadline=date(2026, 9, 3))
    assert kinds(found) == [UrgencyOptionKind.URGENT_REMOTE_MEETING]
    assert found[0].meeting_day == date(2026, 9, 3)


def test_when_nothing_fits_the_only_option_is_to_ask_for_a_later_deadline():
    found = options(deadline=date(2026, 9, 2))
    assert kinds(found) == [UrgencyOptionKind.EXTEND_DEADLINE]
    assert found[0].body_id == "council"
    assert "02.09.2026" in found[0].text


def test_assembly_case_uses_an_open_council_meeting_under_urgency_authority():
    meetings = [slot(COUNCIL, date(2026, 9, 10)), slot(ASSEMBLY, date(2026, 12, 3))]
    found = options(path=("council", "assembly"), deadline=date(2026, 9, 15), meetings=meetings)
    authority = [o for o in found if o.kind == UrgencyOptionKind.URGENCY_AUTHORITY]
    assert len(authority) == 1
    option = authority[0]
    assert option.body_id == "council"
    assert option.meeting_ref == "RR-2026-09-10"
    assert option.new_meeting is None
    assert option.meeting_day == date(2026, 9, 10)
    assert "11-8 (1)" in option.legal_basis
    assert "10.09.2026" in option.text and "Hallingtinget" in option.text
    # the council's written handling is for its own cases only
    assert UrgencyOptionKind.WRITTEN_HANDLING not in kinds(found)


def test_assembly_case_calls_a_new_council_meeting_when_no_open_one_is_in_time():
    meetings = [
        slot(COUNCIL, date(2026, 9, 10), open=False),  # agenda frozen: cannot take the case
        slot(COUNCIL, date(2026, 9, 24)),  # after the deadline
        slot(ASSEMBLY, date(2026, 12, 3)),
    ]
    found = options(path=("council", "assembly"), deadline=date(2026, 9, 15), meetings=meetings)
    authority = [o for o in found if o.kind == UrgencyOptionKind.URGENCY_AUTHORITY]
    assert authority, kinds(found)
    assert all(o.meeting_ref is None for o in authority)
    assert all(o.body_id == "council" for o in authority)
    assert {o.new_meeting for o in authority} == {MeetingKind.URGENT_REMOTE, MeetingKind.EXTRA}
    remote = next(o for o in authority if o.new_meeting == MeetingKind.URGENT_REMOTE)
    assert remote.meeting_day == date(2026, 9, 3)
    extra = next(o for o in authority if o.new_meeting == MeetingKind.EXTRA)
    assert extra.meeting_day == date(2026, 9, 8)
    assert UrgencyOptionKind.WRITTEN_HANDLING not in kinds(found)


def test_assembly_case_needing_a_closed_meeting_gets_no_urgent_remote_authority():
    meetings = [slot(COUNCIL, date(2026, 9, 24)), slot(ASSEMBLY, date(2026, 12, 3))]
    found = options(path=("council", "assembly"), deadline=date(2026, 9, 15), meetings=meetings,
                    closed=True)
    authority = [o for o in found if o.kind == UrgencyOptionKind.URGENCY_AUTHORITY]
    assert [o.new_meeting for o in authority] == [MeetingKind.EXTRA]


def test_assembly_case_gets_an_extra_assembly_meeting_when_it_still_fits():
    # council extra meeting 08.09, then the assembly with 14 days' notice on Tuesday 22.09
    found = options(path=("council", "assembly"), deadline=date(2026, 9, 30))
    extra = next(o for o in found if o.kind == UrgencyOptionKind.EXTRA_MEETING)
    assert extra.body_id == "assembly"
    assert extra.meeting_day == date(2026, 9, 22)
    assert extra.notice_by == date(2026, 9, 8)
    assert "08.09.2026" in extra.text  # the council's recommendation first
    assert found[0].kind == UrgencyOptionKind.EXTRA_MEETING  # best first


@pytest.mark.parametrize("kind", sorted(ASSEMBLY_ONLY))
def test_assembly_only_kind_never_gets_urgency_authority(kind):
    meetings = [slot(COUNCIL, date(2026, 9, 10)), slot(ASSEMBLY, date(2026, 12, 3))]
    found = options(kind, path=("council", "assembly"), deadline=date(2026, 9, 15),
                    meetings=meetings)
    assert UrgencyOptionKind.URGENCY_AUTHORITY not in kinds(found)
    assert kinds(found) == [UrgencyOptionKind.EXTEND_DEADLINE]
    assert found[0].body_id == "assembly"


def _council_delegated(*kinds: CaseKind) -> BodyRules:
    """The council as the organisation file describes it, with the assembly's delegation of
    the urgency authority (KL § 11-8 (1)) limited to ``kinds``."""
    return BodyRules(
        id="council", kind=BodyKind.COUNCIL, name="Regionrådet", notice_days=7,
        preparation_days=7, urgent_notice_days=2, remote_meetings=True, written_handling=True,
        urgency_authority=frozenset(kinds))


def test_the_default_urgency_authority_is_every_decided_kind_but_the_assembly_only_ones():
    assert urgency_authority_scope(COUNCIL.urgency_authority) == DEFAULT_URGENCY_AUTHORITY
    assert urgency_authority_scope(["statement"]) == {CaseKind.STATEMENT}
    assert urgency_authority_scope([]) == frozenset()  # an assembly that delegates nothing
    hallingdal = {CaseKind.ORDINARY, CaseKind.STATEMENT, CaseKind.FUND_ALLOCATION}
    assert hallingdal == DEFAULT_URGENCY_AUTHORITY
    assert not DEFAULT_URGENCY_AUTHORITY & ASSEMBLY_ONLY
    assert CaseKind.INFORMATION not in URGENCY_AUTHORITY_KINDS
    assert CaseKind.URGENCY_REPORT not in URGENCY_AUTHORITY_KINDS


@pytest.mark.parametrize("kind", sorted(DEFAULT_URGENCY_AUTHORITY))
def test_urgency_authority_is_offered_only_for_the_kinds_the_assembly_delegated(kind):
    meetings = [slot(COUNCIL, date(2026, 9, 10)), slot(ASSEMBLY, date(2026, 12, 3))]
    others = [k for k in DEFAULT_URGENCY_AUTHORITY if k != kind]
    narrower = _council_delegated(*others)
    found = options(kind, path=("council", "assembly"), deadline=date(2026, 9, 15),
                    meetings=meetings, council=narrower)
    assert UrgencyOptionKind.URGENCY_AUTHORITY not in kinds(found)
    assert kinds(found) == [UrgencyOptionKind.EXTEND_DEADLINE]
    delegated = options(kind, path=("council", "assembly"), deadline=date(2026, 9, 15),
                        meetings=meetings, council=_council_delegated(kind))
    assert UrgencyOptionKind.URGENCY_AUTHORITY in kinds(delegated)


def test_an_assembly_that_delegates_its_budget_gets_the_urgency_authority_offered():
    # Another council's assembly may delegate more than Hallingdal's: the file decides.
    meetings = [slot(COUNCIL, date(2026, 9, 10)), slot(ASSEMBLY, date(2026, 12, 3))]
    wider = _council_delegated(*DEFAULT_URGENCY_AUTHORITY, CaseKind.BUDGET)
    found = options(CaseKind.BUDGET, path=("council", "assembly"), deadline=date(2026, 9, 15),
                    meetings=meetings, council=wider)
    authority = [o for o in found if o.kind == UrgencyOptionKind.URGENCY_AUTHORITY]
    assert [o.meeting_ref for o in authority] == ["RR-2026-09-10"]


def test_no_delegation_means_no_urgency_authority():
    meetings = [slot(COUNCIL, date(2026, 9, 10)), slot(ASSEMBLY, date(2026, 12, 3))]
    found = options(path=("council", "assembly"), deadline=date(2026, 9, 15), meetings=meetings,
                    council=_council_delegated())
    assert kinds(found) == [UrgencyOptionKind.EXTEND_DEADLINE]


def test_budget_with_time_for_an_extra_assembly_meeting_gets_only_that():
    found = options(CaseKind.BUDGET, path=("council", "assembly"), deadline=date(2026, 9, 30))
    assert kinds(found) == [UrgencyOptionKind.EXTRA_MEETING]
    assert found[0].body_id == "assembly"


def test_assembly_case_with_nothing_in_time_gets_extend_deadline_only():
    found = options(path=("council", "assembly"), deadline=date(2026, 9, 2),
                    meetings=[slot(COUNCIL, date(2026, 9, 24))])
    assert kinds(found) == [UrgencyOptionKind.EXTEND_DEADLINE]
    assert found[0].body_id == "assembly"


def test_urgency_option_as_dict_is_json_ready():
    data = options(deadline=date(2026, 9, 15))[0].as_dict()
    assert data["kind"] == "extra_meeting"
    assert data["new_meeting"] == "extra"
    assert data["meeting_day"] == "2026-09-08"
    assert data["notice_by"] == "2026-09-01"
