"""A Prefect API for the embedded setup: use the configured one, or run a local server.

With ``PREFECT_API_URL`` set, flows talk to that server. Without it, ``prefect_api()`` starts
``prefect server start`` on 127.0.0.1 with its home in the data folder, waits until it answers,
and stops it afterwards. We do not use Prefect's temporary in-process server: it costs 10-20 s
per process and prints SQLite "database is locked" tracebacks (upstream #18934, #19771).

``python -m flows.runtime serve`` keeps such a server running in the foreground (``make serve``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

QUIET_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}


class PrefectUnavailable(RuntimeError):
    """The local Prefect server did not come up; the message says where its log is."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(url: str) -> bool:
    """The Prefect API at ``url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def require_api(url: str) -> None:
    """Refuse early, in one line, when the configured Prefect API does not answer."""
    if not healthy(url.rstrip("/")):
        raise PrefectUnavailable(
            f"Prefect-API-et på {url} svarar ikkje. Start det (`make serve`), rett "
            "PREFECT_API_URL, eller køyr utan Prefect med TINGFLYT_FLOWS=direct.")


def _prefect_executable() -> str:
    candidate = Path(sys.executable).with_name("prefect")
    return str(candidate) if candidate.exists() else "prefect"


@contextlib.contextmanager
def prefect_api(home: Path, *, timeout: float = 180.0, port: int | None = None,
                ui: bool = False) -> Iterator[str]:
    """Yield a Prefect API URL, starting a local server in ``home`` if none is configured: on
    ``port`` (default: a free one), with the UI if ``ui``."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        yield configured
        return
    home = home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}/api"
    quiet = {**QUIET_ENV, "PREFECT_UI_ENABLED": "true" if ui else "false"}
    env = {**os.environ, **quiet, "PREFECT_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    log_path = home / "server.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own venv's prefect
            [_prefect_executable(), "server", "start", "--host", "127.0.0.1", "--port",
             str(port), *(() if ui else ("--no-ui",))],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    saved = {k: os.environ.get(k) for k in ("PREFECT_API_URL", "PREFECT_HOME", *QUIET_ENV)}
    try:
        deadline = time.monotonic() + timeout
        while not healthy(url):
            if process.poll() is not None:
                raise PrefectUnavailable(
                    f"Prefect-tenaren stoppa ved oppstart (kode {process.returncode}); sjå "
                    f"{log_path}.")
            if time.monotonic() > deadline:
                raise PrefectUnavailable(
                    f"Prefect-tenaren svarte ikkje innan {timeout:.0f} s; sjå {log_path}.")
            time.sleep(0.25)
        os.environ.update({**QUIET_ENV, "PREFECT_API_URL": url, "PREFECT_HOME": str(home)})
        yield url
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        stop_process(process)


def stop_process(process: subprocess.Popen[bytes], first: int = signal.SIGTERM,
                 grace: float = 20) -> None:
    """Stop a process started in a session of its own, and its children: ``first`` to its
    group, SIGKILL after ``grace`` seconds if it is still there."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, first)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


#: Where ``make serve`` puts the Prefect UI and API (Prefect's own default port).
SERVE_PORT = 4200


def serve() -> None:
    """``make serve``: a local Prefect server (SQLite in the data folder, the UI on
    127.0.0.1:4200, analytics off) and every deployment served from this process, until
    Ctrl-C. The schedules stay on when it stops (``pause_on_shutdown=False``): the next start
    picks them up, and the runs missed meanwhile find only what is still due."""
    from flows.app import settings

    home = settings().data_dir / "prefect"
    configured = os.environ.get("PREFECT_API_URL")
    if not configured and not _port_free(SERVE_PORT):
        raise SystemExit(f"Port {SERVE_PORT} på 127.0.0.1 er oppteken (køyrer `make serve` "
                         "alt?). Stopp det andre, eller set PREFECT_API_URL til den tenaren.")
    # Ctrl-C stops it even where SIGINT came ignored (started in the background by a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with prefect_api(home, port=None if configured else SERVE_PORT, ui=True) as url:
        from flows.deployments import runner_deployments

        # The runs' own logs (what each did) go to the UI; the server itself stays quiet.
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"

        deployments = runner_deployments()
        for deployment in deployments:  # registered before we say it is ready (serve does
            deployment.apply()          # it again, to the same result)
        print(f"Prefect køyrer på {url.removesuffix('/api')} (UI) og {url} (API).", flush=True)
        print(f"{len(deployments)} deployments: 4 planlagde, saksflyten og eitt skjema per "
              "kommando. Ctrl-C stoppar.", flush=True)
        print(f"Set PREFECT_API_URL={url} for tingflyt-kommandoane.", flush=True)
        from prefect import serve as prefect_serve

        with contextlib.suppress(KeyboardInterrupt):
            prefect_serve(*deployments, pause_on_shutdown=False, print_starting_message=False)
        print("Stoppa.", flush=True)


def _port_free(port: int) -> bool:
    """Nothing listens on 127.0.0.1:``port`` (a socket left in TIME_WAIT does not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        serve()
    else:
        raise SystemExit("bruk: python -m flows.runtime serve")
