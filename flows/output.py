"""Human output for the CLI: Nynorsk, Europe/Oslo times, the council's own words."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def _console() -> Console:
    from rich.console import Console

    probe = Console()
    # Piped output (logs, files) gets a wide page instead of rich's 80-column default.
    # markup=False: titles and texts come from people and may hold [brackets].
    return Console(highlight=False, soft_wrap=False, markup=False,
                   width=None if probe.is_terminal else 150)


class _LazyConsole:
    """The console, made on the first line printed: rich is imported only by output that is
    rendered for people, not by ``--json`` (about 30 ms of every command's start-up)."""

    _console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            self._console = _console()
        return getattr(self._console, name)


console = _LazyConsole()

#: Weekday abbreviations with their full stop (without it "on", "to" read as English words).
WEEKDAYS = ("mån.", "tys.", "ons.", "tor.", "fre.", "lau.", "søn.")
SEVERITY = {"critical": "kritisk", "warning": "åtvaring", "info": "info"}


def _ddmmyyyy(day: date) -> str:
    # Not strftime("%Y"): it writes the year 1 as "1" ("01.01.1"), not "0001".
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def d(value: str | None) -> str:
    """ISO date -> 24.09.2026."""
    if not value:
        return "-"
    return _ddmmyyyy(date.fromisoformat(value[:10]))


def dw(value: str | None) -> str:
    if not value:
        return "-"
    day = date.fromisoformat(value[:10])
    return f"{WEEKDAYS[day.weekday()]} {_ddmmyyyy(day)}"


def dt(value: str | None) -> str:
    """ISO datetime (already local) -> 24.09.2026 10:00."""
    if not value:
        return "-"
    moment = datetime.fromisoformat(value)
    return f"{_ddmmyyyy(moment)} {moment:%H:%M}"


def hm(value: str | None) -> str:
    return datetime.fromisoformat(value).strftime("%H:%M") if value else "-"


def _table(*columns: str, title: str | None = None) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False, pad_edge=False,
                  header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


# -- init / org -----------------------------------------------------------------------------

def render_init(data: dict[str, Any]) -> None:
    console.print(f"Database: {data['database']} (skjema {data['schema_revision']})")
    console.print(f"Organisasjonsfil: {data['org_file']}")
    if data["unchanged"]:
        console.print("Ingen endringar: databasen er alt i samsvar med fila.")
    else:
        for bucket, label in (("created", "Lagt til"), ("updated", "Endra")):
            if data[bucket]:
                parts = ", ".join(f"{n} {_noun(k)}" for k, n in data[bucket].items())
                console.print(f"{label}: {parts}.")
        if data["deactivated"]:
            console.print(f"Ikkje lenger i fila (merka inaktive): {', '.join(data['deactivated'])}")
    if data["meetings_not_in_file"]:
        console.print("Møte i databasen som ikkje lenger står i møteplanen (ikkje endra): "
                      + ", ".join(data["meetings_not_in_file"]))
    if data["skipped_past_meetings"]:
        console.print("Møte der innkallingsdagen alt er passert, er ikkje lagde inn: "
                      + ", ".join(data["skipped_past_meetings"]))


def _noun(key: str) -> str:
    return {"council": "råd", "municipalities": "kommunar", "people": "personar",
            "bodies": "organ", "memberships": "medlemskap", "meetings": "møte",
            "membership_periods": "periodar i medlemskap"}.get(key, key)


def render_org(data: dict[str, Any]) -> None:
    c = data["council"]
    console.print(f"{c['name']} ({c['short_name']}), {c['region']}", style="bold")
    period = data["election_period"]
    plan = data["meeting_plan"]
    console.print(f"Valperiode {period['name'] or ''}: {d(period['start'])}-{d(period['end'])}"
                  f"   Møteplan: {d(plan['start'])}-{d(plan['end'])}   Tidssone: {c['timezone']}")
    sec = data["secretariat"]
    staff = ", ".join(_p(p) for p in sec["staff"] if p)
    director = sec["director"]
    console.print(f"Dagleg leiar: {_p(director)} <{director['email']}>")
    if staff:
        console.print(f"Sekretariat: {staff}")
    console.print("Person-id står i parentes etter namnet: bruk id-en med --as.")
    mun = _table("Kommune", "Ordførar", "Varaordførar", "Kommunedirektør", title="Kommunane")
    for m in data["municipalities"]:
        mun.add_row(m["name"], _p(m["mayor"]), _p(m["deputy_mayor"]), _p(m["chief_executive"]))
    console.print(mun)
    names = {b["id"]: b["name"] for b in data["bodies"]}
    for body in data["bodies"]:
        console.print(f"\n{body['name']} (id {body['id']})", style="bold")
        lines = []
        facts = []
        if body["agenda_prefix"]:
            facts.append(f"prefiks {body['agenda_prefix']}")
        facts.append(f"varsel {body['notice_days']} dagar")
        facts.append(f"utgreiingsfrist {body['preparation_days']} dagar før innkalling")
        if body["urgent_notice_days"] is not None:
            facts.append(f"hastevarsel {body['urgent_notice_days']} dagar")
        if body["remote_meetings"]:
            facts.append("fjernmøte tillate")
        if body["written_handling"]:
            facts.append("skriftleg handsaming tillate")
        if body["prepared_by"]:
            preparer = names.get(body["prepared_by"], body["prepared_by"])
            facts.append(f"saker førebudde av {preparer}")
        lines.append(", ".join(facts))
        if body["chair"]:
            lines.append(f"Leiar: {_p(body['chair'])}"
                         + (f", nestleiar: {_p(body['deputy_chair'])}"
                            if body["deputy_chair"] else ""))
        lines.append(f"Røysterett: {body['voting_members']} medlemer. Møte- og talerett: "
                     + (", ".join(body["attend_and_speak_names"]) or "-"))
        console.print("\n".join(lines))
        table = _table("Kommune", "Medlemer", "Varamedlemer i rekkjefølgje")
        for group in body["groups"]:
            table.add_row(group["municipality"],
                          ", ".join(_p(p) for p in group["members"]),
                          ", ".join(f"{p['rank']}. {_p(p)}" for p in group["substitutes"])
                          or "-")
        console.print(table)


def _p(person: dict[str, Any] | None) -> str:
    """A person in ``org show``: the name and, beside it, the id that ``--as`` takes."""
    if not person:
        return "-"
    return f"{person['name']} ({person['id']})" if person.get("id") else person["name"]


# -- meetings -------------------------------------------------------------------------------

def render_plan(meetings: list[dict[str, Any]]) -> None:
    if not meetings:
        console.print("Ingen møte.")
        return
    table = _table("Møte", "Organ", "Dato", "Tid", "Stad", "Innkalling", "Utgreiingsfrist",
                   "Status", "Punkt", title="Møteplan")
    for m in meetings:
        written = m.get("written")
        if written:  # skriftleg handsaming (KL § 11-8 (2)): no hours, no place; a deadline
            when = f"svarfrist {d(written['answer_by'])} kl. {hm(written['answer_by'])}"
            place = "skriftleg handsaming"
            status = (f"{written['status_label']}, svar {written['answered']} av "
                      f"{written['members']}")
            preparation = "-"
        else:
            when = f"{hm(m['starts_at'])}-{hm(m['ends_at'])}"
            place = "fjernmøte" if m["remote"] else (m["place"] or "-")
            status = m["status_label"] + (" (for seint)" if m["notice_late"] else "")
            if m["kind"] != "planned":
                status += f", {m['kind_label']}"
            preparation = dw(m["preparation_deadline"])
        table.add_row(m["ref"], m["body_short"], dw(m["date"]), when, place,
                      dw(m["notice_date"]), preparation, status, str(m["items"]))
    console.print(table)


def render_meeting_added(m: dict[str, Any]) -> None:
    where = "fjernmøte" if m["remote"] else m["place"]
    console.print(f"{m['kind_label'].capitalize()} lagt til: {m['ref']}, {m['body_name']} "
                  f"{dw(m['date'])} {hm(m['starts_at'])}-{hm(m['ends_at'])}, {where}.")
    console.print(f"Innkalling seinast {dw(m['notice_date'])}; frist for saksutgreiing "
                  f"{dw(m['preparation_deadline'])}.")
    if not m["preparation_open"] and m["status"] == "planned":
        console.print("Fristen for saksutgreiing er alt passert: tingflyt set berre saker med "
                      "ekstern frist på dette møtet sjølv. Set andre saker på for hand: "
                      f"`tingflyt case place <sak> --meeting {m['ref']}`.")


def render_meeting_cancelled(m: dict[str, Any]) -> None:
    console.print(f"Avlyst: {m['ref']}, {m['body_name']} {dw(m['date'])}.")
    for number, lines in m["engine"]["cases"].items():
        for line in lines:
            console.print(f"  Sak {number}: {line}")


def render_meeting(m: dict[str, Any]) -> None:
    written = m.get("written")
    if written:
        console.print(f"{m['body_name']}  {m['ref']}  skriftleg handsaming "
                      "(kommunelova § 11-8 (2))", style="bold")
        console.print(f"Sendt til medlemene: {dt(written['sent_at'])}.  Svarfrist: "
                      f"{dt(written['answer_by'])}.  Svar: {written['answered']} av "
                      f"{written['members']}.  Status: {written['status_label']}.")
    else:
        where = "fjernmøte" if m["remote"] else m["place"]
        console.print(f"{m['body_name']}  {m['ref']}  {dw(m['date'])} "
                      f"{hm(m['starts_at'])}-{hm(m['ends_at'])}  {where}", style="bold")
        sent = (f"sendt {dt(m['notified_at'])}" + (" (for seint)" if m["notice_late"] else "")
                if m["notified_at"] else f"seinast {dw(m['notice_date'])}")
        console.print(f"Status: {m['status_label']}.  Innkalling: {sent}.  Utgreiingsfrist: "
                      f"{dw(m['preparation_deadline'])}.")
    if m.get("reason"):
        console.print(f"Grunn: {m['reason']}")
    agenda = m.get("agenda") or []
    if not agenda:
        console.print("Sakslista er tom.")
        return
    from rich.text import Text

    frozen = m["status"] != "planned"
    table = _table("Nr." if frozen else "", "Sak", "Tittel", "Merknad",
                   title="Saksliste" if frozen else "Saksliste (ikkje fryst enno)")
    headings = {"standing": "Faste punkt", "cases": "Saker", "information": "Referatsaker"}
    current = None
    for item in agenda:
        if item["section"] != current:
            current = item["section"]
            table.add_row("", "", Text(headings[current], style="italic"), "")
        notes = []
        if item["exempt_basis"]:
            notes.append(f"Unnateke offentlegheit, {item['exempt_basis']}")
        if item.get("without_recommendation"):
            notes.append("utan tilråding (kravd av ein tredjedel, kommunelova § 11-3)")
        if item["withdrawn"]:
            notes.append("trekt")
        table.add_row(item["agenda_number"] or "", item["case"] or "", item["title"],
                      "; ".join(notes))
    console.print(table)


# -- cases ----------------------------------------------------------------------------------

def _flags(c: dict[str, Any]) -> str:
    flags = []
    if c["principled"]:
        flags.append("prinsipiell")
    if c["exempt"]:
        flags.append(f"unnateken offentlegheit ({c['exempt_basis']})")
    if c["urgent"]:
        flags.append("HASTESAK")
    return ", ".join(flags)


def render_case_action(data: dict[str, Any]) -> None:
    c = data["case"]
    if data.get("vote"):
        console.print(data["vote"]["explanation"])
    console.print(f"{data['action']}: sak {c['number']} «{c['title']}» - {c['state_label']}"
                  + (f", {_agenda_text(c)}" if c["agenda"] else "") + ".")
    _render_engine_lines(data["engine"])
    if c["urgent"]:
        console.print(f"Hastesak: sjå `tingflyt case show {c['number']}` for lovlege vegar.")


def _agenda_text(c: dict[str, Any]) -> str:
    agenda = c["agenda"]
    number = f" som {agenda['agenda_number']}" if agenda.get("agenda_number") else ""
    return f"på sakslista til {agenda['meeting']}{number}"


def _render_engine_lines(engine: dict[str, Any]) -> None:
    done = engine.get("done") or []
    via = "Prefect-flyt" if engine.get("via") == "prefect" else "saksflyten"
    for line in done:
        console.print(f"  {via}: {line}")


def render_engine(data: dict[str, Any]) -> None:
    if not data.get("done"):
        console.print(f"Sak {data['case']}: ingenting å gjere no; saka ventar på eit menneske "
                      "eller eit møte.")
        return
    console.print(f"Sak {data['case']}:")
    _render_engine_lines(data)


def render_case(c: dict[str, Any]) -> None:
    console.print(f"Sak {c['number']}  {c['title']}", style="bold")
    console.print(f"Type: {c['kind_label']}.  Tilstand: {c['state_label']}"
                  + (f" ({closed_label(c['closed_reason'])})" if c["closed_reason"] else "")
                  + f".  Versjon {c['version']}.")
    flags = _flags(c)
    if flags:
        console.print(f"Merknad: {flags}.")
    console.print(f"Frå: {c['origin_label']}"
                  + (f" ({c['origin_municipality']})" if c["origin_municipality"] else "")
                  + f", registrert {dt(c['registered_at'])}"
                  # A case tingflyt made itself is not "registrert av" the person whose
                  # step set it off (the trace names them): "tingflyt ... av gol-ordforar".
                  + ("." if c["origin"] == "engine" else f" av {c['proposed_by_name']}.")
                  + (f" Ansvarleg for utgreiing: {c['lead_name']}." if c["lead"] else ""))
    console.print(f"Avgjerande organ: {c['competent_body_name']} "
                  f"({c['decision_basis_label']}). {c['competence_reason']}")
    if c["current_body"] != c["competent_body"] and c["state"] != "closed":
        console.print(f"Handsamast no av: {c['current_body_name']}.")
    if c["external_deadline"]:
        console.print(f"Ekstern frist: {dw(c['external_deadline'])}.")
    if c["preparation_deadline"] and c["state"] in ("registered", "in_preparation"):
        console.print(f"Frist for tilråding: {dw(c['preparation_deadline'])}.")
    if c["agenda"]:
        console.print(f"Saksliste: {_agenda_text(c)} ({d(c['agenda']['date'])}).")
    if c.get("hold"):
        console.print("Teken av sakslista: ventar til sekretariatet set henne på att.")
    if c.get("related_case"):
        console.print(f"Gjeld sak {c['related_case']}.")
    if c.get("description"):
        console.print(f"Skildring: {c['description']}")
    if c.get("recommendation"):
        console.print(f"Tilråding ({c['recommended_by_name']}, {dt(c['recommended_at'])}): "
                      f"{c['recommendation']}")
    if c["urgent"]:
        console.print(f"HASTESAK: {c['urgency_reason']}", style="bold")
        for i, option in enumerate(c["urgency_options"], start=1):
            console.print(f"  {i}. {option['text']} [{option['legal_basis']}]")
    if c["treatments"]:
        table = _table("Møte", "Nr.", "Organ", "Utfall", "Heimel", "Gjeldande", "Tekst",
                       title="Handsamingar")
        for t in c["treatments"]:
            table.add_row(t["meeting"] or "-", t["agenda_number"] or "-", t["body_name"],
                          t["outcome_label"], t["basis_label"],
                          "ja" if t["authoritative"] else "", t["text"] or "")
        console.print(table)
    if c["deadlines"]:
        table = _table("Frist", "Dato", "Status", "Ansvarleg", "Merknad", title="Fristar")
        for f in c["deadlines"]:
            table.add_row(f["kind_label"], dw(f["due_date"]), _deadline_status(f["status"]),
                          f["owner_name"] or "-", f["note"] or "")
        console.print(table)
    table = _table("Tid", "Kven", "Rolle", "Kva", "Kvifor", title="Spor")
    for e in c["trace"]:
        table.add_row(dt(e["at"]), e["actor_name"], e["role_label"], e["summary"],
                      e["reason"] or "")
    console.print(table)


def closed_label(reason: str) -> str:
    from domain.rules.terms import CLOSED_REASON_LABELS

    return CLOSED_REASON_LABELS.get(reason, reason)


def _deadline_status(status: str) -> str:
    return {"open": "løpande", "met": "halden", "missed": "passert", "cancelled": "fell bort"}.get(
        status, status)


def render_case_list(cases: list[dict[str, Any]]) -> None:
    if not cases:
        console.print("Ingen saker.")
        return
    table = _table("Sak", "Tittel", "Type", "Tilstand", "Organ", "Frist", "Saksliste",
                   title=f"Saker ({len(cases)})")
    for c in cases:
        state = c["state_label"] + (f" ({closed_label(c['closed_reason'])})" if c["closed_reason"]
                                    else "")
        if c["urgent"]:
            state += ", HASTESAK"
        agenda = ""
        if c["agenda"]:
            agenda = c["agenda"].get("agenda_number") or c["agenda"]["meeting"]
        table.add_row(c["number"], c["title"], c["kind_label"], state, c["current_body_name"],
                      d(c["external_deadline"]) if c["external_deadline"] else "", agenda)
    console.print(table)


# -- sweep, journal, alerts -----------------------------------------------------------------

def _rows(count: int) -> str:
    return "forfallen rad" if count == 1 else "forfalne rader"


def render_sweep(report: dict[str, Any]) -> None:
    via = "via Prefect" if report.get("via") == "prefect" else "direkte (ingen Prefect-API sett)"
    console.print(f"Gjennomgang {dt(report['at'])} ({via}): "
                  f"{report['looked_at']} {_rows(report['looked_at'])} sett på.")
    for line in report["meetings"]:
        console.print(f"  Møte: {line}")
    for line in report["deadlines"]:
        console.print(f"  Frist: {line}")
    for number, lines in report["cases"].items():
        for line in lines:
            console.print(f"  Sak {number}: {line}")
    for line in report["problems"]:
        console.print(f"  Ikkje gjort (prøvast att ved neste gjennomgang): {line}")
    if not (report["meetings"] or report["deadlines"] or report["cases"]):
        console.print("  Ingenting var forfalle.")
    outbox = report.get("outbox")
    if outbox and (outbox["sent"] or outbox["retried"] or outbox["failed"]):
        render_dispatch(outbox)


#: The ways in a journal entry names besides the command line (``journal.via``).
VIA_LABELS = {"prefect-ui": "Prefect-skjema", "prefect-schedule": "planlagd køyring",
              "prefect": "Prefect", "demo": "demoen"}


def _who(entry: dict[str, Any]) -> str:
    via = VIA_LABELS.get(entry.get("via") or "")
    return entry["actor_name"] + (f" (via {via})" if via else "")


def render_journal(entries: list[dict[str, Any]]) -> None:
    if not entries:
        console.print("Journalen er tom.")
        return
    table = _table("Tid", "Kven", "Rolle", "Sak/møte", "Kva", "Kvifor", title="Journal")
    for e in entries:
        table.add_row(dt(e["at"]), _who(e), e["role_label"],
                      e["case"] or e["meeting"] or "",
                      e["summary"], e["reason"] or "")
    console.print(table)


def render_alerts(alerts: list[dict[str, Any]]) -> None:
    if not alerts:
        console.print("Ingen varsel.")
        return
    table = _table("Tid", "Alvor", "Sak/møte", "Til", "Varsel", title="Varsel")
    for a in alerts:
        table.add_row(dt(a["raised_at"]), SEVERITY.get(a["severity"], a["severity"]),
                      a["case"] or a["meeting"] or "",
                      ", ".join(a["recipients"]), a["message"])
    console.print(table)


# -- meetings in session ---------------------------------------------------------------------

def render_seats(data: dict[str, Any]) -> None:
    m = data["meeting"]
    console.print(f"{m['body_name']}  {m['ref']}  {dw(m['date'])}", style="bold")
    table = _table("Plass", "Kommune", "Forfall", "Møter", "Spurd no", "Sa nei / svarte ikkje",
                   title="Plassar")
    for seat in data["seats"]:
        absence = {"meeting": "heile møtet", "part": "delar av møtet", None: ""}[seat["absence"]]
        if seat["note"]:
            absence += f" ({seat['note']})"
        sitter = (seat["member_name"] if seat["absence"] is None
                  else (seat["substitute_name"] or "ingen enno"))
        table.add_row(seat["member_name"], seat["municipality_name"], absence, sitter,
                      seat["asked_name"] or "", ", ".join(seat["declined_names"]))
    console.print(table)
    q = data["quorum"]
    verdict = "FARE: ikkje vedtaksføre" if q["at_risk"] else "vedtaksføre"
    console.print(f"Venta til stades: {q['expected']} av {q['seats']}; minst {q['needed']} "
                  f"trengst ({verdict}, kommunelova § 11-9).")
    for case in q["cases"]:
        if case["recused"]:
            console.print(f"  Sak {case['case']}: {case['expected']} kan vere med "
                          f"(inhabile: {', '.join(case['recused_names'])}).")
            for sub in case.get("substitutes", []):
                console.print(f"    Varamedlem i saka: {sub['substitute_name']}.")
            for sub in case.get("asked", []):
                console.print(f"    Spurd om å møte i saka: {sub['substitute_name']}.")


def render_attendance(data: dict[str, Any]) -> None:
    """What `attend` recorded: who sat in each seat, who led, who was absent."""
    m = data["meeting"]
    present = data["present"]
    q = data["quorum"]
    console.print(f"Frammøte ført for {m['body_name']} {m['ref']}: {q['present']} av "
                  f"{q['seats']} plassar dekte" + (f", møteleiar {data['chair']['name']}"
                                                   if data["chair"] else "") + ".", style="bold")
    for row in present:
        line = f"  {row['name']}"
        if row["role"] == "substitute":
            line += f" (varamedlem for {row['seat_name']})"
        if row["from_item"]:
            line += f", frå {row['from_item']}"
        if row["to_item"]:
            line += f", gjekk etter {row['to_item']}"
        console.print(line)
    missing = [a for a in data["absent"] if not a["substitute"]]
    if missing:
        console.print("Ikkje møtt: " + ", ".join(
            a["name"] + (f" ({a['reason']})" if a.get("reason") else "") for a in missing) + ".")
    if data["attendees"]:
        console.print("Med møte- og talerett: "
                      + ", ".join(a["name"] for a in data["attendees"]) + ".")
    if q["present"] < q["needed"]:
        console.print(f"Ikkje vedtaksføre: minst {q['needed']} av {q['seats']} må vere til "
                      "stades (kommunelova § 11-9).")


def render_written(data: dict[str, Any]) -> None:
    console.print(f"Skriftleg handsaming av sak {data['case']} ({data['meeting']}): "
                  f"{data['status_label']}.", style="bold")
    console.print(f"Sak: {data['title']}")
    if data["proposal"] is None:
        console.print(f"Framlegg: unnateke offentlegheit ({data['exempt_basis']}).")
    else:
        console.print(f"Framlegg: {data['proposal']}")
    console.print(f"Svarfrist: {dt(data['answer_by'])}.")
    table = _table("Medlem", "Framlegget", "Skriftleg handsaming")
    word = {True: "ja", False: "nei", None: "ikkje svart"}
    for answer in data["answers"]:
        if answer.get("recused") and answer["proposal"] is None:
            table.add_row(answer["name"], "inhabil", "inhabil")
        else:
            table.add_row(answer["name"], word[answer["proposal"]], word[answer["written"]])
    console.print(table)
    if data.get("outcome_note"):
        console.print(data["outcome_note"])
    if data.get("engine"):
        _render_engine_lines(data["engine"])


def render_followups(rows: list[dict[str, Any]]) -> None:
    if not rows:
        console.print("Ingen vedtak å følgje opp.")
        return
    table = _table("Sak", "Tittel", "Organ", "Vedteke", "Ansvarleg", "Frist", "Status",
                   title="Oppfølgingsliste")
    label = {"done": "gjennomført", "overdue": "FORSEINKA", "open": "i arbeid"}
    for row in rows:
        table.add_row(row["case"], row["title"], row["body_name"], d(row["decided_on"]),
                      row["owner_name"] or "-", d(row["due"]), label[row["status"]])
    console.print(table)


# -- the outbox ------------------------------------------------------------------------------

def render_outbox(data: dict[str, Any]) -> None:
    counts = data["counts"]
    labels = {"pending": "ventar", "sending": "vert sendt", "sent": "sendt", "failed": "feila",
              "dropped": "fall bort"}
    console.print("Utboksen: " + (", ".join(f"{counts.get(k, 0)} {v}" for k, v in labels.items()
                                           if counts.get(k)) or "tom") + ".")
    if not data["messages"]:
        return
    table = _table("Id", "Status", "Kva", "Til", "Møte", "Emne", "Merknad", title="Meldingar")
    for m in data["messages"]:
        note = m["error"] or ""
        if m["status"] == "pending" and m["attempts"]:
            note = f"{note} (nytt forsøk {dt(m['next_attempt_at'])})".strip()
        table.add_row(str(m["id"]), m["status_label"], m["kind_label"],
                      f"{m['name']} <{m['address']}>", m["meeting"] or "", m["subject"], note)
    console.print(table)


def render_outbox_message(m: dict[str, Any]) -> None:
    if m.get("raw"):
        print(m["raw"])
        return
    print(f"Frå:    {m['from']}")
    print(f"Til:    {m['name']} <{m['address']}>")
    print(f"Emne:   {m['subject']}")
    print(f"Status: {m['status_label']}" + (f" ({m['error']})" if m["error"] else "")
          + (f", {dt(m['sent_at'])}" if m["sent_at"] else ""))
    if m["calendar_method"]:
        print(f"Kalender: {'invitasjon' if m['calendar_method'] == 'REQUEST' else 'avlysing'} "
              f"(METHOD:{m['calendar_method']}, SEQUENCE {m['sequence']})")
    if m["attachments"]:
        print("Vedlegg: " + ", ".join(["invite.ics", *m["attachments"]] if m["calendar_method"]
                                      else m["attachments"]))
    print()
    print(m["text"].rstrip())


def render_dispatch(report: dict[str, Any]) -> None:
    parts = [f"{report['sent']} sendt"]
    if report.get("dropped"):
        parts.append(f"{report['dropped']} fall bort (møtet avlyst eller saka trekt)")
    if report.get("retried"):
        parts.append(f"{report['retried']} ventar på nytt forsøk")
    if report.get("failed"):
        parts.append(f"{report['failed']} feila")
    console.print("Utboksen: " + ", ".join(parts) + ".")
    for problem in report.get("problems") or []:
        console.print(f"  {problem}")
    if report.get("stopped"):
        console.print(f"Stoppa: {report['stopped']}")
