"""Public access (offentleglova, KL § 11-5): the cited basis and the neutral public title, who
reads the internal version, and what the public may read of a case (no database)."""

from __future__ import annotations

import json

import pytest

from domain.errors import InvalidInput
from domain.rules.access import Actor
from domain.rules.publicity import (
    DEFAULT_PUBLIC_TITLE,
    HIDDEN_ELECTION_SUMMARY,
    Audience,
    ProposalShown,
    absence_reason_for,
    audience_for,
    content_for,
    content_hidden,
    is_public,
    journal_reason_for,
    parse_exemption,
    proposal_shown,
    recusal_reason_for,
    title_for,
    vote_summary_for,
    written_proposal_for,
)
from domain.rules.terms import Role


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


# -- who reads what (docs/rules.md, section 8) -----------------------------------------------------

def _actor(*roles: tuple[Role, str | None]) -> Actor:
    return Actor("someone", "Nokon", frozenset(roles))


def test_the_audiences_keep_their_json_names() -> None:
    assert [a.value for a in Audience] == ["public", "internal"]
    assert Audience.PUBLIC == "public" and Audience("internal") is Audience.INTERNAL
    assert json.dumps({"audience": Audience.PUBLIC}) == '{"audience": "public"}'


def test_the_old_names_in_the_read_models_are_the_audiences() -> None:
    from domain.queries.format import INTERNAL, PUBLIC

    assert PUBLIC is Audience.PUBLIC and INTERNAL is Audience.INTERNAL


@pytest.mark.parametrize(("roles", "bodies", "expected"), [
    ((), ["council"], Audience.PUBLIC),  # a person with no role
    (((Role.DIRECTOR, None), (Role.STAFF, None)), [], Audience.INTERNAL),  # the secretariat
    (((Role.STAFF, None),), ["assembly"], Audience.INTERNAL),
    (((Role.CHIEF_EXECUTIVE, "gol"),), ["council"], Audience.INTERNAL),  # prepares cases
    (((Role.MEMBER, "council"),), ["admin_committee", "council"], Audience.INTERNAL),
    (((Role.CHAIR, "council"),), ["council"], Audience.INTERNAL),
    (((Role.DEPUTY_CHAIR, "assembly"),), ["council", "assembly"], Audience.INTERNAL),
    (((Role.MEMBER, "assembly"),), ["council"], Audience.PUBLIC),  # not this body's case
    (((Role.CHAIR, "assembly"),), ["council"], Audience.PUBLIC),
    (((Role.SUBSTITUTE, "council"),), ["council"], Audience.PUBLIC),  # not a member (yet)
    (((Role.MAYOR, "gol"),), ["council"], Audience.PUBLIC),  # a mayor as such
    (((Role.OPERATOR, None),), ["council"], Audience.PUBLIC),  # runs the machine, reads none
])
def test_who_reads_the_internal_version(roles, bodies, expected) -> None:
    assert audience_for(_actor(*roles), bodies) is expected


def test_no_one_named_reads_the_public_version() -> None:
    assert audience_for(None, ["council"]) is Audience.PUBLIC


def test_the_bodies_may_be_any_iterable() -> None:
    member = _actor((Role.MEMBER, "council"))
    assert audience_for(member, (b for b in ["admin_committee", "council"])) \
        is Audience.INTERNAL
    assert audience_for(member, iter(())) is Audience.PUBLIC


def test_an_unknown_audience_is_refused_not_guessed() -> None:
    assert is_public("public") and is_public(Audience.PUBLIC)
    assert not is_public("internal")
    with pytest.raises(ValueError):
        is_public("everyone")


@pytest.mark.parametrize(("basis", "audience", "hidden"), [
    ("offl. § 13", Audience.PUBLIC, True),
    ("offl. § 13", "public", True),
    ("offl. § 25 første ledd", Audience.PUBLIC, True),
    ("offl. § 13", Audience.INTERNAL, False),
    (None, Audience.PUBLIC, False),
    (None, Audience.INTERNAL, False),
])
def test_only_an_exempt_case_hides_its_content_and_only_from_the_public(basis, audience,
                                                                         hidden) -> None:
    assert content_hidden(basis, audience) is hidden


def test_the_public_reads_the_neutral_title_of_an_exempt_case() -> None:
    assert title_for("Søknad frå Løyndom AS", "offl. § 13", "Søknad om tilskot",
                     Audience.PUBLIC) == "Søknad om tilskot"
    assert title_for("Søknad frå Løyndom AS", "offl. § 13", None, Audience.PUBLIC) \
        == DEFAULT_PUBLIC_TITLE
    assert title_for("Søknad frå Løyndom AS", "offl. § 13", "", "public") == DEFAULT_PUBLIC_TITLE
    assert title_for("Søknad frå Løyndom AS", "offl. § 13", "Søknad om tilskot",
                     Audience.INTERNAL) == "Søknad frå Løyndom AS"
    assert title_for("Breiband", None, None, Audience.PUBLIC) == "Breiband"


def test_hidden_content_reads_as_nothing() -> None:
    assert content_for("Innvilga 250 000 kr.", hidden=True) is None
    assert content_for("Innvilga 250 000 kr.", hidden=False) == "Innvilga 250 000 kr."
    assert content_for(None, hidden=False) is None


def test_a_written_handling_shows_its_proposal_unless_the_case_is_hidden() -> None:
    assert written_proposal_for("Kari Nordmann vert tilsett.", hidden=True) is None
    assert written_proposal_for("Ja til høyringssvaret.", hidden=False) \
        == "Ja til høyringssvaret."


def test_the_reasons_in_the_trace_of_an_exempt_case_stay_internal() -> None:
    assert journal_reason_for("Røysting: 6 for, 0 mot", hidden=True) is None
    assert journal_reason_for("Kravd av 2 av 6 medlemer", hidden=False) \
        == "Kravd av 2 av 6 medlemer"


def test_the_count_of_a_vote_is_public_also_in_an_exempt_case() -> None:
    summary = "Røysting: 5 for, 1 mot"
    assert vote_summary_for(summary, "vote", hidden=True) == summary
    assert vote_summary_for(summary, None, hidden=True) == summary  # no proposal (decide)
    assert vote_summary_for(None, None, hidden=True) is None
    assert vote_summary_for(summary, "vote", hidden=False) == summary


def test_an_exempt_election_names_nobody_in_its_count() -> None:
    summary = "Val: Kari Nordmann 4, Ola Dunk 2"
    assert vote_summary_for(summary, "election", hidden=True) == HIDDEN_ELECTION_SUMMARY
    assert "Kari" not in HIDDEN_ELECTION_SUMMARY
    assert vote_summary_for(summary, "election", hidden=False) == summary


def test_what_of_a_proposal_the_audience_reads() -> None:
    everything = ProposalShown(text=True, ballots=True, explanation=True, elected=True)
    assert proposal_shown("vote", hidden=False) == everything
    assert proposal_shown("election", hidden=False) == everything
    vote = proposal_shown("vote", hidden=True)
    assert vote == ProposalShown(text=False, ballots=False, explanation=True, elected=False)
    election = proposal_shown("election", hidden=True)  # the explanation names who won
    assert election == ProposalShown(text=False, ballots=False, explanation=False,
                                     elected=False)


@pytest.mark.parametrize("audience", [Audience.PUBLIC, "public"])
def test_absence_reasons_never_reach_the_public(audience) -> None:
    assert absence_reason_for("Legetime", audience) is None
    assert absence_reason_for(None, audience) is None


def test_absence_reasons_are_for_the_council_own_people() -> None:
    assert absence_reason_for("Legetime", Audience.INTERNAL) == "Legetime"


def test_a_recusal_reason_is_public_unless_the_case_is_exempt() -> None:
    reason = "fvl. § 6 første ledd bokstav b"
    assert recusal_reason_for(reason, hidden=False) == reason  # a decision on a conflict
    assert recusal_reason_for(reason, hidden=True) is None
