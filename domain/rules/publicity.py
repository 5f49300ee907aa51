"""Public access: what the public may read of a case (offentleglova, KL § 11-5).

An exempt case appears on public agendas and minutes with a neutral title and its legal basis,
never with its content. A case exempt because of a duty of confidentiality (offl. § 13) must be
handled in a closed meeting (KL § 11-5 (2)), and such a meeting cannot be remote (KL § 11-7).

This module is the one place that decides what an audience reads (docs/rules.md, section 8):
who reads the internal version (``audience_for``), whether a case's content is hidden
(``content_hidden``), the title shown (``title_for``), what of a vote, an election, a written
handling and a trace entry is shown, and that absence reasons never reach the public. The read
models in ``domain.queries`` fetch the values and ask these functions; they decide nothing
themselves. Pure functions: values in, decisions out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import InvalidInput
from domain.rules.access import Actor
from domain.rules.terms import ProposalKind, Role

_OFFL_SECTION = re.compile(r"(?:offentleglova|offl\.?)\s*§\s*(\d+)", re.IGNORECASE)

DEFAULT_PUBLIC_TITLE = "Sak unnateken offentlegheit"
#: The exemption grounds of offentleglova are its §§ 13 to 26.
FIRST_EXEMPTION_SECTION, LAST_EXEMPTION_SECTION = 13, 26


@dataclass(frozen=True)
class Exemption:
    basis: str  # as cited, e.g. "offl. § 13 jf. fvl. § 13 første ledd nr. 1"
    offl_section: int
    public_title: str

    @property
    def closed_meeting_required(self) -> bool:
        """Teieplikt (offl. § 13) closes the meeting by law; other grounds only allow it."""
        return self.offl_section == 13


def parse_exemption(basis: str | None, public_title: str | None) -> Exemption | None:
    """Check a cited basis for exemption and the neutral title shown to the public."""
    if basis is None or not basis.strip():
        if public_title:
            raise InvalidInput(
                "Ein nøytral offentleg tittel er berre for saker som er unnatekne offentlegheit.",
                "Gje òg [field:exempt] med heimelen, t.d. [field:exempt] \"offl. § 13 jf. fvl. "
                "§ 13 første ledd nr. 1\", eller ta vekk [field:public_title].",
                field="public_title")
        return None
    match = _OFFL_SECTION.search(basis)
    if match is None:
        raise InvalidInput(
            f"Heimelen «{basis}» viser ikkje til ein paragraf i offentleglova.",
            "Skriv heimelen slik han skal stå i sakslista, t.d. \"offl. § 13 jf. fvl. § 13 "
            "første ledd nr. 1\" eller \"offl. § 23 første ledd\".", field="exempt")
    section = int(match.group(1))
    if not FIRST_EXEMPTION_SECTION <= section <= LAST_EXEMPTION_SECTION:
        raise InvalidInput(
            f"offl. § {section} er ikkje ein unntaksheimel.",
            f"Unntak frå innsyn har heimel i offl. §§ {FIRST_EXEMPTION_SECTION}-"
            f"{LAST_EXEMPTION_SECTION}, t.d. § 13 (teieplikt), § 23 (forhandlingsposisjon) "
            "eller § 25 (tilsetjing).", field="exempt")
    title = (public_title or "").strip() or DEFAULT_PUBLIC_TITLE
    return Exemption(basis.strip(), section, title)


# -- who reads what ------------------------------------------------------------------------------


class Audience(StrEnum):
    """Who reads a view: the public, or the council's own people (offl. § 16)."""

    PUBLIC = "public"
    INTERNAL = "internal"


#: Roles in a body that handles the case: its members read the case documents (offl. § 16).
BODY_ROLES: tuple[Role, ...] = (Role.MEMBER, Role.CHAIR, Role.DEPUTY_CHAIR)

#: An exempt election as the public reads its count: not who stood or got how many votes.
HIDDEN_ELECTION_SUMMARY = "Val (kven som stod og fekk røyster er unnateke offentlegheit)."


def audience_for(actor: Actor | None, bodies: Iterable[str]) -> Audience:
    """Who may read exempt content: the secretariat, the chief executives, and the members,
    chair and deputy chair of a body that handles the case (documents sent to an elected body
    are not internal to it, offl. § 16). Everyone else, and no one named, reads the public
    version."""
    if actor is None:
        return Audience.PUBLIC
    if actor.is_staff or actor.has(Role.CHIEF_EXECUTIVE):
        return Audience.INTERNAL
    if any(actor.has(role, body) for body in bodies for role in BODY_ROLES):
        return Audience.INTERNAL
    return Audience.PUBLIC


def notice_audience(actor: Actor, body: str, *, sits: bool) -> Audience:
    """What a recipient of a meeting's notice may read of its exempt cases: a substitute who
    sits for a member reads what the members read (the documents are sent to the body, offl.
    § 16); everyone else as ``audience_for`` says (members, the secretariat and the chief
    executives read the content; anyone else gets the neutral title and the legal basis)."""
    return Audience.INTERNAL if sits else audience_for(actor, [body])


def is_public(audience: Audience | str) -> bool:
    """Whether ``audience`` is the public (an unknown audience is refused, not guessed)."""
    return Audience(audience) is Audience.PUBLIC


def content_hidden(exempt_basis: str | None, audience: Audience | str) -> bool:
    """Whether a case's content stays out of what ``audience`` reads: the public never reads an
    exempt case's title, description, recommendation, proposals, decision, ballots or the
    reasons in its trace; it reads the neutral title and the legal basis."""
    return exempt_basis is not None and is_public(audience)


def title_for(title: str, exempt_basis: str | None, public_title: str | None,
              audience: Audience | str) -> str:
    """The title ``audience`` reads: an exempt case's neutral public title for the public."""
    if content_hidden(exempt_basis, audience):
        return (public_title or "").strip() or DEFAULT_PUBLIC_TITLE
    return title


def content_for(text: str | None, hidden: bool) -> str | None:
    """A text of the case's content (description, recommendation, decision or recommendation
    to the next body, a proposal's text) as the audience reads it: nothing when hidden."""
    return None if hidden else text


def written_proposal_for(proposal: str | None, hidden: bool) -> str | None:
    """The proposal of a written handling (KL § 11-8 (2)): the case's content, so the public
    does not read it for an exempt case; the answers and the result stay readable."""
    return content_for(proposal, hidden)


#: Journal actions whose reason is a person's own (why she is away, why she is recused, why a
#: substitute cannot come): never shown to the public, in any case.
PERSONAL_ACTIONS = frozenset({"absence.report", "substitute.accept", "substitute.decline",
                              "substitute.withdraw"})


def journal_reason_for(reason: str | None, hidden: bool, *, action: str | None = None,
                       public: bool = False) -> str | None:
    """The reason of an entry in a case's trace (a vote count, a demand, why it was placed
    where it was): internal for an exempt case, and a person's own reasons (``PERSONAL_ACTIONS``)
    internal always; the summary of the step stays readable."""
    if public and action in PERSONAL_ACTIONS:
        return None
    return None if hidden else reason


def vote_summary_for(summary: str | None, proposal_kind: str | None,
                     hidden: bool) -> str | None:
    """The count of a vote as the audience reads it: votes for and against are public, also in
    an exempt case; in an exempt election who stood and who got how many votes are not."""
    if hidden and proposal_kind == ProposalKind.ELECTION:
        return HIDDEN_ELECTION_SUMMARY
    return summary


@dataclass(frozen=True)
class ProposalShown:
    """What of a proposal (or an election round) the audience reads. The counts (for, against,
    blank), the casting vote, the result and who chaired are always shown."""

    text: bool  # the proposal's text (in an election: what is elected)
    ballots: bool  # the vote member by member, and the groups of names by choice
    explanation: bool  # the explanation of the result (an election's names who was elected)
    elected: bool  # who was elected, and whom the lot was drawn among


def proposal_shown(proposal_kind: str, hidden: bool) -> ProposalShown:
    """What of a vote or an election round the audience may read: everything, unless the case's
    content is hidden; then no text and no ballots, and for an election not who was elected
    (the explanation names her)."""
    if not hidden:
        return ProposalShown(text=True, ballots=True, explanation=True, elected=True)
    return ProposalShown(text=False, ballots=False,
                         explanation=proposal_kind != ProposalKind.ELECTION, elected=False)


def absence_reason_for(reason: str | None, audience: Audience | str) -> str | None:
    """The reason for an absence (forfall) is personal: never shown to the public."""
    return None if is_public(audience) else reason


def recusal_reason_for(reason: str | None, hidden: bool) -> str | None:
    """The reason for a recusal (inhabilitet, fvl. § 6) is the body's decision on a conflict
    of interest and appears in the public minutes (KL § 11-4), unless the case is exempt: then
    it stays internal with the case's content."""
    return None if hidden else reason


def recusal_basis_for(basis: str | None, hidden: bool) -> str | None:
    """The legal ground of a recusal (forvaltningslova § 6, a ``RecusalBasis`` label) is what the
    public minutes record (KL § 11-4), unless the case is exempt: then it stays internal with
    the case's content. The note behind it (who is related to whom) is never public: see
    ``absence_reason_for``."""
    return None if hidden else basis
