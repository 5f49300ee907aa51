"""The organisation file (config/organisation.py): the shipped councils load, broken files are
refused with one line per problem naming the field and the fix."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from config.organisation import load_organisation
from domain.errors import ConfigError
from domain.rules.calendar import CouncilCalendar

CONFIG = Path(__file__).resolve().parents[2] / "config"
HALLINGDAL = CONFIG / "hallingdal.toml"
FJELLBYGD = CONFIG / "fjellbygd.toml"
HALLINGDAL_TEXT = HALLINGDAL.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hallingdal():
    return load_organisation(HALLINGDAL)


@pytest.fixture(scope="module")
def fjellbygd():
    return load_organisation(FJELLBYGD)


# -- the shipped files --------------------------------------------------------------------------


def members(org, body_id):
    return {m.municipality: m for m in org.data.memberships if m.body == body_id}


def test_hallingdal_has_the_six_municipalities(hallingdal):
    names = {m.short_name for m in hallingdal.data.municipalities}
    assert names == {"Flå", "Gol", "Hemsedal", "Hol", "Nesbyen", "Ål"}
    assert hallingdal.data.council.timezone == "Europe/Oslo"
    assert hallingdal.data.council.holiday_country == "NO"
    assert len(hallingdal.digest) == 64


def test_hallingdal_each_municipality_sends_mayor_deputy_and_three_more_to_the_assembly(
    hallingdal,
):
    assembly = hallingdal.body_of_kind("assembly")
    by_mun = members(hallingdal, assembly.id)
    assert set(by_mun) == set(hallingdal.municipalities)
    total = 0
    for mun in hallingdal.municipalities.values():
        ms = by_mun[mun.id]
        assert len(ms.members) == 5, mun.id
        assert mun.mayor in ms.members and mun.deputy_mayor in ms.members
        assert len(set(ms.members) - {mun.mayor, mun.deputy_mayor}) == 3
        # at least as many numbered substitutes as members (KL § 18-3), from the same place
        assert len(ms.substitutes) >= 5
        assert not set(ms.substitutes) & set(ms.members)
        for pid in [*ms.members, *ms.substitutes]:
            assert hallingdal.people[pid].municipality == mun.id
        for number, pid in enumerate(ms.substitutes, start=1):
            assert f"nr. {number}" in hallingdal.people[pid].title
        # the chief executive has a seat in the admin committee, not in the assembly
        assert mun.chief_executive not in ms.members
        total += len(ms.members)
    assert total == 30


def test_hallingdal_council_is_the_six_mayors_with_deputy_mayors_as_substitutes(hallingdal):
    council = hallingdal.body_of_kind("council")
    by_mun = members(hallingdal, council.id)
    assert len(by_mun) == 6
    for mun in hallingdal.municipalities.values():
        assert by_mun[mun.id].members == [mun.mayor]
        assert by_mun[mun.id].substitutes[0] == mun.deputy_mayor
    mayors = {m.mayor for m in hallingdal.municipalities.values()}
    assert council.chair in mayors and council.deputy_chair in mayors
    assert council.chair != council.deputy_chair


def test_hallingdal_admin_committee_is_the_chief_executives(hallingdal):
    admin = hallingdal.body_of_kind("admin_committee")
    seated = {pid for ms in members(hallingdal, admin.id).values() for pid in ms.members}
    assert seated == {m.chief_executive for m in hallingdal.municipalities.values()}
    assert hallingdal.data.secretariat.director in hallingdal.people


def test_hallingdal_bodies_notice_periods_and_prefixes(hallingdal):
    council = hallingdal.body_of_kind("council")
    assembly = hallingdal.body_of_kind("assembly")
    assert (council.notice_days, council.agenda_prefix) == (7, "RR")
    assert (assembly.notice_days, assembly.agenda_prefix) == (14, "HT")
    assert assembly.prepared_by == council.id
    assert council.urgent_notice_days < council.notice_days
    for body in (council, assembly):
        assert "director" in body.attend_and_speak
        assert hallingdal.body_of_kind("admin_committee").id in body.attend_and_speak


def test_hallingdal_meeting_plan_has_nine_council_and_two_assembly_meetings(hallingdal):
    council = hallingdal.body_of_kind("council")
    assembly = hallingdal.body_of_kind("assembly")
    count = Counter(m.body for m in hallingdal.data.meetings)
    assert count == {council.id: 9, assembly.id: 2}
    calendar = CouncilCalendar("Europe/Oslo", "NO")
    for meeting in hallingdal.data.meetings:
        assert date(2026, 8, 1) <= meeting.date <= date(2027, 6, 30)
        assert calendar.is_working_day(meeting.date)


def test_hallingdal_notice_for_1_april_2027_goes_out_on_24_march(hallingdal):
    council = hallingdal.body_of_kind("council")
    assert any(m.date == date(2027, 4, 1) and m.body == council.id
               for m in hallingdal.data.meetings)
    calendar = CouncilCalendar(hallingdal.data.council.timezone,
                               hallingdal.data.council.holiday_country)
    assert calendar.notice_date(date(2027, 4, 1), council.notice_days) == date(2027, 3, 24)


def test_fjellbygd_loads_as_another_council_of_the_same_shape(fjellbygd):
    assert fjellbygd.data.council.id == "fjellbygd"
    assert len(fjellbygd.municipalities) == 3
    council = fjellbygd.body_of_kind("council")
    assembly = fjellbygd.body_of_kind("assembly")
    assert (council.id, council.notice_days, council.agenda_prefix) == ("regionstyret", 10, "RS")
    assert (assembly.notice_days, assembly.agenda_prefix) == (21, "RP")
    assert assembly.prepared_by == council.id
    count = Counter(m.body for m in fjellbygd.data.meetings)
    assert count == {council.id: 6, assembly.id: 2}
    for ms in fjellbygd.data.memberships:
        if ms.body == assembly.id:
            assert len(ms.substitutes) >= len(ms.members)


def test_fjellbygd_notice_over_1_may_2027_goes_out_on_friday_30_april(fjellbygd):
    council = fjellbygd.body_of_kind("council")
    calendar = CouncilCalendar(fjellbygd.data.council.timezone,
                               fjellbygd.data.council.holiday_country)
    assert calendar.notice_date(date(2027, 5, 11), council.notice_days) == date(2027, 4, 30)


# -- broken files -------------------------------------------------------------------------------


def broken(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """The Hallingdal file with each ``old`` (which must occur exactly once) replaced."""
    text = HALLINGDAL_TEXT
    for old, new in edits:
        assert text.count(old) == 1, f"edit anchor not unique: {old!r}"
        text = text.replace(old, new)
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_organisation(path)
    err = info.value
    assert err.path == str(path)
    assert err.code == "config_error"
    assert err.problems
    assert str(path) in err.one_line()
    return err


def problem(err: ConfigError, field: str) -> str:
    """The one problem line that names ``field``."""
    lines = [p for p in err.problems if field in p]
    assert lines, f"no problem names {field!r}: {err.problems}"
    return lines[0]


# Index reference in hallingdal.toml: people[11] = gol-ordforar, people[12] = gol-varaordforar;
# memberships[1] = Flå in the assembly, memberships[3] = Gol in the council;
# meetings[4] = council 2026-12-10, meetings[8] = council 2027-06-03; bodies[0] = council.
FLAA_ASSEMBLY_SUBSTITUTES = (
    'substitutes = ["flaa-vara-1", "flaa-vara-2", "flaa-vara-3", "flaa-vara-4", '
    '"flaa-vara-5"]'
)
GOL_DEPUTY_EMAIL = 'email = "olav.bergheim@gol.example.org"'


def test_unknown_municipality_in_a_membership(tmp_path):
    path = broken(tmp_path, ('body = "council"\nmunicipality = "gol"',
                             'body = "council"\nmunicipality = "gool"'))
    line = problem(refused(path), "memberships[3].municipality")
    assert "gool" in line
    assert "«gol»" in line  # the suggestion


def test_unknown_municipality_without_a_close_match_says_where_to_add_it(tmp_path):
    path = broken(tmp_path, ('body = "council"\nmunicipality = "gol"',
                             'body = "council"\nmunicipality = "bergen"'))
    line = problem(refused(path), "memberships[3].municipality")
    assert "bergen" in line
    assert "[[municipalities]]" in line


def test_duplicate_person_id(tmp_path):
    path = broken(tmp_path, ('id = "gol-varaordforar"', 'id = "gol-ordforar"'))
    line = problem(refused(path), "people[11], people[12]")
    assert "gol-ordforar" in line
    assert "ny id" in line


def test_duplicate_email_is_found_whatever_the_case(tmp_path):
    path = broken(tmp_path, (GOL_DEPUTY_EMAIL, 'email = "Ingrid.Haugo@GOL.example.org"'))
    err = refused(path)
    line = problem(err, "people[12]")
    assert "people[11]" in line
    assert "ingrid.haugo@gol.example.org" in line.lower()
    assert "adresse" in line


def test_meeting_outside_the_meeting_plan(tmp_path):
    path = broken(tmp_path, ("date = 2027-06-03", "date = 2027-07-01"))
    line = problem(refused(path), "meetings[8]")
    assert ".date" in line
    assert "2027-07-01" in line
    assert "[meeting_plan]" in line  # the fix: correct the date or widen the plan


@pytest.mark.parametrize(
    ("day", "why"),
    [
        ("2026-12-25", "juledag"),
        ("2027-05-17", "grunnlovsdagen"),
        ("2027-05-06", "himmelfart"),
        ("2027-03-25", "Skjærtorsdag"),
        ("2026-12-13", "søndag"),
    ],
)
def test_meeting_on_a_public_holiday(tmp_path, day, why):
    path = broken(tmp_path, ("date = 2026-12-10", f"date = {day}"))
    line = problem(refused(path), "meetings[4]")
    assert day in line
    assert why.lower() in line.lower()
    assert "arbeidsdag" in line  # the fix: move it to a working day


@pytest.mark.parametrize(("day", "why"), [("2027-05-01", "1. mai"),
                                          ("2026-12-26", "2. juledag")])
def test_meeting_on_a_public_holiday_that_is_a_saturday(tmp_path, day, why):
    path = broken(tmp_path, ("date = 2026-12-10", f"date = {day}"))
    line = problem(refused(path), "meetings[4]")
    assert why in line


def test_meeting_on_an_ordinary_saturday_is_allowed(tmp_path):
    path = broken(tmp_path, ("date = 2026-12-10", "date = 2026-12-12"))
    org = load_organisation(path)
    assert date(2026, 12, 12) in {m.date for m in org.data.meetings}


def test_missing_email(tmp_path):
    path = broken(tmp_path, (GOL_DEPUTY_EMAIL + "\n", ""))
    line = problem(refused(path), "people[12].email")
    assert "gol-varaordforar" in line
    assert "legg til" in line and "email =" in line


@pytest.mark.parametrize(
    "address", ["olav.bergheim.gol.example.org", "olav bergheim@gol.example.org",
                "olav@gol", "olav@@gol.example.org"],
)
def test_malformed_email(tmp_path, address):
    path = broken(tmp_path, (GOL_DEPUTY_EMAIL, f'email = "{address}"'))
    line = problem(refused(path), "people[12].email")
    assert address in line
    assert "e-postadresse" in line


def test_unknown_field_suggests_the_known_one(tmp_path):
    path = broken(tmp_path, (GOL_DEPUTY_EMAIL, GOL_DEPUTY_EMAIL.replace("email", "emial")))
    err = refused(path)
    line = problem(err, "people[12].emial")
    assert "«email»" in line
    # the real field is now missing too, and said so
    assert problem(err, "people[12].email ")


def test_unknown_top_level_section_suggests_the_known_one(tmp_path):
    path = broken(tmp_path, ("[meeting_plan]", "[meeting_plann]"))
    line = problem(refused(path), "meeting_plann")
    assert "«meeting_plan»" in line


def test_toml_syntax_error_points_at_the_line(tmp_path):
    path = broken(tmp_path, ('short_name = "Hallingdal IPR"', 'short_name = "Hallingdal IPR'))
    err = refused(path)
    assert len(err.problems) == 1
    line = err.problems[0]
    assert "TOML" in line
    broken_line = HALLINGDAL_TEXT.splitlines().index('short_name = "Hallingdal IPR"') + 1
    assert f"linje {broken_line}" in line


def test_fewer_assembly_substitutes_than_members(tmp_path):
    path = broken(tmp_path, (
        FLAA_ASSEMBLY_SUBSTITUTES,
        'substitutes = ["flaa-vara-1", "flaa-vara-2", "flaa-vara-3", "flaa-vara-4"]',
    ))
    err = refused(path)
    assert len(err.problems) == 1
    line = problem(err, "memberships[1]")
    assert "18-3" in line
    assert "5" in line and "4" in line


def test_chair_who_is_not_a_member(tmp_path):
    path = broken(tmp_path, ('chair = "gol-ordforar"          # leiar',
                             'chair = "gol-medlem-1"          # leiar'))
    err = refused(path)
    line = problem(err, "bodies[0]")
    assert ".chair" in line
    assert "gol-medlem-1" in line
    assert "medlem" in line.split(":", 1)[1]


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (('chair = "gol-ordforar"          # leiar', 'chair = "gol-medlem-1"          # leiar'),
         "bodies[0].chair"),
        (("date = 2027-06-03", "date = 2027-07-01"), "meetings[8].date"),
    ],
)
def test_body_and_meeting_problems_name_the_whole_field_path(tmp_path, edit, field):
    problem(refused(broken(tmp_path, edit)), field)


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    err = refused(path)
    assert "hallingdal.toml" in err.problems[0]  # points to an example


def test_every_problem_is_reported_at_once(tmp_path):
    path = broken(
        tmp_path,
        ('body = "council"\nmunicipality = "gol"', 'body = "council"\nmunicipality = "gool"'),
        ("date = 2027-06-03", "date = 2027-07-01"),
        (FLAA_ASSEMBLY_SUBSTITUTES, 'substitutes = ["flaa-vara-1"]'),
    )
    err = refused(path)
    problem(err, "memberships[3].municipality")
    problem(err, "meetings[8]")
    problem(err, "18-3")


# -- substitutes for recusal and the urgency authority's scope ----------------------------------

URGENCY_LINE = 'urgency_authority = ["ordinary", "statement", "fund_allocation"]'
COUNCIL_RECUSAL = ("substitute_for_recusal = true   # varaordføraren møter for ordføraren i "
                   "saker ho er inhabil i")


def test_hallingdal_calls_substitutes_for_recusal_in_the_council_and_the_assembly(hallingdal):
    for kind in ("council", "assembly"):
        assert hallingdal.body_of_kind(kind).substitute_for_recusal is True


def test_hallingdal_urgency_authority_is_its_assemblys_delegation_written_out(hallingdal):
    council = hallingdal.body_of_kind("council")
    assert council.urgency_authority == ["ordinary", "statement", "fund_allocation"]
    # the file says what the default reading says: every kind but the assembly-only ones
    assert set(hallingdal.urgency_authority(council)) == {"ordinary", "statement",
                                                         "fund_allocation"}
    assert hallingdal.urgency_authority(hallingdal.body_of_kind("assembly")) is None
    # and the toml says whose delegation it is
    above = HALLINGDAL_TEXT[:HALLINGDAL_TEXT.index(URGENCY_LINE)].splitlines()[-6:]
    assert any("delegering" in line for line in above)


def test_fjellbygd_says_nothing_and_gets_the_defaults(fjellbygd):
    council = fjellbygd.body_of_kind("council")
    assert council.urgency_authority is None
    assert fjellbygd.urgency_authority(council) == ["ordinary", "fund_allocation", "statement"]
    assert fjellbygd.body_of_kind("assembly").substitute_for_recusal is True


def test_without_the_settings_the_defaults_apply(tmp_path):
    path = broken(tmp_path, (URGENCY_LINE + "\n", ""), (COUNCIL_RECUSAL, "# (standard)"))
    org = load_organisation(path)
    council = org.body_of_kind("council")
    assert council.urgency_authority is None and council.substitute_for_recusal is True
    assert org.urgency_authority(council) == ["ordinary", "fund_allocation", "statement"]


def test_an_empty_urgency_authority_is_a_choice(tmp_path):
    org = load_organisation(broken(tmp_path, (URGENCY_LINE, "urgency_authority = []")))
    assert org.urgency_authority(org.body_of_kind("council")) == []


def test_substitute_for_recusal_can_be_turned_off(tmp_path):
    org = load_organisation(broken(tmp_path, (COUNCIL_RECUSAL, "substitute_for_recusal = false")))
    assert org.body_of_kind("council").substitute_for_recusal is False


def test_substitute_for_recusal_must_be_true_or_false(tmp_path):
    line = problem(refused(broken(tmp_path, (COUNCIL_RECUSAL, 'substitute_for_recusal = "ja"'))),
                   "bodies[0].substitute_for_recusal")
    assert "true eller false" in line


def test_urgency_authority_with_an_unknown_kind_names_the_item_and_a_guess(tmp_path):
    path = broken(tmp_path, (URGENCY_LINE,
                             'urgency_authority = ["ordinary", "statment", "vegbygging"]'))
    err = refused(path)
    assert len(err.problems) == 2  # one line per problem
    typo = problem(err, "bodies[0].urgency_authority[1]")
    assert "«statment»" in typo and "meinte du «statement»?" in typo and "council" in typo
    unknown = problem(err, "bodies[0].urgency_authority[2]")
    # no close match: the line lists the kinds there are
    assert "«vegbygging»" in unknown and "budget" in unknown and "ordinary" in unknown


def test_urgency_authority_refuses_kinds_that_are_never_decided(tmp_path):
    path = broken(tmp_path, (URGENCY_LINE, 'urgency_authority = ["ordinary", "information"]'))
    line = problem(refused(path), "bodies[0].urgency_authority[1]")
    assert "orientering" in line and "ta det vekk" in line


def test_urgency_authority_refuses_a_kind_twice(tmp_path):
    path = broken(tmp_path, (URGENCY_LINE, 'urgency_authority = ["statement", "statement"]'))
    line = problem(refused(path), "bodies[0].urgency_authority[1]")
    assert "to gonger" in line


def test_urgency_authority_belongs_to_the_council(tmp_path):
    path = broken(tmp_path, ('prepared_by = "council"',
                             'prepared_by = "council"\nurgency_authority = ["ordinary"]'))
    line = problem(refused(path), "bodies[1].urgency_authority")
    assert "assembly" in line and 'kind = "council"' in line


def test_urgency_authority_must_be_a_list(tmp_path):
    line = problem(refused(broken(tmp_path, (URGENCY_LINE, 'urgency_authority = "ordinary"'))),
                   "bodies[0].urgency_authority")
    assert "liste" in line
