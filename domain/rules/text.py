"""What text people give may contain, the same for every field of every command.

A title, a place or a name is one line: it goes into tables, agenda lines, e-mail subjects and
terminals. A proposal, a decision or a note may run over several lines. Neither may hold
control characters (a NUL, a carriage return, the escape that starts a terminal colour code) or
the invisible marks that turn text direction around (used to make a file name or a line read
differently from what it is: "Trojan Source", CVE-2021-42574). Such text is refused, not
silently cleaned, so that what is stored is what the person saw when she typed it.
"""

from __future__ import annotations

import unicodedata

#: Marks that override or isolate text direction (Unicode bidi controls).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
                          "\u061c")


def text_problem(value: str, *, multiline: bool) -> str | None:
    """Why ``value`` cannot be stored, in Nynorsk, or None if it can."""
    for char in value:
        if char == "\n" and multiline:
            continue
        if char == "\t" and multiline:
            continue
        if char in "\n\r":
            return "linjeskift høyrer ikkje heime her (berre éi linje)"
        if char in BIDI_CONTROLS:
            return f"usynleg teikn for skriveretning (U+{ord(char):04X})"
        if unicodedata.category(char) == "Cc":
            name = {"\x00": "NUL", "\x1b": "ESC (fargekode for terminalar)",
                    "\t": "tabulator"}.get(char, f"U+{ord(char):04X}")
            return f"kontrollteikn {name}"
    return None


def clean_text(value: str, *, multiline: bool) -> str:
    """The text as stored: without blanks at the ends (and Windows line ends made plain), or
    ValueError naming the problem."""
    value = value.replace("\r\n", "\n") if multiline else value
    problem = text_problem(value, multiline=multiline)
    if problem is not None:
        raise ValueError(problem)
    return value.strip()
