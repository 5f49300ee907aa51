"""A refusal names fields and commands; each entry point renders them its own way."""

from __future__ import annotations

from domain.errors import InvalidInput, RuleViolation, render
from flows.cli import common

HINT = "Legg til [field:reason] eller sjå [cmd:case.decide|case=2026/17|outcome=decided]."


def test_plain_rendering_names_fields_as_a_form_does() -> None:
    assert render(HINT) == ("Legg til «reason» eller sjå «case.decide» (case = 2026/17, "
                            "outcome = decided).")


def test_the_cli_renders_fields_as_flags_and_commands_as_command_lines() -> None:
    token = common.running.set("case.withdraw")
    try:
        line = render(HINT, common.field_style, common.command_style)
    finally:
        common.running.reset(token)
    assert line == ("Legg til --reason eller sjå "
                    "`tingflyt case decide 2026/17 --outcome decided`.")


def test_the_cli_knows_the_flags_that_are_not_the_field_name() -> None:
    token = common.running.set("absence.report")
    try:
        assert render("[field:from_time]", common.field_style) == "--from"
        assert render("[field:case]", common.field_style) == "--case"
    finally:
        common.running.reset(token)
    token = common.running.set("case.recommend")
    try:
        assert render("[field:case]", common.field_style) == "SAKSNUMMER"  # an argument
    finally:
        common.running.reset(token)
    assert common.command_style("meeting.attend", [("meeting", "RR-2026-09-24")]) == (
        "`tingflyt attend RR-2026-09-24`")


def test_an_error_carries_its_field_and_no_exit_code() -> None:
    error = InvalidInput("Tittelen manglar.", "Legg til [field:title].", field="title")
    assert error.field == "title" and not hasattr(error, "exit_code")
    assert error.as_dict()["hint"] == "Legg til «title»."
    assert common.exit_code(error) == 2
    assert common.exit_code(RuleViolation("x")) == 1


def test_no_domain_text_names_a_cli_flag_or_command() -> None:
    """Domain texts speak of fields and commands by name, never as one entry point shows
    them (a flag, a `tingflyt ...` command line)."""
    import re

    from tests.architecture.imports import project_modules

    found = []
    for module, path in project_modules().items():
        if not module.startswith("domain"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if '"""' in line or code.strip().startswith(("``", "-")):
                continue
            for literal in re.findall(r'"([^"]*)"', code):
                if re.search(r"(^|\s)--[a-z]", literal) or "`tingflyt " in literal:
                    found.append(f"{module}:{number}: {literal}")
    assert found == []
