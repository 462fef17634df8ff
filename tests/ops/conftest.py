"""Ops fixtures: `collectstatic` in production mode, started in the background.

Collecting the static files for production hashes every file and compresses it twice
(gzip and Brotli): a minute or more of CPU. It does not depend on any other test, so it
starts in its own process as soon as the tests are collected and runs on a second core
beside them; `collected_static` waits for it and gives back what `subprocess.run` would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "traguardo.project.settings",
    "TRAGUARDO_DEBUG": "0",
    "TRAGUARDO_SECRET_KEY": "k3y-" + "x9Qe7Lm2Zr8Tb4Wn6Yp1Vc5Hd0Js3Gf" * 2,
    "TRAGUARDO_ALLOWED_HOSTS": "performance.example.it",
}
# The tests whose collection starts collectstatic in the background.
USERS = ("test_production_pages.py",)


def production_env(folder: Path) -> dict[str, str]:
    """The production variables, static files and database in `folder`.

    A clean environment: no TRAGUARDO_* of the developer, and not the async-unsafe switch
    the browser tests set in this process (check --deploy rightly refuses it)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TRAGUARDO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(PRODUCTION)
    env["TRAGUARDO_STATIC_ROOT"] = str(folder / "static")
    env["DATABASE_URL"] = f"sqlite:///{folder}/prod.sqlite3"
    return env


@dataclass
class CollectedStatic:
    folder: Path
    env: dict[str, str]
    returncode: int
    stderr: str


class _Background:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="traguardo-collectstatic-"))
        self.env = production_env(self.folder)
        self.stderr = (self.folder / "collectstatic.err").open("w+")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
        )

    def result(self, timeout: float) -> CollectedStatic:
        returncode = self.process.wait(timeout=timeout)
        self.stderr.seek(0)
        return CollectedStatic(self.folder, self.env, returncode, self.stderr.read())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stderr.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_background: list[_Background] = []


def pytest_collection_finish(session: pytest.Session) -> None:
    if any(
        item.path.name in USERS and item.path.parent == Path(__file__).parent
        for item in session.items
    ):
        _background.append(_Background())


def pytest_sessionfinish(session: pytest.Session) -> None:
    while _background:
        _background.pop().close()


@pytest.fixture
def collected_static() -> CollectedStatic:
    """collectstatic's outcome, waiting for the background process (five minutes at most)."""
    assert _background, "collectstatic was not started at collection"
    return _background[0].result(timeout=300)
