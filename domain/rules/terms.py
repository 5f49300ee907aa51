"""The council's vocabulary: the codes the engine stores and the Nynorsk words people read.

Codes are English and stable (they are in the database and in every ``--json`` output);
labels are the council's own words (the glossary in ``docs/rules.md``).
"""

from __future__ import annotations

from enum import StrEnum


class BodyKind(StrEnum):
    """What a body is in the cooperation, whatever the council calls it."""

    COUNCIL = "council"  # Regionrådet: the mayors
    ASSEMBLY = "assembly"  # Hallingtinget / representantskapet
    ADMIN_COMMITTEE = "admin_committee"  # Rådmannsutvalet / kommunedirektørutvalet
    COMMITTEE = "committee"  # utval, arbeidsgrupper


class CaseKind(StrEnum):
    """Sakstype. Decides which body is competent (see ``domain.competence``)."""

    ORDINARY = "ordinary"
    BUDGET = "budget"
    STRATEGIC_PLAN = "strategic_plan"
    ANNUAL_REPORT = "annual_report"
    COMMITTEE = "committee"
    FUND_ALLOCATION = "fund_allocation"
    STATEMENT = "statement"
    URGENCY_REPORT = "urgency_report"
    INFORMATION = "information"

    @property
    def label(self) -> str:
        return CASE_KIND_LABELS[self]


CASE_KIND_LABELS: dict[CaseKind, str] = {
    CaseKind.ORDINARY: "ordinær sak",
    CaseKind.BUDGET: "årsbudsjett",
    CaseKind.STRATEGIC_PLAN: "strategisk plan / handlingsplan",
    CaseKind.ANNUAL_REPORT: "årsmelding",
    CaseKind.COMMITTEE: "utval (oppretting, nedlegging, val)",
    CaseKind.FUND_ALLOCATION: "fordeling av fondsmidlar",
    CaseKind.STATEMENT: "uttale / høyringssvar",
    CaseKind.URGENCY_REPORT: "melding om hastevedtak",
    CaseKind.INFORMATION: "referatsak",
}

# The kind as a predicate with its indefinite article ("Sak 12/26 er eit årsbudsjett"):
# the labels differ in gender, so a message never puts its own article before the label.
CASE_KIND_WITH_ARTICLE: dict[CaseKind, str] = {
    CaseKind.ORDINARY: "ei ordinær sak",
    CaseKind.BUDGET: "eit årsbudsjett",
    CaseKind.STRATEGIC_PLAN: "ein strategisk plan / handlingsplan",
    CaseKind.ANNUAL_REPORT: "ei årsmelding",
    CaseKind.COMMITTEE: "ei utvalssak (oppretting, nedlegging, val)",
    CaseKind.FUND_ALLOCATION: "ei fordeling av fondsmidlar",
    CaseKind.STATEMENT: "ein uttale / eit høyringssvar",
    CaseKind.URGENCY_REPORT: "ei melding om hastevedtak",
    CaseKind.INFORMATION: "ei referatsak",
}


def case_kind_phrase(kind: CaseKind | str) -> str:
    """The kind with its article, for "Sak X er …" (``CASE_KIND_WITH_ARTICLE``)."""
    return CASE_KIND_WITH_ARTICLE[CaseKind(kind)]


class CaseState(StrEnum):
    """Where a case is in its life (see ``domain.rules.lifecycle`` for the allowed steps)."""

    REGISTERED = "registered"
    IN_PREPARATION = "in_preparation"
    RECOMMENDED = "recommended"
    ON_AGENDA = "on_agenda"
    DECIDED = "decided"
    POSTPONED = "postponed"
    SENT_BACK = "sent_back"
    NOT_ADOPTED = "not_adopted"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"
    IN_IMPLEMENTATION = "in_implementation"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return CASE_STATE_LABELS[self]


CASE_STATE_LABELS: dict[CaseState, str] = {
    CaseState.REGISTERED: "registrert",
    CaseState.IN_PREPARATION: "under utgreiing",
    CaseState.RECOMMENDED: "tilrådd, klar for saksliste",
    CaseState.ON_AGENDA: "sett på saksliste",
    CaseState.DECIDED: "vedteken",
    CaseState.POSTPONED: "utsett",
    CaseState.SENT_BACK: "sendt attende",
    CaseState.NOT_ADOPTED: "ikkje vedteken",
    CaseState.WITHDRAWN: "trekt",
    CaseState.REFERRED: "innstilt til neste organ",
    CaseState.IN_IMPLEMENTATION: "under effektuering",
    CaseState.CLOSED: "avslutta",
}


#: Why a closed case is closed (``Case.closed_reason``).
CLOSED_REASON_LABELS: dict[str, str] = {
    "implemented": "sett i verk",
    "not_adopted": "ikkje vedteken",
    "withdrawn": "trekt",
    "taken_for_information": "teken til orientering",
}


class Origin(StrEnum):
    """Who put the case forward (samarbeidsavtalen pkt. 3b)."""

    DIRECTOR = "director"  # dagleg leiar
    ADMIN_COMMITTEE = "admin_committee"  # rådmannsutvalet
    MUNICIPALITY = "municipality"  # ein kommune via ordføraren
    ENGINE = "engine"  # made by the engine itself (report of an urgency decision)


ORIGIN_LABELS: dict[Origin, str] = {
    Origin.DIRECTOR: "dagleg leiar",
    Origin.ADMIN_COMMITTEE: "rådmannsutvalet",
    Origin.MUNICIPALITY: "kommune via ordførar",
    Origin.ENGINE: "tingflyt (automatisk)",
}


class Outcome(StrEnum):
    """What a meeting did with a case: the result of one treatment (behandling)."""

    DECIDED = "decided"  # vedteke
    REFERRED = "referred"  # innstilling til neste organ
    POSTPONED = "postponed"  # utsett
    SENT_BACK = "sent_back"  # sendt attende til ny utgreiing
    NOT_ADOPTED = "not_adopted"  # ikkje vedteke
    WITHDRAWN = "withdrawn"  # trekt
    TAKEN_FOR_INFORMATION = "taken_for_information"  # teke til orientering

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.DECIDED: "vedteke",
    Outcome.REFERRED: "innstilling vedteken, sendt vidare",
    Outcome.POSTPONED: "utsett",
    Outcome.SENT_BACK: "sendt attende",
    Outcome.NOT_ADOPTED: "ikkje vedteke",
    Outcome.WITHDRAWN: "trekt",
    Outcome.TAKEN_FOR_INFORMATION: "teke til orientering",
}


class DecisionBasis(StrEnum):
    """Why this body could make the decision."""

    ORDINARY = "ordinary"  # the body's own competence
    PRINCIPLED_CANNOT_WAIT = "principled_cannot_wait"  # samarbeidsavtalen 3b
    URGENCY = "urgency"  # hastefullmakt, KL § 11-8 (1)
    WRITTEN = "written"  # skriftleg handsaming, KL § 11-8 (2)


DECISION_BASIS_LABELS: dict[DecisionBasis, str] = {
    DecisionBasis.ORDINARY: "ordinær mynde",
    DecisionBasis.PRINCIPLED_CANNOT_WAIT: "prinsipiell sak som ikkje kan vente (samarbeidsavtalen)",
    DecisionBasis.URGENCY: "hastevedtak etter kommunelova § 11-8 (1)",
    DecisionBasis.WRITTEN: "skriftleg handsaming etter kommunelova § 11-8 (2)",
}


class MeetingKind(StrEnum):
    PLANNED = "planned"  # frå møteplanen
    EXTRA = "extra"  # ekstra møte med vanleg varsel (KL § 11-2)
    URGENT_REMOTE = "urgent_remote"  # hastefjernmøte (KL § 11-8 (3))
    WRITTEN = "written"  # skriftleg handsaming (KL § 11-8 (2)): no place, answers in writing


MEETING_KIND_LABELS: dict[MeetingKind, str] = {
    MeetingKind.PLANNED: "møteplanen",
    MeetingKind.EXTRA: "ekstra møte",
    MeetingKind.URGENT_REMOTE: "hastefjernmøte",
    MeetingKind.WRITTEN: "skriftleg handsaming",
}


class MeetingStatus(StrEnum):
    PLANNED = "planned"  # agenda open
    NOTIFIED = "notified"  # innkalling sendt: agenda frozen and numbered
    HELD = "held"
    CANCELLED = "cancelled"


MEETING_STATUS_LABELS: dict[MeetingStatus, str] = {
    MeetingStatus.PLANNED: "planlagt",
    MeetingStatus.NOTIFIED: "innkalla",
    MeetingStatus.HELD: "halde",
    MeetingStatus.CANCELLED: "avlyst",
}


class AgendaSection(StrEnum):
    """Order of a frozen agenda: standing items, then cases, then items for information."""

    STANDING = "standing"
    CASES = "cases"
    INFORMATION = "information"


class AgendaItemKind(StrEnum):
    MINUTES_APPROVAL = "minutes_approval"  # godkjenning av møtebok
    CASE = "case"


class DeadlineKind(StrEnum):
    PREPARATION = "preparation"  # frist for saksutgreiing
    NOTICE = "notice"  # frist for innkalling
    EXTERNAL = "external"  # ekstern frist (høyring, søknad)
    FOLLOWUP = "followup"  # frist for oppfølging / effektuering


DEADLINE_KIND_LABELS: dict[DeadlineKind, str] = {
    DeadlineKind.PREPARATION: "frist for saksutgreiing",
    DeadlineKind.NOTICE: "frist for innkalling",
    DeadlineKind.EXTERNAL: "ekstern frist",
    DeadlineKind.FOLLOWUP: "frist for oppfølging",
}


class DeadlineStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"
    CANCELLED = "cancelled"


class UrgencyOptionKind(StrEnum):
    """The lawful ways to reach a decision in time (domain.md section 5)."""

    EXTRA_MEETING = "extra_meeting"
    URGENT_REMOTE_MEETING = "urgent_remote_meeting"
    WRITTEN_HANDLING = "written_handling"
    URGENCY_AUTHORITY = "urgency_authority"
    EXTEND_DEADLINE = "extend_deadline"


class AlertKind(StrEnum):
    URGENT_CASE = "urgent_case"
    DEADLINE_NEAR = "deadline_near"
    DEADLINE_MISSED = "deadline_missed"
    NOTICE_LATE = "notice_late"
    NO_MEETING = "no_meeting"
    OUTCOME_MISSING = "outcome_missing"
    MINUTES_LATE = "minutes_late"  # the minutes not sent by the body's minutes_due_days
    SEAT_OPEN = "seat_open"
    QUORUM_RISK = "quorum_risk"
    WRITTEN_FAILED = "written_failed"
    MESSAGE_FAILED = "message_failed"  # a message the mail server refused for good


class Role(StrEnum):
    """What an actor may be. Body-bound roles are checked against the body in question."""

    DIRECTOR = "director"  # dagleg leiar
    STAFF = "staff"  # sekretariatet
    CHIEF_EXECUTIVE = "chief_executive"  # rådmann / kommunedirektør
    MAYOR = "mayor"
    MEMBER = "member"
    SUBSTITUTE = "substitute"  # varamedlem
    CHAIR = "chair"  # leiar
    DEPUTY_CHAIR = "deputy_chair"  # nestleiar
    SYSTEM = "system"  # the engine's own flows
    OPERATOR = "operator"  # whoever installs and loads the configuration


ROLE_LABELS: dict[Role, str] = {
    Role.DIRECTOR: "dagleg leiar",
    Role.STAFF: "sekretariatet",
    Role.CHIEF_EXECUTIVE: "kommunedirektør",
    Role.MAYOR: "ordførar",
    Role.MEMBER: "medlem",
    Role.SUBSTITUTE: "varamedlem",
    Role.CHAIR: "leiar",
    Role.DEPUTY_CHAIR: "nestleiar",
    Role.SYSTEM: "tingflyt",
    Role.OPERATOR: "driftsansvarleg",
}


class MembershipRole(StrEnum):
    """A membership in a body: a voting member, or a substitute in her group's numbered order."""

    MEMBER = "member"
    SUBSTITUTE = "substitute"


class AbsenceKind(StrEnum):
    """Forfall: the whole meeting, part of it, or one case (inhabil)."""

    MEETING = "meeting"
    PART = "part"
    CASE = "case"


class RecusalBasis(StrEnum):
    """The legal ground of a recusal (ugildskap), forvaltningslova § 6 via kommunelova § 11-10.

    The ground is public: the minutes must say that a member was recused and why in law. What
    lies behind it (who is related to whom) is a note for the secretariat only."""

    PARTY = "fvl6-1a"  # sjølv part i saka
    RELATED = "fvl6-1b"  # i slekt eller svogerskap med ein part
    SPOUSE = "fvl6-1c"  # gift, sambuar, forlova med ein part
    GUARDIAN = "fvl6-1d"  # verje eller fullmektig for ein part
    BOARD = "fvl6-1e"  # leiar, styremedlem e.l. i ein organisasjon eller eit selskap som er part
    SPECIAL = "fvl6-2"  # andre særeigne forhold som svekkjer tilliten til at ein er upartisk

    @property
    def label(self) -> str:
        return RECUSAL_BASIS_LABELS[self]

    @property
    def short(self) -> str:
        """A few words for a list of choices."""
        return {"fvl6-1a": "part", "fvl6-1b": "slekt", "fvl6-1c": "ektefelle/sambuar",
                "fvl6-1d": "verje/fullmektig", "fvl6-1e": "leiar/styremedlem i ein part",
                "fvl6-2": "andre særeigne forhold"}[self.value]


RECUSAL_BASIS_LABELS: dict[RecusalBasis, str] = {
    RecusalBasis.PARTY: "forvaltningslova § 6 første ledd bokstav a: part i saka",
    RecusalBasis.RELATED: "forvaltningslova § 6 første ledd bokstav b: i slekt eller svogerskap "
                          "med ein part",
    RecusalBasis.SPOUSE: "forvaltningslova § 6 første ledd bokstav c: gift, sambuar eller "
                         "forlova med ein part",
    RecusalBasis.GUARDIAN: "forvaltningslova § 6 første ledd bokstav d: verje eller fullmektig "
                           "for ein part",
    RecusalBasis.BOARD: "forvaltningslova § 6 første ledd bokstav e: leiar eller styremedlem i "
                        "ein part",
    RecusalBasis.SPECIAL: "forvaltningslova § 6 andre ledd: særeigne forhold som svekkjer "
                          "tilliten til at ein er upartisk",
}


class MessageKind(StrEnum):
    """What a message in the outbox is."""

    NOTICE = "notice"  # innkalling, with the calendar invitation
    UPDATE = "update"  # endra innkalling: the agenda, time or place changed after the notice
    CANCELLATION = "cancellation"  # avlysing, with the calendar cancellation
    CALL_IN = "call_in"  # førespurnad til varamedlem
    ABSENCE = "absence_confirmation"  # stadfesting av forfall
    ALERT = "alert"  # varsel: påminning om frist, hastesak, passert frist, manglande utfall
    WRITTEN_PROPOSAL = "written_proposal"  # framlegg til skriftleg handsaming, KL § 11-8 (2)
    WRITTEN_REMINDER = "written_reminder"  # påminning til dei som ikkje har svart
    ANNOUNCEMENT = "announcement"  # kunngjering av møtet, med den offentlege sakslista
    MINUTES = "minutes"  # møteboka til medlemene

    @property
    def label(self) -> str:
        return MESSAGE_KIND_LABELS[self]


MESSAGE_KIND_LABELS: dict[MessageKind, str] = {
    MessageKind.NOTICE: "innkalling",
    MessageKind.UPDATE: "endra innkalling",
    MessageKind.CANCELLATION: "avlysing",
    MessageKind.CALL_IN: "førespurnad til varamedlem",
    MessageKind.ABSENCE: "stadfesting av forfall",
    MessageKind.ALERT: "varsel",
    MessageKind.WRITTEN_PROPOSAL: "framlegg til skriftleg handsaming",
    MessageKind.WRITTEN_REMINDER: "påminning om skriftleg svar",
    MessageKind.ANNOUNCEMENT: "kunngjering",
    MessageKind.MINUTES: "møtebok",
}

#: The messages that carry the meeting's calendar invitation (so their recipients have it).
INVITING = (MessageKind.NOTICE, MessageKind.UPDATE)


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting (or waiting to be tried again)
    SENDING = "sending"  # claimed by a dispatcher run
    SENT = "sent"  # accepted by the mail server (or written to the outbox folder)
    FAILED = "failed"  # refused for good, or too many attempts: the secretariat must look
    DROPPED = "dropped"  # overtaken before it went: the meeting cancelled, the case withdrawn

    @property
    def label(self) -> str:
        return OUTBOX_STATUS_LABELS[self]


OUTBOX_STATUS_LABELS: dict[OutboxStatus, str] = {
    OutboxStatus.PENDING: "ventar",
    OutboxStatus.SENDING: "vert sendt",
    OutboxStatus.SENT: "sendt",
    OutboxStatus.FAILED: "feila",
    OutboxStatus.DROPPED: "fall bort",
}


class CallStatus(StrEnum):
    """A substitute asked to sit (innkalling av varamedlem)."""

    ASKED = "asked"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"  # no answer in time counts as no
    WITHDRAWN = "withdrawn"  # said yes, then could not come after all


class AttendanceRole(StrEnum):
    MEMBER = "member"
    SUBSTITUTE = "substitute"
    ATTENDEE = "attendee"  # møte- og talerett, no vote


class WrittenStatus(StrEnum):
    """Skriftleg handsaming (KL § 11-8 (2))."""

    OPEN = "open"
    ADOPTED = "adopted"
    FAILED = "failed"


WRITTEN_STATUS_LABELS: dict[WrittenStatus, str] = {
    WrittenStatus.OPEN: "i gang, ventar på svar",
    WrittenStatus.ADOPTED: "vedteke",
    WrittenStatus.FAILED: "fall",
}


class ProposalKind(StrEnum):
    PROPOSAL = "proposal"  # framlegg, voted for or against
    ELECTION = "election"  # val


class ProposalResult(StrEnum):
    ADOPTED = "adopted"
    FALLEN = "fallen"
    NO_CONSENSUS = "no_consensus"
    ELECTED = "elected"
    NEW_ROUND = "new_round"


class ClosedReason(StrEnum):
    """Why a closed case is closed."""

    IMPLEMENTED = "implemented"
    TAKEN_FOR_INFORMATION = "taken_for_information"
    NOT_ADOPTED = "not_adopted"
    WITHDRAWN = "withdrawn"
