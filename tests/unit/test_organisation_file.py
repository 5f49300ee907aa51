"""The organisation file as people save it (issue 8): a byte-order mark is read past, control
characters in names are refused naming the field, and TOML syntax errors are told in Nynorsk
with their line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.organisation import load_organisation, toml_problem
from domain.errors import ConfigError

HALLINGDAL = Path(__file__).resolve().parents[2] / "config" / "hallingdal.toml"
TEXT = HALLINGDAL.read_text(encoding="utf-8")


def written(tmp_path: Path, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / "org.toml"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def refused(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_organisation(path)
    return info.value.problems


def test_a_byte_order_mark_is_read_past(tmp_path):
    org = load_organisation(written(tmp_path, TEXT, bom=True))
    assert org.data.council.id == "hallingdal"


@pytest.mark.parametrize("char,named", [("\\u0000", "NUL"), ("\\u001b", "ESC"),
                                        ("\\u202e", "skriveretning"), ("\\n", "linjeskift")])
def test_a_control_character_in_a_name_is_refused_naming_the_field(tmp_path, char, named):
    old = 'name = "Hallingdal interkommunale politiske råd"'
    assert TEXT.count(old) == 1
    path = written(tmp_path, TEXT.replace(old, f'name = "Hallingdal{char} IPR"'))
    problems = refused(path)
    assert len(problems) == 1
    assert problems[0].startswith("council.name (id «hallingdal»): ")
    assert named in problems[0]


def test_a_control_character_in_a_person_name_names_the_person(tmp_path):
    old = 'name = "Knut Tveiten"'
    assert TEXT.count(old) == 1
    problems = refused(written(tmp_path, TEXT.replace(old, 'name = "Knut\\u0007 Tveiten"')))
    assert len(problems) == 1
    assert "].name (id «flaa-ordforar»): " in problems[0]
    assert "kontrollteikn U+0007" in problems[0]


@pytest.mark.parametrize("text,expected", [
    ("a = 1\nb c\n", "linje 2, kolonne 3: ventar «=»"),
    ("= 3\n", "linje 1, kolonne 1: linja er verken"),
    ("[council\n", "linje 1, kolonne 9: manglar «]»"),
    ("a = 1\na = 2\n", "linje 2, kolonne 6: feltet står to gonger"),
    ("[a]\n[a]\n", "tabellen [a] står to gonger"),
    ('a = "x\n', "teksten manglar avsluttande hermeteikn"),
    ("a = [1,", "slutten av fila"),
])
def test_toml_errors_are_told_in_nynorsk_with_line_and_column(tmp_path, text, expected):
    problems = refused(written(tmp_path, text))
    assert len(problems) == 1
    line = problems[0]
    assert line.startswith("ikkje gyldig TOML på ")
    assert expected in line
    for english in ("Expected", "Invalid", "Cannot", "Illegal", "Unclosed", "at line"):
        assert english not in line


def test_an_unknown_toml_message_keeps_the_original_as_a_last_resort():
    line = toml_problem("Something new (at line 4, column 2)")
    assert line == "ikkje gyldig TOML på linje 4, kolonne 2 (Something new); rett skrivefeilen der"
