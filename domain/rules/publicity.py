"""Public access: what the public may read of a case (offentleglova, KL § 11-5).

An exempt case appears on public agendas and minutes with a neutral title and its legal basis,
never with its content. A case exempt because of a duty of confidentiality (offl. § 13) must be
handled in a closed meeting (KL § 11-5 (2)), and such a meeting cannot be remote (KL § 11-7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import InvalidInput

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
