"""Shared fixtures for the entrypoint tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.cli import main

NOW = ["--now", "2026-08-03T09:00"]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run ``tingflyt`` in this process with its own data folder; returns (code, out, err)."""
    monkeypatch.setenv("TINGFLYT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TINGFLYT_DATABASE_URL", raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("TINGFLYT_AS", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main([*NOW, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    code, _, err = run("init")
    assert code == 0, err
    return run


