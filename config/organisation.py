"""The organisation file: one council described as configuration (TOML).

Hallingdal is ``config/hallingdal.toml``; any other council is another file of the same shape.
Loading checks the shape (pydantic) and then every cross-reference, and refuses a broken file
with one line per problem: the file, the field (``people[12].email``) and the fix. Nothing is
loaded from a file with any problem.

Shape, top to bottom (``?`` marks optional fields)::

    [council]            id, name, short_name, region, timezone?, holiday_country?, email,
                         website?
    [election_period]    name?, start, end         (valperioden, e.g. 2023-2027)
    [meeting_plan]       name?, start, end         (the plan's season, inside the period)
    [[municipalities]]   id, name, short_name?, mayor, deputy_mayor, chief_executive
    [[people]]           id, name, email, municipality?, title?
    [secretariat]        director, staff[]?
    [[bodies]]           id, kind, name, short_name, agenda_prefix?, notice_days?,
                         preparation_days?, reminder_days?, urgent_notice_days?,
                         followup_days?, minutes_due_days?, remote_meetings?,
                         written_handling?, substitute_for_recusal?, urgency_authority[]?,
                         chair?, deputy_chair?, prepared_by?,
                         attend_and_speak[]? (body ids, "director", "staff"),
                         default_place?, default_start?, default_end?
    [[memberships]]      body, municipality, members[], substitutes[]? (in numbered order)
    [[meetings]]         body, date, start?, end?, place?, remote?

Times are TOML local times (``10:00:00``) or strings (``"10:00"``). Body kinds are
``council``, ``assembly``, ``admin_committee`` and ``committee``; code finds bodies by kind,
never by id, so a council may name its bodies as it likes.

``substitute_for_recusal`` (default true): whether the body calls a substitute in for a member
recused in one case (the next in the group's numbered order, KL § 7-10, for that case only).
``urgency_authority`` (on the council only): the case kinds the assembly lets the council decide
when the assembly cannot be convened in time (KL § 11-8 (1)); under the 2018 act that authority
is the assembly's own delegation. Without it, Hallingdal's reading applies: every kind but
those only the assembly may decide (``budget``, ``strategic_plan``, ``annual_report``,
``committee``).
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from collections import Counter
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from domain.errors import ConfigError
from domain.rules.calendar import CouncilCalendar
from domain.rules.scheduling import (
    NOT_DECIDED,
    URGENCY_AUTHORITY_KINDS,
    urgency_authority_scope,
)
from domain.rules.terms import CaseKind
from domain.rules.text import text_problem

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
#: Ids the engine uses for itself in the journal; no person may have them.
RESERVED_IDS = frozenset({"tingflyt", "operator", "system"})
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")



def _one_line(value: str) -> str:
    """A name, title or place is one line without control characters (the rule for every
    one-line text, ``domain.rules.text``)."""
    problem = text_problem(value, multiline=False)
    if problem is not None:
        raise ValueError(f"{problem}; skriv teksten utan det teiknet")
    return value


Ident = Annotated[str, AfterValidator(_one_line),
                  Field(pattern=ID_PATTERN, min_length=1, max_length=64)]
Text = Annotated[str, AfterValidator(_one_line), Field(min_length=1, max_length=300)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CouncilSection(_Strict):
    id: Ident
    name: Text
    short_name: Text
    region: Text  # the region's name as used in texts, e.g. "Hallingdal"
    timezone: str = "Europe/Oslo"
    holiday_country: str = "NO"
    email: str
    website: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"ukjend tidssone «{value}»; bruk t.d. \"Europe/Oslo\"") from exc
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _check_email(value)


class Period(_Strict):
    name: Text | None = None
    start: date
    end: date


class Municipality(_Strict):
    id: Ident
    name: Text
    short_name: Text | None = None
    mayor: Ident
    deputy_mayor: Ident
    chief_executive: Ident


class Person(_Strict):
    id: Ident
    name: Text
    email: str
    municipality: Ident | None = None
    title: Text | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _check_email(value)


class Secretariat(_Strict):
    director: Ident
    staff: list[Ident] = []


BodyKindName = Literal["council", "assembly", "admin_committee", "committee"]


class Body(_Strict):
    id: Ident
    kind: BodyKindName
    name: Text
    short_name: Text
    agenda_prefix: Annotated[str, Field(pattern=r"^[A-ZÆØÅ]{1,6}$")] | None = None
    notice_days: Annotated[int, Field(ge=1, le=60)] = 7
    preparation_days: Annotated[int, Field(ge=0, le=60)] = 7
    reminder_days: Annotated[int, Field(ge=0, le=30)] = 3
    urgent_notice_days: Annotated[int, Field(ge=1, le=30)] | None = None
    followup_days: Annotated[int, Field(ge=1, le=730)] = 90
    minutes_due_days: Annotated[int, Field(ge=1, le=60)] = 7
    remote_meetings: bool = False
    written_handling: bool = False
    substitute_for_recusal: bool = True
    urgency_authority: list[str] | None = None
    chair: Ident | None = None
    deputy_chair: Ident | None = None
    prepared_by: Ident | None = None
    attend_and_speak: list[str] = []
    default_place: Text | None = None
    default_start: time = time(10, 0)
    default_end: time = time(15, 0)


class Membership(_Strict):
    body: Ident
    municipality: Ident
    members: list[Ident] = Field(min_length=1)
    substitutes: list[Ident] = []


class PlannedMeeting(_Strict):
    body: Ident
    date: date
    start: time | None = None
    end: time | None = None
    place: Text | None = None
    remote: bool = False


class OrganisationFile(_Strict):
    council: CouncilSection
    election_period: Period
    meeting_plan: Period
    municipalities: list[Municipality] = Field(min_length=1)
    people: list[Person] = Field(min_length=1)
    secretariat: Secretariat
    bodies: list[Body] = Field(min_length=1)
    memberships: list[Membership] = Field(min_length=1)
    meetings: list[PlannedMeeting] = []


def _check_email(value: str) -> str:
    _one_line(value)
    if not EMAIL_PATTERN.match(value):
        raise ValueError(f"«{value}» er ikkje ei e-postadresse; skriv t.d. \"namn@example.org\"")
    return value


# -- loading ---------------------------------------------------------------------------------

class Organisation:
    """A loaded, checked organisation file."""

    def __init__(self, data: OrganisationFile, source: str, digest: str) -> None:
        self.data = data
        self.source = source
        self.digest = digest
        self.people = {p.id: p for p in data.people}
        self.municipalities = {m.id: m for m in data.municipalities}
        self.bodies = {b.id: b for b in data.bodies}

    def body_of_kind(self, kind: str) -> Body:
        return next(b for b in self.data.bodies if b.kind == kind)

    def urgency_authority(self, body: Body) -> list[str] | None:
        """The case kinds the council's urgency authority covers, as the engine stores them
        (the file's list, else the default reading); None for every other body."""
        return urgency_authority_of(body)


def urgency_authority_of(body: Body) -> list[str] | None:
    """A body's urgency authority as stored: for the council the kinds it covers, in the
    engine's order (the file's list, else the default reading); None otherwise. Call it only
    on a checked file (every kind known)."""
    if body.kind != "council":
        return None
    chosen = urgency_authority_scope(body.urgency_authority)
    return [k.value for k in CaseKind if k in chosen]


def load_organisation(path: str | Path) -> Organisation:
    """Read and check an organisation file; raise ``ConfigError`` listing every problem."""

    path = Path(path)
    shown = str(path)
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(shown, [
            "fila finst ikkje; gje stien til ei organisasjonsfil, t.d. config/hallingdal.toml"
        ]) from None
    except IsADirectoryError:
        raise ConfigError(shown, ["er ei mappe, ikkje ei fil; gje stien til .toml-fila"]) \
            from None
    except PermissionError:
        raise ConfigError(shown, ["manglar løyve til å lese fila; sjekk løyva"]) from None
    except OSError as exc:
        raise ConfigError(shown, [f"fila kan ikkje lesast (feil {exc.errno})"]) from None
    try:
        # utf-8-sig: a byte-order mark (as Notepad saves UTF-8) is read past, not refused.
        raw = tomllib.loads(raw_bytes.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(shown, ["fila er ikkje UTF-8; lagre ho som UTF-8"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(shown, [toml_problem(str(exc))]) from None
    try:
        data = OrganisationFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(shown, [_describe(err, raw) for err in exc.errors()]) from None
    problems = check_references(data)
    if problems:
        raise ConfigError(shown, problems)
    return Organisation(data, str(path.resolve()), hashlib.sha256(raw_bytes).hexdigest())


#: tomllib's own messages (English), in Nynorsk: the pattern, what is wrong, the usual fix.
_TOML_PHRASES: list[tuple[str, str]] = [
    (r"Expected '=' after a key in a key/value pair",
     "ventar «=» etter namnet på feltet; skriv t.d. name = \"Kari Nordmann\""),
    (r"Invalid statement", "linja er verken felt = verdi, [tabell] eller [[liste]]; rett eller "
     "ta vekk linja (ein kommentar byrjar med #)"),
    (r"Invalid value", "verdien er ikkje gyldig TOML; tekst skal stå i hermeteikn, t.d. "
     "\"Gol\", og lister i [ ]"),
    (r"Invalid initial character for a key part",
     "feltnamnet byrjar med eit teikn som ikkje er lov; bruk bokstavar, tal, _ og -"),
    (r"Expected ']' at the end of a table declaration",
     "manglar «]» på slutten av tabellnamnet, t.d. [council]"),
    (r"Expected ']]' at the end of an array declaration",
     "manglar «]]» på slutten, t.d. [[people]]"),
    (r"Expected newline or end of document after a statement",
     "meir tekst etter verdien på same linje; set kvart felt på si eiga linje"),
    (r"Unterminated string", "teksten manglar avsluttande hermeteikn"),
    (r"Illegal character '\\n'", "teksten manglar avsluttande hermeteikn før linjeslutt"),
    (r"Illegal character (.+)", "ulovleg teikn {0} i teksten; ta det vekk"),
    (r"Found invalid character (.+)", "ulovleg teikn {0}; ta det vekk"),
    (r"Unclosed array", "lista manglar avsluttande «]»"),
    (r"Unclosed inline table", "tabellen manglar avsluttande «}»"),
    (r"Cannot overwrite a value", "feltet står to gonger; ta vekk det eine"),
    (r"Cannot declare (.+) twice", "tabellen {0} står to gonger; slå dei saman"),
    (r"Cannot (?:redefine|mutate immutable) namespace (.+)",
     "{0} er alt definert; skriv han berre éin stad"),
    (r"Duplicate inline table key (.+)", "feltet {0} står to gonger; ta vekk det eine"),
    (r"Invalid date or datetime", "ugyldig dato eller tid; skriv t.d. 2026-09-17 eller 10:00:00"),
    (r"Unescaped '\\' in a string", "omvendt skråstrek \\ i tekst må skrivast \\\\"),
    (r"Invalid hex value|Escaped character is not a Unicode scalar value",
     "ugyldig \\u-kode i teksten"),
    (r"Expected (.+)", "ventar {0} her"),
]


def toml_problem(message: str) -> str:
    """A tomllib error as one Nynorsk line with its line and column; tomllib's own words only
    when no phrase fits."""
    where = re.search(r"\(at line (\d+), column (\d+)\)", message)
    place = f"linje {where.group(1)}, kolonne {where.group(2)}" if where else "i fila"
    detail = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", message).strip()
    if "(at end of document)" in message:
        place = "slutten av fila"
    for pattern, wording in _TOML_PHRASES:
        match = re.fullmatch(pattern, detail)
        if match:
            # A key is given as a Python tuple, ('council', 'name'): write it as in the file.
            parts = [re.sub(r"^\(('[^']*',?\s*)+\)$",
                            lambda m: "[" + ".".join(re.findall(r"'([^']*)'", m.group(0))) + "]",
                            part) for part in match.groups()]
            return f"ikkje gyldig TOML på {place}: {wording.format(*parts)}"
    return f"ikkje gyldig TOML på {place} ({detail}); rett skrivefeilen der"


_FIELD_HELP: dict[str, str] = {
    "email": "legg til e-postadressa, t.d. email = \"namn@kommune.example.org\"",
    "name": "legg til namnet, t.d. name = \"Kari Nordmann\"",
    "id": "gje ein kort id med små bokstavar, tal og bindestrek, t.d. id = \"gol-ordforar\"",
    "date": "skriv datoen som 2026-09-17",
    "start": "skriv datoen som 2026-09-17 og klokkeslett som 10:00:00 eller \"10:00\"",
    "agenda_prefix": "bruk 1-6 store bokstavar, t.d. agenda_prefix = \"RR\"",
}


def _describe(err: Any, raw: dict[str, Any]) -> str:
    loc = list(err["loc"])
    field = _path(loc)
    ident = _ident_at(raw, loc)
    where = f"{field}{f' (id «{ident}»)' if ident else ''}"
    kind = err["type"]
    last = str(loc[-1]) if loc else ""
    if kind == "missing":
        fix = _FIELD_HELP.get(last, f"legg til {last} = ...")
        return f"{where}: manglar; {fix}"
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        known = sorted(parent.model_fields) if parent else []
        guess = difflib.get_close_matches(last, known, n=1)
        fix = f"meinte du «{guess[0]}»?" if guess else f"kjende felt er: {', '.join(known)}"
        return f"{where}: ukjend felt; {fix}"
    if kind == "value_error":
        return f"{where}: {err['msg'].removeprefix('Value error, ')}"
    if kind == "string_pattern_mismatch":
        fix = _FIELD_HELP.get(last, f"bruk berre små bokstavar, tal, - og _ i {last}")
        return f"{where}: «{err.get('input')}» har ugyldig form; {fix}"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{where}: «{err.get('input')}» er ikkje lov; bruk {expected}"
    if kind in {"date_from_datetime_parsing", "date_parsing", "date_type", "time_parsing",
                "time_type"}:
        return (f"{where}: «{err.get('input')}» er ikkje ein gyldig dato/tid; "
                + _FIELD_HELP["start"])
    if kind == "greater_than_equal":
        limit = err.get("ctx", {}).get("ge")
        return f"{where}: {err.get('input')} er for lite; det må vere minst {limit}"
    if kind == "less_than_equal":
        limit = err.get("ctx", {}).get("le")
        return f"{where}: {err.get('input')} er for stort; det kan vere høgst {limit}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"{where}: «{err.get('input')}» er ikkje eit heiltal; skriv t.d. 7"
    if kind in {"bool_parsing", "bool_type"}:
        return f"{where}: «{err.get('input')}» er ikkje true eller false"
    if kind in {"string_type", "list_type", "model_type", "dict_type"}:
        want = {"string_type": "ein tekst i hermeteikn", "list_type": "ei liste [...]",
                "model_type": "ein tabell", "dict_type": "ein tabell"}[kind]
        return f"{where}: feil type; skriv {want}"
    if kind == "string_too_long":
        return f"{where}: teksten er for lang; kort han ned"
    if kind == "too_short":
        return f"{where}: lista er tom; legg til minst éin"
    return f"{where}: {err['msg']}; rett verdien"


def _path(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _ident_at(raw: dict[str, Any], loc: list[Any]) -> str | None:
    node: Any = raw
    found = None
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            found = node["id"]
    return found


def _model_at(loc: list[Any]) -> type[BaseModel] | None:
    model: type[BaseModel] = OrganisationFile
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        annotation = field.annotation
        inner = getattr(annotation, "__args__", None)
        candidate = inner[0] if inner else annotation
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            model = candidate
        else:
            return None
    return model


# -- cross references ------------------------------------------------------------------------

def check_references(org: OrganisationFile) -> list[str]:
    """Every rule the shape alone cannot check. Returns one line per problem."""
    problems: list[str] = []
    add = problems.append

    def known(kind: str, value: str, choices: dict[str, Any], where: str, fix_kind: str) -> bool:
        if value in choices:
            return True
        guess = difflib.get_close_matches(value, list(choices), n=1)
        hint = f"meinte du «{guess[0]}»?" if guess else f"legg til {fix_kind} eller rett id-en"
        add(f"{where}: ukjend {kind} «{value}»; {hint}")
        return False

    for name, items in (("people", org.people), ("municipalities", org.municipalities),
                        ("bodies", org.bodies)):
        for ident, count in Counter(item.id for item in items).items():
            if count > 1:
                places = [f"{name}[{i}]" for i, item in enumerate(items) if item.id == ident]
                add(f"{', '.join(places)}: id «{ident}» står {count} gonger; kvar id skal vere "
                    "eineståande, gje den eine ein ny id eller slå dei saman")
    for email, count in Counter(p.email.lower() for p in org.people).items():
        if count > 1:
            places = [f"people[{i}] ({p.id})" for i, p in enumerate(org.people)
                      if p.email.lower() == email]
            add(f"{', '.join(places)}: e-postadressa «{email}» står {count} gonger; same person "
                "skal stå éin gong, og ulike personar treng kvar si adresse")

    people = {p.id: p for p in org.people}
    municipalities = {m.id: m for m in org.municipalities}
    for i, person in enumerate(org.people):
        if person.id in RESERVED_IDS:
            add(f"people[{i}].id: «{person.id}» er reservert for tingflyt sjølv; gje personen "
                "ein annan id")
    bodies = {b.id: b for b in org.bodies}

    for i, person in enumerate(org.people):
        if person.municipality is not None:
            known("kommune", person.municipality, municipalities,
                  f"people[{i}].municipality (id «{person.id}»)",
                  "kommunen under [[municipalities]]")

    for i, mun in enumerate(org.municipalities):
        for field in ("mayor", "deputy_mayor", "chief_executive"):
            pid = getattr(mun, field)
            where = f"municipalities[{i}].{field} (id «{mun.id}»)"
            if known("person", pid, people, where, "personen under [[people]]") \
                    and people[pid].municipality != mun.id:
                add(f"{where}: «{pid}» høyrer til kommune «{people[pid].municipality}», ikkje "
                        f"«{mun.id}»; set municipality = \"{mun.id}\" på personen")
        roles = [mun.mayor, mun.deputy_mayor, mun.chief_executive]
        if len(set(roles)) != 3:
            add(f"municipalities[{i}] (id «{mun.id}»): ordførar, varaordførar og "
                "kommunedirektør må vere tre ulike personar")

    known("person", org.secretariat.director, people, "secretariat.director",
          "dagleg leiar under [[people]]")
    for j, pid in enumerate(org.secretariat.staff):
        known("person", pid, people, f"secretariat.staff[{j}]", "personen under [[people]]")

    kinds = Counter(b.kind for b in org.bodies)
    for kind, label in (("council", "regionrådet"), ("assembly", "representantskapet"),
                        ("admin_committee", "rådmannsutvalet")):
        if kinds[kind] != 1:
            add(f"bodies: det må vere nøyaktig eitt organ med kind = \"{kind}\" ({label}), "
                f"fila har {kinds[kind]}")
    prefixes = Counter(b.agenda_prefix for b in org.bodies if b.agenda_prefix)
    for prefix, count in prefixes.items():
        if count > 1:
            add(f"bodies: agenda_prefix «{prefix}» er brukt {count} gonger; kvart organ treng "
                "sitt eige prefiks for utvalssaksnummer")

    members_of: dict[str, set[str]] = {b.id: set() for b in org.bodies}
    for i, ms in enumerate(org.memberships):
        where = f"memberships[{i}]"
        body_ok = known("organ", ms.body, bodies, f"{where}.body", "organet under [[bodies]]")
        known("kommune", ms.municipality, municipalities, f"{where}.municipality",
              "kommunen under [[municipalities]]")
        seen: set[str] = set()
        for field, ids in (("members", ms.members), ("substitutes", ms.substitutes)):
            for j, pid in enumerate(ids):
                w = f"{where}.{field}[{j}]"
                if not known("person", pid, people, w, "personen under [[people]]"):
                    continue
                if pid in seen:
                    add(f"{w}: «{pid}» står to gonger i same medlemskap; ta vekk den eine")
                seen.add(pid)
                person_mun = people[pid].municipality
                if person_mun is not None and person_mun != ms.municipality:
                    add(f"{w}: «{pid}» høyrer til kommune «{person_mun}», men medlemskapet er for "
                        f"«{ms.municipality}»; flytt personen til rett medlemskap")
                if body_ok and field == "members":
                    if pid in members_of[ms.body]:
                        add(f"{w}: «{pid}» er alt medlem av «{ms.body}»; ta vekk den eine")
                    members_of[ms.body].add(pid)
        if body_ok and bodies[ms.body].kind == "assembly" and len(ms.substitutes) < len(ms.members):
            add(f"{where} ({ms.municipality}): {len(ms.members)} medlemer men "
                f"{len(ms.substitutes)} varamedlemer; kommunelova § 18-3 krev minst like mange "
                "varamedlemer som medlemer")
        if body_ok and bodies[ms.body].kind in ("council", "assembly") and not ms.substitutes:
            add(f"{where} ({ms.municipality}): ingen varamedlemer; legg til substitutes = [...] i "
                "nummerert rekkjefølgje")

    attend_groups = set(bodies) | {"director", "staff"}
    for i, body in enumerate(org.bodies):
        def at(field: str | None = None, i: int = i, ident: str = body.id) -> str:
            path = f"bodies[{i}]" + (f".{field}" if field else "")
            return f"{path} (id «{ident}»)"

        if body.kind in ("council", "assembly") and not body.agenda_prefix:
            add(f"{at('agenda_prefix')}: manglar; " + _FIELD_HELP["agenda_prefix"])
        if body.kind in ("council", "assembly") and not members_of.get(body.id):
            add(f"{at()}: organet har ingen medlemer; legg til [[memberships]] med body = "
                f"\"{body.id}\"")
        for field in ("chair", "deputy_chair"):
            pid = getattr(body, field)
            if pid is None:
                if body.kind in ("council", "assembly"):
                    add(f"{at(field)}: manglar; set {field} = person-id for "
                        f"{'leiaren' if field == 'chair' else 'nestleiaren'} i valperioden")
                continue
            if known("person", pid, people, f"{at(field)}", "personen under [[people]]") \
                    and pid not in members_of.get(body.id, set()):
                add(f"{at(field)}: «{pid}» er ikkje medlem av «{body.id}»; leiar og nestleiar "
                    "må veljast blant medlemene")
        if body.chair and body.chair == body.deputy_chair:
            add(f"{at()}: leiar og nestleiar er same person; vel to ulike")
        if body.prepared_by is not None and known(
                "organ", body.prepared_by, bodies, at("prepared_by"),
                "organet under [[bodies]]") and body.prepared_by == body.id:
            add(f"{at('prepared_by')}: eit organ kan ikkje førebu sine eigne saker for seg "
                "sjølv; ta vekk feltet eller vel eit anna organ")
        for j, group in enumerate(body.attend_and_speak):
            if group not in attend_groups:
                add(f"{at(f'attend_and_speak[{j}]')}: ukjend gruppe «{group}»; bruk eit organ-id, "
                    "\"director\" eller \"staff\"")
        if body.urgency_authority is not None:
            _check_urgency_authority(body, at, add)
        if body.urgent_notice_days is not None and body.urgent_notice_days >= body.notice_days:
            add(f"{at('urgent_notice_days')}: {body.urgent_notice_days} er ikkje kortare enn "
                f"notice_days ({body.notice_days}); hastefjernmøte skal ha kortare varsel")
        if body.default_end <= body.default_start:
            add(f"{at('default_end')}: sluttid må vere etter starttid")

    period = org.election_period
    plan = org.meeting_plan
    if period.end <= period.start:
        add("election_period.end: må vere etter start")
    if plan.end <= plan.start:
        add("meeting_plan.end: må vere etter start")
    if plan.start < period.start or plan.end > period.end:
        add(f"meeting_plan: {plan.start}-{plan.end} går utanfor valperioden "
            f"{period.start}-{period.end}; korte inn møteplanen")
    seen_meetings: set[tuple[str, date]] = set()
    calendar = CouncilCalendar(org.council.timezone, org.council.holiday_country)
    try:
        calendar.holidays_in(plan.start.year)
    except NotImplementedError:  # the holidays package's answer for a country it does not know
        add(f"council.holiday_country: «{org.council.holiday_country}» er ikkje eit land med "
            "kjende heilagdagar; bruk ein landskode etter ISO 3166-1, t.d. \"NO\"")
        return problems
    for i, meeting in enumerate(org.meetings):
        def at(field: str | None = None, i: int = i, m: PlannedMeeting = meeting) -> str:
            path = f"meetings[{i}]" + (f".{field}" if field else "")
            return f"{path} ({m.body} {m.date})"

        if known("organ", meeting.body, bodies, f"meetings[{i}].body", "organet under [[bodies]]"):
            body = bodies[meeting.body]
            if body.kind not in ("council", "assembly"):
                add(f"{at()}: møteplanen gjeld regionrådet og representantskapet; "
                    f"«{meeting.body}» møtest ved behov")
            start = meeting.start or body.default_start
            end = meeting.end or body.default_end
            if end <= start:
                add(f"{at('end')}: sluttid {end:%H:%M} er ikkje etter starttid {start:%H:%M}")
            if body.remote_meetings is False and meeting.remote:
                add(f"{at('remote')}: «{meeting.body}» har ikkje opna for fjernmøte "
                    "(remote_meetings = false); ta vekk remote eller opne for fjernmøte")
            if not (meeting.place or body.default_place or meeting.remote):
                add(f"{at('place')}: manglar; set place = \"...\" eller default_place på organet")
            why = calendar.holiday_name(meeting.date)  # Sundays and public holidays
            if why:
                add(f"{at('date')}: {meeting.date} er {why}; flytt møtet til ein arbeidsdag")
        if not plan.start <= meeting.date <= plan.end:
            add(f"{at('date')}: {meeting.date} er utanfor møteplanen {plan.start}-{plan.end}; "
                "rett datoen eller utvid [meeting_plan]")
        key = (meeting.body, meeting.date)
        if key in seen_meetings:
            add(f"{at()}: to møte i same organ same dag; ta vekk det eine")
        seen_meetings.add(key)
    return problems


def _check_urgency_authority(body: Body, at: Callable[[str], str],
                             add: Callable[[str], None]) -> None:
    """``urgency_authority``: on the council only; known kinds that are decided, each once."""
    field = "urgency_authority"
    if body.kind != "council":
        add(f"{at(field)}: hastefullmakta (kommunelova § 11-8 (1)) er regionrådet si; ta "
            "feltet vekk her, eller set det på organet med kind = \"council\"")
        return
    known = [k.value for k in CaseKind if k in URGENCY_AUTHORITY_KINDS]
    seen: set[str] = set()
    for j, kind in enumerate(body.urgency_authority or []):
        where = at(f"{field}[{j}]")
        if kind in NOT_DECIDED:
            add(f"{where}: «{kind}» vert teke til orientering, ikkje avgjort, og treng inga "
                "hastefullmakt; ta det vekk frå lista")
        elif kind not in known:
            guess = difflib.get_close_matches(kind, known, n=1)
            fix = (f"meinte du «{guess[0]}»?" if guess
                   else f"bruk sakstypar som finst: {', '.join(known)}")
            add(f"{where}: ukjend sakstype «{kind}»; {fix}")
        elif kind in seen:
            add(f"{where}: «{kind}» står to gonger; ta vekk den eine")
        seen.add(kind)
