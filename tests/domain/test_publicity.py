"""Public access (offentleglova, KL § 11-5): the cited basis and the neutral public title."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from domain.rules.publicity import DEFAULT_PUBLIC_TITLE, parse_exemption


@pytest.mark.parametrize("basis", [None, "", "   "])
def test_no_basis_means_a_public_case(basis):
    assert parse_exemption(basis, None) is None
    assert parse_exemption(basis, "") is None


@pytest.mark.parametrize("basis", [None, "", "  "])
def test_public_title_without_an_exemption_is_refused(basis):
    with pytest.raises(InvalidInput) as info:
        parse_exemption(basis, "Personalsak")
    assert info.value.field == "public_title"
    assert "[field:exempt]" in info.value.hint
    assert "offl. § 13" in info.value.hint


@pytest.mark.parametrize(
    "basis",
    ["fvl. § 13 første ledd nr. 1", "teieplikt", "§ 13", "offl.", "offentleglova"],
)
def test_basis_must_cite_a_section_of_offentleglova(basis):
    with pytest.raises(InvalidInput) as info:
        parse_exemption(basis, None)
    assert info.value.field == "exempt"
    assert basis in info.value.message
    assert "offl. § 13" in info.value.hint


def test_confidentiality_requires_a_closed_meeting_and_gets_a_neutral_title():
    exemption = parse_exemption("  offl. § 13 jf. fvl. § 13 første ledd nr. 1 ", None)
    assert exemption.offl_section == 13
    assert exemption.closed_meeting_required
    assert exemption.basis == "offl. § 13 jf. fvl. § 13 første ledd nr. 1"
    assert exemption.public_title == DEFAULT_PUBLIC_TITLE == "Sak unnateken offentlegheit"


@pytest.mark.parametrize(
    ("basis", "section"),
    [
        ("offl. § 23 første ledd", 23),
        ("offl. § 14", 14),
        ("offl. § 26 fjerde ledd", 26),
    ],
)
def test_other_sections_allow_but_do_not_require_a_closed_meeting(basis, section):
    exemption = parse_exemption(basis, None)
    assert exemption.offl_section == section
    assert not exemption.closed_meeting_required


@pytest.mark.parametrize("basis", ["offl. § 5", "offl. § 12", "offl. § 27", "offl. § 130"])
def test_only_the_exemption_grounds_are_accepted(basis):
    with pytest.raises(InvalidInput) as info:
        parse_exemption(basis, None)
    assert info.value.field == "exempt"
    assert "§§ 13-26" in info.value.hint


@pytest.mark.parametrize(
    "basis",
    ["OFFL. § 13", "offl §13", "offl.§ 13", "fvl. § 13 jf. offl. § 13"],
)
def test_the_offentleglova_section_is_found_in_common_spellings(basis):
    exemption = parse_exemption(basis, None)
    assert exemption.offl_section == 13
    assert exemption.closed_meeting_required


@pytest.mark.parametrize("basis", ["offentleglova § 13", "Offentleglova § 13 første ledd"])
def test_the_full_name_offentleglova_is_accepted(basis):
    exemption = parse_exemption(basis, None)
    assert exemption.offl_section == 13
    assert exemption.closed_meeting_required


def test_given_public_title_is_kept_and_trimmed():
    exemption = parse_exemption("offl. § 23 første ledd", "  Kjøp av tomt  ")
    assert exemption.public_title == "Kjøp av tomt"


def test_blank_public_title_falls_back_to_the_neutral_default():
    exemption = parse_exemption("offl. § 13", "   ")
    assert exemption.public_title == DEFAULT_PUBLIC_TITLE
