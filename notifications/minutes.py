"""The minutes (møtebok) of a meeting as plain text and HTML, in Nynorsk (KL § 11-4).

Rendered from ``domain.queries.minutes.minutes_view``; the public version is rendered from the
public view, so an exempt case's content never reaches it.
"""

from __future__ import annotations

from typing import Any

from notifications.agenda import SECTION_HEADINGS, environment


def _context(minutes: dict[str, Any], council: dict[str, Any]) -> dict[str, Any]:
    sections: list[dict[str, Any]] = []
    for item in minutes["items"]:
        if not sections or sections[-1]["key"] != item["section"]:
            sections.append({"key": item["section"],
                             "heading": SECTION_HEADINGS[item["section"]], "items": []})
        sections[-1]["items"].append(item)
    return {"m": minutes, "meeting": minutes["meeting"], "council": council,
            "sections": sections}


def render_minutes_text(minutes: dict[str, Any], council: dict[str, Any]) -> str:
    return environment().get_template("moetebok.txt.j2").render(_context(minutes, council))


def render_minutes_html(minutes: dict[str, Any], council: dict[str, Any]) -> str:
    return environment().get_template("moetebok.html.j2").render(_context(minutes, council))
