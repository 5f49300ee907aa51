"""The demo's season: about 25 realistic cases, written against the meeting plan, not dates.

Nothing here names Hallingdal: titles take the region and municipality names from the loaded
organisation, and every date is anchored to the plan's meetings ("two days after the second
council meeting"), so the same season runs for any council file.

Each case has a *fate*: what its meetings will do with it, treatment by treatment
(``postponed`` then ``decided``; ``sent_back`` then ``decided``; ``urgency_decided``; ``tie``,
decided by the chair's casting vote; ``no_consensus`` in the assembly; ...). A
meeting of a body that only prepares the case (the council, for the assembly's cases) refers
it on unless the fate says otherwise. Where a case lands on an agenda is left to the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

AnchorFn = Callable[["Plan"], date]


@dataclass(frozen=True)
class MeetingDates:
    ref: str
    day: date
    notice: date
    preparation: date
    remote: bool = False


@dataclass
class Plan:
    """The meeting plan as the scenario sees it, plus the organisation's names."""

    start: date
    end: date
    council: list[MeetingDates]
    assembly: list[MeetingDates]
    region: str
    short_name: str
    municipalities: list[str]
    council_name: str = "Regionrådet"
    assembly_name: str = "Representantskapet"

    def c(self, index: int) -> MeetingDates:
        return self.council[max(-len(self.council), min(index, len(self.council) - 1))]

    def a(self, index: int) -> MeetingDates:
        return self.assembly[max(-len(self.assembly), min(index, len(self.assembly) - 1))]

    def council_before(self, assembly_index: int) -> MeetingDates:
        """The last council meeting that can still send a recommendation to an assembly
        meeting: held before that meeting's notice day."""
        target = self.a(assembly_index)
        earlier = [m for m in self.council if m.day <= target.notice]
        return earlier[-1] if earlier else self.council[0]

    def aim_for(self, ready: date, registered: date, *, skip_remote: bool) -> str | None:
        """The council meeting a case ready on ``ready`` aims at: the first whose preparation
        deadline it meets (and which is still ahead when the case is registered)."""
        for meeting in self.council:
            if meeting.preparation >= max(ready, registered) and not (
                    skip_remote and meeting.remote):
                return meeting.ref
        return None

    def clamp(self, day: date) -> date:
        return max(self.start, min(day, self.end))


def plan_day(days: int) -> AnchorFn:
    return lambda p: p.start + timedelta(days=days)


def council(index: int, what: str = "day", days: int = 0) -> AnchorFn:
    return lambda p: getattr(p.c(index), what) + timedelta(days=days)


def assembly(index: int, what: str = "day", days: int = 0) -> AnchorFn:
    return lambda p: getattr(p.a(index), what) + timedelta(days=days)


def before_assembly(index: int, what: str = "preparation", days: int = 0) -> AnchorFn:
    return lambda p: getattr(p.council_before(index), what) + timedelta(days=days)


@dataclass
class CaseScript:
    key: str
    title: str
    kind: str
    register: AnchorFn
    recommend: AnchorFn | None = None
    fates: list[str] = field(default_factory=lambda: ["decided"])
    by: str = "director"  # director | mayor:<n> | chief_executive:<n>
    principled: bool = False
    exempt: str | None = None
    public_title: str | None = None
    deadline: AnchorFn | None = None
    body: str | None = None  # "assembly" to ask the assembly
    description: str | None = None
    recommendation: str = ""
    withdraw: AnchorFn | None = None
    withdraw_reason: str = ""
    reprepare_days: int = 21
    #: Days from the decision until the secretariat reports it carried out (None: not yet).
    close_after: int | None = 45
    #: Which lawful way the leader and the daily leader choose if the case turns urgent.
    urgency_choice: str = "extra_meeting"
    #: A member recused in this case at its (first) meeting: "mayor:<n>", with the legal ground
    #: (forvaltningslova § 6: public in the minutes) and the note behind it (internal).
    recused: str | None = None
    recusal_basis: str = "fvl6-1a"
    recusal_reason: str = ""

    def text(self, plan: Plan, value: str) -> str:
        year = plan.start.year
        return value.format(region=plan.region, short=plan.short_name, year=year,
                            council=plan.council_name, assembly=plan.assembly_name,
                            next_year=year + 1, mun1=plan.municipalities[0],
                            mun2=plan.municipalities[1 % len(plan.municipalities)],
                            mun3=plan.municipalities[2 % len(plan.municipalities)])


SEASON: list[CaseScript] = [
    CaseScript(
        "budget", "Årsbudsjett {next_year} og økonomiplan for {short}", "budget",
        register=plan_day(9), recommend=before_assembly(0, days=-2), fates=["decided"],
        recommendation="{council} rår {assembly} til å vedta budsjettet med ei ramme på "
        "4,6 mill. kr og kommunale andelar etter innbyggjartal.",
        description="Budsjett for drift av sekretariatet, satsingsområda og fonda."),
    CaseScript(
        "action-programme", "Handlingsprogram {next_year} til strategisk plan for {region}",
        "strategic_plan", register=plan_day(14), recommend=before_assembly(0, days=-1),
        fates=["decided"], by="chief_executive:0",
        recommendation="Handlingsprogrammet vert vedteke med dei fem satsingsområda og tiltaka "
        "i vedlegget."),
    CaseScript(
        "fund-startup", "Tilskot frå næringsfondet: etablerarrettleiing i {region}",
        "fund_allocation", register=plan_day(2), recommend=council(0, "preparation", -2),
        recommendation="Det vert løyvd 350 000 kr frå næringsfondet til etablerarrettleiing "
        "i {next_year}."),
    CaseScript(
        "information-rail", "Referat frå møte i Forum nye Bergensbanen", "information",
        register=council(0, "notice", -3)),
    CaseScript(
        "ntp-hearing", "Høyringssvar: ny nasjonal transportplan",
        "statement", register=plan_day(11), recommend=council(1, "preparation", -1),
        deadline=council(1, "day", 6),
        recommendation="{council} sluttar seg til høyringssvaret og ber om at rv. 7 og rv. 52 "
        "vert prioriterte."),
    CaseScript(
        "court-hearing", "Høyringssvar: framtidig domstolsstruktur", "statement",
        register=council(1, "day", 2), recommend=council(1, "day", 6),
        deadline=council(2, "day", -6), by="director",
        recommendation="{council} går imot at tingretten i regionen vert lagd ned.",
        description="Departementet ber om svar før neste ordinære møte i regionrådet."),
    CaseScript(
        "closure-statement", "Uttale om nedlegging av næringsmiddelanlegg i {mun3}",
        "statement", register=council(2, "day", 6), recommend=council(2, "day", 6),
        deadline=council(2, "day", 12), urgency_choice="written_handling",
        recommendation="{council} ber eigarane vurdere vidare drift og tilbyr regionalt "
        "samarbeid om omstilling.",
        description="Konsernet vil ha innspel innan ei veke."),
    CaseScript(
        "workplaces", "Felles prinsipp for lokalisering av interkommunale arbeidsplassar",
        "ordinary", register=council(0, "day", 1), recommend=before_assembly(0, days=-4),
        principled=True, fates=["decided"],
        recommendation="Nye interkommunale arbeidsplassar vert lokaliserte etter prinsippa i "
        "saksframlegget."),
    CaseScript(
        "competence-input", "Innspel til regional plan for kompetanse", "ordinary",
        register=council(0, "day", 3), recommend=before_assembly(0, days=-1),
        principled=True, deadline=before_assembly(0, "day", 3), by="chief_executive:1",
        recommendation="{council} sender innspelet som skissert i saksframlegget."),
    CaseScript(
        "exempt-grant", "Søknad om etableringstilskot frå verksemd i {mun2}", "fund_allocation",
        register=council(4, "day", -20), recommend=council(5, "preparation", -3),
        exempt="offl. § 13 jf. fvl. § 13 første ledd nr. 2",
        public_title="Søknad om etableringstilskot (unnateke offentlegheit)",
        recused="mayor:1", recusal_basis="fvl6-1b",
        recusal_reason="nær slekt av dagleg leiar i verksemda som søkjer",
        recommendation="Søknaden vert innvilga med 250 000 kr på vilkår i saksframlegget.",
        description="Søknaden inneheld forretningsløyndomar om marknadsplanar og rekneskap."),
    CaseScript(
        "broadband", "Oppmoding frå {mun1}: felles breibandsatsing i grendene", "ordinary",
        register=plan_day(20), recommend=council(1, "preparation", -2), by="mayor:0",
        recommendation="Rådmannsutvalet får i oppdrag å lage ein felles søknad om breibandstøtte."),
    CaseScript(
        "housing", "Felles bustadstrategi - Bu og blilyst", "ordinary",
        register=council(0, "day", 5), recommend=council(2, "preparation", -2),
        fates=["sent_back", "decided"], reprepare_days=24,
        recommendation="Bustadstrategien vert vedteken som grunnlag for vidare arbeid."),
    CaseScript(
        "transport-mandate", "Mandat for samferdselsutvalet", "ordinary",
        register=council(1, "day", 1), recommend=council(3, "preparation", -2),
        fates=["postponed", "decided"], close_after=120,
        recommendation="Mandatet for samferdselsutvalet vert vedteke."),
    CaseScript(
        "tourist-tax", "Utgreiing av felles besøksbidrag for reiselivet", "ordinary",
        register=council(2, "day", 1), recommend=council(3, "preparation", -1),
        fates=["not_adopted"], by="chief_executive:2",
        recommendation="Det vert sett i gang ei utgreiing av felles besøksbidrag."),
    CaseScript(
        "festival", "Søknad om støtte til regional kulturfestival", "ordinary",
        register=council(1, "day", 3), by="mayor:1", recommend=council(3, "preparation", -1),
        withdraw=council(3, "preparation", -5),
        withdraw_reason="Kommunen har fått anna finansiering og trekkjer søknaden."),
    CaseScript(
        "broadband-funds", "Felles søknad om statlege breibandsmidlar for {mun3}", "ordinary",
        register=council(2, "day", 2), by="mayor:3", recommend=council(4, "preparation", -2),
        withdraw=council(4, "day", -2),
        withdraw_reason="Staten har utsett utlysinga; kommunen trekkjer søknaden."),
    CaseScript(
        "competence-committee", "Oppretting av kompetanseutval for {region}", "committee",
        register=council(-4, "day", 2), recommend=before_assembly(1, days=-2),
        fates=["decided"],
        recommendation="{assembly} opprettar eit kompetanseutval med mandat som i "
        "saksframlegget."),
    CaseScript(
        "annual-report", "Årsmelding {year} for {short}", "annual_report",
        register=council(-4, "day", 4), recommend=before_assembly(1, days=-3),
        fates=["decided"],
        recommendation="Årsmeldinga vert godkjend."),
    CaseScript(
        "climate", "Klimakoordinator for {region} - vidareføring {next_year}", "ordinary",
        register=council(2, "day", 2), recommend=council(4, "preparation", -2),
        by="chief_executive:3", close_after=None,
        recommendation="Stillinga som klimakoordinator vert vidareført i {next_year}."),
    CaseScript(
        "sustainability-report", "Statusrapport: berekraftig reisemål {region}", "information",
        register=council(3, "notice", -4)),
    CaseScript(
        "campus", "Campus {region}: fagskuletilbod frå hausten {next_year}", "ordinary",
        register=council(3, "day", 2), recommend=council(4, "preparation", -3), fates=["tie"],
        recommendation="{council} støttar etableringa og løyver 200 000 kr til "
        "prosjektleiing."),
    CaseScript(
        "hospital-statement", "Uttale om framtidig sjukehusstruktur", "statement",
        # Two weeks before the council meeting ahead of the assembly, due five days after it:
        # the assembly cannot be convened in time, so the council's urgency authority is the
        # lawful way (KL § 11-8 (1)).
        register=before_assembly(0, "day", -14), recommend=before_assembly(0, "day", -12),
        deadline=before_assembly(0, "day", 5), body="assembly", fates=["urgency_decided"],
        urgency_choice="urgency_authority",
        recommendation="Regionen krev at akuttfunksjonane ved lokalsjukehuset vert haldne "
        "oppe.", description="Fylkeskommunen vil ha samla uttale frå regionen."),
    CaseScript(
        "website", "Profilering av {region}: ny nettstad", "ordinary",
        register=council(-4, "day", 1), recommend=council(-3, "preparation", -2),
        by="chief_executive:4",
        recommendation="Ny nettstad vert utvikla innanfor ei ramme på 300 000 kr."),
    CaseScript(
        "network", "Internasjonalt kommunenettverk - deltaking {next_year}", "ordinary",
        register=council(-5, "day", 2), recommend=council(-4, "preparation", -2),
        recommendation="{short} held fram som medlem i nettverket."),
    CaseScript(
        "development-funds", "Fordeling av regionale utviklingsmidlar {next_year}",
        "fund_allocation", register=council(-4, "day", 3), recommend=before_assembly(1, days=-1),
        body="assembly", fates=["no_consensus"],
        recommendation="Utviklingsmidlane vert fordelte etter innbyggjartal og satsingsområde."),
    CaseScript(
        "regional-transport", "Høyringssvar: regional plan for samferdsel", "statement",
        register=council(-3, "day", 1), recommend=council(-2, "preparation", -1),
        deadline=council(-2, "day", 5), by="chief_executive:5",
        recommendation="{council} gjev høyringssvar som i saksframlegget."),
    CaseScript(
        "committee-members", "Val av leiar for kompetanseutvalet", "committee",
        register=council(-3, "day", 2), recommend=before_assembly(1, days=-2),
        fates=["election"],
        recommendation="{assembly} vel leiar for kompetanseutvalet."),
]


@dataclass(frozen=True)
class AbsenceScript:
    """A member away from one meeting, and how the substitutes answer in their order."""

    body_kind: str  # council | assembly
    meeting: int  # index among that body's meetings in the plan
    who: str  # "mayor:<n>" or "member:<municipality n>:<rank>"
    answers: tuple[bool, ...]  # True: accepts; False: declines
    reason: str


ABSENCES = [
    AbsenceScript("council", 1, "mayor:3", (True,), "Kommunestyremøte same dag"),
    AbsenceScript("assembly", 0, "member:1:4", (False, True), "Sjukdom"),
]


def plan_from(data: dict[str, Any], meetings: list[dict[str, Any]]) -> Plan:
    """Build the scenario's view of the plan from ``org show`` and ``meeting plan`` data."""
    bodies = {b["id"]: b["kind"] for b in data["bodies"]}

    def of(kind: str) -> list[MeetingDates]:
        return [MeetingDates(m["ref"], date.fromisoformat(m["date"]),
                             date.fromisoformat(m["notice_date"]),
                             date.fromisoformat(m["preparation_deadline"]), m["remote"])
                for m in meetings if bodies[m["body"]] == kind]

    return Plan(
        start=date.fromisoformat(data["meeting_plan"]["start"]),
        end=date.fromisoformat(data["meeting_plan"]["end"]),
        council=of("council"), assembly=of("assembly"), region=data["council"]["region"],
        short_name=data["council"]["short_name"],
        municipalities=[m["short_name"] for m in data["municipalities"]],
        council_name=next(b["short_name"] for b in data["bodies"] if b["kind"] == "council"),
        assembly_name=next(b["short_name"] for b in data["bodies"] if b["kind"] == "assembly"))
