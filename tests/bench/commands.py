"""Figure 5 of ``make bench``: whole-process wall time of one read and one write CLI command.

A person waits for every ``tingflyt`` command, and most of that wait is the start of the
process: the interpreter, the imports (SQLAlchemy, pydantic, the domain, the CLI) and opening
the database, before the little work a command does. So the commands are timed as a person
runs them, the installed console script as a subprocess, beside a floor that no command can
beat: ``python -c "import sqlalchemy"`` on the same interpreter (every command reads or writes
the database through SQLAlchemy). The floor is measured in the same run, interleaved with the
commands, and the ratios are what is held against the goals (read <= 2x, write <= 3x the
floor); the machine's speed cancels out.

Setup, untimed: a data folder under ``tmp`` (``TINGFLYT_DATA_DIR``; ``TINGFLYT_DATABASE_URL``,
``PREFECT_API_URL``, ``TINGFLYT_AS`` and ``TINGFLYT_ORG_FILE`` removed from the environment,
``TINGFLYT_FLOWS=direct``, so no Prefect; ``PYTHONDONTWRITEBYTECODE`` removed too, so that the
warm-up leaves the project's byte code in ``__pycache__`` as any installed program has it,
instead of every timed run compiling the project again while the floor loads SQLAlchemy's
compiled files), a SQLite database made by
``tingflyt --now 2026-08-03T09:00 init`` and a handful of cases registered by the daily leader.

Measured, each ``runs`` times, interleaved (floor, list, show, register, floor, ...), after one
untimed warm-up of each (file cache):

- read: ``tingflyt case list --json`` (the goal) and ``tingflyt case show 2026/1 --json``
  (recorded beside it);
- write: ``tingflyt --now 2026-08-03T09:00 case register --title "Bench N" --kind ordinary
  --as dagleg-leiar --json``, a new case each run, the case flow run in the process;
- floor: ``python -c "import sqlalchemy"`` with the console script's interpreter.

Every run must exit 0 and print the JSON it promises (the list, case 2026/1, a newly
registered case); the number of cases must grow by exactly the number of timed writes.
Otherwise the figure did the wrong work and is invalid (``CommandBenchError``).

Once per command (untimed, before the warm-up) the command is run with ``-X importtime`` and
the imports with the largest cumulative time are reported, so the next engineer sees what
costs the start-up. Those times are inflated by the profiling; read them relative to each
other. A module imported with ``importlib.import_module`` (the CLI's module of the command run,
the command module the registry loads) is not listed by ``-X importtime``: its time is its
importer's, and what it imports appears at the top level.

This module imports only the standard library and nothing of tingflyt (it talks to the CLI as
a user does), so moving modules inside the project cannot break it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

#: The clock the setup and the writes run at (``--now``): Monday 3 August 2026, 09:00 Oslo.
NOW_ARG = "2026-08-03T09:00"
#: The person who registers cases (the daily leader in config/hallingdal.toml).
REGISTRAR = "dagleg-leiar"
#: Cases registered in the setup, before anything is timed.
SETUP_CASES = 5
#: The case read by ``case show``; the setup registers it first.
SHOWN_CASE = "2026/1"
#: How many imports of each command to report (by cumulative import time).
TOP_IMPORTS = 8

GOAL_READ_OVER_FLOOR = 2.0  # case list --json <= 2x import sqlalchemy
GOAL_WRITE_OVER_FLOOR = 3.0  # case register --json <= 3x import sqlalchemy

#: Environment variables that would point the commands elsewhere (another database, a Prefect
#: server, another acting person or organisation); removed for every run.
UNSET_ENV = ("TINGFLYT_DATABASE_URL", "PREFECT_API_URL", "TINGFLYT_AS", "TINGFLYT_ORG_FILE",
             "PYTHONDONTWRITEBYTECODE")


class CommandBenchError(RuntimeError):
    """A command failed or did the wrong work; figure 5 is not valid."""


def _print(message: str) -> None:
    print(message, flush=True)


def find_tingflyt_script() -> Path:
    """The installed console script, found as figure 3's ``tingflyt_script()`` finds it."""
    candidates = [ROOT / ".venv" / "bin" / "tingflyt", Path(sys.executable).parent / "tingflyt"]
    candidates += [Path(d) / "tingflyt" for d in os.environ.get("PATH", "").split(os.pathsep) if d]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise CommandBenchError("the tingflyt console script is not installed (run `make install`)")


def script_interpreter(script: Path) -> str:
    """The interpreter of the console script's ``#!`` line (the venv's python), so the floor
    runs on the very interpreter the commands run on; ``sys.executable`` if there is none."""
    with script.open("rb") as handle:
        first = handle.readline().decode(errors="replace").strip()
    if first.startswith("#!"):
        parts = first[2:].split()
        if len(parts) == 1 and Path(parts[0]).is_file():
            return parts[0]
    return sys.executable


def command_env(data_dir: Path) -> dict[str, str]:
    """The environment of every run: this data folder, no Prefect, nothing else configured."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET_ENV}
    env["TINGFLYT_DATA_DIR"] = str(data_dir)
    env["TINGFLYT_FLOWS"] = "direct"
    return env


def run_command(command: list[str], env: dict[str, str]) -> tuple[float, str, str]:
    """Run one command to its end; (wall seconds, stdout, stderr). A non-zero exit is an error."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, cwd=ROOT, env=env, check=False)
    seconds = time.perf_counter() - started
    out, err = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
    if done.returncode != 0:
        raise CommandBenchError(f"{' '.join(command)} exited {done.returncode}: "
                                f"{(err or out)[-400:]}")
    return seconds, out, err


def parse_json(command: list[str], out: str) -> Any:
    try:
        return json.loads(out)
    except json.JSONDecodeError as exc:
        raise CommandBenchError(f"{' '.join(command)} did not print JSON ({exc}): "
                                f"{out[:200]!r}") from exc


def count_cases(script: Path, env: dict[str, str]) -> int:
    """How many cases the database holds, asked of the CLI (untimed)."""
    command = [str(script), "case", "list", "--json"]
    _seconds, out, _err = run_command(command, env)
    listed = parse_json(command, out)
    if not isinstance(listed, list):
        raise CommandBenchError(f"case list --json printed {type(listed).__name__}, not a list")
    return len(listed)


def register_command(script: Path, title: str) -> list[str]:
    return [str(script), "--now", NOW_ARG, "case", "register", "--title", title,
            "--kind", "ordinary", "--as", REGISTRAR, "--json"]


def registered_number(command: list[str], out: str) -> str:
    """The number of the case a ``case register --json`` run made."""
    data = parse_json(command, out)
    number = data.get("case", {}).get("number") if isinstance(data, dict) else None
    if not isinstance(number, str):
        raise CommandBenchError(f"{' '.join(command)} printed no case number: {out[:200]!r}")
    return number


def parse_importtime(stderr: str) -> list[dict[str, Any]]:
    """The lines of ``-X importtime``: module, self and cumulative ms, and nesting depth
    (0 = imported by the script itself)."""
    rows: list[tuple[str, int, int, int]] = []
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        fields = line[len("import time:"):].split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue  # the header line
        name_field = fields[2].rstrip()
        indent = len(name_field) - len(name_field.lstrip(" "))
        rows.append((name_field.strip(), int(fields[0]), int(fields[1]), indent))
    if not rows:
        return []
    base = min(indent for *_rest, indent in rows)
    return [{"module": name, "self_ms": self_us / 1000, "cumulative_ms": cum_us / 1000,
             "depth": (indent - base) // 2}
            for name, self_us, cum_us, indent in rows]


def import_profile(label: str, interpreter: str, command: list[str], env: dict[str, str],
                   log: Callable[[str], None]) -> dict[str, Any]:
    """One run of ``command`` (a console script and its arguments) under ``-X importtime``."""
    profiled = [interpreter, "-X", "importtime", *command]
    seconds, out, err = run_command(profiled, env)
    imports = parse_importtime(err)
    if not imports:
        raise CommandBenchError(f"{label}: -X importtime printed no import lines")
    by_cumulative = sorted(imports, key=lambda r: r["cumulative_ms"], reverse=True)
    by_self = sorted(imports, key=lambda r: r["self_ms"], reverse=True)
    top_level_ms = sum(r["cumulative_ms"] for r in imports if r["depth"] == 0)
    packages: dict[str, float] = {}
    for r in imports:
        root = r["module"].split(".", 1)[0]
        packages[root] = packages.get(root, 0.0) + r["self_ms"]
    by_package = sorted(packages.items(), key=lambda kv: kv[1], reverse=True)[:TOP_IMPORTS]
    log(f"[5]   {label}: {len(imports)} modules imported, {top_level_ms:.0f} ms of imports "
        f"(profiled run {seconds * 1000:.0f} ms); top {TOP_IMPORTS} by cumulative time:")
    for r in by_cumulative[:TOP_IMPORTS]:
        log(f"[5]     {r['cumulative_ms']:7.1f} ms  (self {r['self_ms']:5.1f})  "
            f"{'  ' * r['depth']}{r['module']}")
    log("[5]     by package (self time summed): "
        + ", ".join(f"{name} {ms:.0f}" for name, ms in by_package) + " ms")
    return {
        "command": " ".join(profiled),
        "modules_imported": len(imports),
        "import_ms_total": top_level_ms,
        "profiled_run_seconds": seconds,
        "top_cumulative": by_cumulative[:TOP_IMPORTS],
        "top_self": by_self[:TOP_IMPORTS],
        "top_packages_self_ms": dict(by_package),
        "_stdout": out,
    }


def bench_commands(tmp: Path, runs: int,
                   log: Callable[[str], None] = _print) -> dict[str, Any]:
    """Figure 5: median wall time of ``case list``/``case show`` (read) and ``case register``
    (write) as whole processes, against ``python -c "import sqlalchemy"`` (the floor)."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    script = find_tingflyt_script()
    interpreter = script_interpreter(script)
    data_dir = tmp / "commands-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = command_env(data_dir)

    # -- setup, untimed: the database and a handful of cases --------------------------------
    log(f"[5] data folder {data_dir}: tingflyt --now {NOW_ARG} init + {SETUP_CASES} cases "
        f"registered as {REGISTRAR} (TINGFLYT_FLOWS=direct)")
    run_command([str(script), "--now", NOW_ARG, "init", "--json"], env)
    for i in range(1, SETUP_CASES + 1):
        command = register_command(script, f"Oppsett {i}: driftstilskot til regionrådet")
        _s, out, _e = run_command(command, env)
        number = registered_number(command, out)
        if i == 1 and number != SHOWN_CASE:
            raise CommandBenchError(f"setup: the first case is {number}, not {SHOWN_CASE}")
    if (count := count_cases(script, env)) != SETUP_CASES:
        raise CommandBenchError(f"setup: expected {SETUP_CASES} cases, found {count}")

    floor_cmd = [interpreter, "-c", "import sqlalchemy"]
    list_cmd = [str(script), "case", "list", "--json"]
    show_cmd = [str(script), "case", "show", SHOWN_CASE, "--json"]
    titles = (f"Bench {n}" for n in range(1, sys.maxsize))

    def check_list(out: str) -> None:
        listed = parse_json(list_cmd, out)
        if not isinstance(listed, list) or len(listed) < SETUP_CASES:
            raise CommandBenchError(f"case list --json printed {out[:200]!r}")

    def check_show(out: str) -> None:
        shown = parse_json(show_cmd, out)
        if not isinstance(shown, dict) or shown.get("number") != SHOWN_CASE:
            raise CommandBenchError(f"case show {SHOWN_CASE} --json printed {out[:200]!r}")

    written: list[str] = []

    def write_once() -> float:
        command = register_command(script, next(titles))
        seconds, out, _err = run_command(command, env)
        written.append(registered_number(command, out))
        return seconds

    # -- what the start-up costs: one -X importtime run of each command (untimed) ------------
    log(f"[5] imports (-X importtime, one run each on {interpreter})")
    profile_read = import_profile("case list --json", interpreter, list_cmd, env, log)
    check_list(profile_read.pop("_stdout"))
    write_profiled = register_command(script, next(titles))
    profile_write = import_profile("case register --json", interpreter, write_profiled, env, log)
    registered_number(write_profiled, profile_write.pop("_stdout"))
    profile_floor = import_profile("import sqlalchemy", interpreter, ["-c", "import sqlalchemy"],
                                   env, lambda _m: None)
    profile_floor.pop("_stdout")

    # -- warm-up (file cache), then the timed runs, interleaved ------------------------------
    run_command(floor_cmd, env)
    check_list(run_command(list_cmd, env)[1])
    check_show(run_command(show_cmd, env)[1])
    write_once()
    before = count_cases(script, env)
    written.clear()

    log(f"[5] timing {runs} runs each, interleaved: floor {' '.join(floor_cmd)}; read "
        f"{script.name} case list --json (and case show {SHOWN_CASE} --json); write "
        f"{script.name} --now {NOW_ARG} case register ... --json")
    times: dict[str, list[float]] = {"floor": [], "list": [], "show": [], "write": []}
    for r in range(runs):
        times["floor"].append(run_command(floor_cmd, env)[0])
        seconds, out, _err = run_command(list_cmd, env)
        check_list(out)
        times["list"].append(seconds)
        seconds, out, _err = run_command(show_cmd, env)
        check_show(out)
        times["show"].append(seconds)
        times["write"].append(write_once())
        log(f"[5]   #{r + 1}: floor {times['floor'][-1] * 1000:.0f} ms, list "
            f"{times['list'][-1] * 1000:.0f} ms, show {times['show'][-1] * 1000:.0f} ms, "
            f"register {times['write'][-1] * 1000:.0f} ms")

    after = count_cases(script, env)
    if after - before != runs or len(set(written)) != runs:
        raise CommandBenchError(f"{runs} timed writes: cases went from {before} to {after} "
                                f"({len(set(written))} distinct numbers printed)")

    medians = {k: statistics.median(v) for k, v in times.items()}
    floor = medians["floor"]
    read_ratio, show_ratio = medians["list"] / floor, medians["show"] / floor
    write_ratio = medians["write"] / floor
    log(f"[5]   median floor {floor * 1000:.0f} ms; list {medians['list'] * 1000:.0f} ms "
        f"({read_ratio:.2f}x), show {medians['show'] * 1000:.0f} ms ({show_ratio:.2f}x), "
        f"register {medians['write'] * 1000:.0f} ms ({write_ratio:.2f}x); cases {before} -> "
        f"{after}")

    def entry(key: str, command: list[str]) -> dict[str, Any]:
        return {"command": " ".join(command), "median_seconds": medians[key],
                "median_ms": 1000 * medians[key], "seconds": times[key]}

    return {
        "runs": runs,
        "interpreter": interpreter,
        "script": str(script),
        "environment": {"TINGFLYT_DATA_DIR": "<tmp>/commands-data", "TINGFLYT_FLOWS": "direct",
                        "unset": list(UNSET_ENV)},
        "setup_cases": SETUP_CASES,
        "floor": entry("floor", floor_cmd),
        "read": entry("list", list_cmd),
        "read_show": entry("show", show_cmd),
        "write": entry("write", register_command(script, "Bench N")),
        "ratio_read_over_floor": read_ratio,
        "ratio_show_over_floor": show_ratio,
        "ratio_write_over_floor": write_ratio,
        "goal": {"read": f"case list <= {GOAL_READ_OVER_FLOOR:g}x floor",
                 "write": f"case register <= {GOAL_WRITE_OVER_FLOOR:g}x floor"},
        "goal_read_met": read_ratio <= GOAL_READ_OVER_FLOOR,
        "goal_write_met": write_ratio <= GOAL_WRITE_OVER_FLOOR,
        "goal_met": read_ratio <= GOAL_READ_OVER_FLOOR and write_ratio <= GOAL_WRITE_OVER_FLOOR,
        "work_done": {"cases_before_timed_writes": before, "cases_after": after,
                      "timed_writes": runs, "numbers": written},
        "imports": {"read": profile_read, "write": profile_write, "floor": profile_floor},
    }
