"""Start Traguardo in a child process on a free port, for screenshots and the benchmark.

The child gets its own database (a fresh SQLite file or a PostgreSQL URL), migrated and
loaded with the 2019 demo and the demo users, so nothing of the caller's database is
touched.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TRAGUARDO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env["DJANGO_SETTINGS_MODULE"] = "traguardo.project.settings"
    env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def prepare_demo(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    traguardo = [sys.executable, "-m", "traguardo.cli"]
    subprocess.run([*traguardo, "load-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    # demo-users refuses to run with debug off (a published password): this throwaway
    # database is a demo, whatever the server's settings.
    demo_env = {**env, "TRAGUARDO_DEBUG": "1"}
    subprocess.run(
        [*traguardo, "demo-users"], cwd=ROOT, env=demo_env, check=True, capture_output=True
    )


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped with status {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers, even if with an error status
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer at {url} within {seconds} s")


@contextmanager
def running(command: Sequence[str], env: dict[str, str], url: str) -> Iterator[None]:
    """Run the server while the block runs; its output goes to a log file shown on failure."""
    log = tempfile.NamedTemporaryFile("w+", prefix="traguardo-server-", suffix=".log")  # noqa: SIM115
    process = subprocess.Popen(list(command), cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        try:
            wait_until_up(url, process, seconds=180)
        except RuntimeError as exc:
            log.seek(0)
            raise RuntimeError(f"{exc}\n{log.read()[-3000:]}") from None
        yield
    finally:
        log.close()
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
