"""The public agenda (saksliste) of a meeting, as plain text and HTML (Jinja templates).

Rendered from the *public* view of a meeting: an exempt case appears with its neutral title and
legal basis, never with its content (offentleglova, KL § 11-5). Every meeting is announced
publicly, also one expected to be closed (KL § 11-3).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)

from domain.rules.calendar import format_date, format_long_date

SECTION_HEADINGS = {
    "standing": "Faste punkt",
    "cases": "Saker til handsaming",
    "information": "Referatsaker",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja environment of every document and message: autoescape for HTML, strict
    undefined (a missing value is a bug, not an empty line in a notice), Nynorsk date filters
    that take ISO dates and ISO datetimes alike. Compiled templates are kept in Jinja's
    per-user cache folder (``bytecode_cache``)."""
    env = Environment(
        loader=PackageLoader("notifications", "templates"), bytecode_cache=_bytecode_cache(),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"),
                                     default_for_string=False),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.filters["date"] = lambda v: format_date(date.fromisoformat(v[:10])) if v else ""
    env.filters["long_date"] = lambda v: format_long_date(date.fromisoformat(v[:10]))
    env.filters["hm"] = lambda v: datetime.fromisoformat(v).strftime("%H:%M")
    env.filters["ucfirst"] = lambda v: v[:1].upper() + v[1:] if v else v
    return env


def _bytecode_cache() -> BytecodeCache | None:
    """Jinja's cache of compiled templates in a folder of this user's under the system's
    temporary folder (Jinja makes it private, and a template whose text changed is compiled
    again): a process that renders a notice then loads its templates in about 3 ms instead of
    compiling them in about 100 ms. Without a usable folder, templates are compiled as before."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no temporary folder this user may keep files in
        return None


def _context(meeting: dict[str, Any], council: dict[str, Any], internal: bool
             ) -> dict[str, Any]:
    sections: list[dict[str, Any]] = []
    for item in meeting["agenda"]:
        if not sections or sections[-1]["key"] != item["section"]:
            sections.append({"key": item["section"],
                             "heading": SECTION_HEADINGS[item["section"]], "items": []})
        sections[-1]["items"].append(item)
    return {"meeting": meeting, "council": council, "sections": sections,
            "frozen": meeting["status"] != "planned", "internal": internal}


def render_agenda_text(meeting: dict[str, Any], council: dict[str, Any], *,
                       internal: bool = False) -> str:
    """``meeting`` is ``meeting_detail(..., PUBLIC)``; ``council`` is ``org_view()['council']``.
    ``internal``: rendered from the internal view, and marked so (not for publishing)."""
    return environment().get_template("saksliste.txt.j2").render(
        _context(meeting, council, internal))


def render_agenda_html(meeting: dict[str, Any], council: dict[str, Any], *,
                       internal: bool = False) -> str:
    return environment().get_template("saksliste.html.j2").render(
        _context(meeting, council, internal))
