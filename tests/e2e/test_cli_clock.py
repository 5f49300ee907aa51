"""`--now` on a real database (made by `init` with the real clock) is refused naming the
option, before anything is written; on a simulation it moves the clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.cli import main


def test_now_is_refused_on_a_real_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TINGFLYT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TINGFLYT_DATABASE_URL", raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert main(["init"]) == 0
    capsys.readouterr()
    code = main(["--now", "2062-09-01T09:00", "sweep"])
    err = capsys.readouterr().err
    assert code != 0 and "--now" in err and "Traceback" not in err and len(err.splitlines()) == 1
    code = main(["--now", "2062-09-01T09:00", "case", "register", "--title", "Sak",
                 "--as", "dagleg-leiar"])
    assert code != 0 and "--now" in capsys.readouterr().err
    assert main(["case", "list", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
